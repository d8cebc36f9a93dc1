"""Popularity: views counted from the reader's beacon, and the "most read / most commented" lists.

Privacy: a visitor is a keyed hash of address, browser and article under a salt that changes
every day; nothing identifying is stored, and it only lives 30 minutes in the cache to dedupe.
Exactness: with Redis, each view is one HINCRBY, sent in batches by each process (ViewSender);
`manage.py flush_views` moves the counts to the database in batches applied exactly once.
Without Redis, each view is one atomic upsert.
Views a script cannot buy: a beacon counts only when the browser says it comes from the site's own
page, and one address adds at most VIEWS_PER_ADDRESS_PER_MINUTE views a minute (over any 60
seconds) and VIEWS_PER_ADDRESS_PER_ARTICLE_PER_DAY to one article a day, whatever browser names it
gives. A reader reads far fewer; an office behind one address rarely reaches them.
"""

import atexit
import collections
import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import os
import re
import threading
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import (
    AppliedViewBatch,
    Article,
    DailyViews,
    HourlyViews,
    public_comments,
)
from newsroom.cache import redis_client, report_unreachable
from newsroom.client import client_address

DEDUPE_SECONDS = 30 * 60
WINDOWS = {"24h": 1, "7j": 7, "30j": 30}
BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|preview|facebookexternalhit|embedly|whatsapp|telegram"
    r"|curl|wget|python|httpx|go-http-client|java/|okhttp|headless|lighthouse|pingdom"
    r"|uptime|monitor|scan|feed|fetch",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1024)  # readers' browsers say the same few things
def is_bot(user_agent):
    return not user_agent or bool(BOTS.search(user_agent))


@functools.lru_cache(maxsize=4)  # a beacon asks three times: the day's salt, derived once
def _daily_salt(day):
    return hmac.new(settings.SECRET_KEY.encode(), f"views:{day}".encode(), hashlib.sha256).digest()


def _keyed(*parts):
    salt = _daily_salt(timezone.now().astimezone(dt.UTC).date())
    return hmac.new(salt, "|".join(map(str, parts)).encode(), hashlib.sha256).hexdigest()[:32]


def visitor_keys(request, article_id):
    """Return today's keys of this reader's view of the article, of its address's budget and of
    its address's cap on the article: none can be traced back to the reader or the article."""
    address, agent = client_address(request), request.headers.get("User-Agent", "")
    return (
        f"viewed:{_keyed(address, agent, article_id)}",
        f"views:budget:{_keyed(address)}",
        f"views:cap:{_keyed(address, article_id)}",
    )


def is_from_the_site(request):
    """Tell whether the browser sent the beacon from one of the site's own pages.

    Browsers say so in Sec-Fetch-Site, or else in Origin; a beacon saying neither is not counted.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and urlsplit(origin).netloc == request.get_host()


PENDING, BATCH = "views:pending", "views:batch:"


def hour_of(moment):
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def _upsert(table, key_column, rows, chunk=300):
    """Add view counts to (article, period) rows, atomically, a few hundred rows a statement."""
    adapt = (
        connection.ops.adapt_datetimefield_value
        if key_column == "hour"
        else connection.ops.adapt_datefield_value
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            values = ", ".join(["(%s, %s, %s)"] * len(part))
            params = [
                p for article_id, period, views in part for p in (article_id, adapt(period), views)
            ]
            cursor.execute(
                f"INSERT INTO {table} (article_id, {key_column}, views) VALUES {values} "
                f"ON CONFLICT (article_id, {key_column}) "
                f"DO UPDATE SET views = {table}.views + excluded.views",
                params,
            )


def add_views(counts):
    """Add {(article_id, hour): views} to the hourly counters, atomically."""
    rows = [(article_id, hour, views) for (article_id, hour), views in counts.items()]
    _upsert(HourlyViews._meta.db_table, "hour", rows)


# With Redis, one round trip: a reader seen in the last half hour is a repeat; an address over
# its budget of the last 60 seconds (a sorted set of its counted views' times) or over its cap
# for the article today counts nothing; else the view is counted and remembered.
COUNT_ONCE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 0 end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[5]) then return 0 end
redis.call('SET', KEYS[1], 1, 'EX', ARGV[1])
redis.call('ZADD', KEYS[2], now, ARGV[6])
redis.call('PEXPIRE', KEYS[2], 60000)
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], 172800)
return redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
"""


@functools.cache
def _count_once(client):
    """COUNT_ONCE as a script Redis keeps: each beacon sends its digest, not its text."""
    return client.register_script(COUNT_ONCE)


# Without Redis, the cache is this process's memory: a lock makes each check and count one step.
_budget_lock = threading.Lock()


