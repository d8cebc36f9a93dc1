"""A reader reads an article, is counted once, comments and reports; a moderator approves."""

import re

import pytest
from django.db.models import Sum
from django.utils import timezone

from articles import popularity
from articles.models import HourlyViews
from comments.models import Comment, Report
from tests.browser.conftest import approved_comment, eventually, expect, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]

COMMENT = "Enfin une bonne nouvelle pour les start-up de la région.\nBravo aux deux pôles."
DATE_LINE = r"a écrit le \d{2}/\d{2}/\d{4} à \d{2}:\d{2}"


def views_of(article):
    """Return the article's views counted so far, moving Redis's buffer first if there is one."""
    popularity.flush()
    return HourlyViews.objects.filter(article=article).aggregate(total=Sum("views"))["total"]


def is_beacon(response):
    return "/vues/" in response.url


def written_on(comment):
    """Return the French date line of a comment, as readers see it: "a écrit le … à …"."""
    moment = timezone.localtime(comment.submitted_at)
    return f"{comment.display_name} a écrit le {moment:%d/%m/%Y} à {moment:%H:%M}"


def read_every_element(page, article):
    """Check every element of the reference page is shown to the reader."""
    head = page.locator("article.article > header")
    expect(head.locator(".kicker")).to_have_text("Économie numérique")
    expect(head.locator("h1")).to_have_text(article.headline)
    expect(head.locator(".lede")).to_have_text(article.lede)
    expect(head.locator(".byline")).to_contain_text("Par Léa Journaliste")
    expect(head.locator(".byline a[rel=author]")).to_have_attribute(
        "href", "/auteurs/lea-journaliste/"
    )
    published = timezone.localtime(article.published_at)
    expect(head.locator(".dates time")).to_have_text(
        f"Publié le {published:%d/%m/%Y} à {published:%H:%M}"
    )
    photo = page.locator(".lead-image img")
    expect(photo).to_be_visible()
    expect(photo).to_have_attribute("alt", "Une salle de réunion pleine de monde")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0"), "the photo is not shown"
    expect(page.locator(".lead-image figcaption")).to_have_text(
        re.compile(r"^Le pôle toulousain et ses start-up\s+Photo\s?: Jeanne Martin$")
    )
    body = page.locator(".article-body")
    expect(body.locator("h2")).to_have_text(["Ce qui les rapproche", "Les idées échangées"])
    expect(body.locator("p:not(figure p)")).to_have_count(4)
    quotes = body.locator("figure.quote")
    expect(quotes).to_have_count(3)
    for quote in quotes.all():
        expect(quote).to_be_visible()
        expect(quote.locator("figcaption a")).to_have_attribute(
            "href", re.compile(r"^/intervenants/(claire-fontanel|hugo-bastide)/$")
        )
    expect(quotes.first.locator("figcaption")).to_have_text(
        "Claire Fontanel, présidente de Pôle Sud"
    )
    pull = body.locator("figure.pull-quote")
    expect(pull).to_have_count(1)
    expect(pull).to_be_visible()
    expect(pull).to_contain_text("Nous parlons enfin d’une seule voix.")
    speakers = page.locator("aside.speakers")
    expect(speakers.get_by_role("heading")).to_have_text("Qui s’exprime")
    expect(speakers.locator("li")).to_have_text(
        ["Claire Fontanel, présidente de Pôle Sud", "Hugo Bastide, directeur de Numéria"]
    )
    expect(speakers.get_by_role("link", name="Hugo Bastide")).to_have_attribute(
        "href", "/intervenants/hugo-bastide/"
    )
    tags = page.locator("nav.tags a")
    expect(tags).to_have_count(3)
    for name in ("Occitanie", "Toulouse", "Montpellier"):
        expect(tags.filter(has_text=name)).to_be_visible()


