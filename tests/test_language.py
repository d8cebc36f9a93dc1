"""Readers get French whatever their browser says, and English when they ask for it."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_site_is_french_even_for_an_english_browser(client, article):
    response = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Publié le" in html
    assert response["Content-Language"] == "fr"


def test_language_switch_gives_english_pages(client, article):
    response = client.get("/langue/en/", {"next": article.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<html lang="en">' in html
    assert "Published on" in html


def test_an_unknown_language_cookie_falls_back_to_french(client, article):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert "Publié le" in client.get(article.get_absolute_url()).content.decode()


def test_language_switch_refuses_unknown_languages_and_foreign_redirects(client, db):
    assert client.get("/langue/xx/").status_code == 404
    response = client.get("/langue/en/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"
