"""Readers, a published article open for comments, and a way to post as a browser would."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from comments import antispam
from tests.conftest import make_article

READER_ADDRESS = "203.0.113.7"


@pytest.fixture
def open_article(section):
    return make_article(section, headline="Les pôles numériques se rapprochent")


def stamp_issued(seconds_ago):
    """Return a form stamp as the page would have given it some seconds ago."""
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=seconds_ago)):
        return antispam.issue_form_stamp()


def comment_data(wait=10, **fields):
    data = {
        "display_name": "Jeanne R.",
        "email": "jeanne@example.org",
        "text": "Enfin une bonne nouvelle pour les start-up de la région.\nBravo.",
        "website": "",
        "issued": stamp_issued(wait),
    }
    return data | fields


def post_comment(client, article, address=READER_ADDRESS, wait=10, **fields):
    """Post a comment the way a reader does: after filling the form in for a few seconds."""
    data = comment_data(wait, **fields)
    return client.post(f"/articles/{article.pk}/commentaires/", data, REMOTE_ADDR=address)


def report(client, comment, address, reason="abuse", explanation=""):
    return client.post(
        f"/commentaires/{comment.pk}/signaler/",
        {"reason": reason, "explanation": explanation},
        REMOTE_ADDR=address,
    )
