"""`make backup` dumps PostgreSQL; `make restore-check` restores the dump and proves it works."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import make_article

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are PostgreSQL dumps")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_backup_then_restore_check(transactional_db, section, tmp_path, figures):
    make_article(section, headline="Sauvegardé")
    url = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(tmp_path)}
    backup = subprocess.run(
        ["make", "-s", "backup", f"DATABASE_URL={url}", f"BACKUP_DIR={tmp_path}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert backup.returncode == 0, backup.stderr
    dump = next(tmp_path.glob("*.dump"))
    check = subprocess.run(
        ["make", "-s", "restore-check", f"DATABASE_URL={url}", f"BACKUP_DIR={tmp_path}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Smoke check passed: 1 articles (1 published), 2 pages rendered." in check.stdout
    figures.append(f"backup {dump.stat().st_size} bytes; {check.stdout.strip().splitlines()[-1]}")
