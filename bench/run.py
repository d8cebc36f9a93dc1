"""The load benchmark: the site under gunicorn on PostgreSQL and Redis, measured with wrk.

Run it from the project folder, as a user allowed to install wrk if it is missing (apt-get):

    .venv/bin/python bench/run.py                  # about 5 minutes on 2 cores
    .venv/bin/python bench/run.py --duration 20    # longer measurements (see --help)
    .venv/bin/python bench/run.py --keep-db        # then --reuse-db skips building the data

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust; or BENCH_POSTGRES=postgres://...) and
Redis on 127.0.0.1:6379 (BENCH_REDIS_URL; database 9 by default, and only keys under the prefix
"bench:" are touched). It prints a table and writes it to bench/results/latest.md (git-ignored).
Run it on a quiet machine: the report gives the load average at the start and at the end, and
warns when other work was running or when the baseline changed during the run.

What it does:

1. Builds a realistic data set in a scratch database, `newsroom_bench` (dropped and created
   again): `manage.py migrate`, then COPY and bulk SQL from `bench/dataset.py` (10,000 published
   articles of about 32 KB of HTML each with quotes, bylines and tags; 100,000 comments; 30 days
   of hourly view counters): under a minute. The database is dropped at the end unless --keep-db.
2. Runs `manage.py collectstatic` (into STATIC_ROOT, `staticfiles/`, git-ignored) and writes the
   baseline there: `staticfiles/bench/baseline.html`, an article page padded to the mean size of
   40 article pages rendered beforehand, served by whitenoise like any static file (removed at the
   end). The "KB/response" column shows how close the sizes are.
3. Starts the site twice under gunicorn with production settings (DEBUG=0, a random SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, 2 sync workers for 2 cores): with PAGE_CACHE_SECONDS=0 (the whole-page
   cache off), then with PAGE_CACHE_SECONDS=300 (on). A site without that setting is measured
   uncached twice, and the report says so. It is plain HTTP on the loopback: SECURE_SSL_REDIRECT=0,
   as behind a TLS-terminating proxy. For the posts: CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR (each
   beacon comes from a visitor of its own), COMMENTS_RATE_LIMIT=1000000000 and
   COMMENTS_MIN_FORM_SECONDS=0 (comments are accepted, not refused by the rate limit or as too
   fast). Every process it starts is stopped in a `finally` block, on Ctrl-C or a kill as well.
4. Measures, with `wrk -t2 -c16 -d10s --latency` after 2 s of warm-up: the home page, a section
   page, 1,000 different article pages picked at random, search (8 French queries; `/recherche/`),
   the view beacon (POST /vues/<id>/) and a comment post (with a CSRF token, its cookie and a form
   stamp from /commentaires/jetons/), with the page cache off and on; the static baseline at the
   start and at the end. Before measuring, the 1,000 article pages are fetched once to be cached
   (within --fill-seconds, 240 s at most; about 40 s on 2 cores), as on a site whose readers keep
   the cache warm: with the page cache on, whole pages; with it off, the parts of pages that are
   cached by the versions of what they show (each article's own part, FRAGMENT_CACHE_SECONDS);
   the "cache hits" column shows what was served from the page cache.
   After each wrk run, the script waits until the server has served the requests wrk left in
   flight (a sync worker serves them even though the client has gone), so that no run pays for
   the one before.
   For each case: requests per second; the ratio to the baseline's requests per second (the mean
   of its two measurements); median and 99th percentile latency; responses with a status of 400
   or more (wrk's "Non-2xx or 3xx responses") and socket errors; kilobytes per response, headers
   included; and the share of page cache hits (X-Page-Cache), "-" where no response was handled by
   the page cache.
5. Checks that views are counted exactly: after the beacon run, `manage.py flush_views` moves the
   Redis buffer to PostgreSQL, and the views added to HourlyViews must equal the beacons wrk sent,
   every one from a distinct visitor (a unique X-Forwarded-For), since the site rightly counts a
   visitor once per article per 30 minutes. Counted beacons stop half a second before the end
   of the run, so that none is still in flight when wrk stops (see bench/lua/beacon.lua). It also
   counts the comments stored against the posts answered 302 (accepted, then redirected).

wrk, gunicorn, PostgreSQL and Redis share the machine's cores. The ratio to the static baseline,
measured the same way on the same machine, is the figure to compare across machines and over time.
"""

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import dataset
import psycopg
import redis
from django.utils.text import slugify

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
LUA = BENCH / "lua"
VENV_BIN = ROOT / ".venv" / "bin"
RESULTS = BENCH / "results" / "latest.md"
BASELINE = ROOT / "staticfiles" / "bench" / "baseline.html"
POSTGRES = os.environ.get("BENCH_POSTGRES", dataset.SERVER)
DATABASE = "newsroom_bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
KEY_PREFIX = "bench"
CACHE_MODES = {"off": "0", "on": "300"}
# --layers: each cache layer turned off alone, in the mode where it works, on the pages it serves
# (pagecache/__init__.py names them): what each earns is its pages' rate with it, over without.
LAYERS = [
    ("pages in each process's memory", {"PAGE_CACHE_LOCAL_MEGABYTES": "0"}, "on",
     ["home page", "article pages"]),
    ("versions trusted without a round trip", {"PAGE_CACHE_TRUST_SECONDS": "0"}, "on",
     ["home page", "article pages"]),
    ("parts of pages", {"FRAGMENT_CACHE_SECONDS": "0"}, "off",
     ["home page", "section page", "article pages"]),
    ("rankings box", {"RANKINGS_CACHE_SECONDS": "0"}, "off", ["home page", "article pages"]),
]  # fmt: skip
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
ARTICLE_PAGES, OPEN_ARTICLES, SIZE_SAMPLE = 1_000, 100, 40
SECTION = f"/rubriques/{slugify(dataset.SECTIONS[0])}/"
# Topics and cities of the data set (bench/dataset.py): each query finds tens to hundreds of
# articles, as a reader's search for a subject would.
SEARCHES = [
    "parc photovoltaïque",
    "budget de la métropole",
    "rénovation de la gare",
    "zone d'activités Montpellier",
    "piste cyclable",
    "logements sociaux Toulouse",
    "centre aquatique",
    "ligne ferroviaire Rodez",
]
COMMENT_TEXTS = [
    "Merci pour cet article. Le projet traîne depuis des années et personne ne sait qui paiera.",
    "J'habite le quartier : la concertation annoncée n'a jamais eu lieu, contrairement à ce qui "
    "est écrit.",
    "Enfin une bonne nouvelle pour la commune !\nReste à voir si le calendrier sera tenu.",
    "Il faudrait aussi parler des transports en commun, les familles sans voiture sont oubliées.",
]