def switch_rankings_tabs(page):
    """Use the rankings box as WAI-ARIA tabs: with the mouse, then with the arrow keys."""
    box = page.locator("aside.rankings")
    tabs = box.get_by_role("tab")
    expect(tabs).to_have_text(["Sujets les + lus", "Sujets les + commentés"])
    most_read, most_commented = box.locator("#plus-lus"), box.locator("#plus-commentes")
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    expect(most_read).to_be_visible()
    expect(most_commented).to_be_hidden()

    tabs.nth(1).click()
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(tabs.first).to_have_attribute("aria-selected", "false")
    expect(most_commented).to_be_visible()
    expect(most_read).to_be_hidden()
    expect(box.get_by_role("tabpanel")).to_have_attribute(
        "aria-labelledby", "plus-commentes-onglet"
    )

    page.keyboard.press("ArrowLeft")  # the focused tab hands over to the first one
    expect(tabs.first).to_be_focused()
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    expect(most_read).to_be_visible()
    expect(most_commented).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(tabs.nth(1)).to_be_focused()
    expect(most_commented).to_be_visible()
    page.keyboard.press("ArrowRight")  # and wraps around
    expect(tabs.first).to_be_focused()
    expect(most_read).to_be_visible()


# The suite runs with the page cache off (PAGE_CACHE_SECONDS=0); readers get it on in production,
# where the forms must fetch their tokens by script and a moderator's approval must show at once.
@pytest.mark.parametrize("page_cache", [0, 300], ids=["page-cache-off", "page-cache-on"])
def test_reader_is_counted_comments_reports_and_sees_the_approved_comment(
    new_page, readers_article, moderator, settings, page_cache
):
    settings.PAGE_CACHE_SECONDS = page_cache
    settings.COMMENTS_MIN_FORM_SECONDS = 0  # the reader types faster than a person
    article = readers_article
    reader = new_page()

    reader.goto("/")
    with reader.expect_response(is_beacon) as beacon:
        reader.locator(".lead-story").get_by_role("link", name=article.headline).click()
    assert beacon.value.status == 204
    expect(reader).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    read_every_element(reader, article)
    if settings.REDIS_URL:  # the beacon only adds to Redis; `flush_views` moves it to the database
        assert not HourlyViews.objects.filter(article=article).exists()
    assert eventually(lambda: views_of(article) == 1), f"counted {views_of(article)} views"

    with reader.expect_response(is_beacon):
        response = reader.reload()
    if page_cache:
        assert response.headers["x-page-cache"] == "hit"
    assert views_of(article) == 1  # the same reader within 30 minutes counts once

    switch_rankings_tabs(reader)

    form = reader.locator("form.comment-form")
    form.get_by_label("Nom", exact=True).fill("Jeanne R.")
    form.get_by_label("Adresse e-mail", exact=True).fill("jeanne@example.org")
    form.get_by_label("Commentaire", exact=True).fill(COMMENT)
    form.get_by_role("button", name="Envoyer mon commentaire").click()
    expect(reader.locator(".messages")).to_contain_text(
        "Merci ! Votre commentaire apparaîtra une fois validé par un modérateur."
    )
    comments = reader.locator(".comment-list > li.comment")
    expect(comments).to_have_count(1)  # Paul's, published before; not Jeanne's
    expect(reader.locator(".comment-list")).not_to_contain_text("Enfin une bonne nouvelle")
    posted = Comment.objects.get(article=article, display_name="Jeanne R.")
    assert posted.status == Comment.Status.PENDING
    assert posted.text == COMMENT.replace("\n", "\r\n")  # as browsers send a textarea

    # Later, the reader reports Paul's comment.
    published = comments.filter(has_text="Paul V.")
    published.locator("summary", has_text="Signaler").click()
    published.get_by_label("Motif").select_option(label="Hors sujet")
    published.get_by_label("Explication (facultative)").fill("Rien à voir avec les pôles.")
    published.get_by_role("button", name="Envoyer le signalement").click()
    expect(reader.locator(".messages")).to_contain_text(
        "Merci : les modérateurs vont examiner ce commentaire."
    )
    report = Report.objects.get(comment__display_name="Paul V.")
    assert (report.reason, report.explanation) == ("off_topic", "Rien à voir avec les pôles.")

    # A moderator approves Jeanne's comment from the queue.
    desk = new_page()
    log_in(desk, moderator)
    desk.goto("/desk/comments/comment/?queue=awaiting")
    row = desk.locator("#result_list tbody tr", has_text="Enfin une bonne nouvelle")
    expect(desk.locator("#result_list tbody tr")).to_have_count(1)
    row.get_by_role("button", name="Valider", exact=True).click()  # one click
    expect(desk.locator(".messagelist")).to_contain_text("Commentaire de Jeanne R.\u00a0: Publié.")
    expect(desk.locator("#result_list tbody tr")).to_have_count(0)  # the queue is empty
    posted.refresh_from_db()
    assert posted.status == Comment.Status.APPROVED
    assert posted.moderated_by == moderator

    with reader.expect_response(is_beacon):
        response = reader.reload()
    if page_cache:  # the approval replaced the cached page at once
        assert response.headers["x-page-cache"] == "miss"
    expect(comments).to_have_count(2)
    paul = Comment.objects.get(display_name="Paul V.")
    expect(comments.nth(0).locator("h3")).to_have_text("Commentaire 1")
    expect(comments.nth(0).locator(".comment-meta")).to_have_text(written_on(paul))
    expect(comments.nth(1).locator("h3")).to_have_text("Commentaire 2")
    expect(comments.nth(1).locator(".comment-meta")).to_have_text(written_on(posted))
    expect(comments.nth(1).locator(".comment-meta")).to_have_text(re.compile(DATE_LINE))
    expect(comments.nth(1).locator(".comment-text")).to_contain_text("Bravo aux deux pôles.")
    assert "jeanne@example.org" not in reader.content()
    assert views_of(article) == 1


