"""Browser tests: Debian's headless Chromium, driven by Playwright, against the live server.

Where Chromium, Playwright or axe-core is missing the tests skip, except in CI (CI=true), where
they fail: there, a missing browser must not pass for a green run.
"""

import collections
import io
import os
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from PIL import Image

from articles import images, rendering
from articles.models import Author, Byline, Organisation, Quote, Speaker
from comments.models import Comment
from tests.conftest import make_article

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says so: a skip here, a failure in CI
    expect = None

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags, Chromium's own calls home (updates, sync) are refused
# here; the sandbox needs user namespaces a CI container running as root does not offer.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def unavailable(reason):
    """Skip a browser test whose tool is missing here; fail it in CI, where it must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. CI=true: the browser tests must run, not skip.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """Launch Debian's Chromium once for the browser tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"No Chromium at {CHROMIUM} (apt-get install chromium)")
    serialized = {
        connection.alias: getattr(connection, "_test_serialized_contents", None)
        for connection in connections.all()
    }
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an event loop running in this thread; the tests' own
        # ORM calls between two browser steps are plain synchronous code all the same.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            # With a loop running, Django hands this thread new connection objects (they are
            # per context then): give them what serialized_rollback restores before each test,
            # the groups and permissions the data migrations created.
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            # LANGUAGE: the browser's own words (a file field's "Choisir un fichier") in French,
            # from Debian's chromium-l10n, as a French newsroom's browser says them.
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "LANGUAGE": "fr"}
            )
            yield chromium
            chromium.close()
            connections.close_all()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser, live_server, request):
    """Open a page in a fresh browser (its own cookies), as one person at their desk would."""
    expect.set_options(timeout=10_000)
    # A reader's Chrome: the view counter rightly takes "HeadlessChrome" for a robot.
    major = browser.version.split(".")[0]
    user_agent = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )
    contexts, errors, pages = [], [], []

    def refused(page, message):
        # What the Content Security Policy blocks is broken for readers: fail on it too.
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(f"{page.url}: {message.text}")

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(
            base_url=live_server.url,
            user_agent=user_agent,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport=viewport,
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: refused(page, message))
        pages.append(page)
        return page

    yield open_page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:  # keep what each browser showed, for CI
        folder = ARTIFACTS / "failures" / re.sub(r"[^\w.-]+", "_", request.node.name)
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages, 1):
            if not page.is_closed():
                page.screenshot(path=folder / f"page-{number}.png", full_page=True)
                (folder / f"page-{number}.html").write_text(page.content())
    for context in contexts:
        context.close()
    assert not errors, "Errors in the browser's console:\n" + "\n".join(errors)


def log_in(page, user, password=None):
    """Log into the desk at /desk/login/ as a persona of tests/conftest.py."""
    page.goto("/desk/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password or f"pw-{user.username}")
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()


def eventually(check, timeout=10.0, interval=0.1):
    """Return check()'s first truthy value, trying again until the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def jpeg_file(path, size=(1600, 900)):
    """Write a JPEG photo with some detail to draw, and return its path."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((40, 90, 150), (0, height * 2 // 3, width, height))
    image.save(path, "JPEG", quality=85)
    return path


@pytest.fixture
def screenshot():
    """Save a screenshot under tests/artifacts/ (make screenshots copies them to docs/)."""

    def save(page, name, **options):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, animations="disabled", **options)
        return path

    return save


@pytest.fixture
def axe(figures):
    """Run axe-core on a page; print its counts per impact; refuse serious and critical ones."""
    if not AXE.exists():
        unavailable(f"axe-core is missing at {AXE.relative_to(ROOT)} (npm ci)")

    def check(page, name):
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => {
                const results = await axe.run(document, {resultTypes: ["violations"]});
                return results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(" ")),
                }));
            }"""
        )
        counts = collections.Counter(v["impact"] for v in violations)
        summary = ", ".join(
            f"{impact} {counts[impact]}" for impact in ("critical", "serious", "moderate", "minor")
        )
        where = urlsplit(page.url)
        figures.append(
            f"axe, {name}: {unquote(where.path)}{'?' if where.query else ''}{unquote(where.query)}"
        )
        figures.append(f"    violations: {summary}")
        for v in violations:
            figures.append(f"    - {v['impact']}: {v['id']} ({len(v['targets'])} elements)")
        return [v for v in violations if v["impact"] in ("serious", "critical")]

    return check


# Content.


@pytest.fixture
def demo_site(transactional_db):
    """Load the demo content and comments (manage.py load_demo, load_demo_comments)."""
    # Tests run with DEBUG off, as production does.
    call_command("load_demo", stdout=io.StringIO(), i_know_this_is_production=True)
    call_command("load_demo_comments", stdout=io.StringIO(), i_know_this_is_production=True)


BODY = (
    "<p>Les deux pôles numériques ont réuni leurs adhérents à Montpellier.</p>"
    "<h2>Ce qui les rapproche</h2>"
    "<p>Les start-up des deux villes travaillent déjà ensemble.</p>"
    "<p>Les collectivités suivent le mouvement.</p>"
    "<h2>Les idées échangées</h2>"
    "<p>Un salon commun est à l’étude pour le printemps.</p>"
)


@pytest.fixture
def readers_article(section):
    """Publish an article with every element of the reference page, and one approved comment."""
    article = make_article(
        section,
        kicker="Économie numérique",
        headline="Toulouse et Montpellier accordent leurs pôles numériques avant la fusion",
        slug="toulouse-montpellier-poles",
        lede="Les deux pôles se rencontrent avant la fusion. Ils comparent leurs projets.",
        body=BODY,
        lead_image_caption="Le pôle toulousain et ses start-up",
        lead_image_credit="Jeanne Martin",
        lead_image_alt="Une salle de réunion pleine de monde",
    )
    buffer = io.BytesIO()
    jpeg_file(buffer)
    article.lead_image.save("poles.jpg", ContentFile(buffer.getvalue()), save=True)
    images.refresh_renditions(article)
    article.tags.set(["Occitanie", "Toulouse", "Montpellier"])
    author = Author.objects.create(name="Léa Journaliste", slug="lea-journaliste")
    Byline.objects.create(article=article, author=author)
    cluster = Organisation.objects.create(name="Pôle Sud Numérique", slug="pole-sud")
    claire = Speaker.objects.create(
        full_name="Claire Fontanel", slug="claire-fontanel", organisation=cluster
    )
    hugo = Speaker.objects.create(full_name="Hugo Bastide", slug="hugo-bastide")
    places = []
    for after, speaker, role, text, pull in [
        (1, claire, "présidente de Pôle Sud", "Nous parlons enfin d’une seule voix.", True),
        (2, hugo, "directeur de Numéria", "Nos start-up n’attendaient que cela.", False),
        (3, claire, "présidente de Pôle Sud", "Le salon commun sera un test.", False),
    ]:
        quote = Quote.objects.create(
            article=article, speaker=speaker, role=role, text=text, is_pull_quote=pull
        )
        places.append((after, quote.ref))  # after that paragraph
    article.body = rendering.place_quotes(article.body, places)
    article.save(update_fields=["body"])
    approved_comment(article, "Paul V.", "Une fusion de plus, on verra bien ce qui en sortira.")
    return article


def approved_comment(article, name, text):
    """Return a reader's comment on the article, approved by a moderator."""
    return Comment.objects.create(
        article=article,
        display_name=name,
        email=f"{name.split()[0].lower()}@example.org",
        text=text,
        status=Comment.Status.APPROVED,
        moderated_at=timezone.now(),
        text_hash=f"{name}-{text}",
    )
