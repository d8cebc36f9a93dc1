"""Services failing while the site serves.

Redis unreachable: pages render, counts and limits fall back to the database. PostgreSQL restarted
(for real, under a gunicorn process): the next requests succeed, without restarting the app. The
disk refusing a lead photo (for real: a full filesystem, a file size limit): the desk says so and
saves the article without the new photo.
"""

import contextlib
import errno
import io
import logging
import os
import random
import resource
import shutil
import signal
import subprocess
import time
import traceback
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, connections
from django.test import override_settings
from django.utils import translation
from PIL import Image

from articles import popularity
from articles.images import refusal_message, without_metadata
from articles.models import Article, HourlyViews
from comments.models import Comment, Throttle
from tests.articles.conftest import ADD_URL, article_form, change_url, jpeg
from tests.comments.conftest import post_comment
from tests.comments.test_rate_limit import (
    AppServer,
    Browser,
    comment_fields,
    server_environment,
)
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
CLOSED = {
    "default": {
        "BACKEND": "newsroom.cache.RedisCache",  # the site's: it answers a miss when down
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "KEY_PREFIX": "faults",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0"


@pytest.fixture
def redis_down(settings):
    with override_settings(
        CACHES=CLOSED, REDIS_URL="redis://127.0.0.1:1/0", PAGE_CACHE_SECONDS=300
    ):
        yield


def test_pages_render_when_redis_is_down(client, article, redis_down, figures):
    pages = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        "/classements/",
        "/recherche/?q=pôles",
        "/flux/rss/",
    ]
    statuses = [client.get(url).status_code for url in pages]
    assert statuses == [200] * len(pages)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["failing"] == ["cache"]
    figures.append(f"Redis down: {len(pages)} pages served, statuses {statuses}")


def test_views_fall_back_to_the_database_when_redis_is_down(client, article, redis_down):
    response = client.post(
        f"/vues/{article.pk}/", HTTP_USER_AGENT=BROWSER, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 204
    popularity.sender.send()  # the beacon did not wait: Redis refused the view meanwhile
    assert HourlyViews.objects.get(article=article).views == 1
    client.post(
        f"/vues/{article.pk}/", HTTP_USER_AGENT=BROWSER + " 2", HTTP_SEC_FETCH_SITE="same-origin"
    )  # while Redis fails, views go to the database at once
    assert HourlyViews.objects.get(article=article).views == 2


def test_rate_limits_fall_back_to_the_database_when_redis_is_down(
    client, article, redis_down, settings
):
    for n in range(6):
        post_comment(client, article, text=f"Avis numéro {n}, sans Redis.")
    assert Comment.objects.count() == settings.COMMENTS_RATE_LIMIT
    assert Throttle.objects.get().hits == 6


# PostgreSQL restarted under a running site: a real gunicorn process, a real restart of the cluster.

RESTARTS = 2


def local_cluster():
    """Return the version and name of the local cluster serving the test database, or skip."""
    database = connection.settings_dict
    if database["HOST"] not in ("", "127.0.0.1", "localhost"):
        pytest.skip("the test database is not on this machine: no cluster to restart")
    if not shutil.which("pg_ctlcluster") or os.geteuid() != 0:
        pytest.skip("restarting PostgreSQL needs root and pg_ctlcluster (Debian's postgresql)")
    port = str(database["PORT"] or 5432)
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for version, name, cluster_port, *_rest in (line.split() for line in listing.splitlines()):
        if cluster_port == port:
            return version, name
    pytest.skip(f"no local PostgreSQL cluster listens on port {port}")


def wait_for_postgresql(timeout=60):
    """Reconnect this process to the test database, waiting until PostgreSQL accepts it."""
    started = time.monotonic()
    while True:
        connections.close_all()  # this process's own connections died with the server
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return
        except OperationalError:
            if time.monotonic() - started > timeout:
                raise
            time.sleep(0.2)


@pytest.fixture
def restart_postgresql():
    """Return a function restarting PostgreSQL; leave it up and reconnected whatever happens."""
    version, name = local_cluster()

    def pg_ctlcluster(action, check=True):
        return subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action],
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
        )

    def restart():
        """Restart the cluster (fast shutdown: every session is cut); return the seconds away."""
        started = time.monotonic()
        pg_ctlcluster("restart")
        wait_for_postgresql()
        return time.monotonic() - started

    try:
        yield restart
    finally:
        if pg_ctlcluster("status", check=False).returncode != 0:
            pg_ctlcluster("start")  # never leave the machine's database down
        wait_for_postgresql()


