"""Deleting an article in the desk moves it to the trash: off the site at once, restorable."""

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles import popularity, publishing
from articles.models import Article, Quote
from comments.models import Comment
from tests.articles.conftest import change_url, resubmit
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
CHANGELIST = "/desk/articles/article/"
TRASH = f"{CHANGELIST}?trash=1"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300  # readers' pages are cached: deleting must refresh them


@pytest.fixture
def story(section, speaker):
    """A published article that shows everywhere: tagged, quoted, read and commented."""
    article = make_article(
        section, headline="Le port de Sète s’agrandit", slug="port-sete", body="<p>Les quais.</p>"
    )
    article.tags.set(["Sète"])
    Quote.objects.create(article=article, speaker=speaker, text="Des quais neufs en 2027.")
    popularity.add_views({(article.pk, popularity.hour_of(timezone.now())): 40})
    Comment.objects.create(
        article=article,
        display_name="Jeanne R.",
        email="jeanne@example.org",
        text="Enfin des quais neufs.",
        text_hash="quais",
        status=Comment.Status.APPROVED,
    )
    return article


def public_pages(article):
    return [
        "/",
        article.section.get_absolute_url(),
        f"/mots-cles/{article.tags.get().slug}/",
        "/recherche/?q=Sète",
        "/flux/rss/",
        "/flux/atom/",
        "/sitemap.xml",
        "/classements/",
    ]


def pages_showing(article):
    """Return the public pages an anonymous reader sees the article on (cached or not)."""
    reader = Client()
    shown = []
    for url in public_pages(article):
        text = reader.get(url).text
        if article.headline in text or article.get_absolute_url() in text:
            shown.append(url)
    return shown


def delete_in_the_desk(client, article):
    return client.post(f"{CHANGELIST}{article.pk}/delete/", {"post": "yes"})


def restore_in_the_desk(client, *articles):
    data = {"action": "restore_from_trash", "_selected_action": [a.pk for a in articles]}
    return client.post(TRASH, data)


def test_deleting_moves_the_article_to_the_trash_and_off_every_public_page_at_once(
    client, editor, story
):
    assert pages_showing(story) == public_pages(story)  # and now they are cached
    assert Client().get(story.get_absolute_url()).status_code == 200
    client.force_login(editor)

    response = delete_in_the_desk(client, story)

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    story = Article.all_objects.get(pk=story.pk)  # still in the database
    assert story.is_in_trash()
    assert story.deleted_by == editor
    assert story.quotes.count() == 1  # nothing deleted with it
    assert pages_showing(story) == []
    assert Client().get(story.get_absolute_url()).status_code == 404
    assert popularity.most_read(1) == []
    assert popularity.most_commented(1) == []
    assert not Article.objects.filter(pk=story.pk).exists()
    assert LogEntry.objects.filter(object_id=story.pk, action_flag=CHANGE).exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_restoring_from_the_trash_puts_the_article_back_and_the_history_says_who(
    client, editor, story
):
    client.force_login(editor)
    delete_in_the_desk(client, story)
    assert pages_showing(story) == []

    response = restore_in_the_desk(client, story)

    assert response.status_code == 302
    story.refresh_from_db()
    assert not story.is_in_trash()
    assert story.deleted_by is None
    assert pages_showing(story) == public_pages(story)
    assert Client().get(story.get_absolute_url()).status_code == 200
    latest = Version.objects.get_for_object(story).first()
    assert latest.revision.user == editor
    assert "rita" in latest.revision.get_comment()  # who had deleted it
    assert latest.field_dict["deleted_at"] is None


def test_the_confirmation_says_the_article_goes_to_the_trash_and_lists_nothing_else(
    client, editor, story
):
    client.force_login(editor)
    response = client.get(f"{CHANGELIST}{story.pk}/delete/")
    assert response.status_code == 200
    assert response.templates[0].name == "admin/trash_confirmation.html"
    assert response.context["trash_days"] == 30
    html = response.content.decode()
    assert "30" in html
    assert "Le port de Sète s’agrandit" in html
    assert "Des quais neufs en 2027." not in html  # its quote is not deleted: not listed
    assert "Enfin des quais neufs." not in html  # nor its comment
    assert Article.objects.filter(pk=story.pk).exists()  # nothing happens before confirming


