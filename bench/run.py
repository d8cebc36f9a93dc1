"""The load benchmark: the site under gunicorn on PostgreSQL and Redis, measured with wrk.

Run it from the project folder, as a user allowed to install wrk if it is missing (apt-get):

    .venv/bin/python bench/run.py                  # about 12 minutes on 2 cores
    .venv/bin/python bench/run.py --duration 20    # longer measurements (see --help)
    .venv/bin/python bench/run.py --keep-db        # then --reuse-db skips building the data
    .venv/bin/python bench/run.py --reuse-db --keep-db --duration 2 --warm-up 1 \
        --storm-seconds 8 --articles 2000          # a trial run: about 4 minutes

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
   baseline there: `staticfiles/bench/baseline.html` (and its gzip-compressed copy, which
   whitenoise serves to wrk as to any browser), an article page padded to the mean size of
   40 article pages rendered beforehand, served by whitenoise like any static file (removed at the
   end). The "KB/response" column shows how close the sizes are.
3. Starts the site under gunicorn with production settings (DEBUG=0, a random SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, 2 sync workers for 2 cores), one server after another on the same
   port (pages and parts of pages are kept by host, port included), in three modes: "cold"
   (PAGE_CACHE_SECONDS=0 and FRAGMENT_CACHE_SECONDS=0: nothing kept but the rankings box,
   RANKINGS_CACHE_SECONDS, as for pages no reader asked for since the last change), "off"
   (PAGE_CACHE_SECONDS=0: parts of pages kept, not whole pages) and "on" (PAGE_CACHE_SECONDS=300:
   whole pages kept). A site without that setting is measured uncached in every mode, and the
   report says so. It is plain HTTP on the loopback: SECURE_SSL_REDIRECT=0, as behind a
   TLS-terminating proxy. For the posts: CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR (each beacon
   comes from a visitor of its own), COMMENTS_RATE_LIMIT=1000000000 and
   COMMENTS_MIN_FORM_SECONDS=0 (comments are accepted, not refused by the rate limit or as too
   fast). Redis's "bench:" keys are deleted once, before the first server: what one server keeps
   (parts of pages above all) serves the next ones, as on a site whose readers keep it warm.
   Every process it starts is stopped in a `finally` block, on Ctrl-C or a kill as well.
4. Measures, with `wrk -t2 -c16 -d10s --latency -H "Accept-Encoding: gzip"` (as browsers ask:
   the static file and cached pages are sent compressed; pages made afresh are not) after 2 s of
   warm-up (--spread-seconds, 30 s, for the 10,000 cached article pages: each process keeps in
   memory the pages it served, and the fill left each with about half), each case reading its
   paths at random:
   - cold: the home page; 10,000 different article pages (--articles; every article of the data
     set); search for a common word, «calendrier» (in nearly every article: the site ranks its
     newest matches, SEARCH_CANDIDATES), and for rare words, «rugby Figeac» (a handful: no
     single word of the data set is in fewer than about 220 articles), each searched afresh;
     the report gives the articles each search matches, counted at sample time with the site's
     own query (the stored search document, `french_unaccent`, websearch syntax);
   - off: the home page, a section page, the two searches (their results are a part of the
     page kept by the listings' version), the view beacon (POST /vues/<id>/), a comment post
     (with a CSRF token, its cookie and a form stamp from /commentaires/jetons/), the 10,000
     article pages with their parts warm;
   - on: the home page, a section page, the view beacon, the 10,000 article pages cached whole,
     a comment post (search pages are not kept by the page cache: measured off and cold only);
   - the storm, last (see 6);
   - the static baseline at the start and at the end.
   Before measuring the article pages (off and on), the 10,000 are fetched once to be cached,
   four at a time (within --fill-seconds, 600 s; with the page cache on, at most what keeps the
   first ones cached through the measurement): with the page cache off, the parts of pages
   cached by the versions of what they show (each article's own part, and its "read also",
   FRAGMENT_CACHE_SECONDS), about 35 ms each on 2 cores, cold; with it on, whole pages, made from
   those parts, in a minute or so. The report gives how many were filled. A comment post makes
   its article and every article's "read also" stale: comments are posted before the fill with
   the page cache off, after the article pages with it on.
   After each wrk run, the script waits until the server has served the requests wrk left in
   flight (a sync worker serves them even though the client has gone), so that no run pays for
   the one before.
   For each case: requests per second; the ratio to the baseline's requests per second (the mean
   of its two measurements); median and 99th percentile latency; responses with a status of 400
   or more (wrk's "Non-2xx or 3xx responses") and socket errors; kilobytes per response, headers
   included; and the share of page cache hits (X-Page-Cache), with that of stale pages served
   if any, "-" where no response was handled by the page cache.
5. Checks that views are counted exactly: after the beacon run, `manage.py flush_views` moves the
   Redis buffer to PostgreSQL, and the views added to HourlyViews must equal the beacons wrk sent,
   every one from a distinct visitor (a unique X-Forwarded-For), since the site rightly counts a
   visitor once per article per 30 minutes. Counted beacons stop half a second before the end
   of the run, so that none is still in flight when wrk stops (see bench/lua/beacon.lua). It also
   counts the comments stored against the posts answered 302 (accepted, then redirected).
6. The storm, with the page cache on: the 10,000 article pages are filled (most are still cached
   from the "on" run), then wrk reads them at random for --storm-seconds (30 s), all but 20. Two
   seconds in, one transaction through the ORM (`manage.py shell`, started beforehand) renames a
   section (every article page shows the sections: every one goes stale at once) and unpublishes
   those 20 articles (status "unpublished", as an editor's unpublish), whose pages were fetched,
   so cached, just before. From the commit to the end of the storm, a probe asks for those 20
   pages one after another: every answer but a 404 is an unpublished page served. The report
   gives the storm's figures as a row of the table, and as checks: no unpublished page served
   (the script exits with status 1 otherwise), and two goals, reported but never failed (a
   measurement on a noisy machine): no errors, p99 under 300 ms. The section's name and the
   articles' status are restored afterwards, so that --reuse-db stays usable.

wrk, gunicorn, PostgreSQL and Redis share the machine's cores. The ratio to the static baseline,
measured the same way on the same machine, is the figure to compare across machines and over time.
"""

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import gzip
import http.cookies
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
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
BASELINE_GZIP = BASELINE.with_name("baseline.html.gz")
BASELINE_PLAIN = BASELINE.with_name("plain.html")  # the same page, without a compressed copy
# Each case is compared with the static file sent as it is sent: compressed (whole pages from
# the page cache) or not (pages made afresh, beacons, posts).
STATIC_CASES = {
    "start": ["static baseline, compressed (start)", "static baseline, plain (start)"],
    "end": ["static baseline, compressed (end)", "static baseline, plain (end)"],
}
POSTGRES = os.environ.get("BENCH_POSTGRES", dataset.SERVER)
DATABASE = "newsroom_bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
KEY_PREFIX = "bench"
# The servers, each with the settings it runs with: "cold", nothing kept but the rankings box
# (RANKINGS_CACHE_SECONDS), as for a page no reader asked for since the last change; "off", the
# whole-page cache off but parts of pages kept (FRAGMENT_CACHE_SECONDS); "on", whole pages kept.
CACHE_MODES = {
    "cold": {"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0"},
    "off": {"PAGE_CACHE_SECONDS": "0"},
    "on": {"PAGE_CACHE_SECONDS": "300"},
}
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
ARTICLE_PAGES, OPEN_ARTICLES, SIZE_SAMPLE = 10_000, 100, 40
SECTION = f"/rubriques/{slugify(dataset.SECTIONS[0])}/"
# Searches, counted at sample time with the site's own query (articles/search.py). The common
# word is in nearly every article of the data set (bench/dataset.py writes it in its matters,
# complements, figures and subheads): the site ranks its SEARCH_CANDIDATES newest matches. No
# single word of the data set is in fewer than about 220 articles (its text comes from word
# banks), so the rare search is two words that meet in a handful: a topic's word and a city.
COMMON_SEARCH, RARE_SEARCH = "calendrier", "rugby Figeac"
# The storm: seconds after wrk starts when a section is renamed (every article page goes stale)
# and this many articles, out of wrk's paths but cached, are unpublished; its p99 goal.
STORM_CHANGE_SECONDS, STORM_UNPUBLISHED, STORM_P99_MS = 2, 20, 300
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
        data = sample_data(work, options.articles)
        page = prepare_baseline(env, data)
        say(
            f"Article pages: {page['mean']:,} bytes on average; baseline written to {BASELINE} "
            f"({page['baseline_gzip']:,} bytes compressed)."
        )
        results, headers = [], {}
        # Once: the parts of pages filled with the page cache off then serve every later server,
        # as on a site whose readers keep them warm (filling them cold takes minutes); and one
        # port for all, since pages and parts are kept by host, port included.
        clear_redis()
        port = free_port()
        for mode, settings in CACHE_MODES.items():
            server = Server(env | settings, work / f"gunicorn-{mode}.log", port)
            server.start()
            headers[mode] = server.headers("/")
            if not results:
                results += [
                    measure_pages(server, c, "-", data, options) for c in STATIC_CASES["start"]
                ]
            results += measure_cases(server, mode, data, env, options, checks)
            server.stop()
            server = None
        layers = []
        for name, off, mode, cases in LAYERS if options.layers else []:
            settings_off = CACHE_MODES[mode] | off
            server = Server(env | settings_off, work / f"gunicorn-{next(iter(off))}.log", port)
            server.start()
            for case in cases:
                result = measure_pages(server, case, mode, data, options)
                layers.append({"layer": name, "setting": off, **result})
            server.stop()
            server = None
        # Last, since it makes every article page and part stale.
        server = Server(env | CACHE_MODES["on"], work / "gunicorn-end.log", port)
        server.start()
        results.append(storm_case(server, data, options, checks))
        results += [measure_pages(server, c, "-", data, options) for c in STATIC_CASES["end"]]
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
    # A goal missed on a noisy machine (the storm's p99) is reported, not failed.
    if any(not check["ok"] and check.get("is_required", True) for check in checks):
        raise SystemExit(1)


