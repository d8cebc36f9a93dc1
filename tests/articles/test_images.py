"""Lead photos are checked by their content and resized once into responsive widths."""

import json
import math
import os
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext
from PIL import ExifTags, Image, ImageChops

from articles import images
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
    assert [(r["width"], r["height"]) for r in article.lead_image_renditions["original"]] == [
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


# Memory: what a photo costs a worker is its pixels, checked before they are decoded.

ROOT = Path(__file__).resolve().parents[2]
WORKER_MB = 82  # a worker with the project loaded, as the hardening issue measured it
WORKER_LIMIT_MB = 250
TOO_LARGE = "The photo is too large: %(megapixels)s megapixels; the limit is %(limit)s megapixels."


def gradient_photo(width, height, grain=0):
    """Return a photo of any size: smooth, it compresses small, as a clear sky does."""
    across = Image.linear_gradient("L").resize((width, height))
    around = Image.radial_gradient("L").resize((width, height))
    photo = Image.merge("RGB", (across, around, across.transpose(Image.Transpose.ROTATE_180)))
    if grain:
        noise = Image.effect_noise((width, height), grain).convert("RGB")
        photo = ImageChops.add(photo, noise, scale=2, offset=-64)
    return photo


def encoded(image, image_format, *, orientation=None, **options):
    if orientation:
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = orientation
        options["exif"] = exif
    buffer = BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def the_6300_pixel_png():
    return encoded(Image.new("RGB", (6300, 6300), (30, 90, 160)), "PNG")


def is_accepted(content, name="photo"):
    try:
        images.validate_lead_image(SimpleUploadedFile(name, content))
    except ValidationError:
        return False
    return True


def largest_accepted(image_format, grain=0, **options):
    """Return the largest 3:2 photo the budget accepts in this format, as (width, height, bytes)."""
    with Image.open(BytesIO(encoded(gradient_photo(48, 32), image_format, **options))) as sample:
        per_pixel, _ = images.memory_per_pixel(sample)
    size = 0
    for _ in range(4):  # the file takes its share of the budget, and shrinks with the photo
        pixels = (images.MAX_PHOTO_MEMORY - 2 * size) / per_pixel
        width = math.isqrt(int(pixels * 3 / 2))
        height = width * 2 // 3
        content = encoded(gradient_photo(width, height, grain), image_format, **options)
        if is_accepted(content):
            return width, height, content
        size = len(content)
    raise AssertionError(f"no {image_format} of {pixels:.0f} pixels is accepted")


def pipeline_memory(tmp_path, content, name):
    """Run the desk's whole pipeline on a photo in a fresh process; return what it measured."""
    photo = tmp_path / name
    photo.write_bytes(content)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "MEDIA_ROOT": str(tmp_path / "worker-media"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.articles.image_memory", str(photo)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.splitlines()[-1])
    measured["growth_mb"] = measured["peak_mb"] - measured["baseline_mb"]
    return measured


def test_a_tiny_png_of_huge_dimensions_is_refused_whatever_the_file_size_limit(
    client, editor, section, settings
):
    settings.MAX_IMAGE_UPLOAD_SIZE = 1 << 40
    content = the_6300_pixel_png()
    assert len(content) < 200_000  # 159 MB once decoded
    photo = SimpleUploadedFile("photo.png", content, "image/png")
    response = upload(client, editor, section, photo)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["lead_image"]
    megapixels, limit = re.findall(r"\d+,\d", error)  # written the French way
    assert megapixels == "39,7"
    assert float(limit.replace(",", ".")) < 39.7
    with translation.override("fr"):
        assert error == gettext(TOO_LARGE) % {"megapixels": megapixels, "limit": limit}
    assert not Article.objects.exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_a_photo_that_must_be_turned_upright_may_have_fewer_pixels(settings):
    settings.MAX_IMAGE_UPLOAD_SIZE = 1 << 40
    photo = gradient_photo(5000, 4000)  # 20 megapixels
    assert is_accepted(encoded(photo, "JPEG"))
    with translation.override("fr"):
        with pytest.raises(ValidationError) as refusal:
            images.validate_lead_image(
                SimpleUploadedFile("photo.jpg", encoded(photo, "JPEG", orientation=6))
            )
        assert str(images.COSTLIER_KINDS["turned"]) in refusal.value.messages[0]


def test_a_photo_taken_sideways_is_stored_upright_without_its_metadata(client, editor, section):
    content = encoded(gradient_photo(1000, 500), "JPEG", orientation=6)
    upload(client, editor, section, SimpleUploadedFile("photo.jpg", content, "image/jpeg"))
    article = Article.objects.get()
    assert (article.lead_image_width, article.lead_image_height) == (500, 1000)
    assert [(r["width"], r["height"]) for r in article.lead_image_renditions["original"]] == [
        (480, 960)
    ]
    with Image.open(article.lead_image.path) as stored:
        assert stored.size == (500, 1000)
        assert not stored.getexif()


def test_a_cmyk_jpeg_is_stored_in_rgb(client, editor, section):
    content = encoded(gradient_photo(900, 600).convert("CMYK"), "JPEG")
    upload(client, editor, section, SimpleUploadedFile("photo.jpg", content, "image/jpeg"))
    article = Article.objects.get()
    with Image.open(article.lead_image.path) as stored:
        assert stored.mode == "RGB"
    assert [(r["width"], r["height"]) for r in article.lead_image_renditions["original"]] == [
        (480, 320),
        (800, 533),
    ]


# The costliest photo of each kind: smooth, for the most pixels beside the file's share; grainy
# for a WebP, whose encoder needs the most for grain.
@pytest.mark.parametrize(
    ("kind", "image_format", "options"),
    [
        ("a JPEG", "JPEG", {}),
        ("a PNG", "PNG", {}),
        ("a JPEG taken sideways", "JPEG", {"orientation": 6}),
        ("a progressive JPEG", "JPEG", {"progressive": True, "subsampling": 0}),
        ("a grainy WebP", "WEBP", {"grain": 64}),
    ],
)
def test_the_largest_photo_accepted_keeps_a_worker_under_250_mb(
    tmp_path, figures, kind, image_format, options
):
    width, height, content = largest_accepted(image_format, **options)
    measured = pipeline_memory(tmp_path, content, f"photo.{image_format.lower()}")
    assert len(measured["renditions"]) == 3
    peak = WORKER_MB + measured["growth_mb"]
    figures.append(
        f"{kind} of {width} × {height} ({width * height / 1e6:.1f} MP, {len(content) // 1000} "
        f"KB), the largest accepted: a worker grows by {measured['growth_mb']:.0f} MB, "
        f"{WORKER_MB} → {peak:.0f} MB, in {measured['seconds']} s"
    )
    assert peak < WORKER_LIMIT_MB


def test_a_worker_refuses_the_6300_pixel_png_without_decoding_it(tmp_path, figures):
    measured = pipeline_memory(tmp_path, the_6300_pixel_png(), "photo.png")
    assert measured["refused"]
    figures.append(
        f"the 6,300 × 6,300 PNG: refused in {measured['seconds']} s, a worker grows by "
        f"{measured['growth_mb']:.1f} MB"
    )
    assert measured["growth_mb"] < 10
