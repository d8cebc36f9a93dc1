"""Twenty comments from one visitor in a minute store at most the limit, on one process or two.

The counter is Redis where REDIS_URL is set (an atomic INCR shared by every process), else the
database (comments.models.Throttle). Each test runs with both where Redis is configured.
"""

import datetime as dt
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext

from comments import antispam, moderation
from comments.models import Comment, Report, Throttle
from tests.conftest import make_article

BASE_DIR = Path(django_settings.BASE_DIR)
POSTS = 20
PERIOD = 600  # comments.views.TEN_MINUTES: the counters' window
# 9:00:05 UTC, five seconds into a ten-minute window (windows start at multiples of 600 s).
INSIDE_A_WINDOW = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)
READER, OTHER_READER = "203.0.113.7", "198.51.100.23"

only_with_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis to count in"
)
COUNTERS = [pytest.param("database"), pytest.param("redis", marks=only_with_redis)]


@pytest.fixture(params=COUNTERS)
def counter(request, settings):
    """Count hits in the database (REDIS_URL empty) or in Redis; return which."""
    if request.param == "database":
        settings.REDIS_URL = ""
    return request.param


def issue_stamp(seconds_ago=10):
    """Return a form stamp as the article page gave it some seconds ago."""
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=seconds_ago), tick=False):
        return antispam.issue_form_stamp()


def comment_fields(n, issued):
    return {
        "display_name": "Jeanne R.",
        "email": "jeanne@example.org",
        "text": f"Mon avis numéro {n} sur les pôles numériques, différent des autres.",
        "website": "",
        "issued": issued,
    }


def post_comment(client, article, n, address=READER):
    data = comment_fields(n, issue_stamp())
    return client.post(f"/articles/{article.pk}/commentaires/", data, REMOTE_ADDR=address)


def asks_to_wait(html):
    """Tell whether a page is the French "please wait" page (its English, until translated)."""
    with translation.override("fr"):
        heading = gettext("Please wait a moment")
    return heading in html


def assert_asked_to_wait(response):
    assert response.status_code == 429
    assert "comments/too_many.html" in [template.name for template in response.templates]
    assert response["Retry-After"] == str(PERIOD)
    assert asks_to_wait(response.content.decode())


def visitor_of(address):
    return antispam.visitor_hash(RequestFactory().get("/", REMOTE_ADDR=address))


def counted_where():
    """Tell which counter took the hits: Throttle rows exist only for the database counter."""
    return "database" if Throttle.objects.exists() else "redis"


# One process.


@pytest.mark.django_db
def test_twenty_comments_in_a_minute_from_one_visitor_store_only_the_rate_limit(
    client, section, settings, counter, figures
):
    """Post 20 distinct valid comments three seconds apart; store the limit, answer 429 after."""
    limit = settings.COMMENTS_RATE_LIMIT
    with time_machine.travel(INSIDE_A_WINDOW, tick=False) as clock:
        article = make_article(section)
        responses = []
        for n in range(POSTS):
            responses.append(post_comment(client, article, n))
            clock.shift(3)
    statuses = [response.status_code for response in responses]
    assert statuses == [302] * limit + [429] * (POSTS - limit)
    for response in responses[limit:]:
        assert_asked_to_wait(response)
    stored = Comment.objects.filter(article=article)
    assert stored.count() == limit
    assert sorted(comment.text for comment in stored) == sorted(
        comment_fields(n, "")["text"] for n in range(limit)
    )
    assert counted_where() == counter
    figures.append(
        f"{counter} counter: {POSTS} posts in 57 s, {stored.count()} stored, "
        f"{statuses.count(429)} answered 429 (limit {limit})"
    )


@pytest.mark.django_db
def test_a_limited_visitor_does_not_hold_back_another_one(client, section, settings, counter):
    """Exhaust one visitor's limit; another visitor's comment is still accepted."""
    limit = settings.COMMENTS_RATE_LIMIT
    with time_machine.travel(INSIDE_A_WINDOW, tick=False) as clock:
        article = make_article(section)
        for n in range(limit + 1):
            response = post_comment(client, article, n)
            clock.shift(1)
        assert response.status_code == 429
        other = post_comment(client, article, 100, address=OTHER_READER)
    assert other.status_code == 302
    assert Comment.objects.filter(article=article).count() == limit + 1
    assert Comment.objects.filter(text__contains="numéro 100").exists()


