import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

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
