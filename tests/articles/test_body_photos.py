"""Library photos stand in the body where the journalist put them, as the library has them."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import rendering
from articles.images import make_photo_renditions, without_metadata
from articles.markers import marker, photo_marker
from articles.models import Article, Photo, Quote
from tests.articles.conftest import ADD_URL, article_form, jpeg
from tests.conftest import clear_cache, make_article

pytestmark = pytest.mark.django_db

LIBRARY = "/desk/articles/photo/"
CHOICES = f"{LIBRARY}choices/"


def library_photo(caption="Le port de Sète au matin", credit="Léa Martin", **fields):
    """Add a photo to the library as the desk does: without metadata, with its widths."""
    upload = jpeg(fields.pop("width", 1600), fields.pop("height", 900))
    photo = Photo.objects.create(
        image=without_metadata(upload),
        caption=caption,
        credit=credit,
        alt=fields.pop("alt", "Des chalutiers à quai sous un ciel clair"),
        **fields,
    )
    photo.renditions = make_photo_renditions(photo.image, photo.focal_point)
    photo.save(update_fields=["renditions"])
    return photo


def figures_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select(".article-body figure.body-photo")


def body_order(response):
    """Return the body's blocks as the page shows them: paragraphs' text, photos' alt."""
    body = BeautifulSoup(response.content, "html.parser").select_one(".article-body")
    return [
        child.img["alt"] if child.name == "figure" else child.get_text(strip=True)
        for child in body.find_all(recursive=False)
    ]


# The page.


def test_a_marker_shows_the_photo_with_its_widths_caption_and_credit_where_it_stands(
    client, section
):
    photo = library_photo()
    body = f"<p>Premier.</p>{photo_marker(photo.pk)}<p>Second.</p>"
    article = make_article(section, body=body)
    response = client.get(article.get_absolute_url())
    [figure] = figures_of(response)
    img = figure.img
    widths = photo.renditions["original"]
    assert img["srcset"] == ", ".join(f"{r['url']} {r['width']}w" for r in widths)
    assert [r["width"] for r in widths] == [480, 800, 1200]
    assert img["src"] == widths[0]["url"]
    assert img["sizes"]
    assert (img["width"], img["height"]) == ("1600", "900")
    assert img["alt"] == "Des chalutiers à quai sous un ciel clair"
    assert img["loading"] == "lazy"
    assert figure.figcaption.get_text(" ", strip=True) == (
        "Le port de Sète au matin Photo\u00a0: Léa Martin"
    )
    assert figure.select_one(".credit").get_text() == "Photo\u00a0: Léa Martin"
    assert body_order(response) == ["Premier.", photo.alt, "Second."]


def test_a_credit_that_says_what_it_is_shows_as_typed(client, section):
    photo = library_photo(credit="© Ville de Rodez")
    article = make_article(section, body=f"<p>Un.</p>{photo_marker(photo.pk)}")
    [figure] = figures_of(client.get(article.get_absolute_url()))
    assert figure.select_one(".credit").get_text() == "© Ville de Rodez"


def test_a_marker_of_a_photo_no_longer_in_the_library_shows_nothing(client, section):
    photo = library_photo()
    article = make_article(section, body=f"<p>Un.</p>{photo_marker(photo.pk)}<p>Deux.</p>")
    photo.delete()
    response = client.get(article.get_absolute_url())
    assert figures_of(response) == []
    assert body_order(response) == ["Un.", "Deux."]


def test_one_query_loads_every_photo_of_the_body_and_none_without_a_photo(client, section):
    photos = [library_photo(caption=f"Photo {n}", alt=f"Vue {n}") for n in range(4)]

    def count(body, slug):
        article = make_article(section, body=body, slug=slug)
        clear_cache()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(article.get_absolute_url())
        return len(captured), response

    plain, _ = count("<p>Un.</p><p>Deux.</p>", "sans-photo")
    one, _ = count(f"<p>Un.</p>{photo_marker(photos[0].pk)}<p>Deux.</p>", "une-photo")
    markers = "".join(f"<p>Paragraphe {n}.</p>{photo_marker(p.pk)}" for n, p in enumerate(photos))
    many, response = count(markers + photo_marker(photos[0].pk), "quatre-photos")
    assert one == plain + 1
    assert many == one
    assert len(figures_of(response)) == 5  # a photo may stand twice
    assert body_order(response)[:2] == ["Paragraphe 0.", "Vue 0"]


def test_the_same_photo_shows_in_two_articles(client, section):
    photo = library_photo()
    first = make_article(section, body=f"{photo_marker(photo.pk)}<p>Un.</p>", slug="un")
    second = make_article(section, body=f"<p>Deux.</p>{photo_marker(photo.pk)}", slug="deux")
    for article in (first, second):
        [figure] = figures_of(client.get(article.get_absolute_url()))
        assert figure.img["alt"] == photo.alt


