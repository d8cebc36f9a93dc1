"""The lead photo is cut at 16:9, 4:3 and 1:1 around its focal point, which every crop keeps in."""

import importlib
from io import BytesIO, StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from PIL import ExifTags, Image, ImageChops, ImageDraw

from articles import images
from articles.models import Article
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

SHAPES = {"wide": (1800, 600), "tall": (600, 1500), "square": (900, 900), "16:9": (1600, 900)}
CORNERS_AND_EDGES = [(0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0), (0, 0.5), (1, 0.5), (0.5, 1)]
FOCAL_POINTS = [*CORNERS_AND_EDGES, (0.5, 0.5), (0.13, 0.87), (0.9, 0.2), (0.999, 0.001)]
DOT = (230, 0, 200)  # a magenta dot at the focal point, a colour found nowhere else in the photo


@pytest.mark.parametrize("focal", FOCAL_POINTS)
@pytest.mark.parametrize("shape", SHAPES)
def test_each_crop_is_the_largest_of_its_ratio_and_keeps_the_focal_point_in(shape, focal):
    width, height = SHAPES[shape]
    x, y = focal[0] * width, focal[1] * height
    for ratio, (across, down) in images.CROPS.items():
        left, top, right, bottom = images.crop_box(width, height, focal, (across, down))
        assert 0 <= left < right <= width and 0 <= top < bottom <= height, ratio
        assert right - left == width or bottom - top == height, ratio  # the largest that fits
        assert abs((right - left) * down - (bottom - top) * across) <= max(across, down), ratio
        assert left <= x <= right and top <= y <= bottom, ratio
        # Centred on the point, unless an edge of the photo stops it.
        if left > 0 and right < width:
            assert abs((left + right) / 2 - x) <= 0.5, ratio
        if top > 0 and bottom < height:
            assert abs((top + bottom) / 2 - y) <= 0.5, ratio


def photo_with_a_dot(width, height, focal):
    """Return a photo whose only magenta is a dot centred on the focal point."""
    photo = Image.new("RGB", (width, height), (40, 90, 150))
    draw = ImageDraw.Draw(photo)
    draw.rectangle((0, 0, width // 3, height // 3), fill=(200, 200, 60))  # some detail
    radius = min(width, height) // 20
    x, y = focal[0] * width, focal[1] * height
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=DOT)
    return photo


def where_the_dot_is(image):
    """Return the box of the magenta pixels of an image, or None: read from its pixels."""
    red, green, blue = image.convert("RGB").split()
    magenta = ImageChops.multiply(
        ImageChops.multiply(
            red.point(lambda v: 255 * (v > 170)), green.point(lambda v: 255 * (v < 80))
        ),
        blue.point(lambda v: 255 * (v > 140)),
    )
    return magenta.getbbox()


def stored(url):
    """Return the path of a rendition from its address."""
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL).lstrip("/")


def article_with_photo(section, content, name="photo.png", *, focal=(0.5, 0.5), **fields):
    article = make_article(
        section, lead_image_focal_x=focal[0], lead_image_focal_y=focal[1], **fields
    )
    article.lead_image.save(name, ContentFile(content), save=True)
    images.refresh_renditions(article)
    return article


def encoded(image, image_format="PNG", **options):
    buffer = BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def assert_the_dot_is_at_the_focal_point(article, width, height, focal):
    """Check, in the pixels of each crop's widest rendition, that the dot is where it belongs."""
    x, y = focal[0] * width, focal[1] * height
    for ratio, shape in images.CROPS.items():
        left, top, right, _bottom = images.crop_box(width, height, focal, shape)
        widest = article.lead_image_renditions[ratio][-1]
        with Image.open(stored(widest["url"])) as rendition:
            assert rendition.size == (widest["width"], widest["height"])
            found = where_the_dot_is(rendition)
            assert found, f"{ratio}: the focal point's dot is not in the crop"
            # Where the focal point falls in the rendition, give or take its resampling.
            scale = rendition.width / (right - left)
            expected = ((x - left) * scale, (y - top) * scale)
            slack = 3
            assert found[0] - slack <= expected[0] <= found[2] + slack, ratio
            assert found[1] - slack <= expected[1] <= found[3] + slack, ratio


@pytest.mark.parametrize(
    "focal", [(0, 0), (1, 1), (1, 0.5), (0.5, 0), (0.13, 0.87)], ids=lambda f: f"{f[0]},{f[1]}"
)
@pytest.mark.parametrize("shape", ["wide", "tall", "square"])
def test_the_focal_points_dot_shows_in_every_crop_written(section, shape, focal):
    width, height = SHAPES[shape]
    photo = encoded(photo_with_a_dot(width, height, focal))
    article = article_with_photo(section, photo, focal=focal)
    assert_the_dot_is_at_the_focal_point(article, width, height, focal)


def test_a_photo_taken_sideways_is_cut_around_the_point_as_readers_see_it(section):
    width, height, focal = 600, 1500, (0.8, 0.15)
    upright = photo_with_a_dot(width, height, focal)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored on its side: turned a quarter to be seen
    sideways = upright.transpose(Image.Transpose.ROTATE_90)
    article = article_with_photo(
        section, encoded(sideways, "JPEG", exif=exif), "photo.jpg", focal=focal
    )
    assert_the_dot_is_at_the_focal_point(article, width, height, focal)