def main():
    options = parse_arguments()
    signal.signal(signal.SIGTERM, interrupt)  # a kill runs the same clean-up as Ctrl-C
    load = os.getloadavg()[0]  # before this script adds any: the work of others
    ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    env = site_environment()
    server = None
    started = time.monotonic()
    try:
        built = {"reused": True} if options.reuse_db else build_database(env)
        check_database()
        say("Collecting static files.")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        checks = [count_queries(env, options)]
        data = sample_data(work)
        page = prepare_baseline(env, data)
        say(f"Article pages: {page['mean']:,} bytes on average; baseline written to {BASELINE}.")
        results, headers = [], {}
        for mode, seconds in CACHE_MODES.items():
            clear_redis()
            server = Server(env | {"PAGE_CACHE_SECONDS": seconds}, work / f"gunicorn-{mode}.log")
            server.start()
            headers[mode] = server.headers("/")
            if mode == "off":
                results.append(measure_pages(server, "static baseline (start)", "-", data, options))
            results += measure_cases(server, mode, data, env, options, checks)
            server.stop()
            server = None
        layers = []
        for name, off, mode, cases in LAYERS if options.layers else []:
            clear_redis()
            settings_off = {"PAGE_CACHE_SECONDS": CACHE_MODES[mode], **off}
            server = Server(env | settings_off, work / f"gunicorn-{next(iter(off))}.log")
            server.start()
            for case in cases:
                result = measure_pages(server, case, mode, data, options)
                layers.append({"layer": name, "setting": off, **result})
            server.stop()
            server = None
        server = Server(env | {"PAGE_CACHE_SECONDS": CACHE_MODES["on"]}, work / "gunicorn-end.log")
        server.start()
        results.append(measure_pages(server, "static baseline (end)", "-", data, options))
        server.stop()
        server = None
    except KeyboardInterrupt:
        say("Interrupted: stopping what was started.")
        raise SystemExit(130) from None
    finally:
        clean_up(server, work, keep_db=options.keep_db)
    loads = (load, os.getloadavg()[0])
    report = format_report(
        results, checks, built, page, headers, options, time.monotonic() - started, loads
    ) + format_layers(layers, results)
    print(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report)
    say(f"Written to {RESULTS.relative_to(ROOT)}.")
    if any(not check["ok"] for check in checks):
        raise SystemExit(1)


