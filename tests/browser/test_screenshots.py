"""Screenshots of the demo site for the README: `make screenshots` copies them to docs/.

The moderation desk's are taken by tests/browser/test_moderation.py.
"""

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


def test_home_section_and_article_screenshots(new_page, demo_site, screenshot, settings):
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

    section = article.section.get_absolute_url()
    desktop.goto(section)
    expect(desktop.locator(".rankings")).to_be_visible()
    screenshot(desktop, "section")

    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    for url, name in [("/", "home-phone"), (section, "section-phone")]:
        phone.goto(url)
        expect(phone.locator(".card-photo").first).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
            f"{url} scrolls sideways on a phone"
        )
        screenshot(phone, name)
    phone.goto(article.get_absolute_url())
    expect(phone.locator("h1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the article page scrolls sideways on a phone"
    )
    screenshot(phone, "article-phone")


def test_writing_screen_and_article_list_screenshots(new_page, demo_site, screenshot):
    """The desk as an editor sees it on the reference article, at 1280 px and on a phone."""
    article = Article.objects.get(slug=REFERENCE)
    editor = get_user_model().objects.get(username="redaction")
    for viewport, suffix in [(DESKTOP, ""), (PHONE, "-phone")]:
        phone = viewport is PHONE
        page = new_page(viewport=viewport, **({"is_mobile": True} if phone else {}))
        log_in(page, editor, "demo-redaction-2026")
        page.goto(f"/desk/articles/article/{article.pk}/change/")
        expect(page.locator(".prose-menubar [data-name=bold]")).to_have_attribute("title", "Gras")
        screenshot(page, f"desk-writing{suffix}")
        page.goto("/desk/articles/article/")
        expect(page.locator("#result_list .field-state_column").first).to_be_visible()
        screenshot(page, f"desk-article-list{suffix}")
