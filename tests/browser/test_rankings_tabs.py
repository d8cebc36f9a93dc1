"""The rankings box is a set of tabs (WAI-ARIA pattern), by mouse and keyboard, on both screens."""

import datetime as dt

import pytest
from django.utils import timezone

from articles import popularity
from tests.browser.conftest import DESKTOP, PHONE, expect
from tests.conftest import make_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]

SCREENS = [pytest.param(DESKTOP, id="1280px"), pytest.param(PHONE, id="390px")]


def read(article, views):
    hour = popularity.hour_of(timezone.now() - dt.timedelta(hours=1))
    popularity.add_views({(article.pk, hour): views})


def expect_selected(box, chosen):
    """Check the one tab chosen is selected, alone in the Tab order, and shows its list alone."""
    for tab in box.get_by_role("tab").all():
        panel = box.locator(f"#{tab.get_attribute('aria-controls')}")
        if tab.get_attribute("aria-controls") == chosen:
            expect(tab).to_have_attribute("aria-selected", "true")
            expect(tab).to_have_attribute("tabindex", "0")
            expect(panel).to_be_visible()
        else:
            expect(tab).to_have_attribute("aria-selected", "false")
            expect(tab).to_have_attribute("tabindex", "-1")
            expect(panel).to_be_hidden()


@pytest.mark.parametrize("viewport", SCREENS)
def test_rankings_tabs_switch_by_click_and_by_keyboard(
    new_page, readers_article, section, screenshot, viewport
):
    other = make_article(section, headline="Midi Connect réserve cinquante stands", slug="midi")
    read(readers_article, 2246)
    read(other, 12)
    page = new_page(viewport=viewport)
    page.goto(readers_article.get_absolute_url())
    box = page.locator("aside.rankings")
    expect(box.get_by_role("tablist", name="Classements")).to_be_visible()
    tabs = box.get_by_role("tab")
    expect(tabs).to_have_text(["Sujets les + lus", "Sujets les + commentés"])
    expect(tabs.first).to_have_attribute("aria-controls", "plus-lus")
    expect(box.get_by_role("tabpanel")).to_have_attribute("aria-labelledby", "plus-lus-onglet")
    expect(box.locator("h3")).to_have_count(2)
    expect(box.locator("h3").first).to_be_hidden()  # the tabs say it
    expect_selected(box, "plus-lus")
    most_read = box.get_by_role("tabpanel")
    expect(most_read.get_by_role("listitem")).to_have_text(
        [
            f"{readers_article.headline} 2\u00a0246 vues",
            "Midi Connect réserve cinquante stands 12 vues",
        ]
    )
    # The box sits in the article's column, its tabs on one line.
    column = page.locator("article.article").bounding_box()
    shown = box.bounding_box()
    assert (shown["x"], shown["width"]) == (column["x"], column["width"])
    heights = {round(tab.bounding_box()["height"]) for tab in tabs.all()}
    assert len(heights) == 1 and heights.pop() < 48, "a tab's label wraps"
    box.scroll_into_view_if_needed()
    screenshot(page, f"rankings-tabs-{viewport['width']}")

    tabs.nth(1).click()
    expect_selected(box, "plus-commentes")
    expect(box.get_by_role("tabpanel")).to_contain_text(f"{readers_article.headline} 1 commentaire")
    screenshot(page, f"rankings-tabs-commented-{viewport['width']}")

    # The keyboard: the arrows move and select, and wrap around; Home and End go to the ends.
    page.keyboard.press("ArrowRight")
    expect(tabs.first).to_be_focused()
    expect_selected(box, "plus-lus")
    page.keyboard.press("ArrowRight")
    expect(tabs.nth(1)).to_be_focused()
    expect_selected(box, "plus-commentes")
    page.keyboard.press("Home")
    expect(tabs.first).to_be_focused()
    expect_selected(box, "plus-lus")
    page.keyboard.press("ArrowLeft")
    expect(tabs.nth(1)).to_be_focused()
    expect_selected(box, "plus-commentes")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("End")
    expect(tabs.nth(1)).to_be_focused()
    expect_selected(box, "plus-commentes")
    # Tab leaves the tabs for the list shown: the other tab is out of the Tab order.
    page.keyboard.press("Tab")
    expect(box.locator("#plus-commentes")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(tabs.nth(1)).to_be_focused()


def test_a_link_to_a_ranking_opens_its_tab_and_the_section_page_has_its_own(
    new_page, readers_article, section
):
    read(readers_article, 5)
    page = new_page(viewport=DESKTOP)
    page.goto(f"{readers_article.get_absolute_url()}#plus-commentes")
    box = page.locator("aside.rankings")
    expect_selected(box, "plus-commentes")
    expect(box.get_by_role("link", name="Tous les classements")).to_have_attribute(
        "href", "/classements/"
    )

    # A section's page: its rankings beside its list at 1280 px, after it on a phone.
    for viewport in (DESKTOP, PHONE):
        page = new_page(viewport=viewport)
        page.goto(section.get_absolute_url())
        box = page.locator("aside.rankings")
        expect_selected(box, "plus-lus")
        expect(box.get_by_role("tabpanel")).to_contain_text(readers_article.headline)
        more = box.get_by_role("link", name="Tous les classements de la rubrique Numérique")
        expect(more).to_have_attribute("href", "/classements/?rubrique=numerique")
        listing = page.locator(".article-list").bounding_box()
        shown = box.bounding_box()
        if viewport is DESKTOP:
            assert shown["x"] > listing["x"] + listing["width"], "not beside the list"
            assert abs(shown["y"] - listing["y"]) < 2, "not level with the list"
        else:
            assert shown["y"] > listing["y"] + listing["height"], "not after the list"
        tabs = box.get_by_role("tab")
        tabs.nth(1).click()
        expect_selected(box, "plus-commentes")