def clean_up(server, work, *, keep_db):
    """Stop the server and remove what the run created; a failing step does not stop the rest."""
    steps = [
        ("stop gunicorn", lambda: server and server.stop()),
        ("delete the bench: keys in Redis", clear_redis),
        ("remove the baseline", lambda: BASELINE.unlink(missing_ok=True)),
        ("remove its folder", lambda: BASELINE.parent.exists() and BASELINE.parent.rmdir()),
        ("remove the temporary files", lambda: shutil.rmtree(work, ignore_errors=True)),
    ]
    if not keep_db:
        steps.append(
            (
                "drop " + DATABASE,
                lambda: dataset.scratch_database(DATABASE, "drop", server=POSTGRES),
            )
        )
    for name, step in steps:
        try:
            step()
        except Exception as error:
            say(f"Could not {name}: {error}")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warm-up", type=int, default=2, help="seconds of wrk before each")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument(
        "--fill-seconds",
        type=int,
        default=240,
        help="at most this long to put the article pages in the page cache before measuring it",
    )
    parser.add_argument("--keep-db", action="store_true", help=f"keep {DATABASE} at the end")
    parser.add_argument(
        "--layers",
        action="store_true",
        help="also measure each cache layer turned off alone (about 8 minutes more)",
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help=f"measure {DATABASE} as left by --keep-db"
    )
    return parser.parse_args()


def interrupt(signum, frame):
    raise KeyboardInterrupt


def say(message):
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    say("wrk is missing: installing it (apt-get install -y wrk).")
    try:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        sys.exit(
            "wrk is not installed and could not be installed "
            f"({error}; {detail.decode(errors='replace').strip()[-300:]}).\n"
            "Install it (Debian/Ubuntu: sudo apt-get install wrk) and run the benchmark again."
        )
    if not shutil.which("wrk"):
        sys.exit("apt-get ran but wrk is still not on the PATH: install it by hand.")


# The site and its data.


def site_environment(database=DATABASE, *, redis_url=REDIS_URL, key_prefix=KEY_PREFIX):
    """Return the environment of every manage.py command and server: production settings."""
    return os.environ | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback, as behind a TLS proxy
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": key_prefix,
        "PAGE_CACHE_SECONDS": "0",
        "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        "COMMENTS_RATE_LIMIT": "1000000000",
        "COMMENTS_MIN_FORM_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


def manage(env, *arguments):
    """Run a manage.py command; return its standard output, or stop with its error."""
    command = [str(VENV_BIN / "python"), "manage.py", *arguments]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def build_database(env, database=DATABASE, **sizes):
    """Create the scratch database, migrate it and fill it (sizes: see dataset.build)."""
    say(f"Building the data set in {database} (drop, create, migrate, bulk SQL).")
    started = time.monotonic()
    dataset.scratch_database(database, "create", server=POSTGRES)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    with psycopg.connect(f"{POSTGRES}/{database}") as connection:
        built = dataset.build(connection, **sizes)
    built["seconds"] = time.monotonic() - started
    say("Built: " + ", ".join(f"{value:,.0f} {name}" for name, value in built.items()) + ".")
    return built


