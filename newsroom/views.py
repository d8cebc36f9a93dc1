"""Site-wide pages that belong to no app."""

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET


@require_GET
def favicon(request):
    """Send browsers and crawlers that ask for /favicon.ico to the site's icon (static/)."""
    response = redirect(static("favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


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


@require_GET
def switch_language(request, code):
    """Remember the reader's language in a cookie and go back to the page they were on.

    A link rather than Django's POST form, so that no page needs a per-reader CSRF token.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def permission_denied(request, exception=None):
    """Refuse in French: in the desk's own look under /desk/, else in the site's."""
    if request.path_info.startswith("/desk/"):
        context = admin.site.each_context(request)
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", status=403)
