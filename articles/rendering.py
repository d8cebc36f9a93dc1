"""Turn a stored body into what the article page shows: anchored subheads, quotes and photos in
place."""

from functools import lru_cache
from html import escape
from html.parser import HTMLParser

from django.utils.text import slugify

from articles import markers
from articles.models import Photo

QUOTE = "quote"  # the tag of a marker's block in body_blocks(): ("quote", ref)
PHOTO = "photo"  # and of a photo marker's: ("photo", id), 0 for a figure that names no photo


class _Blocks(HTMLParser):
    """Split sanitised rich text into its top-level blocks, giving subheads an anchor.

    A quote marker becomes a ("quote", ref) block, a photo marker a ("photo", id) block. One
    nested in another block (a list item, a blockquote: the editor lets a journalist drag it
    there) stands after that block.
    """

    def __init__(self, *, anchors=True):
        super().__init__(convert_charrefs=False)
        self.blocks, self.depth, self.current, self.tag, self.anchors = [], 0, [], None, set()
        self.gives_anchors = anchors
        self.nested, self.skipped = [], 0  # markers in the current block; depth in one

    def _attrs(self, attrs):
        return "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)

    def _marker(self, tag, attrs):
        """Take the tag as a marker's block and tell so, or tell it is no marker."""
        if (ref := markers.ref_of(tag, attrs)) is not None:
            block = (QUOTE, ref)
        elif (photo := markers.photo_of(tag, attrs)) is not None:
            block = (PHOTO, photo)
        else:
            return False
        (self.nested if self.depth else self.blocks).append(block)
        return True

    def handle_starttag(self, tag, attrs):
        if self.skipped:  # what a marker holds is not shown: the quote or photo takes its place
            self.skipped += tag != "br"
            return
        if self._marker(tag, attrs):
            self.skipped = 1
            return
        if self.depth == 0:
            self.tag = tag
        self.depth += tag != "br"
        self.current.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_startendtag(self, tag, attrs):
        if self.skipped:
            return
        if self._marker(tag, attrs):
            return
        self.current.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_endtag(self, tag):
        if self.skipped:
            self.skipped -= 1
            return
        self.current.append(f"</{tag}>")
        self.depth -= 1
        if self.depth == 0:
            html = "".join(self.current)
            if self.tag in ("h2", "h3") and self.gives_anchors:
                anchor = self._anchor(html)
                html = f'<{self.tag} id="{anchor}">' + html[len(self.tag) + 2 :]
            self.blocks.append((self.tag, html))
            self.blocks.extend(self.nested)
            self.current, self.nested = [], []

    def handle_data(self, data):
        if not self.skipped:
            self.current.append(data)

    def handle_entityref(self, name):
        if not self.skipped:
            self.current.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skipped:
            self.current.append(f"&#{name};")

    def _anchor(self, html):
        parser = HTMLParser()
        text = []
        parser.handle_data = text.append
        parser.feed(html)
        base = slugify("".join(text)) or "intertitre"
        anchor, n = base, 2
        while anchor in self.anchors:
            anchor, n = f"{base}-{n}", n + 1
        self.anchors.add(anchor)
        return anchor


@lru_cache(maxsize=1024)  # parsed once per body text and process, not on every request
def body_blocks(body):
    """Return the body's top-level blocks as (tag, html) pairs; a marker as ("quote", ref) or
    ("photo", id)."""
    parser = _Blocks()
    parser.feed(body or "")
    parser.close()
    return tuple(parser.blocks)


def quote_refs(body):
    """Return the refs of the quotes the body places, in its order, each once."""
    return list(dict.fromkeys(ref for tag, ref in body_blocks(body) if tag == QUOTE))


def photo_ids(body):
    """Return the ids of the library photos the body places, in its order, each once."""
    return list(dict.fromkeys(pk for tag, pk in body_blocks(body) if tag == PHOTO and pk))


def body_photos(body):
    """Return the library photos the body shows, by id: one query, none if it shows none."""
    ids = photo_ids(body)
    if not ids:
        return {}
    return {photo.pk: photo for photo in Photo.objects.filter(pk__in=ids)}


def compose(body, quotes, photos=None):
    """Interleave body blocks, quotes and photos: each stands where the body has its marker.

    A marker whose quote or photo is gone is dropped; a quote without a marker stands after the
    body. A photo may stand in several places; `photos` are by id (body_photos).
    """
    by_ref = {str(quote.ref): quote for quote in quotes}
    photos = photos or {}
    items = []
    for tag, html in body_blocks(body):
        if tag == PHOTO:
            if (photo := photos.get(html)) is not None:
                items.append({"photo": photo})
        elif tag != QUOTE:
            items.append({"html": html, "tag": tag})
        elif (quote := by_ref.pop(html, None)) is not None:
            items.append({"quote": quote})
    items.extend({"quote": quote} for quote in by_ref.values())
    return items


def place_quotes(body, places):
    """Return the body with a marker after the nth paragraph for each (n, ref) of places.

    Quotes were once placed so, by number (0: at the top; past the last paragraph: at the end);
    the demo content still counts them that way.
    """
    after = {}
    for n, ref in places:
        after.setdefault(n, []).append(markers.marker(ref))
    parser = _Blocks(anchors=False)
    parser.feed(body or "")
    parser.close()
    parts, paragraphs = [*after.pop(0, [])], 0
    for tag, html in parser.blocks:
        if tag == QUOTE:
            parts.append(markers.marker(html))
        elif tag == PHOTO:
            parts.append(markers.photo_marker(html) if html else "")
        else:
            parts.append(html)
        if tag == "p":
            paragraphs += 1
            parts.extend(after.pop(paragraphs, []))
    for n in sorted(after):
        parts.extend(after[n])
    return "".join(parts)