def test_a_caption_fixed_in_the_library_shows_at_once_on_cached_pages(client, section, settings):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 300, 86400
    photo = library_photo(caption="Le port de Sette")
    article = make_article(section, body=f"<p>Un.</p>{photo_marker(photo.pk)}")
    url = article.get_absolute_url()
    assert "Le port de Sette" in figures_of(client.get(url))[0].figcaption.get_text()
    assert client.get(url)["X-Page-Cache"] == "hit"
    photo.caption = "Le port de Sète"
    photo.save()
    [figure] = figures_of(client.get(url))
    assert "Le port de Sète" in figure.figcaption.get_text()
    Photo.objects.filter(pk=photo.pk).delete()  # and gone from every page, as soon
    assert figures_of(client.get(url)) == []


def test_quotes_and_photos_keep_their_places_together(client, section, speaker):
    photo = library_photo()
    article = make_article(section, body="")
    quote = Quote.objects.create(article=article, speaker=speaker, text="Nous avançons.")
    article.body = f"<p>Un.</p>{photo_marker(photo.pk)}<p>Deux.</p>{marker(quote.ref)}"
    article.save()
    blocks = rendering.compose(
        article.body, article.quotes.all(), rendering.body_photos(article.body)
    )
    assert [next(iter(block)) for block in blocks] == ["html", "photo", "html", "quote"]
    assert rendering.photo_ids(article.body) == [photo.pk]


# The sanitiser.


HOSTILE = [
    '<figure data-photo="12" onerror="alert(1)" style="color:red" class="x"></figure>',
    '<figure data-photo="12"><img src="https://evil.example/x.jpg" onerror="alert(1)"></figure>',
    '<figure data-photo="javascript:alert(1)"></figure>',
    '<figure data-photo="12 onload=alert(1)"></figure>',
    '<figure data-photo="-3"></figure>',
    '<figure data-photo="1e3"></figure>',
    '<figure data-photo="１２"></figure>',  # full-width digits
    '<figure data-photo="99999999999999999999999"></figure>',
    '<p>Collée <img src="https://evil.example/x.jpg" alt="x" onerror="alert(1)"> ici.</p>',
    '<figure><img src="https://evil.example/x.jpg"><figcaption>Pris ailleurs</figcaption></figure>',
    '<p data-photo="12" style="x">Paragraphe.</p>',
    '<svg><image href="https://evil.example/x.jpg"></image></svg>',
    '<picture><source srcset="https://evil.example/x.jpg"></picture>',
]


def stored(section, body):
    article = make_article(section, body=body, slug=f"s-{abs(hash(body)) % 10**8}")
    article.refresh_from_db()
    return article.body


@pytest.mark.parametrize("body", HOSTILE)
def test_the_sanitiser_keeps_nothing_of_a_photo_but_its_id(section, body):
    kept = stored(section, body)
    lowered = kept.lower()
    for word in ("<img", "src", "style", "onerror", "onload", "javascript", "class=", "<svg"):
        assert word not in lowered, kept
    soup = BeautifulSoup(kept, "html.parser")
    for figure in soup.find_all("figure"):
        assert set(figure.attrs) <= {"data-photo"}
        assert figure.get("data-photo", "1").isdigit()
    for element in soup.find_all(True):
        if element.name != "figure":
            assert "data-photo" not in element.attrs


def test_a_sound_marker_is_kept_as_the_editor_wrote_it(section):
    assert stored(section, '<p>Un.</p><figure data-photo="12"></figure>') == (
        '<p>Un.</p><figure data-photo="12"></figure>'
    )
    assert stored(section, '<figure data-photo=" 0012 "></figure>') == (
        '<figure data-photo="12"></figure>'
    )


def test_a_figure_pasted_from_elsewhere_shows_nothing_on_the_page(client, section):
    body = "<p>Un.</p><figure><figcaption>Pris ailleurs</figcaption></figure><p>Deux.</p>"
    article = make_article(section, body=body)
    response = client.get(article.get_absolute_url())
    assert "Pris ailleurs" not in response.content.decode()
    assert body_order(response) == ["Un.", "Deux."]


# The desk: the library.


def add_photo(client, **fields):
    data = {
        "image": jpeg(1800, 1200),
        "caption": "La halle de Rodez",
        "credit": "AFP",
        "alt": "Une halle de verre sous la pluie",
        "focal_x": "0.25",
        "focal_y": "0.75",
    }
    return client.post(f"{LIBRARY}add/", data | fields)


def test_a_journalist_adds_a_photo_to_the_library_with_its_focal_point(client, journalist):
    client.force_login(journalist)
    response = add_photo(client)
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Photo.objects.get()
    assert (photo.caption, photo.credit, photo.uploaded_by) == (
        "La halle de Rodez",
        "AFP",
        journalist,
    )
    assert photo.focal_point == (0.25, 0.75)
    assert photo.image.name.startswith("library/") and "photo" not in photo.image.name
    assert (photo.width, photo.height) == (1800, 1200)
    assert [r["width"] for r in photo.renditions["original"]] == [480, 800, 1200]
    assert all(photo.renditions[ratio] for ratio in ("16:9", "4:3", "1:1"))


