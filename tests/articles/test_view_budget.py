"""Views a script cannot buy: beacons from the site's pages only, a budget and a cap per address."""

import datetime as dt
import itertools
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles import popularity
from tests.articles.test_popularity import BROWSER, total_views
from tests.conftest import make_article

ATTACKER = "198.51.100.66"


def beacon(client, article, *, address="203.0.113.20", agent=BROWSER, **headers):
    headers = headers or {"HTTP_SEC_FETCH_SITE": "same-origin"}
    return client.post(
        f"/vues/{article.pk}/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **headers
    )


def counted(article=None):
    popularity.flush()
    return total_views(article)


@pytest.fixture
def article(section):
    return make_article(section, headline="Un article lu")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_NOTHING": "1"},  # a script: neither header
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
    ],
)
def test_a_beacon_from_another_site_or_a_script_counts_nothing(client, article, headers):
    assert beacon(client, article, **headers).status_code == 204
    assert counted() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_ORIGIN": "http://testserver"}],
    ids=["sec-fetch-site", "origin"],
)
def test_a_beacon_from_the_sites_own_page_counts(client, article, headers):
    assert beacon(client, article, **headers).status_code == 204
    assert counted() == 1


@pytest.mark.django_db
def test_one_address_naming_a_new_browser_each_time_adds_at_most_its_cap_to_an_article(
    client, article, settings
):
    settings.VIEWS_PER_ADDRESS_PER_MINUTE = 1000
    settings.VIEWS_PER_ADDRESS_PER_ARTICLE_PER_DAY = 5
    for n in range(50):
        beacon(client, article, address=ATTACKER, agent=f"{BROWSER}.{n}")
    assert counted(article) == 5
    beacon(client, article, address="203.0.113.9")  # another reader still counts
    assert counted(article) == 6


@pytest.mark.django_db
def test_one_address_adds_at_most_its_budget_a_minute_across_articles(client, section, settings):
    settings.VIEWS_PER_ADDRESS_PER_MINUTE = 5
    articles = [make_article(section, slug=f"a{i}") for i in range(20)]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for article in articles:
            beacon(client, article, address=ATTACKER)
    assert counted() == 5
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        for article in articles[10:]:
            beacon(client, article, address=ATTACKER)
    assert counted() == 10


# The attack the review found (11,596 views of 11,596 beacons in 20 s from one address), run for
# real for 20 seconds, while 16 honest readers, each from an address of their own, read too.

ATTACK_SECONDS, ATTACK_THREADS, HONEST_READERS, READS_EACH = 20, 4, 16, 3


def test_a_twenty_second_attack_from_one_address_buys_at_most_the_budget(
    transactional_db, section, settings, figures
):
    targets = [make_article(section, slug=f"cible-{i}") for i in range(10)]
    honest_reads = [make_article(section, slug=f"lu-{i}") for i in range(READS_EACH)]
    sent = itertools.count()
    stop = threading.Event()

    def attack(thread):
        client, n = Client(), 0
        try:
            while not stop.is_set():
                n = next(sent)
                # Half on one article, half spread out; a new browser name every time.
                target = targets[0] if n % 2 else targets[n % len(targets)]
                beacon(client, target, address=ATTACKER, agent=f"{BROWSER} ({thread}.{n})")
        finally:
            connection.close()

    def read(reader):
        client = Client()
        try:
            for article in honest_reads:
                beacon(client, article, address=f"203.0.113.{100 + reader}")
        finally:
            connection.close()

    attackers = [threading.Thread(target=attack, args=(t,)) for t in range(ATTACK_THREADS)]
    readers = [threading.Thread(target=read, args=(r,)) for r in range(HONEST_READERS)]
    started = time.monotonic()
    for thread in attackers:
        thread.start()
    time.sleep(1)
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join()
    time.sleep(max(0.0, ATTACK_SECONDS - (time.monotonic() - started)))
    stop.set()
    for thread in attackers:
        thread.join()
    elapsed = time.monotonic() - started
    popularity.flush()
    bought = sum(total_views(article) for article in targets)
    honest = sum(total_views(article) for article in honest_reads)
    budget = settings.VIEWS_PER_ADDRESS_PER_MINUTE
    figures.append(
        f"attack from one address for {elapsed:.0f} s: {next(sent):,} beacons with "
        f"a new browser name each, {bought} counted (budget {budget} a minute, cap "
        f"{settings.VIEWS_PER_ADDRESS_PER_ARTICLE_PER_DAY} per article a day); "
        f"{HONEST_READERS} honest readers in parallel: {honest} of "
        f"{HONEST_READERS * READS_EACH} views counted"
    )
    assert bought <= budget
    assert total_views(targets[0]) <= settings.VIEWS_PER_ADDRESS_PER_ARTICLE_PER_DAY
    assert honest == HONEST_READERS * READS_EACH
