"""Markers: where each quote of an article, and each photo of the library, stands in its body.

A quote marker is an empty `<blockquote data-quote="ref">` naming a quote's ref (Quote.ref), in
its canonical form (a UUID). A photo marker is an empty `<figure data-photo="id">` naming a photo
of the library (Photo.pk), and nothing else: its caption, credit and files are the library's. The
desk's editor inserts them (static/js/quote-marker.js, static/js/photo-marker.js); the article
page puts the quote or the photo in its place (articles/rendering.py).
"""

import uuid

from django.utils.html import format_html
from django_prose_editor.config import add_tags_and_attributes

ATTRIBUTE = "data-quote"
PHOTO_ATTRIBUTE = "data-photo"
LARGEST_ID = 2**63 - 1  # a BigAutoField's


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


def photo_marker(photo_id):
    """Return the marker of a library photo, as the editor writes it."""
    return format_html('<figure {}="{}"></figure>', PHOTO_ATTRIBUTE, int(photo_id))


def photo_id(value):
    """Return a photo marker's id as the number it names, or None if it is not one."""
    value = str(value).strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ID else None


def photo_of(tag, attrs):
    """Return the photo id a start tag marks, or None; any figure is a marker (maybe broken)."""
    # The body keeps a figure only as a photo marker: one whose id the sanitiser dropped (a
    # figure pasted from elsewhere) marks no photo, and the page shows nothing for it.
    if tag != "figure":
        return None
    return photo_id(dict(attrs).get(PHOTO_ATTRIBUTE) or "") or 0


def allow_photo_markers(extension_config, nh3_config):
    """Keep data-photo on figure, and only a photo's id as its value (the editor's PhotoMarker).

    A processor of DJANGO_PROSE_EDITOR_EXTENSIONS: it adds to the nh3 allow-list of the body.
    Nothing else of a figure is kept (no img, src, style…): the page draws the photo itself.
    """
    add_tags_and_attributes(nh3_config, ["figure"], {"figure": [PHOTO_ATTRIBUTE]})
    previous = nh3_config.get("attribute_filter")

    def keep_photo_ids_only(tag, attribute, value):
        if previous is not None:
            value = previous(tag, attribute, value)
        if attribute == PHOTO_ATTRIBUTE and value is not None:
            number = photo_id(value)
            return None if number is None else str(number)
        return value

    nh3_config["attribute_filter"] = keep_photo_ids_only