@pytest.mark.django_db
def test_twenty_reports_in_a_minute_from_one_visitor_record_only_the_report_limit(
    client, section, editor, settings, counter, figures
):
    """Report 20 published comments three seconds apart; record the limit, answer 429 after."""
    limit = settings.REPORTS_RATE_LIMIT
    assert limit < POSTS
    with time_machine.travel(INSIDE_A_WINDOW, tick=False) as clock:
        article = make_article(section)
        comments = []
        for n in range(POSTS):
            comment = Comment.objects.create(
                article=article,
                display_name="Jeanne R.",
                email="jeanne@example.org",
                text=f"Commentaire publié {n}",
                text_hash=f"published-{n}",
            )
            moderation.approve(comment, moderator=editor)
            comments.append(comment)
        statuses = []
        for comment in comments:
            response = client.post(
                f"/commentaires/{comment.pk}/signaler/",
                {"reason": Report.Reason.ABUSE, "explanation": "Propos injurieux."},
                REMOTE_ADDR=READER,
            )
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert_asked_to_wait(response)
            clock.shift(3)
        other = client.post(
            f"/commentaires/{comments[-1].pk}/signaler/",
            {"reason": Report.Reason.SPAM},
            REMOTE_ADDR=OTHER_READER,
        )
    assert statuses == [302] * limit + [429] * (POSTS - limit)
    recorded = Report.objects.filter(reporter_hash=visitor_of(READER))
    assert recorded.count() == limit
    assert other.status_code == 302
    assert Report.objects.filter(reporter_hash=visitor_of(OTHER_READER)).count() == 1
    assert counted_where() == counter
    figures.append(
        f"{counter} counter: {POSTS} reports in 57 s, {recorded.count()} recorded, "
        f"{statuses.count(429)} answered 429 (limit {limit})"
    )


@pytest.mark.django_db
def test_twenty_comments_in_a_minute_across_a_window_edge_store_only_the_rate_limit(
    client, section, settings, counter, figures
):
    """Post 20 comments three seconds apart from 30 s before a window's end; store the limit."""
    limit = settings.COMMENTS_RATE_LIMIT
    with time_machine.travel(INSIDE_A_WINDOW + dt.timedelta(seconds=565), tick=False) as clock:
        article = make_article(section)
        for n in range(POSTS):
            post_comment(client, article, n)
            clock.shift(3)
    stored = Comment.objects.filter(article=article).count()
    figures.append(f"{counter} counter, across a window edge: {POSTS} posts, {stored} stored")
    # The first window stores the limit; its twelve attempts, still weighing on the next
    # window's first seconds, refuse the rest: exactly the limit, not twice.
    assert stored == limit


# Two processes sharing PostgreSQL (and Redis): real gunicorn servers, posts from 127.0.0.1.

SERVER_SETTINGS = '''\
"""The project's settings, serving static files without a collectstatic manifest."""
from newsroom.settings import *  # noqa: F403

STORAGES = STORAGES | {  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}
'''


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(counter, tmp_path):
    """Return an environment for app processes using the test database, key and cache."""
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    (tmp_path / "two_processes_settings.py").write_text(SERVER_SETTINGS)
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "two_processes_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(BASE_DIR)]),
        "DATABASE_URL": (
            f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "DEBUG": "0",
        "SECRET_KEY": django_settings.SECRET_KEY,  # visitor hashes and form stamps agree
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CLIENT_IP_HEADER": "REMOTE_ADDR",
        "COMMENTS_MIN_FORM_SECONDS": "0",
        "COMMENTS_RATE_LIMIT": str(django_settings.COMMENTS_RATE_LIMIT),
        "REDIS_URL": os.environ["REDIS_URL"] if counter == "redis" else "",
        "CACHE_KEY_PREFIX": django_settings.CACHES["default"].get("KEY_PREFIX", ""),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
    }