def test_deleting_selected_articles_moves_them_to_the_trash_whence_they_come_back(
    client, editor, section, story
):
    other = make_article(section, headline="Montpellier ouvre sa ligne 5", slug="ligne-5")
    client.force_login(editor)
    data = {"action": "delete_selected", "_selected_action": [story.pk, other.pk]}

    confirmation = client.post(CHANGELIST, data)
    assert confirmation.status_code == 200
    assert confirmation.templates[0].name == "admin/trash_selected_confirmation.html"
    assert "Des quais neufs en 2027." not in confirmation.content.decode()
    assert Article.objects.count() == 2

    response = client.post(CHANGELIST, data | {"post": "yes"})
    assert response.status_code == 302
    assert Article.objects.count() == 0
    assert set(Article.all_objects.in_trash().values_list("deleted_by", flat=True)) == {editor.pk}
    assert Client().get("/").text.count("Montpellier ouvre sa ligne 5") == 0
    listed = client.get(TRASH).context["cl"].result_list
    assert {a.pk for a in listed} == {story.pk, other.pk}
    assert list(client.get(CHANGELIST).context["cl"].result_list) == []

    restore_in_the_desk(client, story, other)
    assert Article.objects.count() == 2
    assert "Montpellier ouvre sa ligne 5" in Client().get("/").text


def test_the_trash_is_a_filter_that_offers_restoring_and_nothing_else(
    client, editor, section, story
):
    deleted = make_article(section, headline="Article effacé", slug="efface")
    publishing.move_to_trash(deleted, by=editor)
    client.force_login(editor)

    current = client.get(CHANGELIST)
    trash = client.get(TRASH)

    assert [a.pk for a in current.context["cl"].result_list] == [story.pk]
    assert [a.pk for a in trash.context["cl"].result_list] == [deleted.pk]
    current_actions = set(dict(current.context["action_form"].fields["action"].choices))
    trash_actions = set(dict(trash.context["action_form"].fields["action"].choices))
    assert {"delete_selected", "publish_selected"} <= current_actions
    assert "restore_from_trash" not in current_actions
    assert trash_actions == {"", "restore_from_trash"}
    assert "trashed_by" in trash.context["cl"].list_display
    assert "rita" in trash.content.decode()  # who deleted it


def test_a_deleted_articles_page_opens_read_only_from_the_trash(client, editor, story):
    publishing.move_to_trash(story, by=editor)
    client.force_login(editor)

    page = client.get(change_url(story))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Le port de Sète s’agrandit" in html
    assert f"{CHANGELIST}{story.pk}/delete/" not in html
    assert not page.context["has_change_permission"]
    assert client.get(f"/apercu/{story.pk}/").status_code == 200  # the desk may look first
    assert client.post(change_url(story), {"headline": "Changé"}).status_code == 403
    assert client.post(f"{CHANGELIST}{story.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{CHANGELIST}{story.pk}/history/").status_code == 200


def test_journalist_cannot_restore_a_colleagues_published_article_with_a_crafted_post(
    client, journalist, other_journalist, editor, section
):
    theirs = make_article(section, created_by=other_journalist, headline="Publié", slug="publie")
    publishing.move_to_trash(theirs, by=editor)
    client.force_login(journalist)

    restore_in_the_desk(client, theirs)
    # Without the trash filter, the action is not even on offer.
    client.post(CHANGELIST, {"action": "restore_from_trash", "_selected_action": [theirs.pk]})

    theirs.refresh_from_db()
    assert theirs.is_in_trash()
    with pytest.raises(PermissionDenied):
        publishing.restore_from_trash(theirs, by=journalist)
    assert Client().get(theirs.get_absolute_url()).status_code == 404


def test_journalist_takes_an_own_draft_out_of_the_trash(client, journalist, section):
    draft = make_article(section, status=Article.Status.DRAFT, created_by=journalist)
    client.force_login(journalist)
    assert delete_in_the_desk(client, draft).status_code == 302
    draft.refresh_from_db()
    assert draft.is_in_trash()
    restore_in_the_desk(client, draft)
    draft.refresh_from_db()
    assert not draft.is_in_trash()


def test_the_history_never_takes_an_article_out_of_the_trash(client, editor, story):
    client.force_login(editor)
    response = client.get(change_url(story))
    client.post(change_url(story), resubmit(response, headline="Le port de Sète grandit"))
    version = Version.objects.get_for_object(story).last()
    revision_url = f"{CHANGELIST}{story.pk}/history/{version.pk}/"
    revert = resubmit(client.get(revision_url))  # the form that restores that version
    publishing.move_to_trash(story, by=editor)

    assert client.get(revision_url).status_code == 302
    assert client.post(revision_url, revert).status_code == 302
    assert client.get(f"{CHANGELIST}recover/")["Location"] == TRASH
    assert client.get(f"{CHANGELIST}recover/{version.pk}/")["Location"] == TRASH
    story.refresh_from_db()
    assert story.is_in_trash()
    assert all(
        v.field_dict.get("deleted_at") is None for v in Version.objects.get_for_object(story)
    )
