"""`manage.py purge_deleted` deletes for good what has been in the trash too long, only that."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from articles import publishing
from articles.models import Article, HourlyViews, Quote
from comments import antispam, moderation
from comments.models import Comment, ModerationEvent
from tests.conftest import make_article, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(db):
    """An editor who may also delete comments."""
    user = make_staff("chef", "Editors")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="delete_comment")
    )
    return user


def comment_on(article, text):
    return Comment.objects.create(
        article=article,
        display_name="Jeanne R.",
        email="jeanne@example.org",
        text=text,
        text_hash=antispam.text_hash(text),
        status=Comment.Status.APPROVED,
    )


def deleted_days_ago(days, obj, by):
    with time_machine.travel(timezone.now() - dt.timedelta(days=days)):
        if isinstance(obj, Article):
            publishing.move_to_trash(obj, by=by)
        else:
            moderation.move_to_trash(obj, moderator=by)


def purge(*args):
    out = io.StringIO()
    call_command("purge_deleted", *args, stdout=out)
    return out.getvalue().strip()


def exists(obj):
    return type(obj).all_objects.filter(pk=obj.pk).exists()


@pytest.fixture
def trash(section, speaker, chief):
    """What went to the trash 31 and 29 days ago, and what stays on the site."""
    old = make_article(section, headline="Supprimé il y a 31 jours", slug="vieux")
    Quote.objects.create(article=old, speaker=speaker, text="Une citation.")
    HourlyViews.objects.create(article=old, hour=timezone.now(), views=3)
    old_comment_with_it = comment_on(old, "Sous l’article supprimé.")
    recent = make_article(section, headline="Supprimé il y a 29 jours", slug="recent")
    current = make_article(section, headline="Toujours en ligne", slug="en-ligne")
    old_comment = comment_on(current, "Commentaire supprimé il y a 31 jours.")
    recent_comment = comment_on(current, "Commentaire supprimé il y a 29 jours.")
    kept_comment = comment_on(current, "Commentaire en ligne.")
    deleted_days_ago(31, old, chief)
    deleted_days_ago(31, old_comment, chief)
    deleted_days_ago(29, recent, chief)
    deleted_days_ago(29, recent_comment, chief)
    return {
        "old": old,
        "old_comment_with_it": old_comment_with_it,
        "old_comment": old_comment,
        "recent": recent,
        "recent_comment": recent_comment,
        "current": current,
        "kept_comment": kept_comment,
    }


def test_purge_deletes_what_went_to_the_trash_more_than_30_days_ago(trash):
    output = purge()

    assert output == (
        "Purged 1 article(s) and 2 comment(s) moved to the trash more than 30 days ago."
    )
    assert not exists(trash["old"])
    assert not exists(trash["old_comment_with_it"])  # went with its article
    assert not exists(trash["old_comment"])
    assert not Quote.objects.filter(text="Une citation.").exists()
    assert not HourlyViews.objects.exists()
    assert not ModerationEvent.objects.filter(comment_id=trash["old_comment"].pk).exists()
    for kept in ("recent", "recent_comment", "current", "kept_comment"):
        assert exists(trash[kept]), kept
    assert Comment.all_objects.get(pk=trash["recent_comment"].pk).is_in_trash()


def test_a_second_purge_finds_nothing_to_do(trash):
    purge()
    assert (
        purge() == "Purged 0 article(s) and 0 comment(s) moved to the trash more than 30 days ago."
    )
    assert Article.all_objects.count() == 2


def test_days_option_and_setting_change_how_long_the_trash_keeps(trash, settings):
    settings.SOFT_DELETE_DAYS = 60
    assert purge().startswith("Purged 0 article(s) and 0 comment(s)")
    assert purge("--days", "20").startswith("Purged 2 article(s) and 3 comment(s)")
    assert Article.all_objects.get() == trash["current"]
    assert list(Comment.all_objects.all()) == [trash["kept_comment"]]


def test_old_articles_and_comments_never_deleted_stay(section, chief):
    with time_machine.travel(timezone.now() - dt.timedelta(days=400)):
        article = make_article(section)
        comment = comment_on(article, "Un vieux commentaire.")
    assert purge("--days", "0") == (
        "Purged 0 article(s) and 0 comment(s) moved to the trash more than 0 days ago."
    )
    assert exists(article)
    assert exists(comment)