def check_database():
    try:
        psycopg.connect(f"{POSTGRES}/{DATABASE}").close()
    except psycopg.OperationalError as error:
        sys.exit(f"Cannot use {DATABASE} ({error}); without --reuse-db, the script builds it.")


def count_queries(env, options):
    """Count each page's queries on the data set and on one of 1,000 articles: the same?"""
    small = DATABASE + "_1k"
    counts = {}
    try:
        say(f"Counting each page's queries on {DATABASE} and on {small} (1,000 articles).")
        build_database(site_environment(small), small, articles=1_000, comments=10_000)
        for database in (small, DATABASE):
            clear_redis()
            done = subprocess.run(
                [str(VENV_BIN / "python"), str(BENCH / "query_counts.py")],
                env=env | {"DATABASE_URL": f"{POSTGRES}/{database}"},
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise SystemExit(f"query_counts.py failed:\n{done.stdout}{done.stderr}")
            found = json.loads(done.stdout.strip().splitlines()[-1])
            counts[found["articles"]] = found["queries"]
    finally:
        dataset.scratch_database(small, "drop", server=POSTGRES)
    (few, few_counts), (many, many_counts) = sorted(counts.items())
    lines = [
        f"{kind}: {sorted(set(few_counts[kind]))} with {few:,} articles, "
        f"{sorted(set(many_counts[kind]))} with {many:,}"
        for kind in few_counts
    ]
    ok = all(set(few_counts[kind]) == set(many_counts[kind]) for kind in few_counts)
    return {
        "ok": ok,
        "text": "Queries per page, whole-page cache off (cold: the cache emptied first; warm: "
        "as readers find the parts of pages), the same whatever the data: "
        + "; ".join(lines)
        + ("." if ok else ": THEY DIFFER."),
    }


def sample_data(work):
    """Pick the pages to read and the articles to beacon and comment on; write wrk's files."""
    with psycopg.connect(f"{POSTGRES}/{DATABASE}") as connection:
        articles = connection.execute(
            "SELECT id, slug FROM articles_article WHERE status = 'published' "
            "AND published_at <= now() AND NOT is_embargoed ORDER BY random() LIMIT %s",
            [ARTICLE_PAGES],
        ).fetchall()
        # Comments close 30 days after publication (COMMENTS_CLOSE_AFTER_DAYS): the newest.
        open_articles = connection.execute(
            "SELECT id FROM articles_article WHERE status = 'published' AND published_at <= now()"
            " AND is_open_for_comments ORDER BY published_at DESC LIMIT %s",
            [OPEN_ARTICLES],
        ).fetchall()
    baseline = f"/static/{BASELINE.relative_to(ROOT / 'staticfiles')}"
    paths = {
        "static baseline (start)": [baseline],
        "static baseline (end)": [baseline],
        "home page": ["/"],
        "section page": [SECTION],
        "article pages": [f"/articles/{slug}-{pk}/" for pk, slug in articles],
        "search": [f"/recherche/?{urllib.parse.urlencode({'q': q})}" for q in SEARCHES],
    }
    lists = {
        **paths,
        "article ids": [str(pk) for pk, _ in articles],
        "open article ids": [str(pk) for (pk,) in open_articles],
        "comment texts": [urllib.parse.quote_plus(text) for text in COMMENT_TEXTS],
    }
    files = {}
    for number, (name, lines) in enumerate(lists.items()):
        files[name] = work / f"list-{number}.txt"
        files[name].write_text("\n".join(lines) + "\n")
    return {"paths": paths, "files": files}


PAGE_SIZES = """
import json, statistics
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT=BROWSER)
pages = {}
for url in URLS:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    pages[url] = response.content.decode()
sizes = [len(page.encode()) for page in pages.values()]
mean = round(statistics.mean(sizes))
closest = min(pages.values(), key=lambda page: abs(len(page.encode()) - mean))
print(json.dumps({
    "mean": mean, "median": round(statistics.median(sizes)), "min": min(sizes),
    "max": max(sizes), "closest": closest,
    "has_page_cache_setting": hasattr(settings, "PAGE_CACHE_SECONDS"),
}))
"""


def prepare_baseline(env, data):
    """Measure the article pages' mean size; write a static page of that size for whitenoise."""
    urls = data["paths"]["article pages"][:SIZE_SAMPLE]
    script = PAGE_SIZES.replace("URLS", repr(urls)).replace("BROWSER", repr(BROWSER))
    output = manage(env, "shell", "--command", script)
    page = json.loads(output.strip().splitlines()[-1])
    padding = page["mean"] - len(page["closest"].encode()) - len("\n<!--  -->")
    html = page.pop("closest") + "\n<!-- " + "x" * max(0, padding) + " -->"
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(html)
    page["baseline"] = BASELINE.stat().st_size
    return page


def clear_redis(redis_url=REDIS_URL, key_prefix=KEY_PREFIX):
    """Delete the benchmark's keys (page cache, dedupe, view buffer, rate limits): a fresh start."""
    client = redis.Redis.from_url(redis_url)
    try:
        for key in client.scan_iter(f"{key_prefix}:*", count=1000):
            client.delete(key)
    finally:
        client.close()


class Server:
    """The site under gunicorn, in a process group of its own so it can be stopped whole."""

    def __init__(self, env, log_path):
        self.env, self.log_path = env, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        seconds = self.env["PAGE_CACHE_SECONDS"]
        say(f"Starting gunicorn on {self.url} (PAGE_CACHE_SECONDS={seconds}).")
        command = [
            str(VENV_BIN / "gunicorn"), "newsroom.wsgi", "--workers", "2",
            "--bind", f"127.0.0.1:{self.port}",
        ]  # fmt: skip
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            try:
                if fetch(f"{self.url}/livez")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /livez within 30 seconds:\n{self.log()}")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's master stops its workers gracefully
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        # Whatever is left of its process group (the master, or a worker it left behind) is killed.
        if not self.is_gone():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def is_gone(self):
        """Tell whether no process of the server's group is left running (master and workers)."""
        return self.process is None or not group_members(self.process.pid)

    def log(self):
        return self.log_path.read_text(errors="replace")[-3000:]

    def settle(self, timeout=120):
        """Wait for the requests wrk left behind: /livez answers at once, then one more second.

        A sync worker serves a request even when its client has gone; without this, what a run
        left in the queue would be served during the next one.
        """
        deadline, quick = time.monotonic() + timeout, 0
        while quick < 3 and time.monotonic() < deadline:
            started = time.monotonic()
            fetch(f"{self.url}/livez")
            quick = quick + 1 if time.monotonic() - started < 0.05 else 0
        time.sleep(1)  # the other worker may still finish a slow page

    def headers(self, path):
        """Return the caching headers of a page the second time it is asked for."""
        fetch(self.url + path)
        _status, headers, _body = fetch(self.url + path)
        names = ("Cache-Control", "Vary", "ETag", "X-Page-Cache")
        return {name: headers[name] for name in names if headers.get(name)}


def group_members(group):
    """Return the ids of the live processes of a process group (zombies are not counted)."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: any member, zombie or not
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return []
        return [group]
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # pid (command) state ppid pgrp ...: the command may hold spaces and parentheses.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(entry.name))
    return members


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, data=None, headers=None):
    request = urllib.request.Request(
        url, data=data, headers={"User-Agent": BROWSER, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# Measurements.


def measure_cases(server, mode, data, env, options, checks):
    results = [
        measure_pages(server, "home page", mode, data, options),
        measure_pages(server, "section page", mode, data, options),
        measure_pages(server, "article pages", mode, data, options),
        measure_pages(server, "search", mode, data, options),
        beacon_case(server, mode, data, env, options, checks),
        comment_case(server, mode, data, options, checks),
    ]
    return results


def measure_pages(server, case, mode, data, options):
    """Measure GET requests of one case's paths, picked at random; check they answer 200 first."""
    paths = data["paths"][case]
    fetch_all(server, paths[:20])
    if len(paths) > 20:
        # With the page cache off, the parts of pages are cached all the same (an article's own
        # part is kept a day, FRAGMENT_CACHE_SECONDS); with it on, pages are kept
        # PAGE_CACHE_SECONDS (300): the first ones filled must outlive the run.
        seconds = options.fill_seconds
        if mode == "on":
            seconds = min(seconds, int(CACHE_MODES["on"]) - options.duration - 40)
        fill_cache(server, case, paths, seconds)
    return measure(server, case, mode, options, "paths.lua", [data["files"][case]])


def fetch_all(server, paths, *, threads=4, until=None):
    """Fetch each path (a few at a time) and check it answers 200; return how many were fetched."""

    def get(path):
        if until is not None and time.monotonic() > until:
            return 0
        status = fetch(server.url + path)[0]
        if status != 200:
            raise SystemExit(f"{path} answered {status}, not 200:\n{server.log()}")
        return 1

    pool = concurrent.futures.ThreadPoolExecutor(threads)
    try:
        return sum(pool.map(get, paths))
    finally:  # on Ctrl-C, drop what is left rather than fetch it
        pool.shutdown(wait=False, cancel_futures=True)


def fill_cache(server, case, paths, seconds):
    """Put the pages (or their parts) in the cache before measuring, within a time budget."""
    say(f"Filling the cache with the {len(paths):,} {case} (at most {seconds} s).")
    started = time.monotonic()
    fetched = fetch_all(server, paths, until=started + seconds)
    say(f"Fetched {fetched:,} of them in {time.monotonic() - started:.0f} s.")
    server.settle()


def measure(server, case, mode, options, script, arguments, *, warm=True):
    """Run wrk: a warm-up first, unless told not to; each run followed by the server settling."""
    if warm and options.warm_up:
        wrk(server, options.warm_up, options, script, arguments)
    say(f"Measuring {case}, page cache {mode}.")
    result = wrk(server, options.duration, options, script, arguments)
    return {"case": case, "cache": mode, **result}


def wrk(server, seconds, options, script, arguments):
    command = [
        "wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{seconds}s",
        "--timeout", "10s", "--latency", "-H", f"User-Agent: {BROWSER}",
        "-s", str(LUA / script), server.url, "--", *map(str, arguments),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    server.settle()  # requests in flight when wrk stopped are still served: let them finish
    return parse_wrk(done.stdout)


UNITS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}
BYTES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output):
    """Return requests/s, latencies (ms), failures and counts from wrk's --latency output."""
    try:
        match = re.search(r"(\d+) requests in \S+, ([\d.]+)(\w+) read", output)
        requests = int(match[1])
        read = float(match[2]) * BYTES[match[3]]
        latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
        maximum = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", output)[1]
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        socket_errors = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
        )
        return {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
            "p50": milliseconds(latency["50"]),
            "p99": milliseconds(latency["99"]),
            "max": milliseconds(maximum),
            "requests": requests,
            "kb": read / max(requests, 1) / 1024,
            "non_2xx": int(non_2xx[1]) if non_2xx else 0,
            "errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
            "lua": {k: int(v) for k, v in re.findall(r"^BENCH (\w+) (\d+)$", output, re.M)},
        }
    except (TypeError, KeyError, AttributeError) as error:
        raise SystemExit(f"Could not read wrk's output ({error!r}):\n{output}") from error


