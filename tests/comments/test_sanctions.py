"""Sanctions: a moderator puts a commenter under pre-moderation or bans them, from one of their
comments; the commenter is recognised by hashes of their address and email, never the email."""

import datetime as dt
import io

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from comments import antispam, moderation
from comments.models import Comment, ModerationEvent, Sanction
from tests.comments.conftest import READER_ADDRESS, post_comment
from tests.comments.desk import QUEUE, make_comment, page_url

pytestmark = pytest.mark.django_db
Action = ModerationEvent.Action
EMAIL = "Jeanne.R@Example.org"
SANCTIONS = "/desk/comments/sanction/"


@pytest.fixture
def first_comment(open_article):
    """A comment Jeanne posted through the article's form, refused by a moderator."""
    post_comment(Client(), open_article, email=EMAIL)
    return Comment.objects.get()


def sanction_from_page(client, comment, kind, reason="Insultes répétées.", last_day=""):
    return client.post(
        f"{QUEUE}{comment.pk}/sanction/",
        {"kind": kind, "reason": reason, "last_day": last_day, "next": page_url(comment)},
    )


def post_again(article, text="Me revoilà, toujours aussi poli.", **fields):
    reader = Client()
    response = post_comment(reader, article, text=text, **fields)
    return response, Comment.objects.get(text=text), reader


def test_a_comment_stores_a_keyed_hash_of_its_casefolded_email(first_comment):
    assert first_comment.email_hash == antispam.email_hash("jeanne.r@example.org")
    assert len(first_comment.email_hash) == 64
    assert first_comment.email_hash != antispam.email_hash("someone.else@example.org")


def test_a_moderator_bans_a_commenter_from_the_decision_page_with_both_hashes(
    client, moderator, first_comment
):
    client.force_login(moderator)
    response = sanction_from_page(client, first_comment, "ban", last_day="")
    assert response["Location"] == f"{page_url(first_comment)}#sanctions"
    sanction = Sanction.objects.get()
    assert (sanction.kind, sanction.reason, sanction.created_by) == (
        "ban",
        "Insultes répétées.",
        moderator,
    )
    assert sanction.visitor_hash == first_comment.visitor_hash != ""
    assert sanction.email_hash == first_comment.email_hash != ""
    assert sanction.ends_at is None and sanction.is_active()
    assert sanction.display_name == "Jeanne R."
    event = first_comment.events.last()
    assert (event.action, event.actor) == (Action.SANCTIONED, moderator)
    assert "Insultes répétées." in event.reason
    # Its page lists it, with a button to revoke it.
    page = BeautifulSoup(client.get(page_url(first_comment)).content, "html.parser")
    assert "Insultes répétées." in page.select_one("#sanctions").get_text()
    assert page.select_one(f"#sanctions form[action='{SANCTIONS}{sanction.pk}/revoke/']")


def test_no_email_in_clear_on_the_sanction(client, moderator, first_comment):
    client.force_login(moderator)
    sanction_from_page(client, first_comment, "ban")
    stored = " ".join(str(v) for v in Sanction.objects.values().get().values()).casefold()
    assert "jeanne.r@example.org" not in stored
    assert "example.org" not in stored


def test_a_banned_commenters_next_post_is_stored_refused_and_never_public(
    client, moderator, first_comment, open_article
):
    client.force_login(moderator)
    sanction_from_page(client, first_comment, "ban")
    response, banned, reader = post_again(open_article, email=EMAIL, address="198.51.100.50")
    # The reader gets the usual thanks, and nothing tells a ban apart from a pending comment.
    assert response.status_code == 302
    thanks = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(thanks) == 1 and "apparaîtra une fois validé" in thanks[0]
    assert banned.status == Comment.Status.REJECTED
    assert banned.refusal_reason == Comment.RefusalReason.BANNED
    assert not banned.is_public()
    events = list(banned.events.values_list("action", "reason"))
    assert events == [(Action.SUBMITTED, ""), (Action.AUTO_REJECTED, "Insultes répétées.")]
    html = reader.get(open_article.get_absolute_url()).content.decode()
    assert "Me revoilà" not in html
    assert banned not in Comment.objects.awaiting_moderation()


