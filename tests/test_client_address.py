"""The reader's address is the one our proxy saw: a forged X-Forwarded-For changes nothing."""

import pytest
from django.test import RequestFactory

from newsroom.client import client_address
from tests.comments.conftest import comment_data
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

PROXY = "192.0.2.254"  # the socket's address: the proxy in front of the site
READER = "203.0.113.7"  # the address the proxy appends to X-Forwarded-For


@pytest.fixture(autouse=True)
def _behind_a_proxy(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.CLIENT_IP_PROXY_COUNT = 1


def address(forwarded_for=None):
    """Return the address the site sees for a request arriving with this X-Forwarded-For."""
    meta = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=PROXY, **meta))


def forged(n):
    """Return the X-Forwarded-For of the reader's nth request, with a new made-up address."""
    return f"198.51.100.{n}, {READER}"


def test_the_address_the_proxy_appended_is_the_readers():
    assert address(READER) == READER
    assert address(forged(1)) == READER
    assert address("2001:db8::7") == "2001:db8::7"


def test_a_reader_rotating_a_forged_address_is_seen_as_one():
    assert {address(forged(n)) for n in range(20)} == {READER}


def test_behind_two_proxies_the_reader_is_second_from_the_right(settings):
    settings.CLIENT_IP_PROXY_COUNT = 2
    cdn = "198.51.100.80"  # the first proxy, appended by the second
    assert address(f"{READER}, {cdn}") == READER
    assert address(f"192.0.2.1, 192.0.2.2, {READER}, {cdn}") == READER
    # A request sent around the first proxy carries fewer entries than the chain writes.
    assert address(READER) == PROXY


def test_a_missing_or_garbage_header_falls_back_to_the_socket_address():
    for header in (None, "", "unknown", f"{READER}, not-an-address", f"{READER}, ", "<script>"):
        assert address(header) == PROXY, header


def test_a_desk_login_rotating_a_forged_address_is_locked_out(client, editor):
    statuses = [
        client.post(
            "/desk/login/",
            {"username": "rita", "password": "wrong", "next": "/desk/"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forged(n),
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_comments_rotating_a_forged_address_meet_the_rate_limit(client, section, settings):
    article = make_article(section)
    statuses = [
        client.post(
            f"/articles/{article.pk}/commentaires/",
            comment_data(text=f"Mon avis numéro {n} sur les pôles, différent des autres."),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forged(n),
        ).status_code
        for n in range(settings.COMMENTS_RATE_LIMIT + 2)
    ]
    assert statuses == [302] * settings.COMMENTS_RATE_LIMIT + [429, 429]
