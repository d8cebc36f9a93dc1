import json

from django import template
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles import pagecache, popularity

register = template.Library()

# Characters that could close the <script> element or open markup inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(value):
    """Render data as the body of a <script type="application/ld+json"> element, safely."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """Return the path as an absolute URL on the current host."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def rankings_box(context, section=None):
    """Render the two rankings tabs, cached briefly as one fragment per language and section."""
    version = pagecache.site_version()  # a change to the site refreshes the box at once
    key = f"rankings-box:{version}:{get_language()}:{section.pk if section else 'all'}"

    def render():
        return render_to_string(
            "includes/rankings_box.html",
            {
                "most_read": popularity.most_read(1, section=section),
                "most_commented": popularity.most_commented(1, section=section),
            },
        )

    try:
        html = cache.get_or_set(key, render, settings.RANKINGS_CACHE_SECONDS)
    except Exception:  # cache down: render it, rather than no box at all
        html = render()
    return mark_safe(html)  # rendered by a template, which escaped it
