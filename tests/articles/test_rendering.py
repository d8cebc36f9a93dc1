"""The article body is composed with anchored subheads and quotes in their place."""

import uuid

from articles.markers import marker
from articles.models import Quote
from articles.rendering import body_blocks, compose, place_quotes

A, B, C = (uuid.UUID(int=n, version=4) for n in (1, 2, 3))


def shape(items):
    return [item["quote"].text if "quote" in item else item["tag"] for item in items]


def test_subheads_get_unique_anchors():
    blocks = body_blocks("<h2>Les idées</h2><p>a</p><h2>Les idées</h2><h3>É &amp; co</h3>")
    assert [html for _, html in blocks] == [
        '<h2 id="les-idees">Les idées</h2>',
        "<p>a</p>",
        '<h2 id="les-idees-2">Les idées</h2>',
        '<h3 id="e-co">É &amp; co</h3>',
    ]


def test_each_quote_stands_where_its_marker_is_and_lists_stay_whole():
    body = f"{marker(B)}<p>un</p>{marker(A)}<ul><li><p>x</p></li></ul><p>deux</p>{marker(C)}"
    quotes = [Quote(text="A", ref=A), Quote(text="B", ref=B), Quote(text="C", ref=C)]
    assert shape(compose(body, quotes)) == ["B", "p", "A", "ul", "p", "C"]


def test_paragraphs_added_above_keep_the_quote_after_its_paragraph():
    body = f"<p>un</p><p>deux</p>{marker(A)}<p>trois</p>"
    quotes = [Quote(text="A", ref=A)]
    edited = "<p>nouveau</p><p>encore</p>" + body
    items = compose(edited, quotes)
    assert shape(items) == ["p", "p", "p", "p", "A", "p"]
    assert items[3]["html"] == "<p>deux</p>"  # the quote still follows it
    moved = f"<p>trois</p><p>un</p><p>deux</p>{marker(A)}"  # paragraphs moved around it
    assert [i.get("html", "A") for i in compose(moved, quotes)][-2:] == ["<p>deux</p>", "A"]


def test_a_quote_without_marker_stands_after_the_body_and_an_unknown_marker_is_dropped():
    body = f"<p>un</p>{marker(C)}<p>deux</p>{marker(A)}{marker(A)}"
    quotes = [Quote(text="A", ref=A), Quote(text="B", ref=B)]
    assert shape(compose(body, quotes)) == ["p", "p", "A", "B"]  # C is no quote; A shown once


def test_a_marker_dragged_into_a_list_stands_after_it_and_what_a_marker_holds_is_not_shown():
    body = (
        f"<ul><li><p>x</p>{marker(A)}</li></ul>"
        f'<blockquote data-quote="{B}"><p>caché</p></blockquote><p>fin</p>'
    )
    items = compose(body, [Quote(text="A", ref=A), Quote(text="B", ref=B)])
    assert shape(items) == ["ul", "A", "B", "p"]
    assert items[0]["html"] == "<ul><li><p>x</p></li></ul>"
    assert not any("caché" in item.get("html", "") for item in items)


def test_markers_match_whatever_the_case_of_their_ref():
    body = f'<p>un</p><blockquote data-quote="{str(A).upper()}"></blockquote>'
    assert shape(compose(body, [Quote(text="A", ref=A)])) == ["p", "A"]


def test_numbered_places_become_markers_after_those_paragraphs():
    body = "<p>un</p><h2>Titre</h2><ul><li><p>x</p></li></ul><p>deux</p>"
    placed = place_quotes(body, [(1, A), (0, B), (9, C)])
    assert placed == (
        f"{marker(B)}<p>un</p>{marker(A)}<h2>Titre</h2><ul><li><p>x</p></li></ul><p>deux</p>"
        f"{marker(C)}"
    )