def clean_up(server, work, *, keep_db):
    """Stop the server and remove what the run created; a failing step does not stop the rest."""
    steps = [
        ("stop gunicorn", lambda: server and server.stop()),
        ("delete the bench: keys in Redis", clear_redis),
        ("remove the baseline", lambda: BASELINE.unlink(missing_ok=True)),
        ("remove the compressed baseline", lambda: BASELINE_GZIP.unlink(missing_ok=True)),
        ("remove the plain baseline", lambda: BASELINE_PLAIN.unlink(missing_ok=True)),
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
        "--articles",
        type=int,
        default=ARTICLE_PAGES,
        help=f"article pages read at random ({ARTICLE_PAGES:,}; fewer for a quick trial)",
    )
    parser.add_argument(
        "--fill-seconds",
        type=int,
        default=600,
        help="at most this long to put the article pages (or their parts) in the cache before "
        "measuring them; with the page cache on, at most what keeps the first ones cached",
    )
    parser.add_argument(
        "--storm-seconds",
        type=int,
        default=30,
        help="seconds of the storm: article pages read while every one goes stale",
    )
    parser.add_argument(
        "--spread-seconds",
        type=int,
        default=30,
        help="seconds of readers before measuring the cached article pages (see measure_pages)",
    )
    parser.add_argument("--keep-db", action="store_true", help=f"keep {DATABASE} at the end")
    parser.add_argument(
        "--layers",
        action="store_true",
        help="also measure each cache layer turned off alone (about 10 minutes more)",
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help=f"measure {DATABASE} as left by --keep-db"
    )
    options = parser.parse_args()
    if options.articles < 2 * STORM_UNPUBLISHED + SIZE_SAMPLE:
        parser.error(f"--articles: at least {2 * STORM_UNPUBLISHED + SIZE_SAMPLE}")
    return options


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


