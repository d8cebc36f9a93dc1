"""Request handling no app owns: the reader's language, requests no page can answer."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils import translation


class SiteLanguageMiddleware:
    """Activate the language from the switch's cookie, else the site's; never the browser's.

    Following Accept-Language would show English pages to many French readers whose browser is
    set to English, and would make every page vary on that header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RefuseNulMiddleware:
    """Answer 404 to a path, and 400 to a query string, holding a NUL character.

    No page of the site has one, and the database refuses it in a query: without this, any
    lookup of such a value (a tag's slug, a section filter, the desk's search) would be a 500.
    Posted forms need no such guard: Django's form fields refuse NUL with an error of their own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        if "%00" in request.META.get("QUERY_STRING", ""):  # the only way to write it there
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)
