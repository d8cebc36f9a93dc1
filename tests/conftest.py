"""Personas and helpers shared by the whole suite."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from articles import popularity
from articles.models import Article, Author, Section, Speaker
from newsroom.cache import clear_site_keys
from pagecache.versions import versions


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"newsroom: database={database['ENGINE'].rsplit('.', 1)[-1]} cache={cache_backend}"


@pytest.fixture
def figures(capsys):
    """Collect what a test measured and show it in the run's output, even when captured."""
    lines = []
    yield lines
    with capsys.disabled():
        print("".join(f"\n  {line}" for line in lines))  # noqa: T201


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def clear_cache():
    """Empty the suite's keys (never another site's), the versions this process trusts (a
    cleared cache publishes nothing) and the views it has yet to send."""
    popularity.sender.discard()
    clear_site_keys()
    versions.forget()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_and_static(settings, tmp_path):
    """Write uploads to a scratch folder; serve static files without a collectstatic manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


def make_staff(username, group):
    user = User.objects.create_user(username, f"{username}@example.org", "pw-" + username)
    user.is_staff = True
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def journalist(db):
    user = make_staff("lea", "Journalists")
    Author.objects.create(name="Léa Journaliste", slug="lea-journaliste", user=user)
    return user


@pytest.fixture
def other_journalist(db):
    user = make_staff("marc", "Journalists")
    Author.objects.create(name="Marc Confrère", slug="marc-confrere", user=user)
    return user


@pytest.fixture
def editor(db):
    return make_staff("rita", "Editors")


@pytest.fixture
def moderator(db):
    return make_staff("momo", "Moderators")


@pytest.fixture
def section(db):
    return Section.objects.create(name="Numérique", slug="numerique")


@pytest.fixture
def speaker(db):
    return Speaker.objects.create(
        full_name="Claire Fontanel", slug="claire-fontanel", role="présidente du pôle"
    )


def make_article(section, *, status=Article.Status.PUBLISHED, published_at=None, **fields):
    """Create an article; published ones default to an hour ago."""
    from django.utils import timezone

    if status == Article.Status.PUBLISHED and published_at is None:
        published_at = timezone.now() - dt.timedelta(hours=1)
    defaults = {
        "headline": "Les pôles numériques se rapprochent",
        "slug": "poles",
        "lede": "Chapô.",
    }
    return Article.objects.create(
        section=section, status=status, published_at=published_at, **(defaults | fields)
    )


@pytest.fixture
def article(section):
    return make_article(section)


@pytest.fixture
def desk_roles(transactional_db):
    """Recreate the desk's groups, which a transactional test's flush empties, as migrated."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    roles = dict(import_module("articles.migrations.0002_desk_roles").ROLES)
    for name, dotted in import_module("articles.migrations.0013_photo_library").PHOTOS.items():
        roles[name] = [*roles[name], *dotted]
    moderation = [
        *import_module("comments.migrations.0002_moderation_roles").MODERATION,
        *import_module("comments.migrations.0005_sanction_roles").SANCTIONS,
    ]
    for name in ("Moderators", "Editors"):
        roles[name] = [*roles[name], *(f"comments.{codename}" for codename in moderation)]
    for name, dotted in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        for label in dotted:
            app_label, codename = label.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
