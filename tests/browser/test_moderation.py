"""A moderator decides in one click per comment, at 1280 px with the sidebar open and on a phone,
and goes on where they were; a commenter they ban is thanked as usual and never published."""

import re

import pytest

from comments import moderation
from comments.models import Comment, ModerationEvent, Sanction
from tests.browser.conftest import DESKTOP, PHONE, expect, log_in
from tests.comments.desk import make_comment, reported
from tests.conftest import make_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]

QUEUE = "/desk/comments/comment/"
SEARCH = "?queue=awaiting&q=p%C3%B4les"  # a queue, searched: both kept after each decision
WAITING = [
    (
        "Pierre-Alain M.",
        "pa.m@example.org",
        "Bonne initiative pour les pôles, mais il faudra aller plus loin que les déclarations "
        "d’intention.\nLes entreprises des deux métropoles se connaissent peu : un annuaire "
        "commun et des rencontres régulières, hors des salons, feraient davantage que de grands "
        "discours.\nÀ suivre de près l’an prochain.",
    ),
    (
        "Promo Web",
        "promo@example.net",
        "Les pôles ? Visitez https://promo.example/une-adresse-tres-longue-sans-aucune-espace-"
        "qui-ne-doit-jamais-elargir-la-page-du-moderateur-ni-sur-un-ordinateur-ni-sur-un-telephone",
    ),
    (
        "Marc T.",
        "marc.t@example.org",
        "Encore une réunion des pôles. Qui paie le déplacement à Carcassonne ?",
    ),
    (
        "Sylvie",
        "sylvie.c@example.org",
        "Ayant travaillé dans les deux villes, je confirme : les pôles sont complémentaires. "
        "Reste la question des transports entre Toulouse et Montpellier.",
    ),
]
TROLL = ("Anonyme31", "anon31@example.org")


@pytest.fixture
def queue(section, moderator):
    """An article with comments awaiting validation, one reported, one from a troll."""
    article = make_article(
        section,
        slug="poles-numeriques",
        headline="Toulouse et Montpellier accordent leurs pôles numériques avant la fusion",
    )
    waiting = [
        make_comment(article, text, name=name, email=email, flags=flags)
        for (name, email, text), flags in zip(WAITING, [[], ["3 liens"], [], []], strict=True)
    ]
    contested = make_comment(
        article,
        "Article intéressant, même si le sujet de la gouvernance des pôles est à peine effleuré.",
        name="Bernard",
        email="bernard.l@example.org",
    )
    moderation.approve(contested, moderator=moderator)
    reported(contested, "abuse", "other", explanation="Il se moque des élus locaux.")
    troll = make_comment(
        article,
        "Les Montpelliérains n’ont rien à apprendre aux Toulousains, inutile de discuter.",
        name=TROLL[0],
        email=TROLL[1],
    )
    moderation.reject(troll, moderator=moderator, reason="abuse")
    return {"article": article, "waiting": waiting, "contested": contested, "troll": troll}