def test_moving_a_library_photos_focal_point_cuts_its_crops_again(client, journalist):
    client.force_login(journalist)
    add_photo(client)
    photo = Photo.objects.get()
    widths, square = photo.renditions["original"], photo.renditions["1:1"]
    data = {"caption": photo.caption, "credit": photo.credit, "alt": photo.alt}
    response = client.post(
        f"{LIBRARY}{photo.pk}/change/", data | {"focal_x": "0.9", "focal_y": "0.1"}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo.refresh_from_db()
    assert photo.focal_point == (0.9, 0.1)
    assert photo.renditions["original"] == widths
    assert photo.renditions["1:1"] != square


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (jpeg(50, 50, "photo.jpg", "GIF"), "Les photos doivent être au format JPEG, PNG ou WebP"),
        (SimpleUploadedFile("notes.jpg", b"pas une image", "image/jpeg"), "n’est pas une image"),
    ],
    ids=["gif", "text"],
)
def test_the_library_refuses_what_is_not_a_photo_in_french(client, journalist, upload, message):
    client.force_login(journalist)
    response = add_photo(client, image=upload)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["image"]
    assert message in error
    assert not Photo.objects.exists()


def test_the_library_refuses_a_photo_over_the_size_limit_in_french(client, journalist, settings):
    settings.MAX_IMAGE_UPLOAD_SIZE = 1000
    client.force_login(journalist)
    response = add_photo(client)
    [error] = response.context["adminform"].form.errors["image"]
    assert error.startswith("La photo pèse")
    assert not Photo.objects.exists()


def test_a_photo_in_the_text_must_be_described(client, journalist):
    client.force_login(journalist)
    response = add_photo(client, alt="")
    assert response.context["adminform"].form.errors["alt"]
    assert not Photo.objects.exists()


def test_the_library_lists_searches_and_adds_for_a_journalist(client, journalist):
    photo = library_photo()
    library_photo(caption="La place du marché", credit="Ville de Rodez", alt="Des étals")
    client.force_login(journalist)
    listing = client.get(LIBRARY)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert photo.renditions["original"][0]["url"] in html  # the thumbnails
    assert "Photothèque" in html
    found = client.get(LIBRARY, {"q": "Sète"}).content.decode()
    assert "Le port de Sète au matin" in found and "La place du marché" not in found
    assert client.get(LIBRARY, {"q": "étals"}).content.decode().count("library-thumbnail") == 1
    add = client.get(f"{LIBRARY}add/")
    assert add.status_code == 200
    assert "focal-picker" in add.content.decode()
    change = client.get(f"{LIBRARY}{photo.pk}/change/")
    assert change.status_code == 200
    assert 'data-focal-x="id_focal_x"' in change.content.decode()


def test_a_moderator_has_no_library(client, moderator):
    client.force_login(moderator)
    assert client.get(LIBRARY).status_code == 403
    assert client.get(CHOICES).status_code == 403


# The desk: the editor's picker.


def test_the_picker_lists_the_latest_photos_searches_and_names_by_id(client, journalist):
    older = library_photo(caption="Ancienne", alt="Vue ancienne")
    newer = library_photo(caption="Récente", alt="Vue récente", credit="AFP")
    client.force_login(journalist)
    photos = json.loads(client.get(CHOICES).content)["photos"]
    assert [p["id"] for p in photos] == [newer.pk, older.pk]
    assert photos[0] == {
        "id": newer.pk,
        "thumbnail": newer.renditions["original"][0]["url"],
        "caption": "Récente",
        "credit": "AFP",
        "alt": "Vue récente",
    }
    searched = json.loads(client.get(CHOICES, {"q": "ancienne"}).content)["photos"]
    assert [p["id"] for p in searched] == [older.pk]
    named = json.loads(client.get(CHOICES, {"ids": f"{older.pk},x,999999"}).content)["photos"]
    assert [p["id"] for p in named] == [older.pk]


def test_the_picker_is_for_the_desk_only(client):
    response = client.get(CHOICES)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_article_form_tells_the_editor_where_the_library_is(client, journalist, section):
    client.force_login(journalist)
    html = client.get("/desk/articles/article/add/").content.decode()
    assert f'data-photo-library="{CHOICES}"' in html
    assert "js/photo-marker.js" in html


def test_the_body_keeps_its_photo_markers_through_the_desk(client, journalist, section):
    photo = library_photo()
    client.force_login(journalist)
    body = f"<p>Un.</p>{photo_marker(photo.pk)}<p>Deux.</p>"
    response = client.post(ADD_URL, article_form(section, body=body))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get().body == body
