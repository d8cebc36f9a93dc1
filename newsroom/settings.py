"""Settings for the newsroom CMS, read from the environment (see .env.example)."""

import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        sys.exit("SECRET_KEY is not set: export SECRET_KEY (see .env.example) or set DEBUG=1.")
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom.apps.DeskAdminConfig",  # django.contrib.admin, as the newsroom's desk
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "newsroom.apps.TagsConfig",  # django-taggit
    "reversion",
    "django_prose_editor",
    "newsroom",
    "pagecache",
    "articles",
    "comments",
]

MIDDLEWARE = [
    "newsroom.middleware.RefuseNulMiddleware",
    # A hit is answered before the other middlewares, with the headers they gave the page
    # (security, CSP, Permissions-Policy); a request to be redirected to HTTPS is never one.
    "pagecache.pages.PageCacheMiddleware",
    "newsroom.security.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.security.SiteCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsroom.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Brute-force protection on the desk's login, before the usual check of the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "articles.context_processors.site_sections",
                "articles.context_processors.current_year",
            ],
        },
    },
]

# SQLite in the project folder unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'newsroom.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's own Redis backend when REDIS_URL is set, local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Lead photos larger than this are refused in the desk (bytes).
MAX_IMAGE_UPLOAD_SIZE = int(os.environ.get("MAX_IMAGE_UPLOAD_SIZE", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "admin:login"

# Security: strict by default, relaxed only in DEBUG (local development on plain HTTP).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"

SITE_NAME = os.environ.get("SITE_NAME", "L’Écho des régions")

# The rich-text editor's own extensions (django-prose-editor): the quote and photo markers of
# article bodies, each its editor node (a static ES module) and what the server's sanitiser keeps
# of it. The processors are imported, not named by their dotted path: django-prose-editor 0.28
# cannot import one by name.
from js_asset import static_lazy  # noqa: E402

from articles.markers import allow_photo_markers, allow_quote_markers  # noqa: E402

DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {"js": [static_lazy("js/quote-marker.js")], "extensions": {"QuoteMarker": allow_quote_markers}},
    {"js": [static_lazy("js/photo-marker.js")], "extensions": {"PhotoMarker": allow_photo_markers}},
]

# Content Security Policy (django-csp): no inline script on the public site. JSON-LD is a data
# block, which browsers never execute. The desk has its own policy (newsroom/security.py): the
# admin and the rich-text editor's import map need inline code.
_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "connect-src": [_SELF],
        "font-src": [_SELF],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": [_SELF],
        "frame-ancestors": ["'none'"],
    }
}
DESK_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [_SELF, "'unsafe-inline'"],
    "style-src": [_SELF, "'unsafe-inline'"],
    "img-src": [_SELF, "data:", "blob:"],
}

# django-axes: after 5 failed logins from one address, whatever the usernames tried, that address
# is locked out for 15 minutes (a 429 with Retry-After); nobody can lock an editor out from
# elsewhere. Counting per address alone also covers one username tried from one address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "newsroom.client.client_address"
# A login would wipe its address's failures: one valid account would then reset the count
# every 4 guesses at other usernames. They expire instead, 15 minutes after the last one.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "newsroom.security.locked_out"
AXES_VERBOSE = False

# Whole pages cached for anonymous readers (pagecache/pages.py): seconds, 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# What pages tell a CDN (s-maxage); browsers always revalidate, cheaply, with the ETag.
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("PAGE_CACHE_CDN_SECONDS", "60"))
# Parts of pages (an article's own part, "read also") cached by the versions of what they show,
# so they may be kept long; 0 renders them on every request.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "86400"))
# Megabytes of pages each process also keeps in memory, compressed (an article page of 34 KB takes
# about 7 KB: 128 MB hold some 18,000), each checked against the shared versions; 0 keeps none.
PAGE_CACHE_LOCAL_MEGABYTES = float(os.environ.get("PAGE_CACHE_LOCAL_MEGABYTES", "128"))
# Seconds each process trusts a version it read, while it hears of every change (0: read it from
# Redis on every use).
PAGE_CACHE_TRUST_SECONDS = float(os.environ.get("PAGE_CACHE_TRUST_SECONDS", "60"))
# When the next scheduled article goes public: no page or part is kept past it.
PAGE_CACHE_NEXT_CHANGE = "articles.models.next_change"

# Search (articles/search.py): a word found in more articles than this ranks the newest of them.
SEARCH_CANDIDATES = int(os.environ.get("SEARCH_CANDIDATES", "1000"))

# Popularity (see articles/popularity.py). Hourly view counters older than this are rolled up
# into daily ones; rankings read the hourly ones, so keep more than the longest window (30 days).
VIEWS_HOURLY_DAYS = int(os.environ.get("VIEWS_HOURLY_DAYS", "35"))
# Articles older than this never appear in the rankings (0: no limit).
RANKINGS_MAX_AGE_DAYS = int(os.environ.get("RANKINGS_MAX_AGE_DAYS", "30"))
# Views one address may add (articles/popularity.py): over any minute, and to one article a day.
VIEWS_PER_ADDRESS_PER_MINUTE = int(os.environ.get("VIEWS_PER_ADDRESS_PER_MINUTE", "30"))
VIEWS_PER_ADDRESS_PER_ARTICLE_PER_DAY = int(
    os.environ.get("VIEWS_PER_ADDRESS_PER_ARTICLE_PER_DAY", "20")
)
# Seconds the rendered rankings box is cached.
RANKINGS_CACHE_SECONDS = int(os.environ.get("RANKINGS_CACHE_SECONDS", "60"))

# Reader comments (see comments/). The header carrying the reader's address behind a proxy,
# e.g. HTTP_X_REAL_IP or HTTP_X_FORWARDED_FOR; the default is the socket's address. Used by the
# login lockout, the rate limits and the view counter (newsroom/client.py).
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "REMOTE_ADDR")
# Proxies in front that each append to that header: the address is the Nth from its right end,
# since the client writes whatever it likes to the left; a header missing or not an address
# falls back to the socket's address.
CLIENT_IP_PROXY_COUNT = max(1, int(os.environ.get("CLIENT_IP_PROXY_COUNT", "1")))
# Comments close by themselves this many days after publication (0: never).
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("COMMENTS_CLOSE_AFTER_DAYS", "30"))
COMMENTS_RATE_LIMIT = int(os.environ.get("COMMENTS_RATE_LIMIT", "3"))  # per 10 minutes
REPORTS_RATE_LIMIT = int(os.environ.get("REPORTS_RATE_LIMIT", "10"))  # per 10 minutes
COMMENTS_REPORTS_TO_HIDE = int(os.environ.get("COMMENTS_REPORTS_TO_HIDE", "3"))
COMMENTS_MAX_LINKS = 2
COMMENTS_MIN_FORM_SECONDS = int(os.environ.get("COMMENTS_MIN_FORM_SECONDS", "3"))
COMMENTS_MAX_FORM_SECONDS = int(os.environ.get("COMMENTS_MAX_FORM_SECONDS", str(4 * 3600)))
# Approve automatically an email with this many approved comments and none refused (0: off).
COMMENTS_TRUSTED_AFTER = int(os.environ.get("COMMENTS_TRUSTED_AFTER", "0"))
COMMENTS_METADATA_DAYS = int(os.environ.get("COMMENTS_METADATA_DAYS", "90"))

# Articles and comments deleted in the desk stay this many days in the trash, where they can be
# restored, before `manage.py purge_deleted` deletes them for good.
SOFT_DELETE_DAYS = int(os.environ.get("SOFT_DELETE_DAYS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": sys.stdout, "formatter": "plain"}
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}