# What a reader may see, as Article.objects.published() says (articles/models.py).
PUBLISHED = (
    "status = 'published' AND published_at <= now() AND NOT is_embargoed AND deleted_at IS NULL"
)


def sample_data(work, count):
    """Pick the pages to read, the articles to beacon, comment on and unpublish in the storm, and
    the section renamed then; count the searches' matches; write wrk's files."""
    with psycopg.connect(f"{POSTGRES}/{DATABASE}") as connection:
        articles = connection.execute(
            f"SELECT id, slug FROM articles_article WHERE {PUBLISHED} ORDER BY random() LIMIT %s",
            [count],
        ).fetchall()
        # Comments close 30 days after publication (COMMENTS_CLOSE_AFTER_DAYS): the newest.
        open_articles = connection.execute(
            f"SELECT id FROM articles_article WHERE {PUBLISHED} AND is_open_for_comments "
            "ORDER BY published_at DESC LIMIT %s",
            [OPEN_ARTICLES],
        ).fetchall()
        section = connection.execute(
            "SELECT id, name FROM articles_section WHERE slug = %s", [SECTION.split("/")[2]]
        ).fetchone()
        # The site's own search (articles/search.py): the stored document, its configuration.
        matches = {
            query: connection.execute(
                f"SELECT count(*) FROM articles_article WHERE {PUBLISHED} AND search_document "
                "@@ websearch_to_tsquery('french_unaccent', %s)",
                [query],
            ).fetchone()[0]
            for query in (COMMON_SEARCH, RARE_SEARCH)
        }
    if len(articles) < count:
        sys.exit(
            f"{DATABASE} has {len(articles):,} published articles, not {count:,}: ask for fewer "
            "(--articles), or build it again (without --reuse-db)."
        )
    open_ids = {pk for (pk,) in open_articles}
    # Articles the storm unpublishes: read (so cached) with the others, but out of the storm's
    # paths, so that only the probe asks for them; none open to the comments posted before.
    unpublished = [article for article in articles if article[0] not in open_ids]
    unpublished = unpublished[:STORM_UNPUBLISHED]
    baseline = f"/static/{BASELINE.relative_to(ROOT / 'staticfiles')}"
    plain = f"/static/{BASELINE_PLAIN.relative_to(ROOT / 'staticfiles')}"
    article_paths = [f"/articles/{slug}-{pk}/" for pk, slug in articles]
    paths = {
        **{case: [baseline] for case in (STATIC_CASES["start"][0], STATIC_CASES["end"][0])},
        **{case: [plain] for case in (STATIC_CASES["start"][1], STATIC_CASES["end"][1])},
        "home page": ["/"],
        "section page": [SECTION],
        "article pages": article_paths,
        "search, common word": [search_path(COMMON_SEARCH)],
        "search, rare word": [search_path(RARE_SEARCH)],
    }
    unpublished_paths = {f"/articles/{slug}-{pk}/" for pk, slug in unpublished}
    lists = {
        **paths,
        "storm": [path for path in article_paths if path not in unpublished_paths],
        "article ids": [str(pk) for pk, _ in articles],
        "open article ids": [str(pk) for (pk,) in open_articles],
        "comment texts": [urllib.parse.quote_plus(text) for text in COMMENT_TEXTS],
    }
    files = {}
    for number, (name, lines) in enumerate(lists.items()):
        files[name] = work / f"list-{number}.txt"
        files[name].write_text("\n".join(lines) + "\n")
    labels = {
        "article pages": f"article pages ({len(articles):,})",
        "search, common word": f"search, common word «{COMMON_SEARCH}» "
        f"({matches[COMMON_SEARCH]:,} articles)",
        "search, rare word": f"search, rare words «{RARE_SEARCH}» "
        f"({matches[RARE_SEARCH]:,} articles)",
    }
    storm = {
        "section": section,
        "unpublished": [pk for pk, _ in unpublished],
        "unpublished paths": sorted(unpublished_paths),
    }
    return {"paths": paths, "files": files, "labels": labels, "matches": matches, "storm": storm}


