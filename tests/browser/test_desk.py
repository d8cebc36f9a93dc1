"""An editor schedules an article: every place of the desk that shows it says when, in Paris."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from articles.models import Article
from newsroom.formats import moment
from tests.browser.conftest import DESKTOP, PHONE, expect, log_in
from tests.conftest import make_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]


def no_sideways_scroll(page, viewport):
    """Fail if the page, or the list's table within it, scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url} scrolls sideways: {width} px"
    hidden = page.evaluate(
        "Array.from(document.querySelectorAll('.results'))"
        ".map(e => e.scrollWidth - e.clientWidth).filter(d => d > 0)"
    )
    assert hidden == [], f"{page.url}: the table hides {hidden} px behind a scroll"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_an_editor_schedules_and_the_desk_says_scheduled_at_the_paris_time(
    new_page, editor, section, viewport
):
    article = make_article(
        section, status=Article.Status.READY, headline="Le tramway de la rive gauche prend forme"
    )
    for n in range(6):
        make_article(section, slug=f"autre-{n}", headline=f"Une autre nouvelle du jour, n° {n}")
    when = timezone.localtime().replace(hour=7, minute=0, second=0, microsecond=0)
    when += dt.timedelta(days=2)
    with translation.override("fr"):
        scheduled = f"Programmé pour le {moment(when)}"
        said = f"les lecteurs le verront à partir du {moment(when)}."
    phone = viewport is PHONE
    page = new_page(viewport=viewport, **({"is_mobile": True, "has_touch": True} if phone else {}))
    log_in(page, editor)

    page.goto(f"/desk/articles/article/{article.pk}/change/")
    publish = page.locator(".workflow-bar input[name=_publish]")
    expect(publish).to_have_value("Publier")
    expect(page.locator(".prose-menubar [data-name=bold]")).to_have_attribute("title", "Gras")
    page.locator("#id_published_at_0").fill(when.strftime("%d/%m/%Y"))
    page.locator("#id_published_at_1").fill("07:00")
    expect(publish).to_have_value("Programmer")  # the button follows the time typed
    no_sideways_scroll(page, viewport)
    publish.click()

    expect(page.locator(".messagelist")).to_contain_text(said)
    expect(page.locator(".workflow-state")).to_contain_text(scheduled)
    page.goto("/desk/articles/article/")
    row = page.locator("#result_list tr", has_text="Le tramway de la rive gauche")
    expect(row.locator(".field-state_column")).to_have_text(scheduled)
    no_sideways_scroll(page, viewport)
    page.goto("/desk/")
    expect(page.locator(".desk-lists")).to_contain_text(scheduled)
