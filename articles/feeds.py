"""RSS and Atom feeds: the whole site, each section, each tag. Published articles only."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles.models import Article, Byline, Section, public_tags

FEED_LENGTH = 30
# XML 1.0 cannot carry most control characters (a word processor's line break, pasted, is one)
# nor U+FFFE and U+FFFF: Django refuses to write the first (the feed would fail) and writes the
# others as they are (no reader could parse the feed). A reader gets a space instead.
NOT_IN_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def as_text(value):
    """Return a plain text that XML can carry."""
    return NOT_IN_XML.sub(" ", value)


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
        # A title is plain text to a reader (RSS by its Advisory Board, Atom by default type).
        return as_text(article.headline)

    def item_description(self, article):
        # Readers render an RSS description, and Atom's summary written type="html", as HTML:
        # the plain-text lede is escaped so that they show its characters as typed, as the site
        # does. One fix for both formats, where Atom's type="text" would leave RSS as it was.
        return escape(as_text(article.lede))

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        names = ", ".join(byline.author.name for byline in article.bylines.all())
        return as_text(names) or None

    def item_categories(self, article):
        names = [article.section.name, *(tag.name for tag in article.tags.all())]
        return [as_text(name) for name in names]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    """The latest articles of one section."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return f"{as_text(section.name)} · {settings.SITE_NAME}"

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
        return get_object_or_404(public_tags(), slug=slug)

    def title(self, tag):
        return f"{as_text(tag.name)} · {settings.SITE_NAME}"

    def link(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def articles(self, tag):
        return Article.objects.published().filter(tags=tag)


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = TagFeed.description