def search_path(query):
    return f"/recherche/?{urllib.parse.urlencode({'q': query})}"


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
    closest = page.pop("closest")
    missing = page["mean"] - len(closest.encode()) - len("\n<!--  -->")
    html = closest + "\n<!-- " + padding(closest, missing) + " -->"
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(html)
    # Compressed as collectstatic compresses static files, and as the page cache keeps pages:
    # wrk asks for gzip as browsers do, so both answer compressed.
    BASELINE_GZIP.write_bytes(gzip.compress(html.encode(), compresslevel=9, mtime=0))
    BASELINE_PLAIN.write_text(html)
    page["baseline"] = BASELINE.stat().st_size
    page["baseline_gzip"] = BASELINE_GZIP.stat().st_size
    return page


def padding(page, size):
    """Return about `size` bytes of the page's own words, shuffled: text that compresses as the
    page's does (a run of one letter would compress to nothing)."""
    words = re.findall(r"[^\W\d]{3,}", page) or ["texte"]
    chosen, total = [], 0
    shuffled = random.Random(1)
    while total < size:
        word = shuffled.choice(words)
        chosen.append(word)
        total += len(word.encode()) + 1
    return " ".join(chosen)[: max(0, size)]


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

    def __init__(self, env, log_path, port=None):
        self.env, self.log_path = env, log_path
        self.port = port or free_port()
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
    """Measure the cases of one server, in an order that keeps the fills cheap.

    A comment post makes its article stale, and the "read also" part of every article (it is
    kept by the listings' version). With the page cache off, the comments are posted before the
    article pages are filled, so that the parts filled then stay warm for the later servers;
    with it on, after the article pages, whose fill renders from those parts in a minute or so
    rather than cold in several.
    """
    if mode == "cold":
        cases = ["home page", "article pages", "search, common word", "search, rare word"]
        return [measure_pages(server, case, mode, data, options) for case in cases]
    results = [
        measure_pages(server, "home page", mode, data, options),
        measure_pages(server, "section page", mode, data, options),
    ]
    # The page cache keeps no search page; with it off, the results are a part kept by the
    # listings' version (a query many readers make), searched afresh when cold.
    if mode == "off":
        results += [
            measure_pages(server, "search, common word", mode, data, options),
            measure_pages(server, "search, rare word", mode, data, options),
        ]
    results.append(beacon_case(server, mode, data, env, options, checks))
    if mode == "off":
        results.append(comment_case(server, mode, data, options, checks))
    results.append(measure_pages(server, "article pages", mode, data, options))
    if mode == "on":
        results.append(comment_case(server, mode, data, options, checks))
    return results