def post_form(server, browser, fields):
    """Post the comment form as the reader's browser does; return the status."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": browser.cookie,
        "Origin": server.origin,
        "Referer": server.origin + browser.path,
    }
    return server.request("POST", browser.action, urlencode(fields), headers)[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="restarts PostgreSQL; SQLite has no server"
)
def test_the_site_recovers_by_itself_when_postgresql_restarts(
    transactional_db, section, tmp_path, restart_postgresql, figures
):
    """Serve pages and writes under gunicorn, restart PostgreSQL, serve them again at once."""
    article = make_article(section)
    # REDIS_URL empty: every page, view and comment reads or writes PostgreSQL itself.
    environment = server_environment("database", tmp_path) | {
        "PAGE_CACHE_SECONDS": "0",
        "COMMENTS_RATE_LIMIT": "1000",
    }
    server = AppServer(environment, tmp_path / "server.log")
    reads = ["/", article.get_absolute_url(), section.get_absolute_url(), "/healthz"]
    rounds = {}  # "before", "restart 1", …: the statuses of the round's requests, in order

    def serve(round_name, browser):
        statuses = [server.request("GET", page)[0] for page in reads]
        comment = comment_fields(len(rounds), browser.fields["issued"]) | browser.fields
        statuses.append(post_form(server, browser, comment))
        user_agent = f"Mozilla/5.0 (X11; Linux x86_64) Firefox/{140 + len(rounds)}.0"
        beacon = server.request(
            "POST",
            f"/vues/{article.pk}/",
            headers={"User-Agent": user_agent, "Sec-Fetch-Site": "same-origin"},
        )
        rounds[round_name] = [*statuses, beacon[0]]

    try:
        server.wait_until_live()
        browser = Browser(server, article)
        serve("before", browser)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            kept_open = cursor.fetchone()[0]
        # The app keeps its connections between requests (CONN_MAX_AGE): the restart cuts them.
        assert kept_open >= 1
        away = []
        for restart in range(1, RESTARTS + 1):
            away.append(restart_postgresql())
            serve(f"restart {restart}", browser)
    finally:
        server.stop()
    sent = sum(len(statuses) for statuses in rounds.values())
    failed = sum(status >= 500 for statuses in rounds.values() for status in statuses)
    assert failed == 0, f"{rounds}\n{server.log_path.read_text(errors='replace')[-3000:]}"
    assert all(statuses == [200, 200, 200, 200, 302, 204] for statuses in rounds.values()), rounds
    assert Comment.objects.filter(article=article).count() == len(rounds)
    assert HourlyViews.objects.get(article=article).views == len(rounds)
    figures.append(
        f"PostgreSQL restarted {RESTARTS} times under gunicorn ({kept_open} app connections "
        f"open, away {' and '.join(f'{seconds:.1f}' for seconds in away)} s): {sent} requests "
        f"sent, {failed} answered 5xx; {len(rounds)} comments and {len(rounds)} views stored"
    )


# The disk refusing a lead photo: the operating system refuses the write, nothing is mocked.


def noisy_photo(width=1000, height=600):
    """Return a JPEG of noise, which does not compress: 590 KB, widths of 63 and 230 KB."""
    pixels = random.Random(width * height).randbytes(width * height * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, "JPEG", quality=92)
    return SimpleUploadedFile("nouvelle.jpg", buffer.getvalue(), "image/jpeg")


class FullDisk:
    """A small tmpfs mounted on MEDIA_ROOT, filled up while a photo is posted: ENOSPC."""

    errno = errno.ENOSPC

    def __init__(self, media_root, room=0):
        self.media_root = media_root
        self.room = room  # bytes left free once full (0: not even room for the photo)
        media_root.mkdir(parents=True, exist_ok=True)
        mount = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(media_root)],
            capture_output=True,
            text=True,
        )
        if mount.returncode:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {mount.stderr.strip()}")

    @contextlib.contextmanager
    def refusing(self):
        filler = self.media_root / "filler"
        descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            with contextlib.suppress(OSError):
                while os.write(descriptor, bytes(65536)):
                    pass
            os.ftruncate(descriptor, max(0, os.fstat(descriptor).st_size - self.room))
            yield
        finally:
            os.close(descriptor)
            filler.unlink()

    def files(self):
        return stored_files(self.media_root, ignore={"filler"})

    def remove(self):
        if subprocess.run(["umount", str(self.media_root)]).returncode:
            subprocess.run(["umount", "--lazy", str(self.media_root)], check=True)


class FileSizeLimit:
    """This process may not write files past 64 KB (RLIMIT_FSIZE), SIGXFSZ ignored: EFBIG."""

    errno = errno.EFBIG
    limit = 64 * 1024

    def __init__(self, media_root):
        self.media_root = media_root

    @contextlib.contextmanager
    def refusing(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the signal kills pytest
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.limit, hard))
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            signal.signal(signal.SIGXFSZ, handler)

    def files(self):
        return stored_files(self.media_root)

    def remove(self):
        pass


def stored_files(root, ignore=()):
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and path.name not in ignore
    )


@pytest.fixture(params=["disk full", "disk full after the photo", "file size limit"])
def refusing_disk(request, settings):
    """Return a disk on MEDIA_ROOT whose refusing() makes the operating system refuse writes."""
    media_root = Path(settings.MEDIA_ROOT)
    if request.param == "file size limit":
        disk = FileSizeLimit(media_root)
    else:
        # Room for the photo as stored and its first width (480 px), not the next one.
        photo = len(without_metadata(noisy_photo()).read())
        disk = FullDisk(media_root, room=0 if request.param == "disk full" else photo + 100_000)
    disk.name = request.param
    try:
        yield disk
    finally:
        disk.remove()


def refused_message(disk):
    """Return the message the desk shows, in French, for the disk's refusal."""
    with translation.override("fr"):
        return refusal_message(OSError(disk.errno, os.strerror(disk.errno)))


