"""The demo, whose desk passwords the README prints, stays out of production unless asked for."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from articles.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_the_demo_refuses_to_load_with_debug_off(settings):
    settings.DEBUG = False
    for command in ("load_demo", "load_demo_comments"):
        with pytest.raises(CommandError, match="--i-know-this-is-production"):
            call_command(command, verbosity=0)
    assert not User.objects.exists()
    assert not Article.objects.exists()
    assert not Comment.objects.exists()


def test_the_demo_loads_in_development_or_when_told_it_is_production(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    call_command("load_demo", "--i-know-this-is-production", verbosity=0)
    call_command("load_demo_comments", "--i-know-this-is-production", verbosity=0)
    assert User.objects.filter(username__in=["redaction", "journaliste", "moderation"]).count() == 3
    assert Comment.objects.exists()
