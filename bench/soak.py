"""The soak: two instances of the site under a mixed load, and nothing lost.

Run it from the project folder:

    .venv/bin/python bench/soak.py                  # 60 seconds of load; about 80 s in all
    .venv/bin/python bench/soak.py --seconds 600    # longer (see --help)
    .venv/bin/python bench/soak.py --keep-db        # leave newsroom_soak for a look afterwards

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust; or BENCH_POSTGRES=postgres://...) and
Redis on 127.0.0.1:6379 (--redis-url; database 10 by default, and only keys under the prefix
"soak:" are touched). It prints a table of figures, writes it to bench/results/soak.md
(git-ignored), and exits with status 1 when anything was lost or answered with a 5xx; the test
tests/site/test_soak.py runs it for 8 seconds in CI.

What it does:

1. Builds a modest data set in a scratch database, `newsroom_soak` (dropped and created again):
   `manage.py migrate`, then `bench/dataset.py` (300 published articles over 30 days, their
   comments open, 3,000 comments of which 85 % are published, hourly view counters), and
   `manage.py collectstatic` (the production settings serve hashed static files). The database
   is dropped at the end unless --keep-db.
2. Starts the site twice under gunicorn, on two ports, sharing that database and Redis, with the
   production settings of bench/run.py (`site_environment`: DEBUG=0, a random SECRET_KEY shared
   by both, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0, CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR
   so that each simulated visitor has an address of its own, COMMENTS_RATE_LIMIT=1000000000 and
   COMMENTS_MIN_FORM_SECONDS=0), 2 sync workers each, and the whole-page cache on
   (PAGE_CACHE_SECONDS=300), as in production.
3. Sends a mixed load for --seconds from --visitors threads (stdlib http.client, one connection
   a request, a browser's User-Agent), each action from a new visitor, alternating between the
   two instances, and within an action going from one to the other (a form's tokens fetched from
   one instance are posted to the other):
   - page reads (half the actions): the home page, a section page, an article page, a search;
   - view beacons (three in ten): POST /vues/<id>/ for a published article; accepted = 204;
     one visitor in five sends it to both instances at once (two tabs): counted once;
   - comment posts (one in ten): the CSRF token, its cookie and the form stamp from
     /commentaires/jetons/, then the form posted with a unique marker in its text ("réf.
     soak-<run>-<visitor>-<n>"), then the page the site redirects to, with the cookies it set;
     accepted = a redirect to the article's comments and the thank-you shown on that page;
   - reports of published comments (one in ten; among 400 of them, so that some collect the 3
     reports that hide a comment): tokens, the report form posted with a unique marker in its
     explanation, the page it redirects to; accepted = the redirect and the thank-you. A comment
     hidden meanwhile is answered 404 (or 403 when hidden while the report was being checked).
   One form in five is posted to both instances at once (a double click): a comment is then
   stored once and both posts thanked; a report stored once, the other post told it was already
   made (or answered 404 if the first one hid the comment).
   `manage.py flush_views` runs every --flush-every seconds meanwhile, as cron does in production.
4. Checks, once the load is over and `manage.py flush_views` has moved the last views from Redis
   to PostgreSQL: no 5xx and no request left without an answer; every answer the one expected for
   its kind; every accepted comment stored exactly once (its marker counted in PostgreSQL: none
   missing, none duplicated, none stored that was not accepted); the views added to the hourly
   counters equal to the beacons accepted (a visitor's two beacons for an article count once);
   every accepted report stored exactly once; every comment with 3 open reports hidden, and
   gone from its article's page on both instances (the page cache was told); and, after the
   clean-up, no process it started still running.

Every process it starts (gunicorn and its workers, each manage.py command) is stopped in a
`finally` block, on Ctrl-C or a kill as well; its Redis keys are deleted and the database dropped.
The machine may be busy: the soak is about correctness, not speed (see bench/run.py for that).
"""

import argparse
import collections
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import dataset
import psycopg
import run

