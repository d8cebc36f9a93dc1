"""The site speaks French unless the reader chose English with the language switch."""

from django.conf import settings
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
