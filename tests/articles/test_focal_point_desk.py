"""The journalist sets the lead photo's focal point in the desk; moving it cuts the crops again."""

import errno
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from articles import images
from articles.models import Article
from tests.articles.conftest import ADD_URL, article_form, change_url, jpeg

pytestmark = pytest.mark.django_db


def crop_urls(article):
    return {ratio: [r["url"] for r in article.lead_image_renditions[ratio]] for ratio in CROPS}


CROPS = ("16:9", "4:3", "1:1")


@pytest.fixture
def photographed(client, journalist, section):
    """Return a journalist's draft with a photo, its focal point set with the photo."""
    client.force_login(journalist)
    data = article_form(
        section, lead_image=jpeg(1800, 600), lead_image_focal_x="0.2", lead_image_focal_y="0.8"
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get()


def save(client, article, **fields):
    article.refresh_from_db()
    response = client.post(
        change_url(article),
        article_form(article.section, opened_token=str(article.edit_token), **fields),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


def test_a_focal_point_set_with_a_new_photo_cuts_its_crops(photographed):
    article = photographed
    assert (article.lead_image_focal_x, article.lead_image_focal_y) == (0.2, 0.8)
    # 1800 × 600: the square is 600 wide, from the left edge since 0.2 of 1800 is 360 px in.
    assert [r["width"] for r in article.lead_image_renditions["1:1"]] == [480, 600]
    assert all(article.lead_image_renditions[ratio] for ratio in CROPS)


def test_moving_the_focal_point_cuts_the_crops_again_and_keeps_the_photo(client, photographed):
    article = photographed
    photo, widths, crops = (
        article.lead_image.name,
        article.lead_image_renditions["original"],
        crop_urls(article),
    )
    save(client, article, lead_image_focal_x="0.9", lead_image_focal_y="0.1")
    assert (article.lead_image_focal_x, article.lead_image_focal_y) == (0.9, 0.1)
    assert article.lead_image.name == photo
    assert article.lead_image_renditions["original"] == widths
    for ratio, urls in crop_urls(article).items():
        assert set(urls).isdisjoint(crops[ratio]), ratio  # cut again, under new names


def test_saving_without_moving_the_point_cuts_nothing(client, photographed):
    article = photographed
    crops = crop_urls(article)
    save(client, article, lead_image_focal_x="0.200", lead_image_focal_y="0.8")
    assert crop_urls(article) == crops


def test_a_new_photo_without_a_new_point_is_cut_around_its_centre(client, photographed):
    article = photographed
    save(client, article, lead_image=jpeg(1200, 1200), lead_image_focal_x="0.2")
    assert (article.lead_image_width, article.lead_image_height) == (1200, 1200)
    assert (article.lead_image_focal_x, article.lead_image_focal_y) == (0.5, 0.5)


def test_empty_focal_fields_leave_the_point_where_it_was(client, photographed):
    article = photographed
    crops = crop_urls(article)
    save(client, article, lead_image_focal_x="", lead_image_focal_y="")
    assert (article.lead_image_focal_x, article.lead_image_focal_y) == (0.2, 0.8)
    assert crop_urls(article) == crops


def test_a_focal_point_outside_the_photo_is_refused(client, photographed):
    article = photographed
    data = article_form(
        article.section,
        opened_token=str(article.edit_token),
        lead_image_focal_x="1.5",
        lead_image_focal_y="-0.1",
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"lead_image_focal_x", "lead_image_focal_y"}
    article.refresh_from_db()
    assert (article.lead_image_focal_x, article.lead_image_focal_y) == (0.2, 0.8)


def test_the_desk_shows_the_photo_to_click_beside_the_two_fields(client, photographed):
    article = photographed
    page = BeautifulSoup(client.get(change_url(article)).content, "html.parser")
    picker = page.select_one(".field-lead_image .focal-picker")
    assert not picker.has_attr("hidden")
    assert picker["data-focal-x"] == "id_lead_image_focal_x"
    assert picker["data-focal-y"] == "id_lead_image_focal_y"
    assert picker["data-file"] == "id_lead_image"
    photo = picker.select_one("img.focal-picker-photo")
    assert photo["src"] == article.lead_image_renditions["original"][1]["url"]  # 800 px wide
    assert (photo["width"], photo["height"]) == ("800", "267")
    assert photo["alt"] == "La photo principale\u00a0: cliquez à l’endroit où se trouve son sujet."
    assert page.select_one("#id_lead_image_focal_x")["value"] == "0.2"
    assert page.select_one("#id_lead_image_focal_y")["max"] == "1"
    assert page.select_one('script[src$="js/desk-focal-point.js"]')
    assert page.select_one('link[href$="css/desk-focal-point.css"]')


def test_without_a_photo_the_picker_waits_hidden_for_one(client, journalist, section):
    client.force_login(journalist)
    client.post(ADD_URL, article_form(section))
    for url in (ADD_URL, change_url(Article.objects.get())):
        response = client.get(url)
        assert response.status_code == 200, url
        picker = BeautifulSoup(response.content, "html.parser").select_one(".focal-picker")
        assert picker.has_attr("hidden"), url
        assert not picker.select_one("img").has_attr("src"), url  # no request for no photo


def test_crops_the_disk_refuses_leave_the_previous_ones_and_say_so(
    client, journalist, section, settings, caplog
):
    from tests.site.test_faults import FileSizeLimit, desk_messages, noisy_photo

    client.force_login(journalist)
    client.post(ADD_URL, article_form(section, lead_image=noisy_photo()))  # noise: large widths
    article = Article.objects.get()
    crops = crop_urls(article)
    disk = FileSizeLimit(Path(settings.MEDIA_ROOT))
    files = disk.files()
    data = article_form(
        section,
        opened_token=str(article.edit_token),
        lead_image_focal_x="0.9",
        lead_image_focal_y="0.9",
    )
    with disk.refusing():
        response = client.post(change_url(article), data)
    with translation.override("fr"):
        said = images.crops_refusal_message(OSError(errno.EFBIG, os.strerror(errno.EFBIG)))
    assert ("error", said) in desk_messages(client, response)
    assert said.startswith("La photo n’a pas pu être recadrée autour de son nouveau point")
    article.refresh_from_db()
    assert crop_urls(article) == crops  # the crops readers see are still there
    assert disk.files() == files  # nothing written in part
    assert [r.name for r in caplog.records if r.levelname == "ERROR"] == ["articles.admin"]
