"""Redis unreachable while the site serves: pages render, counts and limits fall back."""

import pytest
from django.test import override_settings

from articles.models import HourlyViews
from comments.models import Comment, Throttle
from tests.comments.conftest import post_comment

pytestmark = pytest.mark.django_db
CLOSED = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "KEY_PREFIX": "faults",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0"


@pytest.fixture
def redis_down(settings):
    with override_settings(
        CACHES=CLOSED, REDIS_URL="redis://127.0.0.1:1/0", PAGE_CACHE_SECONDS=300
    ):
        yield


def test_pages_render_when_redis_is_down(client, article, redis_down, figures):
    pages = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        "/classements/",
        "/recherche/?q=pôles",
        "/flux/rss/",
    ]
    statuses = [client.get(url).status_code for url in pages]
    assert statuses == [200] * len(pages)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["failing"] == ["cache"]
    figures.append(f"Redis down: {len(pages)} pages served, statuses {statuses}")


def test_views_fall_back_to_the_database_when_redis_is_down(client, article, redis_down):
    response = client.post(f"/vues/{article.pk}/", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 204
    assert HourlyViews.objects.get(article=article).views == 1


def test_rate_limits_fall_back_to_the_database_when_redis_is_down(
    client, article, redis_down, settings
):
    for n in range(6):
        post_comment(client, article, text=f"Avis numéro {n}, sans Redis.")
    assert Comment.objects.count() == settings.COMMENTS_RATE_LIMIT
    assert Throttle.objects.get().hits == 6
