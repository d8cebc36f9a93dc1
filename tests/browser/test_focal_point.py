"""A journalist clicks the lead photo where its subject is; the crops are cut around that point."""

import io
import re

import pytest
from django.core.files.base import ContentFile

from articles import images
from articles.models import Article
from tests.browser.conftest import DESKTOP, PHONE, expect, jpeg_file, log_in
from tests.conftest import make_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]


@pytest.fixture
def draft(journalist, section):
    """Return the journalist's draft, with a lead photo and its crops around the centre."""
    article = make_article(
        section,
        status=Article.Status.DRAFT,
        headline="Le pôle numérique inaugure ses nouveaux locaux à Toulouse",
        slug="pole-locaux",
        created_by=journalist,
        lead_image_alt="La façade des nouveaux locaux",
    )
    buffer = io.BytesIO()
    jpeg_file(buffer)  # 1600 × 900
    article.lead_image.save("locaux.jpg", ContentFile(buffer.getvalue()), save=True)
    images.refresh_renditions(article)
    return article


def click_on_photo(page, across, down):
    """Click the photo of the focal point picker at these shares of its width and height."""
    photo = page.locator(".focal-picker-photo")
    box = photo.bounding_box()
    page.mouse.click(box["x"] + box["width"] * across, box["y"] + box["height"] * down)
    return box


def crop_urls_of(article):
    return {r["url"] for ratio in images.CROPS for r in article.lead_image_renditions[ratio]}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_click_on_the_photo_sets_the_focal_point_and_saving_cuts_the_crops(
    new_page, journalist, draft, screenshot, viewport
):
    phone = viewport is PHONE
    desk = new_page(viewport=viewport, **({"is_mobile": True, "has_touch": True} if phone else {}))
    log_in(desk, journalist)
    desk.goto(f"/desk/articles/article/{draft.pk}/change/")
    picker = desk.locator(".focal-picker")
    picker.scroll_into_view_if_needed()
    marker = picker.locator(".focal-picker-marker")
    expect(marker).to_be_visible()  # at the centre, where the point is
    expect(picker.locator(".focal-picker-crop")).to_have_count(3)
    crops_before = crop_urls_of(draft)

    box = click_on_photo(desk, 0.25, 0.7)
    across = float(desk.locator("#id_lead_image_focal_x").input_value())
    down = float(desk.locator("#id_lead_image_focal_y").input_value())
    assert across == pytest.approx(0.25, abs=0.01)
    assert down == pytest.approx(0.7, abs=0.01)
    # The marker is where the journalist clicked, and every crop around it.
    spot = marker.bounding_box()
    centre = (spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2)
    assert centre[0] == pytest.approx(box["x"] + box["width"] * 0.25, abs=2)
    assert centre[1] == pytest.approx(box["y"] + box["height"] * 0.7, abs=2)
    for crop in picker.locator(".focal-picker-crop").all():
        frame = crop.bounding_box()
        assert frame["x"] - 1 <= centre[0] <= frame["x"] + frame["width"] + 1
        assert frame["y"] - 1 <= centre[1] <= frame["y"] + frame["height"] + 1
    screenshot(desk, "desk-focal-point" + ("-phone" if phone else ""))

    desk.locator(".workflow-bar").get_by_role("button", name="Enregistrer", exact=True).click()
    expect(desk.locator(".messagelist")).to_be_visible()
    draft.refresh_from_db()
    assert draft.lead_image_focal_x == pytest.approx(0.25, abs=0.01)
    assert draft.lead_image_focal_y == pytest.approx(0.7, abs=0.01)
    assert crop_urls_of(draft).isdisjoint(crops_before)  # cut again around the new point
    # The page reopens on the point saved.
    expect(desk.locator("#id_lead_image_focal_x")).to_have_value(str(draft.lead_image_focal_x))
    expect(desk.locator(".focal-picker-marker")).to_be_visible()


def test_a_new_photo_shows_at_once_its_point_in_the_centre_until_a_click(
    new_page, journalist, draft, tmp_path
):
    Article.objects.filter(pk=draft.pk).update(lead_image_focal_x=0.1, lead_image_focal_y=0.1)
    desk = new_page()
    log_in(desk, journalist)
    desk.goto(f"/desk/articles/article/{draft.pk}/change/")
    desk.locator("#id_lead_image").set_input_files(jpeg_file(tmp_path / "carre.jpg", (1200, 1200)))
    photo = desk.locator(".focal-picker-photo")
    expect(photo).to_have_attribute("src", re.compile(r"^blob:"))  # read in the browser
    assert desk.wait_for_function(
        "() => document.querySelector('.focal-picker-photo').naturalWidth === 1200"
    )
    expect(desk.locator("#id_lead_image_focal_x")).to_have_value("0.500")
    expect(desk.locator("#id_lead_image_focal_y")).to_have_value("0.500")
    click_on_photo(desk, 0.8, 0.2)
    clicked = float(desk.locator("#id_lead_image_focal_y").input_value())
    desk.keyboard.press("Shift+ArrowDown")  # the photo has the focus: the keys move the point
    expect(desk.locator("#id_lead_image_focal_y")).to_have_value(f"{clicked + 0.1:.3f}")
    desk.keyboard.press("ArrowUp")
    desk.keyboard.press("Shift+ArrowUp")
    expect(desk.locator("#id_lead_image_focal_y")).to_have_value(f"{clicked - 0.01:.3f}")
    desk.locator(".workflow-bar").get_by_role("button", name="Enregistrer", exact=True).click()
    expect(desk.locator(".messagelist")).to_be_visible()
    draft.refresh_from_db()
    assert (draft.lead_image_width, draft.lead_image_height) == (1200, 1200)
    assert draft.lead_image_focal_x == pytest.approx(0.8, abs=0.01)
    assert draft.lead_image_focal_y == pytest.approx(0.19, abs=0.01)
    assert images.has_crops(draft)