RESULTS = run.BENCH / "results" / "soak.md"
DATABASE = "newsroom_soak"
REDIS_URL = "redis://127.0.0.1:6379/10"
KEY_PREFIX = "soak"
SIZES = {"articles": 300, "comments": 3_000}
REPORTED_COMMENTS = 400  # reports fall on these: some reach the 3 reports that hide a comment
REPORTS_TO_HIDE = 3  # COMMENTS_REPORTS_TO_HIDE, the site's default
# What a visitor does, in proportion.
ACTIONS = {"read": 5, "beacon": 3, "comment": 1, "report": 1}
READS = {"home page": 1, "section page": 1, "article page": 4, "search": 1}
# Share of the forms posted twice at once, to both instances (a double click), and of the
# beacons sent twice at once (two tabs): stored once, counted once.
TWICE = 0.2
TIMEOUT = 30  # seconds a request may take: gunicorn's own worker timeout
READER = {"User-Agent": run.BROWSER}
# The answers expected, by kind of request; anything else is reported and fails the run.
EXPECTED = {
    "comment post": {302},
    "report post": {302, 403, 404},  # 404: hidden after reports; 403: hidden while reporting
    "view beacon": {204},
}
KINDS = [
    *(f"read: {name}" for name in READS),
    "view beacon",
    "comment tokens",
    "comment post",
    "comment page after redirect",
    "report tokens",
    "report post",
    "report page after redirect",
]
MARKER = r"soak-[0-9a-f]+-[0-9]+-[0-9]+"
# A report not accepted because its comment was hidden by others' reports meanwhile.
HIDDEN_ANSWERS = {"answered 403", "answered 404"}
LATE_REPORTS = {"already reported", *HIDDEN_ANSWERS}
MESSAGE = re.compile(rb'class="message message-(\w+)"')


def main():
    options = parse_arguments()
    signal.signal(signal.SIGTERM, run.interrupt)  # a kill runs the same clean-up as Ctrl-C
    work = Path(tempfile.mkdtemp(prefix="newsroom-soak-"))
    env = run.site_environment(
        options.database, redis_url=options.redis_url, key_prefix=options.key_prefix
    ) | {"PAGE_CACHE_SECONDS": "300"}
    servers, flusher = [], Flusher(env)
    started = time.monotonic()
    try:
        built = run.build_database(env, options.database, **SIZES)
        run.say("Collecting static files.")
        run.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        data = sample_data(options.database)
        run.clear_redis(options.redis_url, options.key_prefix)
        for number in (1, 2):
            server = run.Server(env, work / f"gunicorn-{number}.log")
            servers.append(server)
            server.start()
            run.say(f"Instance {number}: {server.url}, gunicorn pid {server.process.pid}.")
        before = database_totals(options.database)
        tally = load(servers, data, flusher, options)
        run.say("Load over: moving the last views from Redis to PostgreSQL (flush_views).")
        flusher.flush()
        figures = check(tally, flusher, before, options, servers)
    except KeyboardInterrupt:
        run.say("Interrupted: stopping what was started.")
        raise SystemExit(130) from None
    finally:
        left = clean_up(servers, flusher, work, options)
    figures["processes left running"] = left
    if left:
        figures["failures"].append(f"{left} processes left running after the clean-up")
    report = format_report(figures, built, servers, options, time.monotonic() - started)
    print(report)
    options.results.parent.mkdir(parents=True, exist_ok=True)
    options.results.write_text(report)
    run.say(f"Written to {options.results}.")
    if figures["failures"]:
        raise SystemExit(1)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument(
        "--visitors", type=int, default=8, help="visitors at a time: threads (default 8)"
    )
    parser.add_argument(
        "--flush-every",
        type=int,
        default=15,
        help="seconds between two flush_views during the load, as cron (0: only at the end)",
    )
    parser.add_argument("--database", default=DATABASE, help=f"scratch database ({DATABASE})")
    parser.add_argument("--redis-url", default=REDIS_URL, help=f"Redis database ({REDIS_URL})")
    parser.add_argument(
        "--key-prefix", default=KEY_PREFIX, help=f"Redis keys' prefix ({KEY_PREFIX})"
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="where to write the report (bench/results/)"
    )
    return parser.parse_args()