def test_crops_come_in_the_same_widths_none_wider_than_the_crop(section):
    article = article_with_photo(section, encoded(photo_with_a_dot(1600, 900, (0.3, 0.6))))
    sizes = {
        ratio: [(r["width"], r["height"]) for r in renditions]
        for ratio, renditions in article.lead_image_renditions.items()
    }
    assert sizes == {
        "original": [(480, 270), (800, 450), (1200, 675)],
        "16:9": [(480, 270), (800, 450), (1200, 675)],
        "4:3": [(480, 360), (800, 600), (1200, 900)],
        "1:1": [(480, 480), (800, 800), (900, 900)],  # the 900 px square whole, not wider
    }
    for renditions in article.lead_image_renditions.values():
        for rendition in renditions:
            assert rendition["url"].endswith(".webp")
            with Image.open(stored(rendition["url"])) as written:
                assert written.format == "WEBP"
                assert written.size == (rendition["width"], rendition["height"])


def test_a_small_photos_crops_are_the_crops_whole(section):
    article = article_with_photo(section, encoded(photo_with_a_dot(600, 400, (0.5, 0.5))))
    crops = article.lead_image_renditions
    assert [(r["width"], r["height"]) for r in crops["16:9"]] == [(480, 270), (600, 338)]
    assert [(r["width"], r["height"]) for r in crops["4:3"]] == [(480, 360), (533, 400)]
    assert [(r["width"], r["height"]) for r in crops["1:1"]] == [(400, 400)]


def test_a_new_focal_point_cuts_new_crops_and_keeps_the_photos_widths(section):
    article = article_with_photo(section, encoded(photo_with_a_dot(1800, 600, (0.1, 0.5))))
    before = article.lead_image_renditions
    article.lead_image_focal_x = 0.9
    images.cut_crops(article)
    after = article.lead_image_renditions
    assert after["original"] == before["original"]
    for ratio in images.CROPS:
        # New addresses: no cache shows the former crop, and the article's history keeps its files.
        assert {r["url"] for r in after[ratio]}.isdisjoint({r["url"] for r in before[ratio]})
        assert all(stored(r["url"]).exists() for r in before[ratio] + after[ratio])
    with Image.open(stored(after["1:1"][-1]["url"])) as square:
        assert where_the_dot_is(square) is None  # the dot stayed at 0.1, the square went right


# Renditions stored before crops: a list of the photo's widths.

OLD_SHAPE = [
    {"url": "/media/renditions/0123456789abcdef-480.webp", "width": 480, "height": 270},
    {"url": "/media/renditions/0123456789abcdef-800.webp", "width": 800, "height": 450},
]


def test_renditions_stored_before_crops_still_read_as_the_photo_whole(section):
    article = make_article(section, lead_image_renditions=OLD_SHAPE)
    assert images.renditions_of(article.lead_image_renditions) == OLD_SHAPE
    assert images.renditions_of(article.lead_image_renditions, "1:1") == []
    assert not images.has_crops(article)
    photo = images.card_photo(article, "16:9")  # whole, until its crops are cut
    assert photo["srcset"] == (
        "/media/renditions/0123456789abcdef-480.webp 480w, "
        "/media/renditions/0123456789abcdef-800.webp 800w"
    )
    assert (photo["width"], photo["height"]) == (800, 450)
    assert images.card_photo(make_article(section, slug="sans-photo"), "16:9") is None


def migration():
    return importlib.import_module("articles.migrations.0012_rendition_crops")


def test_the_migration_keeps_renditions_by_ratio_and_back(section):
    old = make_article(section, slug="ancien", lead_image_renditions=OLD_SHAPE)
    none = make_article(section, slug="sans-photo", lead_image_renditions=[])
    crops = {"original": OLD_SHAPE, "1:1": OLD_SHAPE[:1]}
    new = make_article(section, slug="nouveau", lead_image_renditions=crops)
    editor = SimpleNamespace(connection=connection)  # all the migration reads of its editor
    migration().by_ratio(apps, editor)
    for article in (old, none, new):
        article.refresh_from_db()
    assert old.lead_image_renditions == {"original": OLD_SHAPE}
    assert none.lead_image_renditions == {}
    assert new.lead_image_renditions == crops
    migration().as_list(apps, editor)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.lead_image_renditions == OLD_SHAPE
    assert new.lead_image_renditions == OLD_SHAPE


def test_cut_crops_cuts_the_photos_stored_before_crops_once(section):
    photo = encoded(photo_with_a_dot(1600, 900, (0.7, 0.3)))
    article = article_with_photo(section, photo, focal=(0.7, 0.3))
    widths = article.lead_image_renditions["original"]
    Article.objects.filter(pk=article.pk).update(lead_image_renditions=widths)  # as before crops
    make_article(section, slug="sans-photo")
    out = StringIO()
    call_command("cut_crops", stdout=out)
    assert "1 photo(s) cut, 0 missing." in out.getvalue()
    article.refresh_from_db()
    assert images.has_crops(article)
    assert article.lead_image_renditions["original"] == widths
    assert_the_dot_is_at_the_focal_point(article, 1600, 900, (0.7, 0.3))
    call_command("cut_crops", stdout=(out := StringIO()))
    assert "0 photo(s) cut" in out.getvalue()