def total_views():
    with psycopg.connect(f"{POSTGRES}/{DATABASE}") as connection:
        return connection.execute(
            "SELECT coalesce(sum(views), 0) FROM articles_hourlyviews"
        ).fetchone()[0]


def count_comments():
    with psycopg.connect(f"{POSTGRES}/{DATABASE}") as connection:
        return connection.execute("SELECT count(*) FROM comments_comment").fetchone()[0]


def beacon_case(server, mode, data, env, options, checks):
    """Measure the beacon; then check that the views counted are exactly the beacons sent."""
    margin = 0.5  # seconds before the end when real beacons stop (see bench/lua/beacon.lua)
    run = 1 + list(CACHE_MODES).index(mode)
    ids = data["files"]["article ids"]
    if options.warm_up:
        wrk(server, options.warm_up, options, "beacon.lua", [ids, run + 8, options.warm_up, 0])
    manage(env, "flush_views")  # the warm-up's views: not part of the check
    before = total_views()
    arguments = [ids, run, options.duration, margin]
    result = measure(server, "view beacon", mode, options, "beacon.lua", arguments, warm=False)
    flushed = manage(env, "flush_views").strip()
    counted = total_views() - before
    lua = result["lua"]
    sent = lua.get("beacons", -1)
    clean = not result["non_2xx"] and not result["errors"] and not lua.get("other_status")
    ok = clean and counted == sent and result["max"] < margin * 1000
    checks.append(
        {
            "ok": ok,
            "text": (
                f"View beacon, page cache {mode}: {sent:,} beacons from distinct visitors sent, "
                f"{lua.get('answered_204', 0):,} requests answered 204 (the last "
                f"{margin} s went to /vues/0/, which counts nothing), "
                f"{result['non_2xx']} non-2xx, {result['errors']} socket errors; "
                f"flush_views: “{flushed}”; views added to HourlyViews: {counted:,}: "
                + ("exact." if ok else "NOT EXACT (or not checkable: see the errors).")
            ),
        }
    )
    return result


