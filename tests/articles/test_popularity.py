"""Views are counted from the beacon: deduped, without bots, exact under load and failures."""

import datetime as dt
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import popularity
from articles.models import Article, HourlyViews
from articles.views import view_beacon
from newsroom.cache import redis_client
from tests.conftest import make_article

ROOT = Path(__file__).resolve().parents[2]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0"
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)
needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set")


def total_views(article=None):
    rows = HourlyViews.objects.filter(article=article) if article else HourlyViews.objects
    return rows.aggregate(total=Sum("views"))["total"] or 0


def beacon(client, article, address="203.0.113.20", agent=BROWSER):
    return client.post(
        f"/vues/{article.pk}/",
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=agent,
        HTTP_SEC_FETCH_SITE="same-origin",  # as browsers say of the page's own beacon
    )


@pytest.fixture
def article(section):
    return make_article(section, headline="Un article lu")


@pytest.mark.django_db
def test_beacon_answers_204_and_is_never_cached(client, article):
    response = beacon(client, article)
    assert response.status_code == 204
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    popularity.flush()
    assert total_views(article) == 1


@pytest.mark.django_db
def test_the_same_visitor_counts_once_per_half_hour(client, article, rf):
    start = timezone.now()
    # Visitors' keys change at midnight UTC (a new salt): the half hour must lie within one day.
    if start.astimezone(dt.UTC).hour == 23 and start.minute >= 25:
        start -= dt.timedelta(minutes=40)  # the article was published an hour ago
    for minute in range(0, 30, 3):  # ten beacons in half an hour
        with time_machine.travel(start + dt.timedelta(minutes=minute)):
            beacon(client, article)
    popularity.flush()
    assert total_views(article) == 1
    request = rf.post("/", REMOTE_ADDR="203.0.113.20", HTTP_USER_AGENT=BROWSER)
    dedupe_key = popularity.visitor_keys(request, article.pk)[0]
    if settings.REDIS_URL:  # Redis expires keys on its own clock, which tests cannot move
        assert 1700 < redis_client().ttl(cache.make_and_validate_key(dedupe_key)) <= 1800
        cache.delete(dedupe_key)  # what Redis does once the half hour is over
        beacon(client, article)
    else:
        with time_machine.travel(start + dt.timedelta(minutes=31)):
            beacon(client, article)
    beacon(client, article, address="203.0.113.21")  # someone else
    popularity.flush()
    assert total_views(article) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "agent",
    [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 HeadlessChrome/140.0",
        "",
    ],
)
def test_bots_count_zero(client, article, agent):
    assert beacon(client, article, agent=agent).status_code == 204
    popularity.flush()
    assert total_views() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "scheduled", "embargoed"])
def test_articles_readers_cannot_see_count_zero(client, section, state):
    fields = {
        "draft": {"status": Article.Status.DRAFT},
        "scheduled": {"published_at": timezone.now() + dt.timedelta(hours=1)},
        "embargoed": {"is_embargoed": True},
    }[state]
    hidden = make_article(section, **fields)
    assert beacon(client, hidden).status_code == 204
    popularity.flush()
    assert total_views() == 0


@pytest.mark.django_db
def test_no_address_or_cookie_identifier_is_stored(client, article):
    beacon(client, article)
    popularity.flush()
    stored = " ".join(str(row) for row in HourlyViews.objects.values_list())
    assert "203.0.113.20" not in stored
    assert not client.cookies


@pytest.mark.django_db
def test_the_visitor_key_changes_every_day(rf, article):
    request = rf.post("/", REMOTE_ADDR="203.0.113.20", HTTP_USER_AGENT=BROWSER)
    today = popularity.visitor_keys(request, article.pk)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        assert not set(popularity.visitor_keys(request, article.pk)) & set(today)


@pytest.mark.django_db
def test_the_article_page_writes_nothing_to_the_database(client, article):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(article.get_absolute_url()).status_code == 200
    statements = [q["sql"].split()[0].upper() for q in captured]
    assert [s for s in statements if s in {"INSERT", "UPDATE", "DELETE"}] == []