def test_the_pages_one_report_form_goes_to_the_comment_the_reader_reports(
    new_page, readers_article
):
    approved_comment(readers_article, "Lucie B.", "Le salon commun, enfin !")
    paul, lucie = Comment.objects.order_by("submitted_at", "pk")
    reader = new_page()
    reader.goto(readers_article.get_absolute_url())
    comments = reader.locator(".comment-list > li.comment")
    expect(reader.locator("form.report-form")).to_be_hidden()  # until a comment is reported

    comments.nth(0).locator("summary", has_text="Signaler").click()
    expect(comments.nth(0).get_by_label("Motif")).to_be_visible()
    comments.nth(0).get_by_label("Explication (facultative)").fill("Pas pour Paul, finalement.")
    expect(comments.nth(0).get_by_role("link", name="Signaler ce commentaire")).to_be_hidden()

    # Another comment: the form leaves the first one (closed), empty, for the second.
    comments.nth(1).locator("summary", has_text="Signaler").click()
    expect(comments.nth(1).get_by_label("Explication (facultative)")).to_have_value("")
    expect(comments.nth(0).locator("details.report")).not_to_have_attribute("open", "")
    expect(comments.nth(0).locator("form")).to_have_count(0)
    comments.nth(1).get_by_label("Motif").select_option(label="Hors sujet")
    comments.nth(1).get_by_role("button", name="Envoyer le signalement").click()
    expect(reader.locator(".messages")).to_contain_text(
        "Merci : les modérateurs vont examiner ce commentaire."
    )
    assert [(r.comment, r.reason) for r in Report.objects.all()] == [(lucie, "off_topic")]

    # Without JavaScript, each comment's "Signaler" leads to its own report page.
    plain = new_page(java_script_enabled=False)
    plain.goto(readers_article.get_absolute_url())
    first = plain.locator(".comment-list > li.comment").nth(0)
    first.locator("summary", has_text="Signaler").click()
    expect(first.locator("form")).to_have_count(0)
    expect(plain.locator("form.report-form")).to_be_hidden()
    first.get_by_role("link", name="Signaler ce commentaire").click()
    expect(plain).to_have_url(re.compile(f"/commentaires/{paul.pk}/signaler/$"))
    expect(plain.get_by_label("Motif")).to_be_visible()