def clean_up(servers, flusher, work, options):
    """Stop what was started, delete what was created; return how many processes are left."""
    steps = [
        *((f"stop gunicorn on {server.url}", server.stop) for server in servers),
        ("stop flush_views", flusher.stop),
        (f"delete the {options.key_prefix}: keys in Redis", lambda: clear(options)),
        ("remove the temporary files", lambda: shutil.rmtree(work, ignore_errors=True)),
    ]
    if not options.keep_db:
        steps.append(
            (
                f"drop {options.database}",
                lambda: dataset.scratch_database(options.database, "drop", server=run.POSTGRES),
            )
        )
    for name, step in steps:
        try:
            step()
        except Exception as error:
            run.say(f"Could not {name}: {error}")
    left = [
        pid for server in servers if server.process for pid in run.group_members(server.process.pid)
    ]
    left += flusher.running()
    if left:
        run.say(f"Still running after the clean-up: {left}.")
    return len(left)


def clear(options):
    run.clear_redis(options.redis_url, options.key_prefix)


# The data the visitors pick from.


def sample_data(database):
    with psycopg.connect(f"{run.POSTGRES}/{database}") as connection:
        # Article.objects.published(), as the site has it.
        published = "a.status = 'published' AND a.published_at <= now() AND NOT a.is_embargoed"
        articles = connection.execute(
            f"SELECT id, slug FROM articles_article a WHERE {published} ORDER BY id"
        ).fetchall()
        # Comments close 30 days after publication (COMMENTS_CLOSE_AFTER_DAYS): a day's margin.
        open_articles = connection.execute(
            f"SELECT id, slug FROM articles_article a WHERE {published} "
            "AND is_open_for_comments AND published_at > now() - interval '29 days' ORDER BY id"
        ).fetchall()
        reported = connection.execute(
            "SELECT c.id, a.slug, a.id FROM comments_comment c JOIN articles_article a "
            "ON a.id = c.article_id WHERE c.status = 'approved' AND c.hidden_at IS NULL "
            f"AND {published} ORDER BY random() LIMIT %s",
            [REPORTED_COMMENTS],
        ).fetchall()
        sections = connection.execute("SELECT slug FROM articles_section").fetchall()
    reads = {
        "home page": ["/"],
        "section page": [f"/rubriques/{slug}/" for (slug,) in sections],
        "article page": [f"/articles/{slug}-{pk}/" for pk, slug in articles],
        "search": [
            f"/recherche/?{urllib.parse.urlencode({'q': q})}"
            for q in (run.COMMON_SEARCH, run.RARE_SEARCH)
        ],
    }
    return {
        "reads": reads,
        "article ids": [pk for pk, _slug in articles],
        "open articles": [(pk, f"/articles/{slug}-{pk}/") for pk, slug in open_articles],
        "reported comments": [(pk, f"/articles/{slug}-{a}/") for pk, slug, a in reported],
    }


def database_totals(database):
    """Return the views counted so far and the reports stored so far."""
    with psycopg.connect(f"{run.POSTGRES}/{database}") as connection:
        views = connection.execute(
            "SELECT coalesce(sum(views), 0) FROM articles_hourlyviews"
        ).fetchone()[0]
        reports = connection.execute("SELECT count(*) FROM comments_report").fetchone()[0]
    return {"views": views, "reports": reports}


# The load.


