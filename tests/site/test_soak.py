"""The soak, shortened: two instances of the site under a mixed load lose nothing (bench/soak.py).

It runs the script itself for 8 seconds, in a scratch database beside the tests' own and under a
Redis key prefix of its own; about 20 seconds in all.
"""

import os
import re
import signal
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [
    pytest.mark.soak,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the soak runs two gunicorn instances on a scratch PostgreSQL database",
    ),
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="the soak's two instances share Redis: set REDIS_URL"
    ),
]


def postgres_server():
    """Return the URL of the tests' PostgreSQL server, without a database."""
    database = connection.settings_dict
    user = urllib.parse.quote(database["USER"] or "postgres")
    if database["PASSWORD"]:
        user += ":" + urllib.parse.quote(database["PASSWORD"])
    return f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"


def running_in(groups):
    """Return the live processes (zombies aside) of these process groups, read from /proc."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue  # gone meanwhile
        if state != "Z" and int(group) in groups:
            running.append(stat.parent.name)
    return running


def test_two_instances_under_mixed_load_answer_no_5xx_and_lose_nothing(tmp_path, figures):
    command = [
        sys.executable, "bench/soak.py", "--seconds", "8", "--flush-every", "3",
        "--database", f"{connection.settings_dict['NAME']}_soaktest",
        "--redis-url", settings.REDIS_URL,
        "--key-prefix", f"{settings.CACHES['default']['KEY_PREFIX']}-soak",
        "--results", str(tmp_path / "soak.md"),
    ]  # fmt: skip
    soak = subprocess.Popen(
        command,
        cwd=ROOT,
        env=os.environ | {"BENCH_POSTGRES": postgres_server()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = soak.communicate(timeout=120)[0]
    except subprocess.TimeoutExpired:
        soak.send_signal(signal.SIGTERM)  # the script stops what it started, then exits
        output = soak.communicate(timeout=60)[0]
        pytest.fail(f"The soak took more than 2 minutes:\n{output}")

    table = output[output.find("| check |") :].split("\n\n")[0]
    figures.extend(table.splitlines()[2:])
    assert soak.returncode == 0, output
    assert "SOAK PASSED" in output
    found = dict(re.findall(r"^\| ([^|]+?) \| ([\d,]+) \|", table, re.MULTILINE))
    for name in (
        "responses with a 5xx status",
        "requests without an answer",
        "comments lost (accepted, not stored)",
        "comments duplicated (stored twice or more)",
        "views lost (to count − added)",
        "views added too many",
        "reports lost (accepted, not stored)",
        "reports duplicated",
        "hidden comments still on their article's page (either instance, page cache on)",
        "processes left running after the clean-up (gunicorn workers included)",
    ):
        assert found[name] == "0", (name, output)
    for name in (
        "comments accepted (redirect + thank-you)",
        "views to count (a visitor and article once)",
        "reports accepted (redirect + thank-you)",
    ):
        assert int(found[name].replace(",", "")) > 0, (name, output)
    servers = [int(pid) for pid in re.findall(r"gunicorn pid (\d+)", output)]
    assert len(servers) == 2
    assert running_in(servers) == []  # gunicorn's masters and workers: each a group of its own
