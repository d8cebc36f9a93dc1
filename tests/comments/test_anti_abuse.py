"""The server's checks: honeypot, form age, links, banned words, duplicates, closed comments."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from comments import moderation
from comments.models import BannedWord, Comment
from tests.comments.conftest import comment_data, post_comment

pytestmark = pytest.mark.django_db


def errors_of(response):
    form = response.context["form"]
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def test_missing_fields_are_refused_with_french_errors_and_the_text_is_kept(client, open_article):
    response = post_comment(client, open_article, display_name="", email="pas-un-email")
    assert response.status_code == 400
    errors = errors_of(response)
    assert errors["display_name"] == ["Ce champ est obligatoire."]
    assert errors["email"] == ["Saisissez une adresse de courriel valide."]
    html = response.content.decode()
    assert "Enfin une bonne nouvelle pour les start-up de la région." in html  # nothing lost
    assert not Comment.objects.exists()


def test_text_over_3000_characters_is_refused(client, open_article):
    response = post_comment(client, open_article, text="a" * 3001)
    assert "3000" in errors_of(response)["text"][0]
    assert not Comment.objects.exists()


def test_honeypot_refuses_bots(client, open_article):
    response = post_comment(client, open_article, website="http://spam.example")
    assert response.status_code == 400
    assert "Laissez le dernier champ vide" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("wait", "message"),
    [(0, "C’était rapide"), (5 * 3600, "ouvert il y a longtemps")],
)
def test_too_fast_or_too_old_forms_are_refused_kindly(client, open_article, wait, message):
    response = post_comment(client, open_article, wait=wait)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()
    # The form comes back with a fresh stamp: sending it again later works.
    resent = dict(comment_data(10), issued=response.context["form"].data["issued"])
    later = timezone.now() + dt.timedelta(seconds=10)
    import time_machine

    with time_machine.travel(later):
        again = client.post(f"/articles/{open_article.pk}/commentaires/", resent)
    assert again.status_code == 302


def test_forged_stamp_is_refused(client, open_article):
    response = post_comment(client, open_article, issued="comment-form:1:forged")
    assert "n’est plus valable" in response.content.decode()


def test_more_than_two_links_holds_the_comment_as_suspect(client, open_article):
    text = "Voir https://a.example, https://b.example et www.c.example pour en savoir plus."
    post_comment(client, open_article, text=text)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.flags == ["3 liens"]
    assert list(Comment.objects.suspect()) == [comment]


def test_banned_word_files_as_spam_and_suspect_word_flags(client, open_article):
    BannedWord.objects.create(word="casino", level=BannedWord.Level.BANNED)
    BannedWord.objects.create(word="arnaque", level=BannedWord.Level.SUSPECT)
    response = post_comment(client, open_article, text="Gagnez au Casino en ligne !")
    followed = client.get(response["Location"])
    assert "ne sera pas publié" in str(next(iter(followed.context["messages"])))
    post_comment(
        client,
        open_article,
        text="Cette subvention est une arnaque, selon moi.",
        address="198.51.100.5",
    )
    spam, suspect = Comment.objects.order_by("pk")
    assert spam.status == Comment.Status.SPAM
    assert suspect.status == Comment.Status.PENDING
    assert suspect.flags == ["mot suspect\u00a0: «\u00a0arnaque\u00a0»"]


def test_the_same_text_twice_is_stored_once(client, open_article):
    first = post_comment(client, open_article)
    second = post_comment(
        client,
        open_article,
        text="  ENFIN une bonne nouvelle pour les start-up de la région.\nBravo. ",
    )
    assert first.status_code == second.status_code == 302
    assert Comment.objects.count() == 1


def test_comments_closed_by_the_switch_or_by_age(client, open_article, settings):
    open_article.is_open_for_comments = False
    open_article.save()
    response = post_comment(client, open_article)
    assert response.status_code == 302
    assert not Comment.objects.exists()
    page = client.get(open_article.get_absolute_url()).content.decode()
    assert "Les commentaires sont fermés sur cet article." in page
    assert 'class="comment-form"' not in page

    open_article.is_open_for_comments = True
    open_article.published_at = timezone.now() - dt.timedelta(days=31)
    open_article.save()
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    post_comment(client, open_article)
    assert not Comment.objects.exists()
    settings.COMMENTS_CLOSE_AFTER_DAYS = 60
    post_comment(client, open_article)
    assert Comment.objects.count() == 1


def test_trusted_commenter_is_approved_automatically_when_enabled(
    client, open_article, moderator, settings
):
    from comments import moderation

    settings.COMMENTS_TRUSTED_AFTER = 2
    for n in range(2):
        post_comment(
            client, open_article, text=f"Avis numéro {n}, argumenté.", address=f"198.51.100.{n}"
        )
        moderation.approve(Comment.objects.latest(), moderator=moderator)
    post_comment(client, open_article, text="Troisième avis.", address="198.51.100.9")
    third = Comment.objects.latest()
    assert third.status == Comment.Status.APPROVED
    assert list(third.events.values_list("action", flat=True)) == ["submitted", "auto_approved"]
    settings.COMMENTS_TRUSTED_AFTER = 0
    post_comment(client, open_article, text="Quatrième avis.", address="198.51.100.8")
    assert Comment.objects.latest().status == Comment.Status.PENDING


def test_comments_on_unpublished_articles_are_404(client, section):
    from articles.models import Article
    from tests.conftest import make_article

    draft = make_article(section, status=Article.Status.DRAFT)
    assert post_comment(client, draft).status_code == 404


def status_links(response):
    return re.findall(r"/commentaires/suivi/[^/\"]+/", response.content.decode())


def test_posting_another_readers_words_gives_no_link_to_their_comment_and_stores_nothing(
    client, open_article, moderator
):
    post_comment(Client(), open_article, display_name="Jeanne R.")
    moderation.reject(Comment.objects.get(), moderator=moderator, reason="abuse")
    copy = post_comment(
        client, open_article, address="198.51.100.99", display_name="Curieux", email="c@x.fr"
    )
    assert copy.status_code == 302
    page = client.get(copy.url)
    messages = [str(m) for m in page.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith("Merci")  # the usual thanks…
    assert status_links(page) == []  # …without anyone's status link
    assert Comment.objects.count() == 1


def test_the_same_reader_sending_twice_gets_their_own_status_link_again(client, open_article):
    first = status_links(client.get(post_comment(client, open_article).url))
    again = status_links(client.get(post_comment(client, open_article).url))
    assert len(first) == len(again) == 1
    comment = Comment.objects.get()
    assert client.get(again[0]).context["comment"] == comment
