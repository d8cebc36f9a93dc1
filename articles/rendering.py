"""Turn a stored body into what the article page shows: anchored subheads, quotes in place."""

from functools import lru_cache
from html import escape
from html.parser import HTMLParser

from django.utils.text import slugify


class _Blocks(HTMLParser):
    """Split sanitised rich text into its top-level blocks, giving subheads an anchor."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks, self.depth, self.current, self.tag, self.anchors = [], 0, [], None, set()

    def _attrs(self, attrs):
        return "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.tag = tag
        self.depth += tag != "br"
        self.current.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_startendtag(self, tag, attrs):
        self.current.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_endtag(self, tag):
        self.current.append(f"</{tag}>")
        self.depth -= 1
        if self.depth == 0:
            html = "".join(self.current)
            if self.tag in ("h2", "h3"):
                anchor = self._anchor(html)
                html = f'<{self.tag} id="{anchor}">' + html[len(self.tag) + 2 :]
            self.blocks.append((self.tag, html))
            self.current = []

    def handle_data(self, data):
        self.current.append(data)

    def handle_entityref(self, name):
        self.current.append(f"&{name};")

    def handle_charref(self, name):
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
    """Return the body's top-level blocks as (tag, html) pairs."""
    parser = _Blocks()
    parser.feed(body or "")
    parser.close()
    return tuple(parser.blocks)


def compose(body, quotes):
    """Interleave body blocks and quotes: a quote stands after its numbered paragraph."""
    by_position = {}
    for quote in quotes:
        by_position.setdefault(quote.position, []).append(quote)
    items = [{"quote": q} for q in by_position.pop(0, [])]
    paragraphs = 0
    for tag, html in body_blocks(body):
        items.append({"html": html, "tag": tag})
        if tag == "p":
            paragraphs += 1
            items.extend({"quote": q} for q in by_position.pop(paragraphs, []))
    for position in sorted(by_position):  # positions past the last paragraph go at the end
        items.extend({"quote": q} for q in by_position[position])
    return items
