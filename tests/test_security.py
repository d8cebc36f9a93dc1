"""Security by default: a strict policy on public pages, brute force stopped, photos cleaned."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from articles.models import Article
from tests.articles.conftest import ADD_URL, article_form

pytestmark = pytest.mark.django_db


def test_public_pages_have_a_csp_without_inline_scripts(client, article):
    policy = client.get(article.get_absolute_url())["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_the_desk_has_its_own_policy(client, editor):
    client.force_login(editor)
    policy = client.get("/desk/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy


def test_security_headers(client, article):
    response = client.get(article.get_absolute_url())
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_every_response_turns_off_the_browser_features_the_site_does_not_use(
    client, editor, article, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    reader = Client()
    first, cached = (reader.get(article.get_absolute_url()) for _ in range(2))
    assert cached["X-Page-Cache"] == "hit"  # served without the middlewares below the cache
    desk_login = client.get("/desk/login/")
    client.force_login(editor)
    desk = client.get("/desk/")
    for response in (first, cached, desk_login, desk):
        policy = dict(feature.split("=") for feature in response["Permissions-Policy"].split(", "))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()"
        assert policy["browsing-topics"] == policy["interest-cohort"] == "()"


def login(client, password, address="198.51.100.7", username="rita"):
    return client.post(
        "/desk/login/",
        {"username": username, "password": password, "next": "/desk/"},
        REMOTE_ADDR=address,
    )


def assert_locked_out(response):
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert response["Retry-After"] == "900"  # the 15 minutes' cool-off


def test_five_failed_logins_lock_that_address_only(client, editor):
    statuses = [login(client, "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert_locked_out(login(client, "pw-rita"))
    # From elsewhere, the editor still logs in: nobody can lock them out remotely.
    assert login(client, "pw-rita", address="203.0.113.50").status_code == 302


def test_one_address_failing_on_five_usernames_is_locked_out(client, editor):
    usernames = ["admin", "redaction", "root", "editor", "rita"]
    statuses = [login(client, "wrong", username=name).status_code for name in usernames]
    assert statuses == [200, 200, 200, 200, 429]
    assert_locked_out(login(client, "pw-rita"))
    assert_locked_out(login(client, "wrong", username="anyone"))
    assert login(client, "pw-rita", address="203.0.113.50").status_code == 302


def test_a_login_between_failures_does_not_reset_the_address_count(client, editor):
    for name in ("admin", "root", "editor", "redaction"):
        assert login(client, "wrong", username=name).status_code == 200
    assert login(Client(), "pw-rita").status_code == 302  # one valid account, same address
    assert_locked_out(login(client, "wrong", username="webmaster"))


def jpeg_with_gps():
    image = Image.new("RGB", (900, 600), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Appareil de test"  # Make
    exif[0x8825] = {2: (43.0, 36.0, 0.0), 1: "N"}  # GPSInfo: Toulouse
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("Mon voyage <script>.jpg", buffer.getvalue(), "image/jpeg")


def test_uploaded_photos_lose_their_metadata_and_their_name(client, editor, section):
    client.force_login(editor)
    assert (
        client.post(ADD_URL, article_form(section, lead_image=jpeg_with_gps())).status_code == 302
    )
    article = Article.objects.get()
    assert "script" not in article.lead_image.name and "voyage" not in article.lead_image.name
    with Image.open(article.lead_image.path) as stored:
        assert not stored.getexif()
        assert stored.size == (900, 600)


def test_a_page_served_from_the_cache_has_the_headers_of_the_page_made(article, settings):
    settings.PAGE_CACHE_SECONDS = 300
    made, cached = (Client().get(article.get_absolute_url(), secure=True) for _ in range(2))
    assert (made["X-Page-Cache"], cached["X-Page-Cache"]) == ("miss", "hit")
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Strict-Transport-Security",
    ):
        assert cached[header] == made[header], header


def test_a_cached_page_asked_for_over_http_is_redirected_to_https(article, settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.SECURE_SSL_REDIRECT = False  # as before a proxy sent HTTPS: pages kept over HTTP
    url = article.get_absolute_url()
    assert [Client().get(url)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(url)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{url}"
