"""A speaker's page presents them once: their name, then their role and organisation."""

import pytest
from bs4 import BeautifulSoup

from articles.models import Organisation, Quote, Speaker
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(db):
    return Organisation.objects.create(name="Cap Lez Numérique", slug="cap-lez-numerique")


def header(client, speaker):
    page = BeautifulSoup(client.get(speaker.get_absolute_url()).content, "html.parser")
    standing = page.select_one("main h1 + p.lede")
    return page.select_one("main h1").get_text(), standing and standing.get_text()


def test_a_role_naming_the_organisation_is_not_followed_by_it_again(client, cluster):
    speaker = Speaker.objects.create(
        full_name="Sandrine Moulinier",
        slug="sandrine-moulinier",
        organisation=cluster,
        role="présidente de Cap Lez Numérique",
    )
    assert header(client, speaker) == ("Sandrine Moulinier", "Présidente de Cap Lez Numérique")


def test_the_organisation_is_recognised_whatever_its_case_and_apostrophes(client, db):
    studio = Organisation.objects.create(name="L'Atelier d'en face", slug="atelier")
    speaker = Speaker.objects.create(
        full_name="Hugo Bastide",
        slug="hugo",
        organisation=studio,
        role="gérant de l’atelier d’en face",
    )
    assert header(client, speaker)[1] == "Gérant de l’atelier d’en face"


def test_a_role_that_does_not_name_the_organisation_is_followed_by_it(client, cluster):
    speaker = Speaker.objects.create(
        full_name="Nadia Berkani", slug="nadia", organisation=cluster, role="trésorière"
    )
    assert header(client, speaker)[1] == "Trésorière, Cap Lez Numérique"


@pytest.mark.parametrize(
    ("role", "has_organisation", "shown"),
    [("", True, "Cap Lez Numérique"), ("consultante", False, "Consultante"), ("", False, None)],
)
def test_the_role_or_the_organisation_alone_is_shown_as_it_is(
    client, cluster, role, has_organisation, shown
):
    speaker = Speaker.objects.create(
        full_name="Claire Fontanel",
        slug="claire",
        organisation=cluster if has_organisation else None,
        role=role,
    )
    assert header(client, speaker) == ("Claire Fontanel", shown)


def test_each_quote_keeps_the_role_the_speaker_held_then(client, section, cluster):
    speaker = Speaker.objects.create(
        full_name="Sandrine Moulinier",
        slug="sandrine",
        organisation=cluster,
        role="présidente de Cap Lez Numérique",
    )
    article = make_article(section, headline="Les pôles se rapprochent", slug="poles")
    Quote.objects.create(
        article=article, speaker=speaker, role="vice-présidente de Cap Lez Numérique", text="Oui."
    )
    page = BeautifulSoup(client.get(speaker.get_absolute_url()).content, "html.parser")
    meta = " ".join(page.select_one(".speaker-quote .card-meta").get_text().split())
    assert meta.endswith("· vice-présidente de Cap Lez Numérique")
    assert page.get_text().count("Cap Lez Numérique") == 2  # the header, the quote's role


def test_an_article_quoting_the_speaker_twice_is_listed_once_with_both_quotes(
    client, section, cluster
):
    speaker = Speaker.objects.create(full_name="Sandrine Moulinier", slug="sandrine")
    article = make_article(section, headline="Les pôles se rapprochent", slug="poles")
    for role, text in [
        ("présidente de Cap Lez Numérique et directrice de Pixelune", "D'abord."),
        ("présidente de Cap Lez Numérique", "Ensuite."),
        ("présidente de Cap Lez Numérique", "Enfin."),
    ]:
        Quote.objects.create(article=article, speaker=speaker, role=role, text=text)
    page = BeautifulSoup(client.get(speaker.get_absolute_url()).content, "html.parser")
    [entry] = page.select(".speaker-quote")
    assert entry.h3.get_text() == "Les pôles se rapprochent"
    lines = [" ".join(tag.get_text().split()) for tag in entry.select(".card-meta, blockquote")]
    assert [line.split(" · ")[-1] for line in lines] == [
        "présidente de Cap Lez Numérique et directrice de Pixelune",
        "D'abord.",
        "présidente de Cap Lez Numérique",  # said in another role: it heads the quote
        "Ensuite.",
        "Enfin.",
    ]
