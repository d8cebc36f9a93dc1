"""After a comment or a report, the reader's thank-you shows beside it, in view and announced."""

import re

import pytest

from comments.models import Comment, Report
from tests.browser.conftest import DESKTOP, PHONE, approved_comment, eventually, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]

SCREENS = [pytest.param(DESKTOP, id="1280px"), pytest.param(PHONE, id="390px")]


def in_view(page, locator):
    """Tell whether the element is wholly within the browser's window."""
    box = locator.bounding_box()
    window = page.viewport_size
    return bool(box) and (
        box["y"] >= 0
        and box["y"] + box["height"] <= window["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= window["width"]
    )


def write_comment(page, text):
    form = page.locator("form.comment-form")
    form.get_by_label("Nom", exact=True).fill("Jeanne R.")
    form.get_by_label("Adresse e-mail", exact=True).fill("jeanne@example.org")
    form.get_by_label("Commentaire", exact=True).fill(text)
    form.get_by_role("button", name="Envoyer mon commentaire").click()


@pytest.mark.parametrize("viewport", SCREENS)
def test_the_thank_you_shows_beside_the_form_and_the_reported_comment_in_view(
    new_page, readers_article, settings, screenshot, axe, viewport
):
    settings.PAGE_CACHE_SECONDS = 300  # as readers get the page
    settings.COMMENTS_MIN_FORM_SECONDS = 0  # the reader types faster than a person
    approved_comment(readers_article, "Lucie B.", "Le salon commun, enfin !\nÀ suivre.")
    paul = Comment.objects.get(display_name="Paul V.")
    page = new_page(viewport=viewport, bypass_csp=True)  # axe-core comes in as a script
    page.goto(readers_article.get_absolute_url())

    write_comment(page, "Enfin une bonne nouvelle pour les start-up de la région.")
    expect(page).to_have_url(re.compile(r"#votre-commentaire$"))
    thanks = page.get_by_role("status")
    expect(thanks).to_have_count(1)  # nothing at the top of the page
    expect(thanks).to_have_text(
        "Merci\u00a0! Votre commentaire apparaîtra une fois validé par un modérateur. "
        "Suivre son état"
    )
    expect(thanks).to_be_focused()  # so that a screen reader says it
    assert eventually(lambda: in_view(page, thanks)), thanks.bounding_box()
    # Beside the comment form: right under its button, still in view above it.
    # Both boxes read at one instant: the page may still be scrolling.
    gap, button_top = thanks.evaluate(
        """el => {
            const button = document.querySelector("form.comment-form button, "
                + "form.comment-form [type=submit]").getBoundingClientRect();
            return [el.getBoundingClientRect().top - button.bottom, button.top];
        }"""
    )
    assert 0 <= gap < 80, gap
    assert button_top >= 0, "the form's button is out of view"
    screenshot(page, f"comment-thanks-{viewport['width']}")

    # Later, the reader reports Paul's comment, the first of two.
    comments = page.locator(".comment-list > li.comment")
    first = comments.filter(has_text="Paul V.")
    first.locator("summary", has_text="Signaler").click()
    first.get_by_label("Motif").select_option(label="Hors sujet")
    first.get_by_role("button", name="Envoyer le signalement").click()
    expect(page).to_have_url(re.compile(rf"#signalement-{paul.pk}$"))
    acknowledged = first.get_by_role("status")  # in the comment itself
    expect(acknowledged).to_have_text("Merci\u00a0: les modérateurs vont examiner ce commentaire.")
    expect(page.get_by_role("status")).to_have_count(1)
    expect(acknowledged).to_be_focused()
    assert eventually(lambda: in_view(page, acknowledged)), acknowledged.bounding_box()
    below_text = acknowledged.evaluate(
        """el => {
            const text = el.closest("li.comment").querySelector(".comment-text");
            return el.getBoundingClientRect().top - text.getBoundingClientRect().bottom;
        }"""
    )
    assert below_text >= 0, "above the comment"
    assert eventually(lambda: in_view(page, first.locator(".comment-meta"))), "comment not in view"
    screenshot(page, f"report-thanks-{viewport['width']}")
    assert Report.objects.get().comment == paul
    assert not axe(page, f"article with a thank-you, {viewport['width']} px")


def test_without_javascript_the_thank_you_is_where_the_page_lands(
    new_page, readers_article, settings
):
    settings.COMMENTS_MIN_FORM_SECONDS = 0
    paul = Comment.objects.get(display_name="Paul V.")
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(readers_article.get_absolute_url())
    page.get_by_role("link", name="Écrire un commentaire").click()  # the form on its own page
    write_comment(page, "Un avis envoyé sans JavaScript.")
    expect(page).to_have_url(re.compile(r"#votre-commentaire$"))
    thanks = page.get_by_role("status")
    expect(thanks).to_contain_text("Merci\u00a0! Votre commentaire apparaîtra")
    assert eventually(lambda: in_view(page, thanks)), thanks.bounding_box()

    page.locator(".comment-list > li.comment").first.locator("summary").click()
    page.get_by_role("link", name="Signaler ce commentaire").click()
    page.get_by_label("Motif").select_option(label="Hors sujet")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page).to_have_url(re.compile(rf"#signalement-{paul.pk}$"))
    acknowledged = page.get_by_role("status")
    expect(acknowledged).to_have_text("Merci\u00a0: les modérateurs vont examiner ce commentaire.")
    assert eventually(lambda: in_view(page, acknowledged)), acknowledged.bounding_box()