@pytest.mark.django_db
def test_the_article_page_is_the_same_bytes_for_two_readers(article):
    first = Client().get(article.get_absolute_url(), REMOTE_ADDR="203.0.113.1")
    second = Client().get(article.get_absolute_url(), REMOTE_ADDR="198.51.100.2")
    assert first.content == second.content
    assert f'data-beacon="/vues/{article.pk}/"' in first.content.decode()


@pytest.mark.django_db
def test_rollup_folds_old_hours_into_days_and_keeps_the_total(article):
    now = timezone.now()
    popularity.add_views(
        {
            (article.pk, popularity.hour_of(now - dt.timedelta(days=40, hours=h))): 2
            for h in range(30)
        }
        | {(article.pk, popularity.hour_of(now)): 5}
    )
    folded = popularity.roll_up(35)
    assert folded == 30
    assert HourlyViews.objects.count() == 1
    daily = article.daily_views.aggregate(total=Sum("views"))["total"]
    assert daily + total_views(article) == 65


# Exactness under load: 16 threads, 4,000 beacons from 4,000 distinct visitors.

BEACONS, THREADS = 4000, 16


def send_beacons(article_ids, first_visitor=0):
    factory = RequestFactory()

    def send(n):
        n += first_visitor
        request = factory.post(
            "/vues/",
            REMOTE_ADDR=f"10.{n // 65536}.{n // 256 % 256}.{n % 256}",
            HTTP_USER_AGENT=BROWSER,
            HTTP_SEC_FETCH_SITE="same-origin",
        )
        try:
            return view_beacon(request, pk=article_ids[n % len(article_ids)]).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(send, range(BEACONS)))


@needs_postgresql
@pytest.mark.parametrize("with_redis", [True, False], ids=["redis", "database"])
def test_4000_concurrent_beacons_count_exactly_4000(
    figures, transactional_db, section, settings, with_redis
):
    if with_redis and not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set")
    if not with_redis:
        settings.REDIS_URL = ""
    articles = [make_article(section, slug=f"a{i}").pk for i in range(8)]
    started = time.monotonic()
    statuses = send_beacons(articles)
    elapsed = time.monotonic() - started
    assert statuses.count(204) == BEACONS
    popularity.flush()
    assert total_views() == BEACONS
    counter = "Redis" if with_redis else "database"
    figures.append(
        f"{BEACONS} beacons from {THREADS} threads ({counter}) in {elapsed:.1f} s: "
        f"{total_views()} counted"
    )


def flush_process(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "flush_views"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@needs_postgresql
@needs_redis
def test_a_flush_killed_half_way_or_run_twice_at_once_loses_and_doubles_nothing(
    transactional_db, section, figures
):
    articles = [make_article(section, slug=f"a{i}").pk for i in range(8)]
    env = os.environ | {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    kills = 0
    for burst in range(2):  # two bursts from new visitors, each flush killed at random
        send_beacons(articles, first_visitor=burst * BEACONS)
        for _attempt in range(3):
            process = flush_process(env)
            time.sleep(random.uniform(0.05, 0.6))
            if process.poll() is None:
                process.kill()
                kills += 1
            process.wait()
    both = [flush_process(env), flush_process(env)]  # two at once, to finish the job
    assert [p.wait(timeout=120) for p in both] == [0, 0]
    popularity.flush()
    assert total_views() == 2 * BEACONS
    figures.append(f"{2 * BEACONS} beacons, {kills} flushes killed, {total_views()} counted")


EXITING_PROCESS = """
import sys
import django
django.setup()
from django.test import RequestFactory
from articles import popularity
for visitor in range(int(sys.argv[2])):
    request = RequestFactory().post(
        "/", REMOTE_ADDR=f"203.0.113.{visitor}", HTTP_USER_AGENT=sys.argv[3],
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    popularity.count_view(request, int(sys.argv[1]))
"""


@needs_postgresql
@needs_redis
def test_a_process_that_exits_sends_the_views_it_had_yet_to_send(transactional_db, section):
    """Beacons answer before Redis counts them (the sender's batches): none is lost at exit."""
    article = make_article(section)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    command = [sys.executable, "-c", EXITING_PROCESS, str(article.pk), "40", BROWSER]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=60)
    popularity.flush()
    assert total_views(article) == 40
