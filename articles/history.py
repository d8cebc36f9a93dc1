"""An article's saved versions, as editors read them: what a version said, and what changed."""

import difflib
import re

from django.contrib.contenttypes.models import ContentType
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from articles import markers, rendering
from articles.models import Quote, Speaker
from newsroom.formats import moment

FIELDS = {
    "kicker": _("kicker"),
    "headline": _("headline"),
    "lede": _("lede"),
    "body": _("body"),
    "quotes": _("quotes"),
    "lead_image_caption": _("caption"),
    "lead_image_credit": _("photo credit"),
    "published_at": _("publication time"),
}


# A quote marker as the sanitiser writes it (articles/markers.py).
MARKER = re.compile(rf'<blockquote {markers.ATTRIBUTE}="([^"]*)"></blockquote>')


def _body_lines(html, quote_lines):
    """Split rich text into one line per block, so a diff reads paragraph by paragraph.

    A quote's marker is a line of its own, the quote's, so that a quote moved shows as moved.
    """
    lines = []
    for n, piece in enumerate(MARKER.split(html or "")):
        if n % 2:  # a marker's ref
            lines.append(f"❝ {quote_lines.get(markers.canonical(piece), '?')}")
            continue
        blocks = re.split(r"</(?:p|h2|h3|li|blockquote)>", piece)
        lines += [strip_tags(block).strip() for block in blocks if strip_tags(block).strip()]
    return lines


def _quote_line(speaker_name, role, text):
    return f"{speaker_name} ({role}) : « {text} »"


def _quotes_in_body_order(body, quotes):
    """Return {ref: line} of quotes given as (ref, pk, line): in the body's order, unplaced last."""
    place = {ref: n for n, ref in enumerate(rendering.quote_refs(body))}
    ordered = sorted(quotes, key=lambda quote: (place.get(quote[0], len(place)), quote[1]))
    return {ref: line for ref, _pk, line in ordered}


def _publication_time(value):
    """Write a publication time as people read it, in Paris: the same instant reads the same."""
    return moment(value, with_year=True) if value else ""


def snapshot(article):
    """Return the article's current text, field by field, as lists of lines."""
    quotes = _quotes_in_body_order(
        article.body,
        [
            (str(q.ref), q.pk, _quote_line(q.speaker.full_name, q.role, q.text))
            for q in article.quotes.select_related("speaker")
        ],
    )
    return {
        "kicker": [article.kicker],
        "headline": [article.headline],
        "lede": [article.lede],
        "body": _body_lines(article.body, quotes),
        "quotes": list(quotes.values()),
        "lead_image_caption": [article.lead_image_caption],
        "lead_image_credit": [article.lead_image_credit],
        "published_at": [_publication_time(article.published_at)],
    }


def snapshot_of_version(version):
    """Return what a saved version of an article said, in the same shape as snapshot()."""
    data = version.field_dict
    quote_type = ContentType.objects.get_for_model(Quote)
    quote_data = [
        v.field_dict for v in version.revision.version_set.filter(content_type=quote_type)
    ]
    names = Speaker.objects.in_bulk([q["speaker_id"] for q in quote_data])
    quotes = _quotes_in_body_order(
        data.get("body", ""),
        [
            (
                str(q["ref"]),
                q["id"],
                _quote_line(
                    getattr(names.get(q["speaker_id"]), "full_name", "?"), q["role"], q["text"]
                ),
            )
            for q in quote_data
        ],
    )
    return {
        "kicker": [data.get("kicker", "")],
        "headline": [data.get("headline", "")],
        "lede": [data.get("lede", "")],
        "body": _body_lines(data.get("body", ""), quotes),
        "quotes": list(quotes.values()),
        "lead_image_caption": [data.get("lead_image_caption", "")],
        "lead_image_credit": [data.get("lead_image_credit", "")],
        "published_at": [_publication_time(data.get("published_at"))],
    }


def diff(before, after):
    """Return, for each field that differs, its label and the changed lines marked - and +."""
    changes = []
    for name, label in FIELDS.items():
        if before[name] == after[name]:
            continue
        lines = [
            line
            for line in difflib.ndiff(before[name], after[name])
            if line[:1] in "+-" and line[1:].strip()
        ]
        changes.append({"field": name, "label": label, "lines": lines})
    return changes


def versions(article):
    return Version.objects.get_for_object(article).select_related("revision__user")


def version_with_token(article, token):
    """Return the saved version the desk form was opened on, if it is known."""
    for version in versions(article):
        if version.field_dict.get("edit_token") == token:
            return version
    return None


def last_change(article):
    """Return who saved the article last and when, from its history."""
    latest = versions(article).first()
    return (latest.revision.user, latest.revision.date_created) if latest else (None, None)
