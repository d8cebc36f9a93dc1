"""A journalist places a quote in the text from the editor; it keeps its paragraph thereafter."""

import re

import pytest

from articles import publishing
from articles.markers import marker
from articles.models import Article, Speaker
from tests.browser.conftest import DESKTOP, PHONE, eventually, expect, log_in
from tests.browser.test_journalist import autocomplete

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]

PARAGRAPHS = [
    "Les deux pôles numériques ont réuni leurs adhérents à Montpellier.",
    "Les start-up des deux villes travaillent déjà ensemble.",
    "Un salon commun est à l’étude pour le printemps.",
]
ADDED_ABOVE = ["La fusion approche.", "Les réseaux s’y préparent."]
WORDS = "Nous parlons enfin d’une seule voix, et nos start-up n’attendaient que cela."
# The button's words, before and after the French catalogue has them.
INSERT = re.compile("Insérer dans le texte|Insert in the text")


def paragraphs_before_quote(page):
    """Return the texts of the article body's paragraphs standing before its first quote."""
    return page.evaluate(
        """() => {
            const texts = []
            for (const block of document.querySelector(".article-body").children) {
                if (block.matches("figure.quote")) return texts
                if (block.matches("p")) texts.push(block.textContent.trim())
            }
            return null
        }"""
    )


def test_a_quote_inserted_from_the_editor_stays_after_its_paragraph(
    new_page, journalist, editor, section, screenshot
):
    Speaker.objects.create(
        full_name="Claire Fontanel", slug="claire-fontanel", role="présidente de Pôle Sud"
    )
    desk = new_page(viewport=DESKTOP)
    log_in(desk, journalist)
    desk.goto("/desk/articles/article/add/")
    desk.locator("#id_headline").fill("Les pôles numériques se rapprochent")
    desk.locator("#id_slug").fill("les-poles-numeriques-se-rapprochent")
    desk.locator("#id_lede").fill("Les deux pôles se rencontrent. Ils comparent leurs projets.")
    autocomplete(desk, desk.locator(".field-section"), "Num", "Numérique")

    body = desk.locator(".field-body .prose-editor")
    text = body.locator('[contenteditable="true"]')
    text.click()
    for n, paragraph in enumerate(PARAGRAPHS):
        if n:
            desk.keyboard.press("Enter")
        desk.keyboard.type(paragraph)

    row = desk.locator("#quotes-0")
    autocomplete(desk, row.locator(".field-speaker"), "Fontan", "Claire Fontanel")
    row.locator("#id_quotes-0-text").fill(WORDS)
    expect(row.locator(".quote-unplaced")).to_be_visible()  # not in the text yet

    text.locator("p").nth(1).click()  # the cursor at the end of the second paragraph
    desk.keyboard.press("End")
    row.get_by_role("button", name=INSERT).click()

    quote_marker = text.locator(".quote-marker")
    expect(quote_marker).to_have_count(1)
    expect(quote_marker).to_contain_text("Claire Fontanel")
    expect(quote_marker).to_contain_text("Nous parlons enfin d’une seule voix")
    expect(row.locator(".quote-placed")).to_be_visible()
    expect(row.locator(".quote-unplaced")).to_be_hidden()
    # The marker stands between the second and the third paragraph.
    blocks = text.locator(":scope > *")
    expect(blocks).to_have_count(4)
    expect(blocks.nth(2)).to_have_class(re.compile(r"\bquote-marker\b"))
    quote_marker.scroll_into_view_if_needed()
    screenshot(desk, "writing-quote-marker", clip=box_around(body))

    # The speaker changes his mind about the words: the marker follows.
    row.locator("#id_quotes-0-text").fill("Nous parlons enfin d’une seule voix.")
    expect(quote_marker).to_contain_text(
        re.compile(r"(«\s?|“)Nous parlons enfin d’une seule voix\.(\s?»|”)")
    )

    # Two paragraphs written above the others, at the top of the text.
    text.locator("p").first.click()

    def caret_at_the_start():  # the editor may take the click after the first key press
        desk.keyboard.press("Control+Home")
        return text.evaluate(
            "(box) => { const s = getSelection(); const first = box.querySelector('p');"
            " return s.rangeCount > 0 && s.isCollapsed && first.contains(s.anchorNode)"
            " && s.anchorOffset === 0; }"
        )

    assert eventually(caret_at_the_start)
    for paragraph in ADDED_ABOVE:
        desk.keyboard.type(paragraph)
        desk.keyboard.press("Enter")
    expect(text.locator(":scope > p")).to_have_count(5)

    desk.locator('input[name="_submit"]').click()
    expect(desk.locator(".messagelist")).to_be_visible()
    article = Article.objects.get()
    quote = article.quotes.get()
    assert article.body == (
        "".join(f"<p>{p}</p>" for p in [*ADDED_ABOVE, *PARAGRAPHS[:2]])
        + marker(quote.ref)
        + f"<p>{PARAGRAPHS[2]}</p>"
    )
    publishing.publish(article, by=editor)

    reader = new_page(viewport=DESKTOP)
    reader.goto(article.get_absolute_url())
    expect(reader.locator(".article-body figure.quote")).to_contain_text("Claire Fontanel")
    assert paragraphs_before_quote(reader) == [*ADDED_ABOVE, *PARAGRAPHS[:2]]  # now the fourth

    # On a phone, the quote's place and its button fit the screen and still work.
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, editor)
    phone.goto(f"/desk/articles/article/{article.pk}/change/")
    row = phone.locator("#quotes-0")
    button = row.get_by_role("button", name=INSERT)
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    expect(row.locator(".quote-placed")).to_be_visible()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 40  # big enough for a finger
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the article form scrolls sideways on a phone"
    )
    phone.locator(".field-body [contenteditable=true] p").first.tap()
    button.tap()  # moved after the first paragraph
    first = phone.locator(".field-body [contenteditable=true] > *").nth(1)
    expect(first).to_have_class(re.compile(r"\bquote-marker\b"))


def box_around(*locators, margin=12):
    """Return the page area, as a screenshot's clip, that holds all the elements."""
    boxes = [locator.bounding_box() for locator in locators]
    left = max(min(b["x"] for b in boxes) - margin, 0)
    top = max(min(b["y"] for b in boxes) - margin, 0)
    right = max(b["x"] + b["width"] for b in boxes) + margin
    bottom = max(b["y"] + b["height"] for b in boxes) + margin
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}
