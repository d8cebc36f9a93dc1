"""Security by default: a strict policy on public pages, brute force stopped, photos cleaned."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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


def login(client, password, address="198.51.100.7"):
    return client.post(
        "/desk/login/",
        {"username": "rita", "password": password, "next": "/desk/"},
        REMOTE_ADDR=address,
    )


def test_five_failed_logins_lock_the_username_from_that_address_only(client, editor):
    statuses = [login(client, "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = login(client, "pw-rita")
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    # From elsewhere, the editor still logs in: nobody can lock them out remotely.
    assert login(client, "pw-rita", address="203.0.113.50").status_code == 302


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
