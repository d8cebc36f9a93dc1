from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from articles.models import Section
from pagecache import parts

_menu = {}


def site_sections(request):
    """Give every page the site's name and its sections for the menu."""
    return {"site_name": settings.SITE_NAME, "menu_sections": SimpleLazyObject(menu_sections)}


def menu_sections():
    """Return the sections, read again only when one changes (the references' version)."""
    version = parts.references_version() if settings.FRAGMENT_CACHE_SECONDS else 0
    if not version or _menu.get("version") != version:
        _menu.update(version=version, sections=list(Section.objects.all()))
    return _menu["sections"]


def current_year(request):
    """Give the footer's archive link its year."""
    return {"current_year": timezone.localdate().year}