def _within_budget_in_cache(budget_key, cap_key, now):
    """Count the view against the address's limits, as COUNT_ONCE does in Redis."""
    with _budget_lock:
        recent = [moment for moment in cache.get(budget_key, []) if moment > now - 60]
        views_today = cache.get(cap_key, 0)
        if (
            len(recent) >= settings.VIEWS_PER_ADDRESS_PER_MINUTE
            or views_today >= settings.VIEWS_PER_ADDRESS_PER_ARTICLE_PER_DAY
        ):
            return False
        cache.set(budget_key, [*recent, now], timeout=60)
        cache.set(cap_key, views_today + 1, timeout=2 * 86400)
    return True


def count_view(request, article_id):
    """Count one view of a published article by this reader, unless it is a bot or a repeat.

    With Redis, the view goes to this process's `sender`, which has Redis check it (repeat,
    budget, cap) and buffer it; whether the article is published is checked when the buffer is
    flushed. Without Redis, or while it fails, the view is checked and counted at once.
    """
    if is_bot(request.headers.get("User-Agent", "")) or not is_from_the_site(request):
        return
    seen_key, budget_key, cap_key = visitor_keys(request, article_id)
    now = timezone.now()
    field = f"{article_id}:{int(hour_of(now).timestamp())}"
    if settings.REDIS_URL and not sender.failing():
        keys = [cache.make_key(key) for key in (seen_key, budget_key, cap_key, PENDING)]
        sender.add((keys, [DEDUPE_SECONDS, field, int(now.timestamp() * 1000), uuid.uuid4().hex]))
        return
    if not settings.REDIS_URL:
        with contextlib.suppress(Exception):  # cache down: count rather than lose the view
            if cache.get(seen_key) or not _within_budget_in_cache(
                budget_key, cap_key, now.timestamp()
            ):
                return
            if not cache.add(seen_key, 1, timeout=DEDUPE_SECONDS):
                return  # the same reader's beacon, counted meanwhile
    _count_in_database([field])  # Redis down: without dedupe or budget


class ViewSender:
    """The views this process has yet to give Redis: a beacon does not wait for a round trip.

    Each view joins a list, and a thread of the process sends the list in one pipeline
    LINGER_SECONDS after its first view: under load, one round trip carries tens of views, each
    still checked and counted by COUNT_ONCE, atomically and in order, at the time the reader
    sent it. What waits is sent at exit, and by `flush` before it moves the buffer to the
    database; a process killed outright loses the views of its last LINGER_SECONDS. When Redis
    fails, the views it did not take are counted in the database by the next request (the
    thread keeps off the database), and views are counted there directly for RETRY_SECONDS.
    """

    LINGER_SECONDS = 0.05
    RETRY_SECONDS = 5.0

    def __init__(self):
        self.waiting, self.refused = [], []
        self.ready = threading.Condition()
        self.sending = threading.Lock()  # one list on its way at a time
        self.failed_at = -self.RETRY_SECONDS
        self.pid = None

    def add(self, view):
        with self.ready:
            self.waiting.append(view)
            if self.pid != os.getpid():  # this process's first view (a fork inherits no thread)
                self.pid = os.getpid()
                threading.Thread(target=self._run, name="view-sender", daemon=True).start()
                atexit.register(self.send)
            if len(self.waiting) == 1:
                self.ready.notify()

    def failing(self):
        if self.refused:
            self.send()  # counts the views Redis refused, in the database, from this thread
        return time.monotonic() - self.failed_at < self.RETRY_SECONDS

    def send(self):
        """Send the views waiting; return once Redis, or else the database, has counted them."""
        with self.sending:
            refused, self.refused = self.refused + self._send_waiting(), []
        if refused:
            _count_in_database([field for _, (_, field, _, _) in refused])

    def discard(self):
        """Drop what waits and forget that Redis failed (tests start each from nothing)."""
        with self.sending, self.ready:
            self.waiting, self.refused = [], []
            self.failed_at = -self.RETRY_SECONDS

    def _run(self):
        while True:
            with self.ready:
                self.ready.wait_for(lambda: self.waiting)
            time.sleep(self.LINGER_SECONDS)  # the views of the next few milliseconds join them
            with self.sending:
                self.refused += self._send_waiting()

    def _send_waiting(self):
        """Give Redis the views waiting (the caller holds `sending`); return those it refused."""
        with self.ready:
            views, self.waiting = self.waiting, []
        return self._send(views)

    def _send(self, views):
        """Give Redis these views; return those it could not take."""
        if not views:
            return []
        limits = [
            settings.VIEWS_PER_ADDRESS_PER_MINUTE,
            settings.VIEWS_PER_ADDRESS_PER_ARTICLE_PER_DAY,
        ]
        try:  # a raw Redis call: the cache's own failure policy does not cover it
            client = redis_client()
            script, pipeline = _count_once(client), client.pipeline(transaction=False)
            for keys, (seconds, field, now, view_id) in views:
                script(keys=keys, args=[seconds, field, now, *limits, view_id], client=pipeline)
            pipeline.execute()
        except Exception as error:
            report_unreachable(error)
            self.failed_at = time.monotonic()
            return views
        return []


