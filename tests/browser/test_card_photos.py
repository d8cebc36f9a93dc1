"""Readers see each story's photo on its card, cut for it, at 1280 px and on a phone."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from articles import images
from articles.models import Section
from tests.browser.conftest import DESKTOP, PHONE, expect
from tests.conftest import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORIES = [
    # headline, photo size (None: no photo), focal point
    ("Le tramway de Montpellier teste ses rames autonomes sur la ligne 5", (1600, 900), (0.3, 0.6)),
    ("Les vendanges commencent tôt dans les Corbières après un été sec", (2000, 1000), (0.8, 0.4)),
    ("Toulouse ouvre un troisième incubateur dédié au spatial", None, None),
    (
        "À Albi, la cathédrale retrouve ses couleurs après deux ans de travaux",
        (900, 1200),
        (0.5, 0.2),
    ),
    ("Le port de Sète accueille un nouveau terminal pour les ferries", (1200, 1200), (0.5, 0.5)),
]


def painted(size, focal):
    """Return a photo with a sky, a ground and a red sun where its subject is."""
    width, height = size
    photo = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(photo)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(40, 110, 60))
    radius = min(size) // 8
    x, y = focal[0] * width, focal[1] * height
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(200, 40, 30))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def stories(section):
    other = Section.objects.create(name="Territoires", slug="territoires", position=1)
    now = timezone.now()
    articles = []
    for number, (headline, size, focal) in enumerate(STORIES):
        article = make_article(
            section if number % 2 == 0 else other,
            headline=headline,
            slug=f"histoire-{number}",
            lede="Deux phrases qui résument l’histoire. Elles donnent envie de la lire.",
            published_at=now - dt.timedelta(hours=number + 1),
        )
        if size:
            article.lead_image_alt = "Un soleil rouge au-dessus d’un champ vert"
            article.lead_image_focal_x, article.lead_image_focal_y = focal
            article.lead_image.save(f"photo-{number}.jpg", ContentFile(painted(size, focal)))
            images.refresh_renditions(article)
        articles.append(article)
    return articles


def check_photos(page):
    """Scroll each card's photo into view; check it loaded, at the ratio its card shows."""
    photos = page.locator("img.card-photo")
    assert photos.count() >= 1
    for photo in photos.all():
        photo.scroll_into_view_if_needed()
        expect(photo).to_be_visible()
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
        )
        shown = photo.bounding_box()
        natural = photo.evaluate("(img) => [img.naturalWidth, img.naturalHeight]")
        # The crop is the card's shape: nothing squeezed, nothing cut by the browser.
        assert shown["width"] / shown["height"] == pytest.approx(natural[0] / natural[1], rel=0.03)
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_cards_show_their_photos_on_the_home_page_a_section_and_search(
    new_page, stories, section, screenshot, viewport
):
    phone = viewport is PHONE
    reader = new_page(
        viewport=viewport, **({"is_mobile": True, "has_touch": True} if phone else {})
    )
    suffix = "-phone" if phone else ""
    for name, url in [
        ("home", "/"),
        ("section", section.get_absolute_url()),
        ("search", "/recherche/?q=nouveau"),
    ]:
        reader.goto(url)
        check_photos(reader)
        plain = reader.locator(".card-no-photo")
        if plain.count():
            expect(plain.first.locator("img")).to_have_count(0)
        if phone and name != "search":  # the search form's own width is another matter
            width = reader.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{url} scrolls sideways on a phone"
        screenshot(reader, f"cards-{name}{suffix}", full_page=True)