class AppServer:
    """A gunicorn process serving the project on a free local port."""

    def __init__(self, environment, log_path):
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "newsroom.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=1",
                "--threads=4",
                "--graceful-timeout=5",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_live(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server died:\n{self.output()}"
            try:
                if self.request("GET", "/livez")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"the server on port {self.port} never answered /livez:\n{self.output()}")

    def request(self, method, path, body=None, headers=None):
        """Send one request; return its status, headers and text, redirects not followed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body, headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            conn.close()

    def output(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def app_servers(counter, tmp_path):
    """Start two app processes on the test database; stop them whatever happens."""
    environment = server_environment(counter, tmp_path)
    servers = []
    try:
        for n in range(2):
            servers.append(AppServer(environment, tmp_path / f"server-{n}.log"))
        for server in servers:
            server.wait_until_live()
        yield servers
    finally:
        for server in servers:
            server.stop()


class Browser:
    """One reader's browser on one server, doing what static/js/forms.js does on a cached page.

    It loads the article, then fetches the form's CSRF token and stamp from the address the form
    names, keeping the CSRF cookie that comes with them.
    """

    def __init__(self, server, article):
        self.server = server
        self.path = article.get_absolute_url()
        status, _headers, html = server.request("GET", self.path)
        assert status == 200, html[-2000:]
        form = re.search(r'<form class="comment-form[^>]*>', html).group()
        self.action = re.search(r'action="([^"#]+)', form).group(1)
        status, headers, tokens = server.request(
            "GET", re.search(r'data-tokens="([^"]+)"', form).group(1)
        )
        assert status == 200, tokens[-2000:]
        self.fields = json.loads(tokens)
        cookies = SimpleCookie()
        for header in headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        # The cookie is marked Secure (DEBUG off); this browser sends it over plain HTTP anyway.
        self.cookie = f"csrftoken={cookies['csrftoken'].value}"

    def post_comment(self, n):
        body = urlencode(comment_fields(n, self.fields["issued"]) | self.fields)
        status, headers, html = self.server.request(
            "POST",
            self.action,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": self.cookie,
                "Origin": self.server.origin,
                "Referer": self.server.origin + self.path,
            },
        )
        assert status in {302, 429}, f"{status}: {html[-2000:]}"
        if status == 429:
            assert asks_to_wait(html)
            assert headers["Retry-After"] == str(PERIOD)
        return status


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two processes share PostgreSQL, not SQLite"
)
@pytest.mark.parametrize("at_once", [False, True], ids=["one after another", "all at once"])
def test_twenty_comments_over_two_app_processes_store_only_the_rate_limit(
    transactional_db, section, app_servers, counter, at_once, figures
):
    """Post 20 comments from 127.0.0.1 to two gunicorn processes; the shared counter holds."""
    limit = django_settings.COMMENTS_RATE_LIMIT
    article = make_article(section)
    browsers = [Browser(server, article) for server in app_servers]
    visitor = visitor_of("127.0.0.1")
    window = int(time.time() // PERIOD * PERIOD)
    started = time.monotonic()
    if at_once:
        start_together = threading.Barrier(POSTS)

        def post(n):
            start_together.wait(timeout=30)
            return browsers[n % 2].post_comment(n)

        with ThreadPoolExecutor(max_workers=POSTS) as pool:
            statuses = list(pool.map(post, range(POSTS)))
    else:
        statuses = [browsers[n % 2].post_comment(n) for n in range(POSTS)]
    elapsed = time.monotonic() - started
    stored = Comment.objects.filter(article=article)
    assert stored.count() == limit
    assert statuses.count(302) == limit
    assert statuses.count(429) == POSTS - limit
    assert set(stored.values_list("visitor_hash", flat=True)) == {visitor}
    prefix = f"throttle:comment:{visitor}:"
    if counter == "database":  # one window, or two if the posts crossed a window's edge
        hits = sum(Throttle.objects.filter(key__startswith=prefix).values_list("hits", flat=True))
    else:
        assert not Throttle.objects.exists()
        hits = sum(cache.get(f"{prefix}{w}", 0) for w in (window, window + PERIOD))
    assert hits == POSTS  # every post counted once, none lost to a race
    per_server = [statuses[n::2].count(302) for n in range(2)]
    figures.append(
        f"{counter} counter, {'all at once' if at_once else 'one after another'}: {POSTS} posts "
        f"to 2 processes in {elapsed:.2f} s, {stored.count()} stored (per process {per_server}), "
        f"{statuses.count(429)} answered 429, counter at {hits} (limit {limit})"
    )
