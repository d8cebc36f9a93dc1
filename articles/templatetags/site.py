import functools
import json

from django import template
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles import popularity
from articles.feeds import as_text
from articles.models import Article, Section
from pagecache import parts

register = template.Library()

# Characters that could close the <script> element or open markup inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(value):
    """Render data as the body of a <script type="application/ld+json"> element, safely."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))


@register.filter
def xml_text(value):
    """Render plain text in an XML document, without the characters XML cannot carry."""
    return as_text(value)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """Return the path as an absolute URL on the current host."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag
def article_card(article, show_lede=False):
    """Render an article's card (its section must be loaded with it).

    A card shows nothing but these fields, so each process renders a given card once: listings
    are mostly the same few dozen cards, and rendering them was most of a listing's time.
    """
    section = article.section
    return _card(
        article.pk,
        article.slug,
        article.kicker,
        article.headline,
        article.published_at,
        article.lede if show_lede else None,
        section.slug,
        section.name,
        get_language(),
        timezone.get_current_timezone_name(),
    )


@functools.lru_cache(maxsize=settings.CARD_CACHE_SIZE)
def _card(pk, slug, kicker, headline, published_at, lede, section_slug, section_name, *_):
    # The language and the time zone, unused here, key the cache: the date is shown in them.
    article = Article(pk=pk, slug=slug, kicker=kicker, headline=headline, lede=lede or "")
    article.published_at = published_at
    article.section = Section(slug=section_slug, name=section_name)
    return render_to_string(
        "includes/article_card.html", {"article": article, "show_lede": lede is not None}
    )


@register.simple_tag(takes_context=True)
def rankings_box(context, section=None):
    """Render the two rankings tabs, kept briefly as one part per language and section."""
    # By the listings' version: a change to the site refreshes the box at once.
    key = parts.listings_key("rankings-box", get_language(), section.pk if section else "all")

    def render():
        return render_to_string(
            "includes/rankings_box.html",
            {
                "most_read": popularity.most_read(1, section=section),
                "most_commented": popularity.most_commented(1, section=section),
            },
        )

    html = cache.get_or_set(key, render, settings.RANKINGS_CACHE_SECONDS)
    return mark_safe(html)  # rendered by a template, which escaped it