def comment_case(server, mode, data, options, checks):
    """Measure a comment post with a real CSRF token and form stamp; count what was stored."""
    status, headers, body = fetch(f"{server.url}/commentaires/jetons/")
    if status != 200:
        raise SystemExit(f"/commentaires/jetons/ answered {status}:\n{server.log()}")
    tokens = json.loads(body)
    cookie = http.cookies.SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        cookie.load(value)
    fields = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": tokens["csrfmiddlewaretoken"], "issued": tokens["issued"]}
    )
    # Words of this run only: a data set reused (--reuse-db) holds the posts of earlier runs, and
    # the site rightly stores the same words on an article once.
    run = f"{1 + list(CACHE_MODES).index(mode)}{secrets.token_hex(3)}"
    files = data["files"]
    csrf = cookie["csrftoken"].value
    arguments = [files["open article ids"], files["comment texts"], run, fields, csrf]
    if options.warm_up:
        warm_up = [*arguments[:2], f"w{run}", *arguments[3:]]  # other words than the measured run
        wrk(server, options.warm_up, options, "comment.lua", warm_up)
    before = count_comments()
    result = measure(server, "comment post", mode, options, "comment.lua", arguments, warm=False)
    stored = count_comments() - before
    lua = result["lua"]
    redirected = lua.get("redirected", 0)
    # wrk stops with up to one request per connection in flight: stored, but never answered.
    ok = (
        redirected > 0
        and not lua.get("other_status")
        and 0 <= stored - redirected <= options.connections
    )
    checks.append(
        {
            "ok": ok,
            "text": (
                f"Comment post, page cache {mode}: {redirected:,} posts answered 302 (accepted: "
                f"post/redirect/get), {lua.get('other_status', 0)} other answers; "
                f"{stored:,} comments stored (the difference, at most one a connection, were "
                "in flight when wrk stopped)."
                + ("" if ok else " UNEXPECTED: see the server's log.")
            ),
        }
    )
    return result


