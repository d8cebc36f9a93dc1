"""RSS and Atom feeds: the whole site, each section, each tag. Published articles only."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles.models import Article, Byline, Section

FEED_LENGTH = 30


class LatestArticlesFeed(Feed):
    """The latest articles of the whole site."""

    def title(self, obj=None):
        return settings.SITE_NAME

    def link(self, obj=None):
        return "/"

    def description(self, obj=None):
        return _("Regional news, every day.")

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        articles = (
            self.articles(obj)
            .select_related("section")
            .defer("body")
            .prefetch_related(Prefetch("bylines", Byline.objects.select_related("author")), "tags")
        )
        return articles[:FEED_LENGTH]

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return article.lede

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all()) or None

    def item_categories(self, article):
        return [article.section.name, *(tag.name for tag in article.tags.all())]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    """The latest articles of one section."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return f"{section.name} · {settings.SITE_NAME}"

    def link(self, section):
        return section.get_absolute_url()

    def articles(self, section):
        return Article.objects.published().filter(section=section)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed
    subtitle = SectionFeed.description


class TagFeed(LatestArticlesFeed):
    """The latest articles with one tag."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"{tag.name} · {settings.SITE_NAME}"

    def link(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def articles(self, tag):
        return Article.objects.published().filter(tags=tag)


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = TagFeed.description