class Tally:
    """Every request's answer, by kind and instance, with its duration; shared by the visitors."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.defaultdict(collections.Counter)  # kind -> status -> n
        self.ports = collections.defaultdict(collections.Counter)  # kind -> port -> n
        self.seconds = collections.defaultdict(list)
        self.errors = collections.Counter()  # "kind: exception" -> n
        self.outcomes = {"comment": {}, "report": {}}  # marker -> outcome
        self.twice = collections.Counter()  # action -> how many were sent twice at once
        self.crashes = []  # what stopped a visitors' thread before the end
        self.beacons_accepted = 0
        self.views_to_count = 0  # distinct visitor and article among the beacons accepted

    def record(self, kind, port, status, seconds, error=None):
        with self.lock:
            self.statuses[kind][status or "no answer"] += 1
            self.ports[kind][port] += 1
            self.seconds[kind].append(seconds)
            if error:
                self.errors[f"{kind}: {error}"] += 1

    def outcome(self, action, marker, outcome, *, twice):
        with self.lock:
            self.outcomes[action][marker] = outcome
            self.twice[action] += twice


class Visitors(threading.Thread):
    """One thread of visitors: each action by a new visitor, until the deadline."""

    def __init__(self, number, servers, data, tally, run_id, deadline, stop):
        super().__init__(daemon=True, name=f"visitors-{number}")
        self.number, self.servers, self.data, self.tally = number, servers, data, tally
        self.run_id, self.deadline, self.stop = run_id, deadline, stop
        self.random = random.Random(f"{run_id}-{number}")
        self.visits = 0

    def run(self):
        actions, weights = zip(*ACTIONS.items(), strict=True)
        try:
            while time.monotonic() < self.deadline and not self.stop.is_set():
                self.visits += 1
                action = self.random.choices(actions, weights)[0]
                # Alternate the instances; a form's tokens and its post go to different ones.
                first = self.servers[(self.number + self.visits) % 2]
                second = self.servers[(self.number + self.visits + 1) % 2]
                getattr(self, action)(first, second)
        except Exception as error:  # an answer the visitor could not read: fail the run
            with self.tally.lock:
                self.tally.crashes.append(f"{self.name}, visit {self.visits}: {error!r}")

    def send(self, kind, server, method, path, *, body=None, cookies=None):
        """Send one request from this visit's visitor; return (status, headers, body) or None."""
        # CLIENT_IP_HEADER: every visit comes from an address of its own.
        address = f"fd00:{self.number:x}::{self.visits >> 16:x}:{self.visits & 0xFFFF:x}"
        # Sec-Fetch-Site: what a browser says of requests from the site's own pages.
        headers = {
            "User-Agent": run.BROWSER,
            "X-Forwarded-For": address,
            "Sec-Fetch-Site": "same-origin",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(body)
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        started = time.monotonic()
        try:
            answer = send(server, method, path, body=body, headers=headers)
        except (OSError, http.client.HTTPException) as error:
            self.tally.record(kind, server.port, None, time.monotonic() - started, repr(error))
            return None
        self.tally.record(kind, server.port, answer[0], time.monotonic() - started)
        return answer

    def marker(self):
        return f"soak-{self.run_id}-{self.number}-{self.visits}"

    def read(self, server, _other):
        names, weights = zip(*READS.items(), strict=True)
        name = self.random.choices(names, weights)[0]
        self.send(f"read: {name}", server, "GET", self.random.choice(self.data["reads"][name]))

    def at_once(self, *calls):
        """Make the calls at the same time, from threads; return their results."""
        results = [None] * len(calls)

        def call(number):
            results[number] = calls[number]()

        helpers = [threading.Thread(target=call, args=(n,)) for n in range(1, len(calls))]
        for helper in helpers:
            helper.start()
        call(0)
        for helper in helpers:
            helper.join()
        return results

    def beacon(self, server, other):
        pk = self.random.choice(self.data["article ids"])

        def beacon_to(target):
            answer = self.send("view beacon", target, "POST", f"/vues/{pk}/", body={})
            return answer is not None and answer[0] == 204

        twice = self.random.random() < TWICE
        if twice:
            accepted = self.at_once(lambda: beacon_to(server), lambda: beacon_to(other))
        else:
            accepted = [beacon_to(server)]
        with self.tally.lock:
            self.tally.beacons_accepted += sum(accepted)
            self.tally.views_to_count += any(accepted)  # the same visitor counts once
            self.tally.twice["beacon"] += twice

    def tokens(self, kind, server):
        """Fetch what a cached page's form cannot carry: a CSRF token, its cookie, a stamp."""
        answer = self.send(kind, server, "GET", "/commentaires/jetons/")
        if not answer or answer[0] != 200:
            return None
        return json.loads(answer[2]), cookies_set(answer[1])

    def comment(self, first, second):
        marker = self.marker()
        found = self.tokens("comment tokens", first)
        if found is None:
            self.tally.outcome("comment", marker, "no tokens")
            return
        tokens, cookies = found
        pk, page = self.random.choice(self.data["open articles"])
        text = f"{self.random.choice(run.COMMENT_TEXTS)} (réf. {marker})"
        form = {
            **tokens,
            "website": "",
            "display_name": f"Lecteur {self.number}",
            "email": f"lecteur{self.number}@example.org",
            "text": text,
        }
        path, back = f"/articles/{pk}/commentaires/", f"{page}#votre-commentaire"
        outcomes = self.post("comment", path, form, cookies, back, first, second)
        # Posted twice, the same comment is stored once, and each post thanked.
        accepted = all(outcome == "accepted" for outcome in outcomes)
        outcome = "accepted" if accepted else " and ".join(outcomes)
        self.tally.outcome("comment", marker, outcome, twice=len(outcomes) == 2)

    def report(self, first, second):
        marker = self.marker()
        found = self.tokens("report tokens", first)
        if found is None:
            self.tally.outcome("report", marker, "no tokens")
            return
        tokens, cookies = found
        pk, page = self.random.choice(self.data["reported comments"])
        form = {
            "csrfmiddlewaretoken": tokens["csrfmiddlewaretoken"],
            "reason": self.random.choice(["spam", "abuse", "off_topic", "other"]),
            "explanation": f"Signalé pendant le test d'endurance ({marker}).",
        }
        path, back = f"/commentaires/{pk}/signaler/", f"{page}#signalement-{pk}"
        outcomes = sorted(self.post("report", path, form, cookies, back, first, second))
        twice = len(outcomes) == 2
        if twice:
            # Posted twice, a report is stored once: the other post is told it was already
            # made, or finds the comment hidden by the first one.
            if outcomes[0] == "accepted" and outcomes[1] in LATE_REPORTS:
                outcomes = ["accepted"]
            elif set(outcomes) <= HIDDEN_ANSWERS:
                outcomes = outcomes[:1]
        self.tally.outcome("report", marker, " and ".join(outcomes), twice=twice)

    def post(self, action, path, form, cookies, back, first, second):
        """Post the form to the second instance, or to both at once; follow each answer."""

        def post(target, then):
            answer = self.send(f"{action} post", target, "POST", path, body=form, cookies=cookies)
            return self.follow(action, answer, then, cookies, back)

        if self.random.random() < TWICE:  # a double click
            return self.at_once(lambda: post(second, first), lambda: post(first, second))
        return [post(second, first)]

    def follow(self, action, answer, server, cookies, expected):
        """Follow the site's answer to a post as a browser does; return what it amounts to."""
        if answer is None:
            return "no answer"
        status, headers, _body = answer
        if status != 302:
            return f"answered {status}"
        location = headers.get("Location", "")
        if location != expected:
            return f"redirected elsewhere ({location})"
        page = self.send(
            f"{action} page after redirect", server, "GET", location.split("#")[0],
            cookies=cookies | cookies_set(headers),
        )  # fmt: skip
        if page is None or page[0] != 200:
            return "redirected, page not shown"
        levels = [level.decode() for level in MESSAGE.findall(page[2])]
        if levels == ["success"]:
            return "accepted"
        if levels == ["info"]:
            return "already reported"
        return f"redirected, messages {levels}"


def send(server, method, path, *, body=None, headers=None):
    """Send one request on a connection of its own; return (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def cookies_set(headers):
    """Return the cookies a response sets, as a browser would send them back."""
    cookies = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        cookies[name.strip()] = value.strip()
    return cookies


class Flusher:
    """`manage.py flush_views`, as cron runs it: now, or every few seconds in a thread."""

    def __init__(self, env):
        self.env = env
        self.lock = threading.Lock()
        self.process = None
        self.runs, self.moved, self.failed = 0, 0, []
        self.stopped = threading.Event()
        self.thread = None

    def flush(self):
        """Run flush_views once; add the views it moved."""
        with self.lock:
            if self.stopped.is_set():
                return
            self.process = subprocess.Popen(
                [str(run.VENV_BIN / "python"), "manage.py", "flush_views"],
                cwd=run.ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True,
            )  # fmt: skip
            self.runs += 1
        output = self.process.communicate()[0]
        with self.lock:
            moved = re.match(r"(\d+) view", output.strip())
            if self.process.returncode or not moved:
                self.failed.append(output.strip()[-2000:])
            else:
                self.moved += int(moved[1])
            self.process = None

    def every(self, seconds):
        def repeat():
            while not self.stopped.wait(seconds):
                self.flush()

        self.thread = threading.Thread(target=repeat, daemon=True, name="flush_views")
        self.thread.start()

    def pause(self):
        """Stop the periodic runs, letting the one under way finish."""
        if self.thread:
            self.stopped.set()
            self.thread.join()
            self.stopped.clear()
            self.thread = None

    def stop(self):
        """Stop for good, the command under way included."""
        self.stopped.set()
        with self.lock:
            process = self.process
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.thread:
            self.thread.join(timeout=15)

    def running(self):
        with self.lock:
            process = self.process
        return [process.pid] if process and process.poll() is None else []


def load(servers, data, flusher, options):
    """Send the mixed load from the visitors' threads; return the tally."""
    tally, stop = Tally(), threading.Event()
    run_id = secrets.token_hex(3)
    run.say(
        f"Load: {options.visitors} visitors at a time for {options.seconds} s, on "
        f"{' and '.join(server.url for server in servers)} (run {run_id})."
    )
    deadline = time.monotonic() + options.seconds
    threads = [
        Visitors(number, servers, data, tally, run_id, deadline, stop)
        for number in range(1, options.visitors + 1)
    ]
    if options.flush_every:
        flusher.every(options.flush_every)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():  # a join with a timeout lets Ctrl-C through
                thread.join(timeout=0.5)
    finally:
        stop.set()  # on Ctrl-C: the visitors stop after their current request
        flusher.pause()
    return tally


# The checks.


def check(tally, flusher, before, options, servers):
    """Compare what the visitors were told with what PostgreSQL holds; return the figures."""
    after = database_totals(options.database)
    with psycopg.connect(f"{run.POSTGRES}/{options.database}") as connection:
        comments = dict(
            connection.execute(
                "SELECT substring(text from %s), count(*) FROM comments_comment "
                "WHERE text ~ %s GROUP BY 1",
                [MARKER, MARKER],
            ).fetchall()
        )
        reports = dict(
            connection.execute(
                "SELECT substring(explanation from %s), count(*) FROM comments_report "
                "WHERE explanation ~ %s GROUP BY 1",
                [MARKER, MARKER],
            ).fetchall()
        )
        hidden, not_hidden = connection.execute(
            """
            SELECT count(*) FILTER (WHERE c.hidden_at IS NOT NULL),
                count(*) FILTER (WHERE c.hidden_at IS NULL AND c.status = 'approved'
                    AND open_reports >= %s)
            FROM comments_comment c JOIN (
                SELECT comment_id, count(*) AS open_reports FROM comments_report
                WHERE resolved_at IS NULL GROUP BY comment_id
            ) r ON r.comment_id = c.id
            """,
            [REPORTS_TO_HIDE],
        ).fetchone()
        hidden_comments = connection.execute(
            "SELECT c.id, a.slug, a.id FROM comments_comment c JOIN articles_article a "
            "ON a.id = c.article_id WHERE c.hidden_at IS NOT NULL"
        ).fetchall()
    figures = {"tally": tally, "flusher": flusher, "failures": []}
    failures = figures["failures"]
    # Hiding a comment changes its article's page: no instance may serve it from its cache.
    stale = [
        (pk, server.url)
        for pk, slug, article in hidden_comments
        for server in servers
        if f'id="commentaire-{pk}"'.encode()
        in send(server, "GET", f"/articles/{slug}-{article}/", headers=READER)[2]
    ]
    figures["stale"] = len(stale)
    if stale:
        failures.append(f"hidden comments still shown (comment, instance): {stale}")
    requests = sum(sum(statuses.values()) for statuses in tally.statuses.values())
    server_errors = sum(
        n
        for statuses in tally.statuses.values()
        for status, n in statuses.items()
        if isinstance(status, int) and status >= 500
    )
    unanswered = sum(statuses["no answer"] for statuses in tally.statuses.values())
    unexpected = {
        kind: n
        for kind, statuses in tally.statuses.items()
        for status, n in statuses.items()
        if isinstance(status, int) and status < 500 and status not in EXPECTED.get(kind, {200})
    }
    figures["requests"] = requests
    figures["5xx"] = server_errors
    figures["unanswered"] = unanswered
    figures["unexpected"] = sum(unexpected.values())
    if server_errors:
        failures.append(f"{server_errors} responses with a 5xx status")
        figures["server errors"] = [server.log() for server in servers]
    if unanswered:
        failures.append(f"{unanswered} requests without an answer: {dict(tally.errors)}")
    if unexpected:
        failures.append(f"unexpected answers: {unexpected}")
    for action, stored in (("comment", comments), ("report", reports)):
        outcomes = tally.outcomes[action]
        accepted = {marker for marker, outcome in outcomes.items() if outcome == "accepted"}
        figures[action] = {
            "sent": len(outcomes),
            "twice": tally.twice[action],
            "outcomes": collections.Counter(outcomes.values()),
            "accepted": len(accepted),
            "stored": sum(stored.values()),
            "lost": len(accepted - set(stored)),
            "duplicated": sum(n - 1 for n in stored.values() if n > 1),
            "unacknowledged": len(set(stored) - accepted),
        }
        found = figures[action]
        for name in ("lost", "duplicated", "unacknowledged"):
            if found[name]:
                failures.append(f"{found[name]} {action}s {name}")
    if not figures["comment"]["accepted"] and options.seconds >= 5:
        failures.append("no comment was accepted: the check proves nothing")
    refused = figures["comment"]["sent"] - figures["comment"]["accepted"]
    if refused:
        failures.append(f"{refused} comments not accepted: {figures['comment']['outcomes']}")
    odd = {
        outcome: n
        for outcome, n in figures["report"]["outcomes"].items()
        if outcome != "accepted" and outcome not in HIDDEN_ANSWERS
    }
    if odd:
        failures.append(f"unexpected answers to reports: {odd}")
    figures["hiding"] = {"hidden": hidden, "not hidden": not_hidden}
    if after["reports"] - before["reports"] != figures["report"]["stored"]:
        failures.append("reports stored without a marker of this run")
    if not_hidden:
        failures.append(f"{not_hidden} comments with {REPORTS_TO_HIDE} reports still shown")
    views = after["views"] - before["views"]
    figures["views"] = {
        "beacons": tally.beacons_accepted,
        "twice": tally.twice["beacon"],
        "to count": tally.views_to_count,
        "counted": views,
    }
    if views != tally.views_to_count:
        failures.append(f"{tally.views_to_count} views to count, {views} counted")
    if tally.crashes:
        failures.append(f"visitors' threads stopped early: {tally.crashes}")
    if flusher.failed:
        failures.append(f"flush_views failed: {flusher.failed[0]}")
    return figures


# The report.


def format_report(figures, built, servers, options, seconds):
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=run.ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "# Soak",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}, "
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.2f} at the end); "
        f"{options.seconds} s of load from {options.visitors} visitors at a time against "
        f"{len(servers)} gunicorn instances (2 sync workers each, DEBUG=0, page cache on) "
        f"sharing PostgreSQL ({options.database}) and Redis ({options.redis_url}, keys "
        f"{options.key_prefix}:*); flush_views every {options.flush_every or '-'} s and at the "
        f"end; total run {seconds:.0f} s.",
    ]
    if built:
        lines.append(
            "Data: "
            + ", ".join(f"{v:,.0f} {k}" for k, v in built.items() if k != "seconds")
            + f" (built in {built['seconds']:.0f} s)."
        )
    tally = figures["tally"]
    ports = sorted({port for counts in tally.ports.values() for port in counts})
    lines += [
        "",
        "| requests | sent | "
        + " | ".join(f"port {port}" for port in ports)
        + " | answers | 5xx | no answer | p50 ms | p99 ms | max ms |",
        "|---|--:|" + "--:|" * len(ports) + "---|--:|--:|--:|--:|--:|",
    ]
    for kind in [*KINDS, *sorted(set(tally.statuses) - set(KINDS))]:
        statuses = tally.statuses.get(kind)
        if not statuses:
            continue
        durations = sorted(tally.seconds[kind])
        answers = ", ".join(
            f"{status}: {n:,}"
            for status, n in sorted(statuses.items(), key=str)
            if status != "no answer"
        )
        lines.append(
            f"| {kind} | {sum(statuses.values()):,} | "
            + " | ".join(f"{tally.ports[kind][port]:,}" for port in ports)
            + f" | {answers} | {count_5xx(statuses)} | {statuses['no answer']} "
            f"| {percentile(durations, 50)} | {percentile(durations, 99)} "
            f"| {durations[-1] * 1000:,.0f} |"
        )
    lines.append(
        f"| **all** | **{figures['requests']:,}** | "
        + " | ".join(f"{sum(tally.ports[k][port] for k in tally.ports):,}" for port in ports)
        + f" | | **{figures['5xx']}** | **{figures['unanswered']}** | | | |"
    )
    comment, report, views = figures["comment"], figures["report"], figures["views"]
    flusher = figures["flusher"]
    lines += [
        "",
        "| check | figure | must be |",
        "|---|--:|---|",
        row("requests sent", figures["requests"], ""),
        row("responses with a 5xx status", figures["5xx"], "0"),
        row("requests without an answer", figures["unanswered"], "0"),
        row("unexpected answers (not 5xx)", figures["unexpected"], "0"),
        row(
            f"comments posted (of which {comment['twice']:,} twice at once: a double click)",
            comment["sent"],
            "",
        ),
        row("comments accepted (redirect + thank-you)", comment["accepted"], "all posted"),
        row("comments stored (their markers in PostgreSQL)", comment["stored"], "= accepted"),
        row("comments lost (accepted, not stored)", comment["lost"], "0"),
        row("comments duplicated (stored twice or more)", comment["duplicated"], "0"),
        row("comments stored but not accepted", comment["unacknowledged"], "0"),
        row(
            f"beacons accepted (204; {views['twice']:,} visitors sent theirs twice at once)",
            views["beacons"],
            "",
        ),
        row("views to count (a visitor and article once)", views["to count"], ""),
        row(f"views moved by flush_views ({flusher.runs} runs)", flusher.moved, "= to count"),
        row("views added to the hourly counters", views["counted"], "= to count"),
        row("views lost (to count − added)", max(0, views["to count"] - views["counted"]), "0"),
        row("views added too many", max(0, views["counted"] - views["to count"]), "0"),
        row(
            f"reports posted (of which {report['twice']:,} twice at once: a double click)",
            report["sent"],
            "",
        ),
        row("reports accepted (redirect + thank-you)", report["accepted"], ""),
        row("reports stored (their markers in PostgreSQL)", report["stored"], "= accepted"),
        row("reports lost (accepted, not stored)", report["lost"], "0"),
        row("reports duplicated", report["duplicated"], "0"),
        row("reports stored but not accepted", report["unacknowledged"], "0"),
        row(
            f"comments hidden after {REPORTS_TO_HIDE} reports",
            figures["hiding"]["hidden"],
            "",
        ),
        row(
            f"comments with {REPORTS_TO_HIDE} open reports not hidden",
            figures["hiding"]["not hidden"],
            "0",
        ),
        row(
            "hidden comments still on their article's page (either instance, page cache on)",
            figures["stale"],
            "0",
        ),
    ]
    lines.append(
        row(
            "processes left running after the clean-up (gunicorn workers included)",
            figures["processes left running"],
            "0",
        )
    )
    outcomes = {
        action: ", ".join(f"{k}: {v:,}" for k, v in figures[action]["outcomes"].most_common())
        for action in ("comment", "report")
    }
    lines += [
        "",
        f"Comment posts: {outcomes['comment'] or 'none'}.",
        f"Report posts: {outcomes['report'] or 'none'} (a report on a comment hidden meanwhile "
        "is answered 404, or 403 when it was hidden while the report was being checked).",
    ]
    for log in figures.get("server errors", []):
        lines += ["", "Server log (end):", "", "```", log, "```"]
    failures = figures["failures"]
    lines.append("")
    if failures:
        lines += ["**SOAK FAILED:**", "", *(f"- {failure}" for failure in failures)]
    else:
        lines.append("SOAK PASSED: no 5xx, nothing lost, every process stopped.")
    return "\n".join(lines) + "\n"


def row(name, figure, expected):
    return f"| {name} | {figure:,} | {expected} |"


def count_5xx(statuses):
    return sum(n for status, n in statuses.items() if isinstance(status, int) and status >= 500)


def percentile(durations, p):
    if len(durations) < 2:
        return f"{durations[0] * 1000:,.0f}" if durations else "-"
    quantiles = statistics.quantiles(durations, n=100, method="inclusive")
    return f"{quantiles[p - 1] * 1000:,.0f}"


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
