"""Lead photos are checked by their content and resized once into responsive widths."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article
from tests.articles.conftest import ADD_URL, article_form, jpeg

pytestmark = pytest.mark.django_db


def upload(client, editor, section, image):
    client.force_login(editor)
    return client.post(ADD_URL, article_form(section, lead_image=image))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_with_renditions(client, editor, section, image_format):
    response = upload(
        client, editor, section, jpeg(1000, 500, f"p.{image_format.lower()}", image_format)
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.lead_image_width, article.lead_image_height) == (1000, 500)
    assert [(r["width"], r["height"]) for r in article.lead_image_renditions] == [
        (480, 240),
        (800, 400),
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("photo.png", b"<html><script>alert(1)</script></html>"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
    ],
)
def test_a_file_disguised_as_an_image_is_refused(client, editor, section, name, content):
    response = upload(client, editor, section, SimpleUploadedFile(name, content, "image/jpeg"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["lead_image"]
    assert not Article.objects.exists()


def test_a_gif_is_refused_by_its_content(client, editor, section):
    response = upload(client, editor, section, jpeg(50, 50, "photo.jpg", "GIF"))
    errors = response.context["adminform"].form.errors["lead_image"]
    assert "GIF" in errors[0]
    assert not Article.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(client, editor, section, settings):
    settings.MAX_IMAGE_UPLOAD_SIZE = 1000
    response = upload(client, editor, section, jpeg(800, 800))
    assert response.context["adminform"].form.errors["lead_image"]
    assert not Article.objects.exists()


def test_renditions_are_served_with_width_and_height(client, editor, section):
    from articles import publishing

    upload(client, editor, section, jpeg(1600, 900))
    article = Article.objects.get()
    publishing.publish(article, by=editor)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'width="1600" height="900"' in html
    assert "480w" in html and "800w" in html and "1200w" in html
