"""A journalist adds a photo to the library, then places it in an article's text from the editor."""

import re

import pytest

from articles import publishing
from articles.markers import photo_marker
from articles.models import Article, Photo
from tests.browser.conftest import DESKTOP, PHONE, expect, jpeg_file, log_in
from tests.conftest import make_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]

PARAGRAPHS = [
    "Le port de Sète a accueilli ses premiers chalutiers électriques.",
    "Les pêcheurs saluent un moteur silencieux et moins coûteux.",
    "La criée attend désormais les chiffres de la première saison.",
]
CAPTION = "Le premier chalutier électrique à quai, mardi matin"
CREDIT = "Léa Martin"
ALT = "Un chalutier blanc amarré devant la criée de Sète"
# The toolbar button's name, before and after the French catalogue has it.
INSERT_PHOTO = re.compile("Insérer une photo|Insert a photo")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_photo_of_the_library_is_placed_in_the_text_and_shown_to_readers(
    new_page, journalist, editor, section, screenshot, tmp_path, viewport
):
    phone = viewport is PHONE
    suffix = "-phone" if phone else ""
    options = {"is_mobile": True, "has_touch": True} if phone else {}
    desk = new_page(viewport=viewport, **options)
    log_in(desk, journalist)

    # The library: the photo, described, its subject clicked.
    desk.goto("/desk/articles/photo/add/")
    desk.locator("#id_image").set_input_files(jpeg_file(tmp_path / "chalutier.jpg"))
    photo = desk.locator(".focal-picker-photo")
    expect(photo).to_be_visible()
    photo.scroll_into_view_if_needed()
    box = photo.bounding_box()
    desk.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    assert float(desk.locator("#id_focal_x").input_value()) == pytest.approx(0.3, abs=0.01)
    desk.locator("#id_caption").fill(CAPTION)
    desk.locator("#id_credit").fill(CREDIT)
    desk.locator("#id_alt").fill(ALT)
    screenshot(desk, f"body-photo-upload{suffix}", full_page=True)
    desk.locator('input[name="_save"]').click()
    expect(desk.locator(".messagelist")).to_be_visible()
    thumbnail = desk.locator("img.library-thumbnail")
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    assert thumbnail.bounding_box()["width"] >= 80
    screenshot(desk, f"body-photo-library{suffix}")
    stored = Photo.objects.get()
    assert (stored.caption, stored.credit, stored.alt) == (CAPTION, CREDIT, ALT)
    assert stored.focal_x == pytest.approx(0.3, abs=0.01)
    assert stored.focal_y == pytest.approx(0.6, abs=0.01)
    assert stored.renditions["original"]

    # The article: the photo after the second paragraph, from the toolbar's button.
    article = make_article(
        section,
        status=Article.Status.DRAFT,
        headline="Sète mise sur les chalutiers électriques",
        slug="chalutiers",
        created_by=journalist,
        body="".join(f"<p>{p}</p>" for p in PARAGRAPHS),
    )
    desk.goto(f"/desk/articles/article/{article.pk}/change/")
    body = desk.locator(".field-body .prose-editor")
    text = body.locator('[contenteditable="true"]')
    text.locator("p").nth(1).click()  # the cursor in the second paragraph
    desk.keyboard.press("End")
    body.get_by_role("button", name=INSERT_PHOTO).click()
    picker = desk.locator("dialog.photo-picker")
    expect(picker).to_be_visible()
    choice = picker.locator(".photo-picker-choice")
    expect(choice).to_have_count(1)
    expect(choice).to_contain_text(CAPTION)
    screenshot(desk, f"body-photo-picker{suffix}")
    choice.click()
    expect(picker).to_be_hidden()

    marker = text.locator(".photo-marker")
    expect(marker).to_have_count(1)
    expect(marker).to_contain_text(CAPTION)
    expect(marker.locator("img.photo-marker-thumbnail")).to_be_visible()
    blocks = text.locator(":scope > *")
    expect(blocks).to_have_count(4)
    expect(blocks.nth(2)).to_have_class(re.compile(r"\bphoto-marker\b"))
    marker.scroll_into_view_if_needed()
    screenshot(desk, f"body-photo-editor{suffix}")
    assert desk.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    desk.locator('input[name="_submit"]').click()
    expect(desk.locator(".messagelist")).to_be_visible()
    article.refresh_from_db()
    assert article.body == (
        "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
        + photo_marker(stored.pk)
        + f"<p>{PARAGRAPHS[2]}</p>"
    )
    publishing.publish(article, by=editor)

    # The reader: the photo loaded, described and credited, after the second paragraph.
    reader = new_page(viewport=viewport, **options)
    reader.goto(article.get_absolute_url())
    figure = reader.locator(".article-body figure.body-photo")
    expect(figure).to_have_count(1)
    figure.scroll_into_view_if_needed()
    image = figure.locator("img")
    expect(image).to_have_attribute("alt", ALT)
    expect(image).to_have_attribute("loading", "lazy")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0
    assert image.evaluate("img => img.currentSrc").endswith(".webp")
    expect(figure.locator("figcaption")).to_contain_text(CAPTION)
    expect(figure.locator(".credit")).to_have_text(f"Photo\u00a0: {CREDIT}")
    before = reader.evaluate(
        """() => {
            const texts = []
            for (const block of document.querySelector(".article-body").children) {
                if (block.matches("figure.body-photo")) return texts
                texts.push(block.textContent.trim())
            }
            return null
        }"""
    )
    assert before == PARAGRAPHS[:2]
    shown = image.bounding_box()
    assert shown["width"] <= viewport["width"]
    assert reader.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(reader, f"body-photo-page{suffix}")