sender = ViewSender()


def _count_in_database(fields):
    """Add these views ("<article id>:<hour's timestamp>" each) of published articles."""
    add_views(_of_published_articles(collections.Counter(_view_of(field) for field in fields)))


def _of_published_articles(counts):
    """Return the {(article id, hour): views} of these whose article readers may see."""
    published = set(
        Article.objects.published()
        .filter(pk__in={article_id for article_id, _ in counts})
        .values_list("pk", flat=True)
    )
    return {view: n for view, n in counts.items() if view[0] in published}


def _view_of(field):
    """Return (article id, hour) from a buffer's field, "<article id>:<hour's timestamp>"."""
    article_id, timestamp = field.split(":")
    return int(article_id), dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)


def _apply_batch(client, batch_key):
    """Move one Redis batch into the database, exactly once, then delete it."""
    batch_id = batch_key.rsplit(":", 1)[1]
    counts = {}
    for field, views in client.hgetall(batch_key).items():
        counts[_view_of(field.decode())] = int(views)
    published = _of_published_articles(counts)
    try:
        with transaction.atomic():
            AppliedViewBatch.objects.create(batch=batch_id)
            add_views(published)
    except IntegrityError:
        pass  # applied by an earlier run that died before deleting it, or by a concurrent one
    client.delete(batch_key)
    return sum(counts.values())


def flush():
    """Move the view counts buffered in Redis to the database; return how many views moved.

    The views this process has yet to send (see ViewSender) are sent first; other processes
    send theirs within milliseconds.
    """
    if not settings.REDIS_URL:
        return 0
    sender.send()
    client = redis_client()
    moved = 0
    for leftover in client.scan_iter(cache.make_key(f"{BATCH}*")):  # from a run that was killed
        moved += _apply_batch(client, leftover.decode())
    batch_key = cache.make_key(f"{BATCH}{uuid.uuid4().hex}")
    try:
        client.rename(cache.make_key(PENDING), batch_key)  # atomic: new views go to a fresh hash
    except Exception as exc:
        if "no such key" in str(exc).lower():
            return moved
        raise
    return moved + _apply_batch(client, batch_key)


def roll_up(older_than_days):
    """Fold hourly counters older than the given age into daily ones; return rows folded."""
    cutoff = hour_of(timezone.now() - dt.timedelta(days=older_than_days))
    old = HourlyViews.objects.filter(hour__lt=cutoff)
    with transaction.atomic():
        per_day = (
            old.annotate(day=TruncDate("hour", tzinfo=dt.UTC))
            .values("article_id", "day")
            .annotate(total=Sum("views"))
        )
        rows = [(row["article_id"], row["day"], row["total"]) for row in per_day]
        _upsert(DailyViews._meta.db_table, "day", rows)
        folded, _ = old.delete()
    return folded


# Rankings.


def eligible_articles(section=None):
    """Return the articles a ranking may list: public, not kept out, not too old."""
    articles = Article.objects.published().filter(is_excluded_from_rankings=False)
    if settings.RANKINGS_MAX_AGE_DAYS:
        oldest = timezone.now() - dt.timedelta(days=settings.RANKINGS_MAX_AGE_DAYS)
        articles = articles.filter(published_at__gte=oldest)
    if section is not None:
        articles = articles.filter(section=section)
    return articles


def most_read(days=1, *, section=None, limit=5):
    """Return (article, views) pairs, most read first over the window, ties to the newest."""
    since = timezone.now() - dt.timedelta(days=days)
    return most_read_since(since, articles=eligible_articles(section), limit=limit)


def most_read_since(moment, *, articles=None, limit=5):
    """Return (article, views) pairs, most read since the moment's hour, ties to the newest."""
    # The rankings count eligible articles only; the desk's "today's top" every published one.
    if articles is None:
        articles = eligible_articles()
    totals = list(
        HourlyViews.objects.filter(hour__gte=hour_of(moment), article__in=articles)
        .values("article_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-article__published_at", "-article_id")[:limit]
    )
    by_pk = Article.objects.select_related("section").in_bulk([row["article_id"] for row in totals])
    return [(by_pk[row["article_id"]], row["total"]) for row in totals]


def most_commented(days=1, *, section=None, limit=5):
    """Return (article, comments) pairs, by comments readers see, posted in the window."""
    since = timezone.now() - dt.timedelta(days=days)
    recent = (
        public_comments()
        .filter(article=OuterRef("pk"), submitted_at__gte=since)
        .order_by()
        .values("article")
        .annotate(total=Count("pk"))
        .values("total")
    )
    articles = (
        eligible_articles(section)
        .annotate(total=Subquery(recent, output_field=IntegerField()))
        .filter(total__gt=0)
        .select_related("section")
        .order_by("-total", "-published_at", "-pk")[:limit]
    )
    return [(article, article.total) for article in articles]