def no_sideways_scroll(page, viewport, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{what} scrolls sideways: {width} px"


def card(page, comment):
    return page.locator(f"#comment-{comment.pk}")


def decide(page, comment, decision, reason=None):
    """Click one of a comment's buttons, the reason chosen next to "Refuse" first."""
    if reason:
        card(page, comment).locator("select[name=refusal_reason]").select_option(reason)
    card(page, comment).locator(f"button[value={decision}]").click()


def landed_on(page, comment, queue_url):
    """Check the queue came back with its query, at the comment's card, in view."""
    expect(page).to_have_url(re.compile(re.escape(f"{queue_url}#comment-{comment.pk}") + "$"))
    expect(card(page, comment)).to_be_in_viewport()


@pytest.mark.parametrize(
    "viewport",
    [pytest.param(DESKTOP, id="1280px-sidebar-open"), pytest.param(PHONE, id="390px-phone")],
)
def test_moderator_approves_refuses_and_marks_spam_in_one_click_each(
    new_page, queue, moderator, screenshot, axe, viewport
):
    phone = viewport is PHONE
    options = {"is_mobile": True, "has_touch": True} if phone else {}
    desk = new_page(viewport=viewport, **options)
    log_in(desk, moderator)
    url = f"{QUEUE}{SEARCH}"
    desk.goto(url)
    if not phone:
        expect(desk.locator("#nav-sidebar")).to_be_visible()  # the admin's sidebar, open
    first, second, third, fourth = queue["waiting"]
    cards = desk.locator("article.mod-card")
    expect(cards).to_have_count(4)
    for comment in queue["waiting"]:  # each comment whole, its text not cut
        expect(card(desk, comment).locator(".mod-text")).to_have_text(
            re.compile(re.escape(comment.text.split("\n")[-1]))
        )
        expect(card(desk, comment).locator(".mod-email")).to_have_text(comment.email)
    no_sideways_scroll(desk, viewport, "the queue")
    serious = axe(desk, f"moderation queue, {viewport['width']} px")
    desk.reload()  # without axe's script
    if phone:
        card(desk, first).scroll_into_view_if_needed()
    screenshot(desk, "moderation-queue-phone" if phone else "moderation-queue")

    decide(desk, first, "approve")
    expect(desk.locator(".messagelist")).to_contain_text(first.display_name)
    landed_on(desk, second, url)
    expect(cards).to_have_count(3)

    decide(desk, second, "reject", reason="advertising")
    expect(desk.locator(".messagelist")).to_contain_text(second.display_name)
    landed_on(desk, third, url)
    expect(cards).to_have_count(2)

    decide(desk, third, "spam")
    landed_on(desk, fourth, url)
    expect(cards).to_have_count(1)
    no_sideways_scroll(desk, viewport, "the queue after three decisions")

    statuses = {c.pk: c.status for c in Comment.objects.filter(pk__in=[first.pk, second.pk])}
    assert statuses == {first.pk: "approved", second.pk: "rejected"}
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.refusal_reason == "advertising"
    assert third.status == "spam"
    assert [c.events.last().actor for c in (second, third)] == [moderator, moderator]

    # The reported comment's own page: the decision page, readable at this width too.
    desk.goto(f"{QUEUE}?queue=reported")
    contested = queue["contested"]
    card(desk, contested).locator(".mod-author a").click()
    expect(desk.locator("#history li")).to_have_count(1)
    expect(desk.locator("#reports")).to_contain_text("Il se moque des élus locaux.")
    expect(desk.locator("input[name=_save]")).to_have_count(0)  # nothing inert to save
    no_sideways_scroll(desk, viewport, "the decision page")
    screenshot(desk, "comment-decision-phone" if phone else "comment-decision", full_page=True)
    serious += axe(desk, f"comment decision page, {viewport['width']} px")
    assert not serious, [(v["id"], v["help"], v["targets"][:3]) for v in serious]
    desk.reload()

    decide(desk, contested, "hide")  # back to the reported queue, which no longer lists it
    expect(desk).to_have_url(re.compile(re.escape(f"{QUEUE}?queue=reported")))
    expect(desk.locator(".messagelist")).to_contain_text(contested.display_name)
    contested.refresh_from_db()
    assert contested.hidden_at is not None and not contested.is_public()


def test_banned_commenters_next_post_is_thanked_as_usual_stored_refused_and_never_shown(
    new_page, queue, moderator, settings
):
    settings.COMMENTS_MIN_FORM_SECONDS = 0  # the reader types faster than a person
    troll, article = queue["troll"], queue["article"]

    desk = new_page()
    log_in(desk, moderator)
    desk.goto(f"{QUEUE}{troll.pk}/change/")
    form = desk.locator("form#sanction")
    form.locator("input[name=kind][value=ban]").check()
    form.locator("input[name=reason]").fill("Propos méprisants, trois fois cette semaine.")
    form.locator("button[type=submit]").click()
    expect(desk.locator(".messagelist")).to_contain_text(troll.display_name)
    expect(desk.locator("#sanctions")).to_contain_text("Propos méprisants")
    sanction = Sanction.objects.get()
    assert sanction.kind == "ban" and sanction.is_active()
    no_sideways_scroll(desk, DESKTOP, "the decision page")

    # The troll comes back as a reader, in another browser, through the article's form.
    reader = new_page()
    reader.goto(article.get_absolute_url())
    form = reader.locator("form.comment-form")
    form.get_by_label("Nom", exact=True).fill("Un autre pseudo")
    form.get_by_label("Adresse e-mail", exact=True).fill("Anon31@Example.org")
    form.get_by_label("Commentaire", exact=True).fill("Toujours rien à apprendre de Montpellier.")
    form.get_by_role("button", name="Envoyer mon commentaire").click()
    expect(reader.locator(".messages")).to_contain_text(
        "Merci ! Votre commentaire apparaîtra une fois validé par un modérateur."
    )
    posted = Comment.objects.get(text="Toujours rien à apprendre de Montpellier.")
    assert posted.status == Comment.Status.REJECTED
    assert posted.refusal_reason == Comment.RefusalReason.BANNED
    assert list(posted.events.values_list("action", "reason")) == [
        (ModerationEvent.Action.SUBMITTED, ""),
        (ModerationEvent.Action.AUTO_REJECTED, "Propos méprisants, trois fois cette semaine."),
    ]
    reader.reload()
    expect(reader.locator(".comment-list")).not_to_contain_text("Toujours rien")
    expect(reader.locator("body")).not_to_contain_text("Toujours rien à apprendre")
    # Nor does it wait in a queue: the desk lists it as refused, with the history.
    desk.goto(f"{QUEUE}?queue=awaiting")
    expect(desk.locator(f"#comment-{posted.pk}")).to_have_count(0)
