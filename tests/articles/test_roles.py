"""Every desk role against every article action, through the admin, with the exact outcome."""

import pytest
from django.contrib.auth.models import User

from articles import publishing
from articles.models import Article
from tests.articles.conftest import ADD_URL, article_form, change_url
from tests.conftest import make_article, make_staff

pytestmark = pytest.mark.django_db
Status = Article.Status
CHANGELIST = "/desk/articles/article/"


@pytest.fixture
def people(db):
    return {
        "journalist": make_staff("lea", "Journalists"),
        "colleague": make_staff("marc", "Journalists"),
        "editor": make_staff("rita", "Editors"),
        "moderator": make_staff("momo", "Moderators"),
    }


def article_of(owner, section, status=Status.DRAFT):
    return make_article(section, status=status, created_by=owner, headline="Avant")


def do_create(client, user, section):
    response = client.post(ADD_URL, article_form(section, headline="Créé"))
    return response.status_code, Article.objects.filter(headline="Créé").exists()


def do_edit(client, article, section):
    data = article_form(section, headline="Après", opened_token=str(article.edit_token))
    if article.published_at:
        data["published_at_0"], data["published_at_1"] = "01/01/2015", "10:00"
    response = client.post(change_url(article), data)
    article.refresh_from_db()
    return response.status_code, article.headline == "Après"


def do_action(client, article, action):
    client.post(CHANGELIST, {"action": action, "_selected_action": [article.pk]})
    article.refresh_from_db()
    return article.status


def where(article):
    """Say where the article is: on the desk as before, in the trash, or gone for good."""
    found = Article.all_objects.filter(pk=article.pk).first()
    if found is None:
        return "gone"
    return "trash" if found.is_in_trash() else "desk"


def do_delete(client, article):
    response = client.post(f"/desk/articles/article/{article.pk}/delete/", {"post": "yes"})
    return response.status_code, where(article)


def do_restore(client, article, by):
    """Move the article to the trash as an editor, then ask for it back from the trash list."""
    publishing.move_to_trash(article, by=by)
    data = {"action": "restore_from_trash", "_selected_action": [article.pk]}
    client.post(f"{CHANGELIST}?trash=1", data)
    return where(article)


# role → expected outcome of each action
MATRIX = {
    "journalist": {
        "create": (302, True),
        "edit_own": (302, True),
        "edit_own_published": (403, False),
        "edit_another": (403, False),
        "submit_own": Status.READY,
        "publish": Status.READY,
        "unpublish": Status.PUBLISHED,
        "delete_own_draft": (302, "trash"),
        "delete_published": (403, "desk"),
        "restore_own_draft": "desk",
        "restore_published": "trash",
        "preview": 200,
    },
    "editor": {
        "create": (302, True),
        "edit_own": (302, True),
        "edit_own_published": (302, True),
        "edit_another": (302, True),
        "submit_own": Status.READY,
        "publish": Status.PUBLISHED,
        "unpublish": Status.UNPUBLISHED,
        "delete_own_draft": (302, "trash"),
        "delete_published": (302, "trash"),
        "restore_own_draft": "desk",
        "restore_published": "desk",
        "preview": 200,
    },
    "moderator": {
        "create": (403, False),
        "edit_own": (403, False),
        "edit_own_published": (403, False),
        "edit_another": (403, False),
        "submit_own": Status.DRAFT,
        "publish": Status.READY,
        "unpublish": Status.PUBLISHED,
        "delete_own_draft": (403, "desk"),
        "delete_published": (403, "desk"),
        "restore_own_draft": "trash",
        "restore_published": "trash",
        "preview": 403,
    },
}
CASES = [(role, action) for role, actions in MATRIX.items() for action in actions]


@pytest.mark.parametrize(("role", "action"), CASES)
def test_role_action_outcome(client, people, section, role, action):
    user = people[role]
    other = people["colleague"]
    client.force_login(user)
    expected = MATRIX[role][action]
    if action == "create":
        outcome = do_create(client, user, section)
    elif action == "edit_own":
        outcome = do_edit(client, article_of(user, section), section)
    elif action == "edit_own_published":
        outcome = do_edit(client, article_of(user, section, Status.PUBLISHED), section)
    elif action == "edit_another":
        outcome = do_edit(client, article_of(other, section), section)
    elif action == "submit_own":
        outcome = do_action(client, article_of(user, section), "submit_selected")
    elif action == "publish":
        outcome = do_action(client, article_of(other, section, Status.READY), "publish_selected")
    elif action == "unpublish":
        article = article_of(other, section, Status.PUBLISHED)
        outcome = do_action(client, article, "unpublish_selected")
    elif action == "delete_own_draft":
        outcome = do_delete(client, article_of(user, section))
    elif action == "delete_published":
        outcome = do_delete(client, article_of(user, section, Status.PUBLISHED))
    elif action == "restore_own_draft":
        outcome = do_restore(client, article_of(user, section), people["editor"])
    elif action == "restore_published":
        outcome = do_restore(client, article_of(user, section, Status.PUBLISHED), people["editor"])
    elif action == "preview":
        outcome = client.get(f"/apercu/{article_of(other, section).pk}/").status_code
    assert outcome == expected


def test_every_role_and_action_is_in_the_matrix():
    assert {role for role, _ in CASES} == {"journalist", "editor", "moderator"}
    assert all(len(actions) == 12 for actions in MATRIX.values())


def test_anonymous_reader_cannot_preview_or_reach_the_desk(client, section):
    draft = make_article(section, status=Status.DRAFT)
    response = client.get(f"/apercu/{draft.pk}/")
    assert response.status_code == 302
    assert "/desk/login/" in response["Location"]
    assert client.get("/desk/articles/article/").status_code == 302
    assert client.post(ADD_URL, article_form(section)).status_code == 302
    assert not Article.objects.exclude(pk=draft.pk).exists()


def test_journalist_may_not_publish_by_posting_the_status_field(client, people, section):
    client.force_login(people["journalist"])
    article = article_of(people["journalist"], section)
    data = article_form(section, opened_token=str(article.edit_token), status="published")
    data["published_at_0"], data["published_at_1"] = "01/01/2015", "10:00"
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert User.objects.get(username="lea").has_perm("articles.publish_article") is False


def test_published_article_without_a_time_gets_a_clear_error(client, people, section):
    client.force_login(people["editor"])
    article = article_of(people["editor"], section, Status.PUBLISHED)
    data = article_form(section, headline="Après", opened_token=str(article.edit_token))
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_at"]
    article.refresh_from_db()
    assert article.headline == "Avant"
