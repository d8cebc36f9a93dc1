"""A journalist writes an article in the desk and submits it; an editor publishes it."""

import re

import pytest

from articles.models import Article, Organisation, Speaker
from tests.browser.conftest import expect, jpeg_file, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]

HEADLINE = (
    "Toulouse et Montpellier accordent leurs pôles numériques avant la fusion des deux régions"
)
SLUG = "toulouse-et-montpellier-accordent-leurs-poles-numeriques-avant-la-fusion-des-deux-regions"
QUOTES = [
    ("Fontan", "Claire Fontanel", "Nous parlons enfin d’une seule voix.", False),
    ("Bast", "Hugo Bastide", "Nos start-up n’attendaient que ce rapprochement.", True),
    ("Fontan", "Claire Fontanel", "Le salon commun sera notre premier test.", False),
]


@pytest.fixture
def speakers(db):
    cluster = Organisation.objects.create(name="Pôle Sud Numérique", slug="pole-sud-numerique")
    return [
        Speaker.objects.create(
            full_name="Claire Fontanel",
            slug="claire-fontanel",
            organisation=cluster,
            role="présidente de Pôle Sud Numérique",
        ),
        Speaker.objects.create(
            full_name="Hugo Bastide", slug="hugo-bastide", role="directeur de Numéria"
        ),
    ]


def autocomplete(page, container, search, choice):
    """Pick a choice in a desk autocomplete (select2): open it, type, click the result."""
    container.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=choice).click()
    expect(container.locator(".select2-selection__rendered")).to_contain_text(choice)


def block_type(page, editor, name):
    """Turn the current block of the rich-text editor into a heading or a paragraph."""
    editor.locator(".prose-menubar__dropdown .prose-menubar__selected").click()
    editor.locator(f'.prose-menubar__option[data-name="{name}"]').click()


def write_body(page):
    """Type the body in the rich-text editor, with two subheads made from its toolbar."""
    editor = page.locator(".field-body .prose-editor")
    editor.locator('[contenteditable="true"]').click()
    keyboard = page.keyboard
    keyboard.type("Les deux pôles numériques ont réuni leurs adhérents à Montpellier.")
    keyboard.press("Enter")
    block_type(page, editor, "heading2")
    keyboard.type("Ce qui les rapproche")
    keyboard.press("Enter")
    keyboard.type("Les start-up des deux villes travaillent déjà ")
    editor.locator('[data-name="bold"]').click()
    keyboard.type("ensemble")
    editor.locator('[data-name="bold"]').click()
    keyboard.type(".")
    keyboard.press("Enter")
    keyboard.type("Les collectivités suivent le mouvement.")
    keyboard.press("Enter")
    block_type(page, editor, "heading2")
    keyboard.type("Les idées échangées")
    keyboard.press("Enter")
    keyboard.type("Un salon commun est à l’étude pour le printemps.")
    expect(editor.locator('[contenteditable="true"] h2')).to_have_count(2)


def test_journalist_writes_and_submits_then_editor_publishes(
    new_page, journalist, editor, section, speakers, tmp_path
):
    desk = new_page()
    log_in(desk, journalist)
    desk.goto("/desk/articles/article/add/")

    desk.locator("#id_kicker").fill("Économie numérique")
    desk.locator("#id_headline").press_sequentially(HEADLINE)
    expect(desk.locator("#id_slug")).to_have_value(SLUG)  # filled in from the headline
    desk.locator("#id_lede").fill(
        "Les deux pôles se rencontrent avant la fusion. Ils comparent leurs projets."
    )
    desk.locator("#id_lead_image").set_input_files(jpeg_file(tmp_path / "pole.jpg"))
    desk.locator("#id_lead_image_caption").fill("Le pôle toulousain et ses start-up")
    desk.locator("#id_lead_image_credit").fill("Jeanne Martin")
    desk.locator("#id_lead_image_alt").fill("Une salle de réunion pleine de monde")
    write_body(desk)
    autocomplete(desk, desk.locator(".field-section"), "Num", "Numérique")
    desk.locator("#id_tags").fill("Occitanie, Toulouse, Montpellier")
    autocomplete(desk, desk.locator("#bylines-0"), "Léa", "Léa Journaliste")

    # Quotes are placed in the text from the editor (tests/browser/test_quotes.py); unplaced,
    # they stand after the body.
    for index, (search, name, text, pull) in enumerate(QUOTES):
        if index:
            desk.locator("#quotes-group .add-row a").click()
        row = desk.locator(f"#quotes-{index}")
        autocomplete(desk, row.locator(".field-speaker"), search, name)
        row.locator(f"#id_quotes-{index}-text").fill(text)
        if pull:
            row.locator(f"#id_quotes-{index}-is_pull_quote").check()

    desk.locator(".workflow-bar").get_by_role("button", name="Soumettre pour relecture").click()
    expect(desk.locator(".messagelist")).to_contain_text("transmis aux éditeurs")

    article = Article.objects.get(slug=SLUG)
    assert article.status == Article.Status.READY
    assert article.created_by == journalist
    assert article.headline == HEADLINE
    assert article.body.count("<h2>") == 2
    assert "<h2>Ce qui les rapproche</h2>" in article.body
    assert "<strong>ensemble</strong>" in article.body
    assert article.body.count("<p>") == 4
    assert (article.lead_image_width, article.lead_image_height) == (1600, 900)
    assert article.lead_image_renditions  # resized once, when the photo was saved
    assert sorted(article.tags.names()) == ["Montpellier", "Occitanie", "Toulouse"]
    assert [str(byline.author) for byline in article.bylines.all()] == ["Léa Journaliste"]
    quotes = list(article.quotes.select_related("speaker"))
    assert [(q.speaker.full_name, q.text, q.is_pull_quote) for q in quotes] == [
        (name, text, pull) for _search, name, text, pull in QUOTES
    ]
    assert quotes[1].role == "directeur de Numéria"  # pre-filled from the speaker
    assert not Article.objects.published().filter(pk=article.pk).exists()

    reader = new_page()
    response = reader.goto(article.get_absolute_url())
    assert response.status == 404  # not public before an editor publishes it

    desk_of_editor = new_page()
    log_in(desk_of_editor, editor)
    desk_of_editor.goto("/desk/articles/article/?etat=ready")
    desk_of_editor.get_by_role("link", name=HEADLINE).click()
    desk_of_editor.locator(".workflow-bar").get_by_role("button", name="Publier").click()
    expect(desk_of_editor.locator(".messagelist")).to_contain_text("L’article est en ligne.")

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published()
    assert article.body.count("<h2>") == 2  # the editor's save kept the journalist's body

    reader.goto(article.get_absolute_url())
    expect(reader.locator("h1")).to_have_text(HEADLINE)
    expect(reader.locator(".kicker")).to_have_text("Économie numérique")
    expect(reader.locator(".article-body h2")).to_have_text(
        ["Ce qui les rapproche", "Les idées échangées"]
    )
    expect(reader.locator(".lead-image img")).to_be_visible()
    expect(reader.locator(".lead-image figcaption")).to_have_text(
        re.compile(r"Le pôle toulousain et ses start-up\s+Photo\s?: Jeanne Martin")
    )
    expect(reader.locator(".article-body .quote")).to_have_count(3)
    expect(reader.locator(".article-body .pull-quote")).to_contain_text("rapprochement")
    expect(reader.locator(".byline")).to_contain_text("Par Léa Journaliste")
    expect(reader.locator(".tags a")).to_have_text(["Montpellier", "Occitanie", "Toulouse"])
    reader.goto("/")
    expect(reader.get_by_role("link", name=HEADLINE).first).to_be_visible()
