"""A reader's page gives search engines one description: an article its lede, others the site's."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def descriptions(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = BeautifulSoup(response.content, "html.parser")
    return [tag["content"] for tag in page.find_all("meta", attrs={"name": "description"})]


def test_the_home_and_a_section_page_describe_the_site_in_french(client, section):
    make_article(section)
    site = f"{settings.SITE_NAME}. L’actualité régionale, chaque jour."
    assert descriptions(client, "/") == [site]
    assert descriptions(client, section.get_absolute_url()) == [site]


def test_an_article_is_described_by_its_lede_alone(client, section):
    article = make_article(section, lede="Les deux pôles se rencontrent avant la fusion.")
    assert descriptions(client, article.get_absolute_url()) == [
        "Les deux pôles se rencontrent avant la fusion."
    ]
