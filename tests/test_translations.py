"""French is the site's language: the catalogue is complete, compiled, and typographically right."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# The desk's scripts (static/js/) have a catalogue of their own.
CATALOGUES = [PO, PO.with_name("djangojs.po")]


def entries(po=PO):
    return [e for e in polib.pofile(str(po)) if not e.obsolete]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.stem)
def test_every_string_has_a_french_translation(po):
    untranslated = [e.msgid for e in entries(po) if not e.translated() or "fuzzy" in e.flags]
    assert untranslated == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.stem)
def test_compiled_catalogue_matches_the_source(po):
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(po.with_suffix(".mo")))}
    source = {(e.msgctxt, e.msgid): e.msgstr for e in entries(po) if not e.msgid_plural}
    assert {k: compiled.get(k) for k in source} == source


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.stem)
def test_french_typography_uses_non_breaking_spaces_and_no_a_ecrit_mistake(po):
    for entry in entries(po):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            assert not re.search(r" [:;!?»]", text), text  # a plain space before : ; ! ? »
            assert not re.search(r"« ", text), text
            assert "à écrit" not in text


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed")
def test_no_translatable_string_is_missing_from_the_catalogue(tmp_path):
    shutil.copytree(
        ROOT,
        tmp_path / "copy",
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "media",
            "staticfiles",
            "*.sqlite3",
            "__pycache__",
            ".*_cache",
            "node_modules",
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-location",
            "--ignore=tests",
            "--ignore=bench",
            "-v0",
        ],
        cwd=tmp_path / "copy",
        check=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
    )
    fresh = polib.pofile(str(tmp_path / "copy" / PO.relative_to(ROOT)))
    missing = [e.msgid for e in fresh if not e.obsolete and not e.translated()]
    assert missing == []