def measure_pages(server, case, mode, data, options):
    """Measure GET requests of one case's paths, picked at random; check they answer 200 first."""
    paths = data["paths"][case]
    label = data["labels"].get(case, case) + (", cold" if mode == "cold" else "")
    fetch_all(server, paths[:20])
    filled = None
    if len(paths) > 20 and keeps_pages(server.env):
        # With the page cache off, the parts of pages are cached all the same (an article's own
        # part is kept a day, FRAGMENT_CACHE_SECONDS); with it on, whole pages.
        filled = fill_cache(server, label, paths, fill_seconds(mode, options))
    warm_up = options.warm_up
    if filled and mode == "on":
        # Each process keeps in memory the pages it served: the fill left each with about half
        # of them. Readers at random for SPREAD_SECONDS more bring nearly every page into each
        # (the state of a site read all day), then the measurement.
        warm_up = max(warm_up, options.spread_seconds)
    arguments = [data["files"][case]]
    result = measure(server, label, mode, options, "paths.lua", arguments, warm_up=warm_up)
    return result | ({"filled": filled} if filled else {})


def fill_seconds(mode, options):
    """Return the time the fill may take: with the page cache on, pages are kept
    PAGE_CACHE_SECONDS (300), and the first ones filled must outlive the measurement."""
    if mode != "on":
        return options.fill_seconds
    kept = int(CACHE_MODES["on"]["PAGE_CACHE_SECONDS"])
    measured = max(options.spread_seconds, options.warm_up) + options.duration
    return min(options.fill_seconds, kept - measured - 40)


def keeps_pages(env):
    """Tell whether the server keeps whole pages or their parts: else there is nothing to fill."""
    return env["PAGE_CACHE_SECONDS"] != "0" or env.get("FRAGMENT_CACHE_SECONDS") != "0"


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
    """Put the pages (or their parts) in the cache before measuring, within a time budget.

    Four clients keep both sync workers busy: a page rendered cold costs about 35 ms.
    """
    say(f"Filling the cache with the {case} (at most {seconds} s).")
    started = time.monotonic()
    fetched = fetch_all(server, paths, until=started + seconds)
    elapsed = time.monotonic() - started
    say(f"Fetched {fetched:,} of them in {elapsed:.0f} s.")
    server.settle()
    return {"pages": fetched, "of": len(paths), "seconds": elapsed}


def measure(server, case, mode, options, script, arguments, *, warm=True, warm_up=None):
    """Run wrk: a warm-up first, unless told not to; each run followed by the server settling."""
    warm_up = options.warm_up if warm_up is None else warm_up
    if warm and warm_up:
        wrk(server, warm_up, options, script, arguments)
    say(f"Measuring {case}, page cache {mode}.")
    result = wrk(server, options.duration, options, script, arguments)
    return {"case": case, "cache": mode, **result}


