"""Quote markers: where each quote of an article stands in its body.

A marker is an empty `<blockquote data-quote="ref">` naming a quote's ref (Quote.ref). The
desk's editor inserts it (static/js/quote-marker.js); the article page puts the quote in its place
(articles/rendering.py). A ref is a UUID, in its canonical form.
"""

import uuid

from django.utils.html import format_html
from django_prose_editor.config import add_tags_and_attributes

ATTRIBUTE = "data-quote"


def marker(ref):
    """Return the marker of a quote's ref, as the editor writes it."""
    return format_html('<blockquote {}="{}"></blockquote>', ATTRIBUTE, str(ref))


def canonical(value):
    """Return a marker's ref in its canonical form, or None if it is not a ref."""
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError:
        return None


def ref_of(tag, attrs):
    """Return the ref a start tag marks, or None if it is not a quote marker."""
    if tag != "blockquote":
        return None
    value = dict(attrs).get(ATTRIBUTE)
    return canonical(value) if value is not None else None


def allow_quote_markers(extension_config, nh3_config):
    """Keep data-quote on blockquote, and only a ref as its value (the editor's QuoteMarker).

    A processor of DJANGO_PROSE_EDITOR_EXTENSIONS: it adds to the nh3 allow-list of the body.
    """
    add_tags_and_attributes(nh3_config, ["blockquote"], {"blockquote": [ATTRIBUTE]})
    previous = nh3_config.get("attribute_filter")

    def keep_refs_only(tag, attribute, value):
        if previous is not None:
            value = previous(tag, attribute, value)
        if attribute == ATTRIBUTE and value is not None:
            return canonical(value)
        return value

    nh3_config["attribute_filter"] = keep_refs_only
