"""Screenshots of the demo site for the README: `make screenshots` copies them to docs/."""

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article
from tests.browser.conftest import DESKTOP, PHONE, expect, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]

REFERENCE = "fusion-des-regions-poles-numeriques-toulouse-montpellier"


def test_home_article_and_moderation_queue_screenshots(new_page, demo_site, screenshot, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # as `make run` shows the 2015 reference article
    article = Article.objects.get(slug=REFERENCE)

    desktop = new_page(viewport=DESKTOP)
    desktop.goto("/")
    expect(desktop.locator(".lead-story h2")).to_be_visible()
    screenshot(desktop, "home")
    desktop.goto(article.get_absolute_url())
    expect(desktop.locator(".lead-image img")).to_be_visible()
    pull_quote = desktop.locator(".pull-quote").bounding_box()
    height = pull_quote["y"] + pull_quote["height"] + 40  # from the headline to the pull quote
    screenshot(
        desktop,
        "article-desktop",
        full_page=True,
        clip={**DESKTOP, "x": 0, "y": 0, "height": height},
    )

    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    phone.goto(article.get_absolute_url())
    expect(phone.locator("h1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the article page scrolls sideways on a phone"
    )
    screenshot(phone, "article-phone")

    desk = new_page(viewport={"width": 1440, "height": 720})
    log_in(desk, get_user_model().objects.get(username="moderation"), "demo-moderation-2026")
    desk.goto("/desk/comments/comment/?queue=awaiting")
    desk.locator("#toggle-nav-sidebar").click()  # the queue's columns need the room
    expect(desk.locator("#result_list tbody tr").first).to_be_visible()
    desk.evaluate("window.scrollTo(0, 0)")
    screenshot(desk, "moderation-queue")
