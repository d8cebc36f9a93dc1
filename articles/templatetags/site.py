import json

from django import template
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.formats import date_format, get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles import images, popularity
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


# Django's date format characters that strftime writes alike (digits, whatever the locale).
_AS_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


def _strftime_pattern(django_format):
    """Return the strftime pattern that writes this Django date format, or None if none does."""
    pattern = []
    for char in django_format:
        if char in _AS_STRFTIME:
            pattern.append(_AS_STRFTIME[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            pattern.append(char.replace("%", "%%"))
    return "".join(pattern)


@register.filter(expects_localtime=True)
def iso_datetime(value):
    """Render a time as `date:"c"` does (ISO 8601, local time), without reading a format."""
    return value.isoformat() if value else ""


@register.filter(expects_localtime=True)
def short_datetime(value):
    """Render a time as `date:"SHORT_DATETIME_FORMAT"` does: by strftime when the language's
    format allows it (French: "27/05/2015 21:04"), several times cheaper in a list of cards."""
    if not value:
        return ""
    django_format = get_format("SHORT_DATETIME_FORMAT")
    pattern = _strftime_pattern(django_format)
    return value.strftime(pattern) if pattern else date_format(value, django_format)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """Return the path as an absolute URL on the current host."""
    return context["request"].build_absolute_uri(path)


# How a card lays out its photo: the crop it shows, and the width the photo takes on screen at
# each window width (static/css/site.css, "Cards and lists"), from which the browser picks a width.
CARD_LAYOUTS = {
    # Above the headline, the width of its column: the latest news, a section's block, "read also".
    "stack": ("16:9", "(min-width: 64rem) 22rem, (min-width: 40rem) 50vw, 100vw"),
    # Beside the headline, small: listings (sections, tags, authors…) and search results.
    "row": ("4:3", "(min-width: 40rem) 12rem, 7rem"),
}


@register.inclusion_tag("includes/article_card.html")
def article_card(article, show_lede=False, eager=False, layout=None, crop=None, sizes=None):
    """Render an article's card (its section, lead photo's renditions and alt loaded with it)."""
    # eager: the lead story's photo, loaded first; every other card's waits until it nears the
    # window. layout: "stack" (the photo above) or "row" (beside; the default with the lede).
    # crop, sizes: another crop ("16:9", "4:3", "1:1") or width on screen than the layout's.
    layout = layout or ("row" if show_lede else "stack")
    layout_crop, layout_sizes = CARD_LAYOUTS[layout]
    return {
        "article": article,
        "show_lede": show_lede,
        "layout": layout,
        "photo": images.card_photo(article, crop or layout_crop),
        "sizes": sizes or layout_sizes,
        "eager": eager,
    }


@register.filter
def card_photo(article, ratio):
    """Return what an <img> needs of the article's lead photo cut at the ratio, or None."""
    return images.card_photo(article, ratio)


@register.filter
def srcset(renditions):
    """Return the srcset attribute's value of these renditions."""
    return images.srcset(renditions)


@register.filter
def renditions(stored, ratio=images.ORIGINAL):
    """Return the lead photo's renditions of the photo whole, or of a crop ("16:9"…)."""
    return images.renditions_of(stored, ratio)


@register.simple_tag(takes_context=True)
def rankings_box(context, section=None):
    """Render the two rankings tabs, kept briefly as one part per language and section (a
    section's box links to the section's full rankings)."""
    # By the listings' version: a change to the site refreshes the box at once.
    key = parts.listings_key("rankings-box", get_language(), section.pk if section else "all")

    def render():
        return render_to_string(
            "includes/rankings_box.html",
            {
                "section": section,
                "most_read": popularity.most_read(1, section=section),
                "most_commented": popularity.most_commented(1, section=section),
            },
        )

    html = cache.get_or_set(key, render, settings.RANKINGS_CACHE_SECONDS)
    return mark_safe(html)  # rendered by a template, which escaped it