@pytest.mark.parametrize(
    ("email", "address"),
    [
        ("JEANNE.R@example.org ", "198.51.100.60"),  # the same email, elsewhere
        ("autre.adresse@example.net", READER_ADDRESS),  # the same address, another email
    ],
    ids=["by-email", "by-address"],
)
def test_a_ban_recognises_the_commenter_by_either_hash(
    moderator, first_comment, open_article, email, address
):
    moderation.sanction_commenter(first_comment, moderator=moderator, kind="ban", reason="Menaces.")
    _response, banned, _ = post_again(open_article, email=email.strip(), address=address)
    assert banned.status == Comment.Status.REJECTED


def test_another_commenter_is_not_concerned(moderator, first_comment, open_article):
    moderation.sanction_commenter(first_comment, moderator=moderator, kind="ban", reason="Menaces.")
    _response, other, _ = post_again(
        open_article, email="paul@example.org", address="198.51.100.70"
    )
    assert other.status == Comment.Status.PENDING


def test_pre_moderation_overrides_automatic_approval_of_a_trusted_commenter(
    moderator, open_article, settings
):
    settings.COMMENTS_TRUSTED_AFTER = 2
    for n in range(2):
        post_comment(Client(), open_article, text=f"Avis {n}.", address=f"198.51.100.{n}")
        moderation.approve(Comment.objects.latest(), moderator=moderator)
    _response, trusted, _ = post_again(open_article, text="Avis 2.", address="198.51.100.2")
    assert trusted.status == Comment.Status.APPROVED  # trusted: approved automatically

    moderation.sanction_commenter(
        trusted, moderator=moderator, kind="premoderate", reason="Dérive récente."
    )
    _response, held, _ = post_again(open_article, text="Avis 3.", address="198.51.100.3")
    assert held.status == Comment.Status.PENDING
    assert list(held.events.values_list("action", "reason")) == [
        (Action.SUBMITTED, ""),
        (Action.HELD, "Dérive récente."),
    ]
    assert held in Comment.objects.awaiting_moderation()


def test_an_ended_sanction_no_longer_applies(client, moderator, first_comment, open_article):
    client.force_login(moderator)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    sanction_from_page(client, first_comment, "ban", last_day=tomorrow.isoformat())
    sanction = Sanction.objects.get()
    # It ends at the midnight after its last day, in Paris.
    assert timezone.localtime(sanction.ends_at).date() == tomorrow + dt.timedelta(days=1)
    assert timezone.localtime(sanction.ends_at).time() == dt.time(0, 0)
    with time_machine.travel(sanction.ends_at + dt.timedelta(minutes=1)):
        assert not sanction.is_active()
        _response, after, _ = post_again(open_article, email=EMAIL, address="198.51.100.80")
        assert list(Sanction.objects.active()) == []
    assert after.status == Comment.Status.PENDING


def test_a_revoked_sanction_no_longer_applies_and_the_history_says_who(
    client, moderator, editor, first_comment, open_article
):
    client.force_login(moderator)
    sanction_from_page(client, first_comment, "ban")
    sanction = Sanction.objects.get()
    client.force_login(editor)
    response = client.post(
        f"{SANCTIONS}{sanction.pk}/revoke/", {"next": f"{page_url(first_comment)}#sanctions"}
    )
    assert response["Location"] == f"{page_url(first_comment)}#sanctions"
    sanction.refresh_from_db()
    assert sanction.revoked_by == editor and not sanction.is_active()
    event = first_comment.events.last()
    assert (event.action, event.actor) == (Action.SANCTION_REVOKED, editor)
    _response, after, _ = post_again(open_article, email=EMAIL, address="198.51.100.81")
    assert after.status == Comment.Status.PENDING


def test_the_sanctions_list_shows_those_in_force_first_and_revokes_in_bulk(
    client, moderator, open_article
):
    old = make_comment(open_article, "Ancien.", name="Ancien", email="ancien@example.org")
    new = make_comment(open_article, "Nouveau.", name="Nouveau", email="nouveau@example.org")
    revoked = moderation.sanction_commenter(
        old, moderator=moderator, kind="ban", reason="Spam répété."
    )
    moderation.revoke_sanction(revoked, moderator=moderator)
    in_force = moderation.sanction_commenter(
        new, moderator=moderator, kind="premoderate", reason="À surveiller."
    )
    client.force_login(moderator)
    response = client.get(SANCTIONS)
    assert [s.pk for s in response.context["cl"].result_list] == [in_force.pk, revoked.pk]
    assert client.get(SANCTIONS, {"q": "surveiller"}).status_code == 200
    assert client.get(f"{SANCTIONS}add/").status_code == 403  # decided from a comment's page
    page = client.get(f"{SANCTIONS}{in_force.pk}/change/").content.decode()
    assert "_save" not in page and f"{SANCTIONS}{in_force.pk}/revoke/" in page
    client.post(SANCTIONS, {"action": "revoke_selected", "_selected_action": [in_force.pk]})
    in_force.refresh_from_db()
    assert in_force.revoked_by == moderator


