"""Measure the rankings' queries on a realistic data set, in a scratch PostgreSQL database.

    .venv/bin/python bench/rankings.py            # PostgreSQL on 127.0.0.1:5432, user postgres

Builds 10,000 published articles over 30 days, 72 hours of hourly view counters after each
publication (about 685,000 rows: none past the current hour) and 100,000 comments (the data
set of `bench/dataset.py`, shared with the load benchmark `bench/run.py`), then times "most read"
and "most commented" over 24 hours, 7 and 30 days (median of 7 runs, after one warm-up) and
counts their queries. The scratch database is dropped at the end.
"""

import os
import statistics
import sys
import time
from pathlib import Path

import dataset
import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", dataset.SERVER)
NAME = "newsroom_bench_rankings"
ARTICLES, HOURS, COMMENTS, RUNS = 10_000, 72, 100_000, 7


def measure(name, call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
    return name, statistics.median(timings), len(queries)


def main():
    dataset.scratch_database(NAME, "create", server=SERVER)
    os.environ.update(
        DATABASE_URL=f"{SERVER}/{NAME}", DEBUG="1", DJANGO_SETTINGS_MODULE="newsroom.settings"
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        with psycopg.connect(f"{SERVER}/{NAME}") as connection:
            counters = dataset.build(
                connection, articles=ARTICLES, view_hours=HOURS, comments=COMMENTS
            )["hourly counters"]
        built = time.perf_counter() - started
        from articles import popularity

        rows = [
            measure(f"{kind} over {label}", lambda f=function, d=days: list(f(d)))
            for label, days in popularity.WINDOWS.items()
            for kind, function in (
                ("most read", popularity.most_read),
                ("most commented", popularity.most_commented),
            )
        ]
    finally:
        from django.db import connections

        connections.close_all()
        dataset.scratch_database(NAME, "drop", server=SERVER)
    print(
        f"Data: {ARTICLES:,} articles, {counters:,} hourly counters, {COMMENTS:,} comments "
        f"(built in {built:.0f} s)."
    )
    print(f"{'ranking':<28} {'median ms':>10} {'queries':>8}")
    for name, median, queries in rows:
        print(f"{name:<28} {median:>10.1f} {queries:>8}")


if __name__ == "__main__":
    main()
