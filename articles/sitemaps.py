"""Sitemaps for search engines: every published article, sections, and a Google News sitemap."""

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.utils import timezone

from articles.models import Article, Section


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "pk", "updated_at", "published_at")

    def lastmod(self, article):
        return article.updated_at


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


class NewsSitemap(Sitemap):
    """Articles of the last two days, as Google News asks."""

    def items(self):
        since = timezone.now() - dt.timedelta(days=2)
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .order_by("-published_at")[:1000]
        )

    def lastmod(self, article):
        return article.updated_at


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}