def desk_messages(client, response):
    """Follow the desk's redirect; return its messages as (level, text)."""
    assert response.status_code == 302, response.content.decode()[-3000:]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return [(message.level_tag, str(message)) for message in page.context["messages"]]


def refusal_logged(caplog, disk):
    """Check the desk logged the disk's refusal; return the functions the error went through."""
    [record] = [r for r in caplog.records if r.name == "articles.admin"]
    assert record.levelno == logging.ERROR
    assert record.exc_info[1].errno == disk.errno
    return [frame.name for frame in traceback.extract_tb(record.exc_info[2])]


def test_a_photo_the_disk_refuses_leaves_the_article_saved_with_its_previous_photo(
    client, journalist, section, refusing_disk, caplog, figures
):
    client.force_login(journalist)
    client.post(ADD_URL, article_form(section, lead_image=jpeg(1600, 900)))
    article = Article.objects.get()
    previous = (
        article.lead_image.name,
        article.lead_image_width,
        article.lead_image_height,
        article.lead_image_renditions,
    )
    files = refusing_disk.files()
    assert len(files) == 13  # the photo, its three widths and three of each of its crops
    data = article_form(
        section,
        headline="Les pôles numériques fusionnent au printemps",
        lede="Le nouveau chapô.",
        opened_token=str(article.edit_token),
        lead_image=noisy_photo(),
    )
    with refusing_disk.refusing():
        response = client.post(change_url(article), data)
    shown = desk_messages(client, response)
    assert ("error", refused_message(refusing_disk)) in shown
    article.refresh_from_db()
    assert article.headline == "Les pôles numériques fusionnent au printemps"
    assert article.lede == "Le nouveau chapô."
    assert (
        article.lead_image.name,
        article.lead_image_width,
        article.lead_image_height,
        article.lead_image_renditions,
    ) == previous
    assert refusing_disk.files() == files  # nothing new, not even part of a file
    refused_at = refusal_logged(caplog, refusing_disk)
    # The photo itself is refused, or (room for it only) one of its widths after it went in.
    assert ("make_renditions" in refused_at) == (refusing_disk.name == "disk full after the photo")
    figures.append(
        f"{refusing_disk.name} ({errno.errorcode[refusing_disk.errno]}): 1 change form posted, "
        f"answered {response.status_code} (0 answered 5xx), the error shown, the article saved "
        f"with its previous photo, {len(refusing_disk.files()) - len(files)} stray files"
    )


def test_a_new_article_whose_photo_the_disk_refuses_is_saved_without_a_photo(
    client, journalist, section, refusing_disk, caplog
):
    client.force_login(journalist)
    with refusing_disk.refusing():
        response = client.post(ADD_URL, article_form(section, lead_image=noisy_photo()))
    assert ("error", refused_message(refusing_disk)) in desk_messages(client, response)
    article = Article.objects.get()
    assert article.headline.startswith("Toulouse et Montpellier")
    assert not article.lead_image
    assert article.lead_image_width is None and article.lead_image_renditions == {}
    assert refusing_disk.files() == []
    refusal_logged(caplog, refusing_disk)
