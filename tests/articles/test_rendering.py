"""The article body is composed with anchored subheads and quotes in their place."""

from articles.models import Quote
from articles.rendering import body_blocks, compose


def test_subheads_get_unique_anchors():
    blocks = body_blocks("<h2>Les idées</h2><p>a</p><h2>Les idées</h2><h3>É &amp; co</h3>")
    assert [html for _, html in blocks] == [
        '<h2 id="les-idees">Les idées</h2>',
        "<p>a</p>",
        '<h2 id="les-idees-2">Les idées</h2>',
        '<h3 id="e-co">É &amp; co</h3>',
    ]


def test_quotes_stand_after_their_paragraph_and_lists_stay_whole():
    body = "<p>un</p><ul><li><p>x</p></li></ul><p>deux</p>"
    quotes = [Quote(text="A", position=1), Quote(text="B", position=0), Quote(text="C", position=9)]
    items = compose(body, quotes)
    shape = [item["quote"].text if "quote" in item else item["tag"] for item in items]
    assert shape == ["B", "p", "A", "ul", "p", "C"]
