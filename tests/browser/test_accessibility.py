"""Readers' pages pass axe-core without serious or critical violations."""

import pytest

from articles.models import Article, Section
from comments.models import Comment
from comments.views import status_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_roles"),
]

REFERENCE = "fusion-des-regions-poles-numeriques-toulouse-montpellier"


def test_readers_pages_have_no_serious_accessibility_violation(new_page, axe, demo_site, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # the 2015 reference article shows its comment form
    article = Article.objects.get(slug=REFERENCE)
    pending = Comment.objects.filter(article=article, status=Comment.Status.PENDING).first()
    pages = {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": Section.objects.get(slug="numerique").get_absolute_url(),
        "search": "/recherche/?q=pôles numériques",
        "comment status": status_url(pending),
    }
    # axe-core is added to each page as a script: let it in past the pages' own policy.
    page = new_page(bypass_csp=True)
    serious = {}
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        serious[name] = axe(page, name)
    assert not any(serious.values()), "\n".join(
        f"{name}: {v['impact']} {v['id']} ({v['help']}): {', '.join(v['targets'][:5])}"
        for name, violations in serious.items()
        for v in violations
    )