def wrk(server, seconds, options, script, arguments):
    done = subprocess.run(
        wrk_command(server, seconds, options, script, arguments), capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    server.settle()  # requests in flight when wrk stopped are still served: let them finish
    return parse_wrk(done.stdout)


def wrk_command(server, seconds, options, script, arguments):
    return [
        "wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{seconds}s",
        "--timeout", "10s", "--latency", "-H", f"User-Agent: {BROWSER}",
        "-H", "Accept-Encoding: gzip",  # as every browser: static files and cached pages compressed
        "-s", str(LUA / script), server.url, "--", *map(str, arguments),
    ]  # fmt: skip


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


# The storm's change, made through the ORM as the desk or a script would, so that it goes through
# the project's invalidation: set up first, made when told (a line on standard input), then
# reported once committed.
STORM_CHANGE = """
import json, sys
from django.db import transaction
from articles.models import Article, Section
print("BENCH ready", flush=True)
sys.stdin.readline()
with transaction.atomic():
    renamed = Section.objects.filter(pk=SECTION).update(name=NAME)
    unpublished = Article.objects.filter(pk__in=IDS, status=Article.Status.PUBLISHED).update(
        status=Article.Status.UNPUBLISHED
    )
print("BENCH committed " + json.dumps([renamed, unpublished]), flush=True)
"""
STORM_RESTORE = """
import json
from articles.models import Article, Section
renamed = Section.objects.filter(pk=SECTION).update(name=NAME)
published = Article.objects.filter(pk__in=IDS).update(status=Article.Status.PUBLISHED)
print("BENCH restored " + json.dumps([renamed, published]))
"""


def storm_case(server, data, options, checks):
    """Fill the article pages, then read them while a section is renamed and some unpublished.

    The rename makes every article page stale at once; the articles unpublished are out of
    wrk's paths, and a probe asks for their pages from the commit to the end: none may answer.
    """
    storm = data["storm"]
    section, name = storm["section"]
    ids, paths = storm["unpublished"], storm["unpublished paths"]
    label = f"{data['labels']['article pages']} for the storm"
    filled = fill_cache(server, label, data["paths"]["article pages"], fill_seconds("on", options))
    hits = sum(fetch(server.url + path)[1].get("X-Page-Cache") == "hit" for path in paths)
    say(f"{hits} of the {len(paths)} pages to unpublish were served from the page cache.")
    values = {"SECTION": section, "IDS": ids}
    script = storm_script(STORM_CHANGE, values | {"NAME": f"{name} ({secrets.token_hex(3)})"})
    try:
        output, change, served = run_storm(server, data, options, script)
    finally:  # the data set stays as it was built, for --reuse-db
        restore = storm_script(STORM_RESTORE, values | {"NAME": name})
        restored = manage(server.env, "shell", "--command", restore)
        renamed, published = json.loads(restored.split("BENCH restored", 1)[1])
        say(f"Restored: {renamed} section's name, {published} articles published again.")
    result = {
        "case": f"storm ({options.storm_seconds} s)",
        "cache": "on",
        **parse_wrk(output),
        "filled": filled,
        "storm": change,
    }
    checks.extend(storm_checks(result, served, hits, len(paths)))
    return result


def run_storm(server, data, options, script):
    """Run wrk on the article pages; make the change when due, then probe until wrk is done.

    The change's `manage.py shell` is started first and waits for a line on its standard input,
    so that Django's start-up does not delay the change.
    """
    paths = data["storm"]["unpublished paths"]
    say(f"Measuring the storm ({options.storm_seconds} s), page cache on.")
    command = [str(VENV_BIN / "python"), "manage.py", "shell", "--command", script]
    changer = subprocess.Popen(
        command, cwd=ROOT, env=server.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    reader, stop = None, threading.Event()
    pool = concurrent.futures.ThreadPoolExecutor(1)
    try:
        wait_for_line(changer, "BENCH ready")
        arguments = [data["files"]["storm"]]
        reader = subprocess.Popen(
            wrk_command(server, options.storm_seconds, options, "paths.lua", arguments),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        started = time.monotonic()
        time.sleep(STORM_CHANGE_SECONDS)
        changer.stdin.write("go\n")
        changer.stdin.flush()
        renamed, unpublished = json.loads(wait_for_line(changer, "BENCH committed"))
        committed = time.monotonic() - started
        probe = pool.submit(probe_unpublished, server, paths, stop)
        output, errors = reader.communicate()
        stop.set()
        served = probe.result()
    finally:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        for process in (reader, changer):
            if process is not None and process.poll() is None:
                process.kill()
            if process is not None:
                process.wait()
    if reader.returncode:
        raise SystemExit(f"wrk failed ({reader.returncode}):\n{output}{errors}")
    server.settle()
    change = {"committed": committed, "renamed": renamed, "unpublished": unpublished}
    return output, change, served


def storm_script(script, values):
    """Return the script with its placeholders replaced by the values, as Python literals."""
    for name, value in values.items():
        script = script.replace(name, repr(value))
    return script


def wait_for_line(process, start):
    """Return the rest of the first line of the process's output that starts so, or stop."""
    for line in process.stdout:
        if line.startswith(start):
            return line[len(start) :].strip()
    process.wait()
    raise SystemExit(f"manage.py shell exited ({process.returncode}):\n{process.stderr.read()}")


def probe_unpublished(server, paths, stop):
    """Ask for the unpublished pages, one after another, until stopped; count the answers."""
    counts = {"asked": 0, "served": 0, "failed": 0, "statuses": {}}
    while not stop.is_set():
        for path in paths:
            if stop.is_set():
                break
            try:
                status = fetch(server.url + path)[0]
            except OSError:  # a timeout or a reset: nothing served, but said in the report
                counts["failed"] += 1
                continue
            counts["asked"] += 1
            if status != 404:
                counts["served"] += 1
                counts["statuses"][status] = counts["statuses"].get(status, 0) + 1
    return counts


def storm_checks(result, served, hits, pages):
    """Return the storm's checks: no unpublished page served (required), its goals (reported)."""
    change = result["storm"]
    errors = result["errors"] + result["non_2xx"]
    statuses = ", ".join(f"{n:,} answered {status}" for status, n in served["statuses"].items())
    is_safe = change["unpublished"] == pages and served["asked"] > 0 and not served["served"]
    return [
        {
            "ok": is_safe,
            "text": (
                f"Storm: no unpublished page served: {change['renamed']} section renamed and "
                f"{change['unpublished']} articles unpublished in one transaction, committed "
                f"{change['committed']:.1f} s after the storm started; their {pages} pages "
                f"({hits} served from the page cache just before), out of wrk's paths, were "
                f"asked for {served['asked']:,} times from the commit to the end of the "
                f"storm: {served['served']:,} answered other than 404"
                + (f" ({statuses})" if statuses else "")
                + (f", {served['failed']} failed to answer" if served["failed"] else "")
                + (". " if is_safe else ": UNPUBLISHED PAGES SERVED (or not checkable). ")
                + "Section and articles restored afterwards."
            ),
        },
        {
            "ok": errors == 0,
            "is_required": False,
            "text": f"Storm: no errors (a goal): {result['non_2xx']:,} non-2xx/3xx, "
            f"{result['errors']:,} socket errors.",
        },
        {
            "ok": result["p99"] < STORM_P99_MS,
            "is_required": False,
            "text": f"Storm: p99 under {STORM_P99_MS} ms (a goal, measured on this machine): "
            f"{result['p99']:.1f} ms (p50 {result['p50']:.1f} ms, max {result['max']:.0f} ms).",
        },
    ]


# The report.


def static_rates(results):
    """Return the static baselines' mean rates: {True: compressed, False: plain}."""
    return {
        compressed: statistics.mean(
            r["rps"]
            for r in results
            if r["case"] in {cases[not compressed] for cases in STATIC_CASES.values()}
        )
        for compressed in (True, False)
    }


def is_compressed(result):
    """Tell whether most of a case's answers were sent compressed (paths.lua counts them)."""
    tally = result.get("lua", {})
    answered = sum(tally.get(name, 0) for name in ("hits", "stale", "misses", "uncached"))
    return answered > 0 and tally.get("compressed", 0) > answered / 2


def ratio(result, rates):
    """Return a case's rate over the static file's sent the same way (compressed or plain)."""
    return result["rps"] / rates[is_compressed(result)]


def format_report(results, checks, built, page, headers, options, seconds, loads):
    rates = static_rates(results)
    # The start and end of each kind of baseline: the machine's speed should not have moved.
    pairs = [
        [r["rps"] for r in results if r["case"] in kind]
        for kind in zip(*STATIC_CASES.values(), strict=True)
    ]
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
        f"{page['baseline']:,} bytes ({page['baseline_gzip']:,} compressed), served by "
        f"whitenoise: {rates[True]:,.0f} requests/s compressed, {rates[False]:,.0f} plain.",
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
    if any(max(pair) > 1.2 * min(pair) for pair in pairs):
        lines.append(
            "**The static baseline changed by more than 20 % during the run: the machine's "
            "speed changed (other work?); compare the cases measured close to each baseline, or "
            "run again.**"
        )
    if not page["has_page_cache_setting"]:
        lines.append("**The site has no PAGE_CACHE_SECONDS setting yet: every run is uncached.**")
    for mode, found in headers.items():
        shown = "; ".join(f"{k}: {v}" for k, v in found.items()) or "no caching header"
        lines.append(f"Home page headers, page cache {mode}: {shown}.")
    lines += [
        "",
        "| case | page cache | requests/s | × baseline | p50 ms | p99 ms | non-2xx/3xx "
        "| socket errors | KB/response | sent | cache hits |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for r in results:
        hits = format_hits(r["lua"])
        lines.append(
            f"| {r['case']} | {r['cache']} | {r['rps']:,.0f} | {ratio(r, rates):.3f} "
            f"| {r['p50']:.1f} | {r['p99']:.1f} | {r['non_2xx']:,} | {r['errors']:,} "
            f"| {r['kb']:.1f} | {'gzip' if is_compressed(r) else 'plain'} | {hits} |"
        )
    lines += ["", "Filled before measuring (each page fetched once, four at a time):", ""]
    lines += [
        f"- {r['case']}, page cache {r['cache']}: {r['filled']['pages']:,} of "
        f"{r['filled']['of']:,} in {r['filled']['seconds']:.0f} s."
        for r in results
        if r.get("filled")
    ]
    lines += ["", "Checks:", ""]
    lines += [f"- {check_status(c)}: {c['text']}" for c in checks]
    lines += [
        "",
        "Notes: the ratio is requests/s over the static baseline's mean requests/s, the "
        'baseline sent as the case\'s answers were ("sent"): whole pages from the page cache '
        "go compressed to browsers, as whitenoise sends static files; pages made afresh go "
        "plain, and are compared with the same file without its compressed copy. "
        "non-2xx/3xx counts statuses of 400 or more (wrk's count). KB/response includes the "
        "HTTP headers. Cache hits: the share of X-Page-Cache: hit among the responses carrying "
        'that header; "-" when none did (the page cache does not handle that URL, or is off); '
        '"stale": pages made before a change of what every page shows (the storm’s rename), '
        "served while one process makes them again. "
        "Page cache on: whole pages kept (PAGE_CACHE_SECONDS=300); off: parts of pages kept "
        "(FRAGMENT_CACHE_SECONDS), not whole pages; cold: neither (PAGE_CACHE_SECONDS=0, "
        "FRAGMENT_CACHE_SECONDS=0), only the rankings box kept (RANKINGS_CACHE_SECONDS), every "
        "page rendered as after a change. Before measuring, the article pages were fetched once "
        "to be cached: whole pages with the page cache on, the articles' own parts (cached by "
        "version) with it off. Search pages are not kept by the page cache: measured with it off "
        "(the results kept as a part by the listings' version, as for a query many readers make) "
        "and cold (searched afresh each time). "
        f"The common word «{COMMON_SEARCH}» is in nearly every article (the site ranks its newest "
        "matches only, SEARCH_CANDIDATES); no single word of the data set is in fewer than about "
        f"220 articles, so the rare search is two words, «{RARE_SEARCH}», that meet in a "
        "handful (counted at sample time with the site's query on the stored search document). "
        f"The storm reads the article pages but the {STORM_UNPUBLISHED} it unpublishes, every "
        f"one cached, for {options.storm_seconds} s: after {STORM_CHANGE_SECONDS} s, a section "
        "is renamed (every article page goes stale) and those articles are unpublished, in one "
        "transaction through the ORM; a probe then asks for their pages until the end. "
        "The beacon run ends with 0.5 s of beacons for no article (/vues/0/) so that no counted "
        "beacon is in flight when wrk stops; each counted beacon comes from a distinct "
        "X-Forwarded-For (CLIENT_IP_HEADER), since the site counts a visitor once per article "
        "per 30 minutes. Comments were posted with COMMENTS_RATE_LIMIT=1000000000 and "
        "COMMENTS_MIN_FORM_SECONDS=0, with one CSRF token and form stamp for the whole run and "
        "different words each time (the same words twice on an article are stored once).",
        "",
    ]
    return "\n".join(lines)


def format_hits(tally):
    """Return the share of page cache hits, and of stale pages served if any; "-" if none."""
    answered = sum(tally.get(name, 0) for name in ("hits", "stale", "misses"))
    if not answered:
        return "-"
    stale = tally.get("stale", 0)
    return f"{tally['hits'] / answered:.0%}" + (f" + {stale / answered:.0%} stale" if stale else "")


def check_status(check):
    if check["ok"]:
        return "OK"
    return "FAILED" if check.get("is_required", True) else "NOT MET"


def format_layers(layers, results):
    """Return the table of what each cache layer earns on its pages: rate with it, without it."""
    if not layers:
        return ""
    rates = static_rates(results)
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
            f"| {row['rps']:,.0f} | {ratio(row, rates):.3f} | {row['p99']:.1f} "
            f"| {full['rps'] / row['rps'] - 1:+.0%} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
