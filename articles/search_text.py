"""Each article's words as the search on SQLite reads them: lower case, without accents.

`Article.search_text` holds three lines: the headline, then the kicker and lede, then the body
without its tags, each folded by `normalise` ("Les Pôles" → "les poles"). The search there
(articles/search.py) matches the reader's words, folded the same way, in it, and ranks an
article by the line each word is first found on. The article's save, its queryset's update and
bulk writes rewrite it with the text (articles/models.py); migration 0011 filled it for the
articles written before. PostgreSQL keeps it too, though its search reads `search_document`.

This module imports no model: the migration hands it its historical one.
"""

import re
import unicodedata
from html import unescape

# The fields whose words are searched, as PostgreSQL weighs them too (migration 0009).
SEARCHED_FIELDS = frozenset({"headline", "kicker", "lede", "body"})
# What ends the headline's line and the kicker and lede's: `normalise_line` folds every other
# line break or space into a plain space.
LINE_END = "\n"
# An HTML tag, attribute values included, as the sanitised body stores it.
TAG_PATTERN = r"""<("[^"]*"|'[^']*'|[^'">])*>"""
FILL_BATCH = 500
# Characters folded once and kept: the alphabets and punctuation of European languages and their
# neighbours. Beyond, each is folded when met, lest a reader's queries of rare characters fill
# the memory of every process.
KEPT_BELOW = 0x3000

# Letters that Unicode does not decompose into a base letter and marks, spelt as readers type
# them without the key ("oeuvre" finds "Œuvre"); and the typographic apostrophe, typed straight.
LETTERS = {
    "œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "þ": "th", "’": "'",
}  # fmt: skip


class _Folding(dict):
    """Each character's folded form, worked out once (str.translate reads it as a table)."""

    def __missing__(self, code):
        decomposed = unicodedata.normalize("NFKD", chr(code).casefold())
        folded = "".join(
            LETTERS.get(char, char) for char in decomposed if not unicodedata.combining(char)
        )
        if code < KEPT_BELOW:
            self[code] = folded
        return folded


_FOLDING = _Folding()


def fold(char):
    """Return what one character becomes in normalised text: "É" → "e", "œ" → "oe", "◌́" → ""."""
    return _FOLDING[ord(char)]


def normalise(text):
    """Return the text in lower case, without accents, ligatures spelt out ("ß" → "ss").

    Character by character (NFKD, then combining marks left out), so that an excerpt can find
    which characters of the text a folded match came from (articles/search.py).
    """
    return text.translate(_FOLDING)


def normalise_line(text):
    """Return the text normalised, its spaces and line breaks of any kind as single spaces."""
    return " ".join(normalise(text).split())


def plain_text(html):
    """Return the text of sanitised rich text, a space for each tag."""
    return unescape(re.sub(TAG_PATTERN, " ", html))


def search_text_of(article):
    """Return the search text of an article (any object with the searched fields)."""
    lines = [
        article.headline or "",
        f"{article.kicker or ''} {article.lede or ''}",
        plain_text(article.body or ""),
    ]
    return LINE_END.join(normalise_line(line) for line in lines)


def fill(articles, *, batch_size=FILL_BATCH):
    """Write the search text of every article of a queryset, from the text as stored.

    In batches by primary key, each read then written in two queries; written through the
    model's base manager, a plain one: whoever changed the text has refreshed the pages.
    """
    model = articles.model
    rows = articles.order_by("pk").only("pk", *SEARCHED_FIELDS)
    last = None
    while True:
        batch = list((rows if last is None else rows.filter(pk__gt=last))[:batch_size])
        if not batch:
            return
        for article in batch:
            article.search_text = search_text_of(article)
        model._base_manager.bulk_update(batch, ["search_text"])
        last = batch[-1].pk