def test_the_sanction_form_says_what_is_wrong(client, moderator, first_comment):
    client.force_login(moderator)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = sanction_from_page(client, first_comment, "ban", last_day=yesterday.isoformat())
    assert response["Location"].endswith("#sanction")
    response = sanction_from_page(client, first_comment, "ban", reason="")
    assert not Sanction.objects.exists()
    assert len(list(get_messages(response.wsgi_request))) == 2


def test_a_journalist_can_neither_sanction_nor_revoke(client, journalist, moderator, first_comment):
    sanction = moderation.sanction_commenter(
        first_comment, moderator=moderator, kind="ban", reason="Menaces."
    )
    client.force_login(journalist)
    assert sanction_from_page(client, first_comment, "premoderate").status_code == 403
    assert client.post(f"{SANCTIONS}{sanction.pk}/revoke/").status_code == 403
    assert client.get(SANCTIONS).status_code == 403
    assert Sanction.objects.count() == 1 and Sanction.objects.get().is_active()
    with pytest.raises(PermissionDenied):
        moderation.sanction_commenter(
            first_comment, moderator=journalist, kind="ban", reason="Menaces."
        )


def test_the_queue_marks_a_sanctioned_commenters_comments(client, moderator, open_article):
    first = make_comment(open_article, "Premier.", email="x@example.org")
    make_comment(open_article, "Second.", email="x@example.org")
    make_comment(open_article, "D’un autre.", email="y@example.org")
    moderation.sanction_commenter(first, moderator=moderator, kind="premoderate", reason="Vu.")
    client.force_login(moderator)
    page = BeautifulSoup(client.get(QUEUE, {"queue": "awaiting"}).content, "html.parser")
    marked = [card["id"] for card in page.select(".mod-card") if card.select(".mod-sanction")]
    assert len(marked) == 2 and f"comment-{first.pk}" in marked


def test_the_metadata_purge_erases_the_address_hash_of_sanctions_long_over(
    moderator, open_article, settings
):
    settings.COMMENTS_METADATA_DAYS = 90
    comments = [
        make_comment(open_article, f"Avis {n}.", email=f"lecteur{n}@example.org") for n in range(3)
    ]
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=200)):
        long_revoked, in_force = (
            moderation.sanction_commenter(c, moderator=moderator, kind="ban", reason="Vu.")
            for c in comments[:2]
        )
        moderation.revoke_sanction(long_revoked, moderator=moderator)
        long_ended = moderation.sanction_commenter(
            comments[2],
            moderator=moderator,
            kind="ban",
            reason="Vu.",
            ends_at=now - dt.timedelta(days=100),
        )
    call_command("purge_comment_metadata", stdout=io.StringIO())
    for sanction in (long_revoked, long_ended):
        sanction.refresh_from_db()
        assert sanction.visitor_hash == "" and sanction.email_hash  # the email's hash stays
    in_force.refresh_from_db()
    assert in_force.visitor_hash == comments[1].visitor_hash  # still needed: it is in force


def test_the_database_refuses_a_sanction_naming_no_one_or_ending_before_it_starts(first_comment):
    fields = {"kind": "ban", "reason": "Vu.", "display_name": "X", "comment": first_comment}
    with pytest.raises(IntegrityError), transaction.atomic():
        Sanction.objects.create(**fields)  # neither hash: it would match no one, or everyone
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Sanction.objects.create(
            **fields, email_hash="h", created_at=now, ends_at=now - dt.timedelta(days=1)
        )
    sanction = Sanction(**fields, email_hash="h", created_at=now, ends_at=now)
    with pytest.raises(ValidationError):
        sanction.full_clean()