# The report.


def format_report(results, checks, built, page, headers, options, seconds, loads):
    baselines = [r["rps"] for r in results if r["case"].startswith("static baseline")]
    baseline = statistics.mean(baselines)
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "# Load benchmark",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}, "
        f"{os.cpu_count()} cores; `wrk -t{options.threads} -c{options.connections} "
        f"-d{options.duration}s --latency` against gunicorn (2 sync workers, DEBUG=0) on "
        f"PostgreSQL and Redis; total run {seconds / 60:.1f} min.",
        "",
        "Data: "
        + (
            "reused from an earlier run."
            if built.get("reused")
            else ", ".join(
                f"{value:,.0f} {name}" for name, value in built.items() if name != "seconds"
            )
            + f" (built in {built['seconds']:.0f} s)."
        ),
        f"Article pages: {page['mean']:,} bytes on average (median {page['median']:,}, "
        f"{page['min']:,} to {page['max']:,}, over {SIZE_SAMPLE} of them); static baseline: "
        f"{page['baseline']:,} bytes, served by whitenoise, {baseline:,.0f} requests/s "
        f"(mean of {', '.join(f'{b:,.0f}' for b in baselines)}).",
    ]
    cores = os.cpu_count() or 1
    lines.append(
        f"Load average (1 minute): {loads[0]:.2f} when the run started (before its own work), "
        f"{loads[1]:.2f} at the end (its own work included), on {cores} cores."
    )
    if loads[0] > cores / 2:
        lines.append(
            "**Other work was running on the machine when the run started: these figures are "
            "unreliable; run again when it is quiet.**"
        )
    if max(baselines) > 1.2 * min(baselines):
        lines.append(
            "**The static baseline changed by more than 20 % during the run: the machine's "
            "speed changed (other work?); compare the cases measured close to each baseline, or "
            "run again.**"
        )
    if not page["has_page_cache_setting"]:
        lines.append("**The site has no PAGE_CACHE_SECONDS setting yet: both runs are uncached.**")
    for mode, found in headers.items():
        shown = "; ".join(f"{k}: {v}" for k, v in found.items()) or "no caching header"
        lines.append(f"Home page headers, page cache {mode}: {shown}.")
    lines += [
        "",
        "| case | page cache | requests/s | × baseline | p50 ms | p99 ms | non-2xx/3xx "
        "| socket errors | KB/response | cache hits |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        answered = r["lua"].get("hits", 0) + r["lua"].get("misses", 0)
        hits = f"{r['lua']['hits'] / answered:.0%}" if answered else "-"
        lines.append(
            f"| {r['case']} | {r['cache']} | {r['rps']:,.0f} | {r['rps'] / baseline:.3f} "
            f"| {r['p50']:.1f} | {r['p99']:.1f} | {r['non_2xx']:,} | {r['errors']:,} "
            f"| {r['kb']:.1f} | {hits} |"
        )
    lines += ["", "Checks:", ""]
    lines += [f"- {'OK' if c['ok'] else 'FAILED'}: {c['text']}" for c in checks]
    lines += [
        "",
        "Notes: the ratio is requests/s over the static baseline's mean requests/s. "
        "non-2xx/3xx counts statuses of 400 or more (wrk's count). KB/response includes the "
        "HTTP headers. Cache hits: the share of X-Page-Cache: hit among the responses carrying "
        'that header; "-" when none did (the page cache does not handle that URL, or is off). '
        "Before measuring, the article pages were fetched once to be cached: whole pages with "
        "the page cache on, the articles' own parts (cached by version) with it off. "
        "The beacon run ends with 0.5 s of beacons for no article (/vues/0/) so that no counted "
        "beacon is in flight when wrk stops; each counted beacon comes from a distinct "
        "X-Forwarded-For (CLIENT_IP_HEADER), since the site counts a visitor once per article "
        "per 30 minutes. Comments were posted with COMMENTS_RATE_LIMIT=1000000000 and "
        "COMMENTS_MIN_FORM_SECONDS=0, with one CSRF token and form stamp for the whole run and "
        "different words each time (the same words twice on an article are stored once).",
        "",
    ]
    return "\n".join(lines)


def format_layers(layers, results):
    """Return the table of what each cache layer earns on its pages: rate with it, without it."""
    if not layers:
        return ""
    baseline = statistics.mean(r["rps"] for r in results if r["case"].startswith("static"))
    with_all = {(r["case"], r["cache"]): r for r in results}
    lines = [
        "",
        "## What each cache layer earns",
        "",
        "Each layer turned off alone (its setting), in the mode where it works (page cache on or "
        'off), on the pages it serves; "with" is the same page in the main table above.',
        "",
        "| layer | setting | page | page cache | with: req/s | without: req/s | × baseline "
        "without | p99 ms without | earns |",
        "|---|---|---|---|--:|--:|--:|--:|--:|",
    ]
    for row in layers:
        full = with_all[(row["case"], row["cache"])]
        setting = ", ".join(f"{k}={v}" for k, v in row["setting"].items())
        lines.append(
            f"| {row['layer']} | {setting} | {row['case']} | {row['cache']} | {full['rps']:,.0f} "
            f"| {row['rps']:,.0f} | {row['rps'] / baseline:.3f} | {row['p99']:.1f} "
            f"| {full['rps'] / row['rps'] - 1:+.0%} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
