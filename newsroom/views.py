"""Site-wide pages that belong to no app."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def robots_txt(request):
    """Keep crawlers out of the desk, previews and search; point them at the sitemaps."""
    lines = [
        "User-agent: *",
        "Disallow: /desk/",
        "Disallow: /apercu/",
        "Disallow: /recherche/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
