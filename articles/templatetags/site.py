import json

from django import template
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles import popularity
from articles.feeds import as_text
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


@register.inclusion_tag("includes/article_card.html")
def article_card(article, show_lede=False):
    """Render an article's card (its section must be loaded with it)."""
    return {"article": article, "show_lede": show_lede}


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
