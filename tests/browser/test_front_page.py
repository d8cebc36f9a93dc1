"""An editor chooses la une in the desk; readers see it with its photos until the pin expires."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from articles import images
from tests.browser.conftest import DESKTOP, PHONE, expect, jpeg_file, log_in
from tests.conftest import make_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]


def with_photo(article, alt):
    buffer = io.BytesIO()
    jpeg_file(buffer)
    article.lead_image_alt = alt
    article.lead_image.save(f"{article.slug}.jpg", ContentFile(buffer.getvalue()), save=True)
    images.refresh_renditions(article)
    return article


def pin_in_the_desk(page, article, position, until=None):
    page.goto(f"/desk/articles/article/{article.pk}/change/")
    page.locator("#id_pinned_position").select_option(str(position))
    if until is not None:
        page.locator("#id_pinned_until_0").fill(until.strftime("%d/%m/%Y"))
        page.locator("#id_pinned_until_1").fill(until.strftime("%H:%M"))
    page.locator(".workflow-bar input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def photo_shown(page, container):
    """Tell whether the container shows a photo the browser has loaded, with its alt text."""
    image = page.locator(f"{container} img").first
    expect(image).to_be_visible()
    return image.evaluate("img => img.complete && img.naturalWidth > 0") and image.get_attribute(
        "alt"
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_an_editor_pins_la_une_and_readers_see_it_until_the_pin_expires(
    new_page, editor, section, viewport, screenshot
):
    now = timezone.now()
    stories = [
        make_article(
            section,
            headline=f"Nouvelle numéro {n} de la journée",
            slug=f"nouvelle-{n}",
            published_at=now - dt.timedelta(hours=n + 1),
        )
        for n in range(8)
    ]
    lead = with_photo(stories[5], "Le viaduc sous la brume")
    second = with_photo(stories[3], "Un marché couvert un matin d’hiver")
    until = timezone.localtime(now + dt.timedelta(days=1)).replace(hour=7, minute=0)

    desk = new_page(viewport=viewport)
    log_in(desk, editor)
    pin_in_the_desk(desk, lead, 1, until=until)
    pin_in_the_desk(desk, second, 2)
    desk.goto("/desk/")
    box = desk.locator("#front-page")
    expect(box.locator("li").nth(0)).to_contain_text(f"1. {lead.headline}")
    expect(box.locator("li").nth(0)).to_contain_text("épinglé jusqu’au")
    expect(box.locator("li").nth(1)).to_contain_text(f"2. {second.headline}")
    screenshot(desk, "desk-front-page" if viewport is DESKTOP else "desk-front-page-phone")

    reader = new_page(viewport=viewport)
    reader.goto("/")
    expect(reader.locator(".lead-story h2")).to_have_text(lead.headline)
    expect(reader.locator(".top-stories .card-title").first).to_have_text(second.headline)
    assert photo_shown(reader, ".lead-story") == "Le viaduc sous la brume"
    assert photo_shown(reader, ".top-stories .card") == "Un marché couvert un matin d’hiver"
    name = "front-page-pinned" if viewport is DESKTOP else "front-page-pinned-phone"
    screenshot(reader, name)

    with time_machine.travel(until + dt.timedelta(minutes=1)):
        reader.reload()
        expect(reader.locator(".lead-story h2")).to_have_text(stories[0].headline)
        expect(reader.locator(".top-stories .card-title").first).to_have_text(second.headline)
        desk.goto("/desk/")
        expect(desk.locator("#front-page li").nth(0)).to_contain_text(f"2. {second.headline}")
