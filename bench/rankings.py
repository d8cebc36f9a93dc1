"""Measure the rankings' queries on a realistic data set, in a scratch PostgreSQL database.

    .venv/bin/python bench/rankings.py            # PostgreSQL on 127.0.0.1:5432, user postgres

Builds 10,000 published articles over 30 days, 72 hours of hourly view counters after each
publication (720,000 rows) and 100,000 comments, then times "most read" and "most commented"
over 24 hours, 7 and 30 days (median of 7 runs, after one warm-up) and counts their queries.
The scratch database is dropped at the end.
"""

import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
NAME = "newsroom_bench_rankings"
ARTICLES, HOURS, COMMENTS, RUNS = 10_000, 72, 100_000, 7


def scratch_database(action):
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME}")
        if action == "create":
            admin.execute(f"CREATE DATABASE {NAME}")


def build(cursor):
    cursor.execute(
        "INSERT INTO articles_section (name, slug, description, position) "
        "SELECT 'Rubrique ' || s, 'rubrique-' || s, '', s FROM generate_series(1, 5) s"
    )
    cursor.execute(
        """
        INSERT INTO articles_article (kicker, headline, slug, lede, lead_image,
            lead_image_renditions, lead_image_caption, lead_image_credit, lead_image_alt, body,
            section_id, status, published_at, is_embargoed, is_open_for_comments,
            is_excluded_from_rankings, review_note, edit_token, created_at, updated_at)
        SELECT '', 'Article ' || i, 'article-' || i, 'Chapô.', '', '[]', '', '', '', '<p>…</p>',
            (SELECT min(id) FROM articles_section) + i %% 5, 'published',
            now() - (i * interval '30 days' / %s), false, true, false, '',
            gen_random_uuid(), now(), now()
        FROM generate_series(1, %s) i
        """,
        [ARTICLES, ARTICLES],
    )
    cursor.execute(
        """
        INSERT INTO articles_hourlyviews (article_id, hour, views)
        SELECT a.id, date_trunc('hour', a.published_at) + h * interval '1 hour',
            1 + (random() * 200 / (1 + h / 6))::int
        FROM articles_article a, generate_series(0, %s - 1) h
        WHERE date_trunc('hour', a.published_at) + h * interval '1 hour' <= now()
        """,
        [HOURS],
    )
    cursor.execute(
        """
        INSERT INTO comments_comment (article_id, display_name, email, text, status, flags,
            submitted_at, refusal_reason, visitor_hash, user_agent, text_hash)
        SELECT a.id, 'Lecteur', 'l@example.org', 'Avis ' || c,
            CASE WHEN c %% 10 = 0 THEN 'pending' ELSE 'approved' END, '[]',
            a.published_at + (c %% 48) * interval '1 hour', '', '', '', md5(c::text)
        FROM generate_series(1, %s) c
        JOIN articles_article a ON a.slug = 'article-' || (1 + (c * 7919) %% %s)
        """,
        [COMMENTS, ARTICLES],
    )
    cursor.execute("ANALYZE")


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
    scratch_database("create")
    os.environ.update(
        DATABASE_URL=f"{SERVER}/{NAME}", DEBUG="1", DJANGO_SETTINGS_MODULE="newsroom.settings"
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            build(cursor)
            cursor.execute("SELECT count(*) FROM articles_hourlyviews")
            counters = cursor.fetchone()[0]
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
        scratch_database("drop")
    print(
        f"Data: {ARTICLES:,} articles, {counters:,} hourly counters, {COMMENTS:,} comments "
        f"(built in {built:.0f} s)."
    )
    print(f"{'ranking':<28} {'median ms':>10} {'queries':>8}")
    for name, median, queries in rows:
        print(f"{name:<28} {median:>10.1f} {queries:>8}")


if __name__ == "__main__":
    main()
