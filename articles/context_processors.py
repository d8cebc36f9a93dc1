from django.conf import settings

from articles.models import Section


def site_sections(request):
    """Give every page the site's name and its sections for the menu (one lazy query)."""
    return {"site_name": settings.SITE_NAME, "menu_sections": Section.objects.all()}


def current_year(request):
    """Give the footer's archive link its year."""
    from django.utils import timezone

    return {"current_year": timezone.localdate().year}
