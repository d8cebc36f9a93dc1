"""The server-side checks against abuse: who is posting, how fast, how often, saying what."""

import datetime as dt
import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from comments.models import BannedWord, Throttle
from newsroom.client import client_address

LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
FORM_SALT = "comments.form-issued"


def visitor_hash(request):
    """Return a salted hash standing for the reader's address; the address is never stored."""
    key = f"{settings.SECRET_KEY}:visitor".encode()
    return hmac.new(key, client_address(request).encode(), hashlib.sha256).hexdigest()


def email_hash(email):
    """Return a keyed hash standing for the commenter's email; sanctions keep it, not the email."""
    key = f"{settings.SECRET_KEY}:email".encode()
    return hmac.new(key, email.strip().casefold().encode(), hashlib.sha256).hexdigest()


def text_hash(text):
    """Return a fingerprint of a text that ignores case, accents' forms and spacing."""
    normalised = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normalised.encode()).hexdigest()


# Form age: a signed timestamp given with the form, checked when it comes back.


def issue_form_stamp():
    return signing.TimestampSigner(salt=FORM_SALT).sign("comment-form")


def form_age(stamp):
    """Return the form's age in seconds, or None when the stamp is missing or forged."""
    signer = signing.TimestampSigner(salt=FORM_SALT)
    try:
        signer.unsign(stamp or "")
    except signing.BadSignature:
        return None
    issued = signing.b62_decode(stamp.rsplit(":", 2)[-2])
    return int(timezone.now().timestamp()) - issued


# Rate limits: Redis where configured (atomic INCR, shared by every process), else the database.
# A sliding window: the current fixed window's hits, plus the previous window's weighted by how
# much of it still lies within the last `period` seconds, so a burst across a window's edge does
# not get the limit twice.


def _hit_in_cache(key, previous_key, period):
    cache.add(key, 0, timeout=2 * period)
    return cache.incr(key), cache.get(previous_key, 0)


def _hit_in_database(key, previous_key, window_start):
    with transaction.atomic():
        throttle, _ = Throttle.objects.get_or_create(key=key, window_start=window_start)
        Throttle.objects.filter(pk=throttle.pk).update(hits=F("hits") + 1)
        hits = Throttle.objects.get(pk=throttle.pk).hits
    previous = Throttle.objects.filter(key=previous_key).values_list("hits", flat=True).first()
    return hits, previous or 0


def allow(action, visitor, *, limit, period):
    """Count one attempt of the visitor at the action; tell whether it is allowed (within the
    limit over the last `period` seconds)."""
    now = timezone.now().timestamp()
    start = now - now % period
    key = f"throttle:{action}:{visitor}:{int(start)}"
    previous_key = f"throttle:{action}:{visitor}:{int(start - period)}"
    counts = None
    if settings.REDIS_URL:
        try:
            counts = _hit_in_cache(key, previous_key, period)
        except ValueError:  # Redis down (the cache answers as a miss): the database counts
            counts = None
    if counts is None:
        counts = _hit_in_database(key, previous_key, dt.datetime.fromtimestamp(start, tz=dt.UTC))
    current, previous = counts
    overlap = 1 - (now - start) / period
    return current + previous * overlap <= limit


# What the text says.


def count_links(text):
    return len(LINK.findall(text))


def matching_words(text):
    """Return the banned and suspect words found in the text, by level."""
    folded = text.casefold()
    found = {BannedWord.Level.BANNED: [], BannedWord.Level.SUSPECT: []}
    for word in BannedWord.objects.all():
        pattern = r"(?<!\w)" + re.escape(word.word.casefold()) + r"(?!\w)"
        if re.search(pattern, folded):
            found[word.level].append(word.word)
    return found
