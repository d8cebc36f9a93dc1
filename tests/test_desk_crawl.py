"""Every desk page each role is linked to opens, in French: no 403, no 500, no stock English."""

import io
import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

# English seen in the desk so far (stock Django, packages, the project's own strings before
# their translation): none may show on a desk page, in its text or in what a screen reader says.
ENGLISH = [
    "Heading", "bold", "italic", "insert link", "Taggit", "Forbidden", "Quoted words",
    "Headline", "Add another", "Select", "to change", "Change history", "History", "Save",
    "Delete", "Scheduled", "Online", "Under embargo", "Ready for review", "Draft",
    "Published", "Unpublished", "Pending", "Refused", "Spam", "Hidden", "Awaiting",
    "views 24 h", "State", "state", "time", "Workflow", "Submit", "Publish", "Schedule",
    "Preview", "Merge", "Tagged item", "object id", "content type", "True", "False",
    "Unknown", "comment(s)", "published(s)", "Ajout de", "supplémentaire", "Sélectionnez",
]  # fmt: skip
WORDS = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w-])")
# Attributes people read, or hear: a screen reader says a button's label and value.
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
PER_KIND = 3  # pages of each kind (same path but for its numbers) visited, at most
NOT_FOLLOWED = ("/desk/logout/", "/desk/password_change/", "/desk/jsi18n/", "/desk/r/")


def english_on(html):
    """Return the stock English words a person reads on the page (text, labels, buttons)."""
    page = BeautifulSoup(html, "html.parser")
    for hidden in page(["script", "style", "template", "noscript"]):
        hidden.decompose()
    texts = [page.get_text(" ")]
    for element in page.find_all(True):
        texts += [element.get(name, "") for name in READ_ATTRIBUTES]
        if element.name == "input" and element.get("type") in ("submit", "button"):
            texts.append(element.get("value", ""))
    found = Counter()
    for text in texts:
        found.update(WORDS.findall(text if isinstance(text, str) else " ".join(text)))
    return found


def kind_of(path):
    return re.sub(r"\d+", "N", path)


def crawl(client):
    """Visit every desk page linked from the desk's front page, a few of each kind."""
    queue, seen, kinds, problems, visited = ["/desk/"], set(), Counter(), [], 0
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        visited += 1
        if response.status_code != 200:
            problems.append((url, response.status_code))
            continue
        words = english_on(response.content.decode())
        if words:
            problems.append((url, dict(words)))
        page = BeautifulSoup(response.content, "html.parser")
        for link in page.find_all("a", href=True):
            target = urljoin(url, link["href"])
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/desk/"):
                continue
            if parts.path.startswith(NOT_FOLLOWED) or "_changelist_filters" in parts.query:
                continue
            address = parts.path + (f"?{parts.query}" if parts.query else "")
            kind = kind_of(parts.path) + ("?" if parts.query else "")
            if address in seen or kinds[kind] >= PER_KIND:
                continue
            seen.add(address)
            kinds[kind] += 1
            queue.append(address)
    return visited, problems


@pytest.fixture
def demo(transactional_db, desk_roles):
    """The demo newsroom: articles in every state, their history, comments in every state."""
    call_command("load_demo", stdout=io.StringIO(), i_know_this_is_production=True)
    call_command("load_demo_comments", stdout=io.StringIO(), i_know_this_is_production=True)


@pytest.mark.parametrize("username", ["journaliste", "redaction", "moderation"])
def test_every_desk_page_a_role_is_linked_to_opens_in_french(demo, username, figures):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    visited, problems = crawl(client)
    figures.append(f"desk crawl as {username}: {visited} pages, {len(problems)} problems")
    figures.extend(f"    {url}: {problem}" for url, problem in problems[:40])
    assert visited > 20
    assert problems == []
