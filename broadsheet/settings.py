"""Django settings for Broadsheet.

Nothing here reads the process environment itself: every value comes through ``broadsheet.lib.env``,
and every setting read is documented in README.md (a test checks both).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF

from broadsheet.lib.env import env_bool, env_int, env_list, env_str
from broadsheet.lib.secret import load_or_create_secret_key

# Lets the admin and querysets be written with type parameters (ModelAdmin[Article]).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent

DATA_DIR = Path(env_str("BROADSHEET_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("BROADSHEET_SECRET_KEY", "") or load_or_create_secret_key(DATA_DIR)
DEBUG = env_bool("BROADSHEET_DEBUG", False)

BASE_URL = env_str("BROADSHEET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("BROADSHEET_SITE_NAME", "Broadsheet")
_base_host = urlsplit(BASE_URL).hostname or "localhost"
ALLOWED_HOSTS = env_list(
    "BROADSHEET_ALLOWED_HOSTS", sorted({"localhost", "127.0.0.1", "[::1]", _base_host})
)
CSRF_TRUSTED_ORIGINS = [BASE_URL]
# Other sites (scheme://host[:port]) that may embed the live and comment widgets and call their
# APIs from the browser; CORS headers go to these only.
EMBED_ORIGINS = env_list("BROADSHEET_EMBED_ORIGINS", [])

INSTALLED_APPS = [
    "broadsheet.admin_config.AdminConfig",  # django.contrib.admin, its login rate limited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "ninja",  # its bundled Swagger UI for /api/docs, rather than a CDN
    "django.contrib.humanize",
    "broadsheet",
    "broadsheet.articles",
    "broadsheet.comments",
    "broadsheet.antispam",
    "broadsheet.live",
    "broadsheet.privacy",
    "broadsheet.transfer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "broadsheet.live.middleware.BeatShortcut",
    "broadsheet.antispam.akismet.middleware.AkismetShortcut",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: static files need no policy, every page and API answer gets one.
    "csp.middleware.CSPMiddleware",
    "broadsheet.comments.api.middleware.ApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside CommonMiddleware, so an old address redirects before a slash is appended to it.
    "broadsheet.transfer.middleware.LegacyRedirect",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database that is down or full answers 503 with Retry-After rather than a 500.
    "broadsheet.outages.OutageMiddleware",
]

ROOT_URLCONF = "broadsheet.urls"
WSGI_APPLICATION = "broadsheet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "broadsheet.context_processors.site",
            ],
        },
    },
]

# SQLite in WAL mode with IMMEDIATE write transactions: without both, concurrent writers get
# "database is locked" at a few hundred writes a second.
SQLITE_PATH = DATA_DIR / "broadsheet.sqlite3"
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    # Health checks: a kept connection that a PostgreSQL restart dropped is replaced at the start
    # of the next request instead of failing it.
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "broadsheet.lib.sqlite",  # Django's, with writers queued (see there)
            "NAME": str(SQLITE_PATH),
            # Django's default, said outright: pytest-django knows it only for its own engine.
            "TEST": {"NAME": ":memory:"},
            # Keep each worker's connection: opening one and running the pragmas on every
            # request cost more than rendering the page.
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Misses while Redis is down instead of failing the page; a short timeout so a
            # host that does not answer costs a quarter of a second, not a worker.
            "BACKEND": "broadsheet.lib.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
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

LANGUAGE_CODE = env_str("BROADSHEET_LANGUAGE", "en")
TIME_ZONE = env_str("BROADSHEET_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
# Whitenoise serves straight from the apps' static folders, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

EMAIL_HOST = env_str("BROADSHEET_EMAIL_HOST", "")
EMAIL_PORT = env_int("BROADSHEET_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("BROADSHEET_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("BROADSHEET_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("BROADSHEET_EMAIL_USE_TLS", True)
# Mail goes out after the comment or request is saved, while the poster waits: a mail server
# that stops answering must not hold a worker (Django waits for ever by default).
EMAIL_TIMEOUT = env_int("BROADSHEET_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("BROADSHEET_EMAIL_FROM", f"Broadsheet <noreply@{_base_host}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

ARTICLES_PER_PAGE = env_int("BROADSHEET_ARTICLES_PER_PAGE", 12, minimum=1)
# Seconds one rendering of a page serves every reader without cookies of their own (0: off).
PAGE_CACHE_SECONDS = env_int("BROADSHEET_PAGE_CACHE_SECONDS", 5, minimum=0)

# Comments: see README.md, "Comments", for what each one does.
TRUSTED_PROXIES = env_list("BROADSHEET_TRUSTED_PROXIES", [])
COMMENTS_MAX_DEPTH = env_int("BROADSHEET_COMMENTS_MAX_DEPTH", 5, minimum=1)
COMMENTS_MAX_LENGTH = env_int("BROADSHEET_COMMENTS_MAX_LENGTH", 5000, minimum=10)
COMMENTS_MIN_LENGTH = env_int("BROADSHEET_COMMENTS_MIN_LENGTH", 2, minimum=1)
COMMENTS_MIN_SECONDS = env_int("BROADSHEET_COMMENTS_MIN_SECONDS", 3, minimum=0)
COMMENTS_MAX_FORM_AGE = env_int("BROADSHEET_COMMENTS_MAX_FORM_AGE", 7200, minimum=60)
COMMENTS_MAX_LINKS = env_int("BROADSHEET_COMMENTS_MAX_LINKS", 2, minimum=0)
COMMENTS_RATE_WINDOW = env_int("BROADSHEET_COMMENTS_RATE_WINDOW", 60, minimum=1)
COMMENTS_RATE_PER_IP = env_int("BROADSHEET_COMMENTS_RATE_PER_IP", 3, minimum=0)
COMMENTS_RATE_PER_EMAIL = env_int("BROADSHEET_COMMENTS_RATE_PER_EMAIL", 3, minimum=0)
COMMENTS_RATE_PER_THREAD = env_int("BROADSHEET_COMMENTS_RATE_PER_THREAD", 30, minimum=0)
COMMENTS_HOLD_WORDS = env_list("BROADSHEET_COMMENTS_HOLD_WORDS", [])
COMMENTS_REJECT_WORDS = env_list("BROADSHEET_COMMENTS_REJECT_WORDS", [])
COMMENTS_HOLD_FIRST_TIME = env_bool("BROADSHEET_COMMENTS_HOLD_FIRST_TIME", True)
COMMENTS_EDIT_WINDOW = env_int("BROADSHEET_COMMENTS_EDIT_WINDOW", 900, minimum=0)
COMMENTS_PER_PAGE = env_int("BROADSHEET_COMMENTS_PER_PAGE", 50, minimum=1)
COMMENTS_REPLIES_SHOWN = env_int("BROADSHEET_COMMENTS_REPLIES_SHOWN", 20, minimum=1)
COMMENTS_NOTIFY_MODERATORS = env_bool("BROADSHEET_COMMENTS_NOTIFY_MODERATORS", True)
# Webhooks (configured in the admin): seconds one attempt may take, how many attempts, and the
# first retry's delay (each later one waits twice as long); the delivery log is kept this many days.
WEBHOOK_TIMEOUT = env_int("BROADSHEET_WEBHOOK_TIMEOUT", 5, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("BROADSHEET_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_RETRY_SECONDS = env_int("BROADSHEET_WEBHOOK_RETRY_SECONDS", 30, minimum=1)
WEBHOOK_LOG_DAYS = env_int("BROADSHEET_WEBHOOK_LOG_DAYS", 30, minimum=1)

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BROADSHEET_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BASE_URL.startswith("https://")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Sent only on HTTPS requests (with BROADSHEET_BEHIND_PROXY, those the proxy marks https).
SECURE_HSTS_SECONDS = env_int("BROADSHEET_HSTS_SECONDS", 31536000, minimum=0)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every script and style is a file of our own: no inline code, no eval, and nothing the JSON-LD
# block needs (browsers do not run it). The widgets are scripts on other sites, not frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGIN_URL = "admin:login"
# Failed admin sign-ins: after this many from one address, or for one user name, within the
# window (seconds), the login form refuses (HTTP 429) until the window has passed.
LOGIN_RATE_WINDOW = env_int("BROADSHEET_LOGIN_RATE_WINDOW", 900, minimum=1)
LOGIN_RATE_PER_IP = env_int("BROADSHEET_LOGIN_RATE_PER_IP", 20, minimum=1)
LOGIN_RATE_PER_USER = env_int("BROADSHEET_LOGIN_RATE_PER_USER", 5, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BROADSHEET_LOG_LEVEL", "INFO")},
}

# --- live ---
# "Others are currently reading": see README.md, "Live readers". A reader counts for one article
# for LIVE_WINDOW seconds after their last heartbeat; the page beats every LIVE_PERIOD seconds.
LIVE_WINDOW = env_int("BROADSHEET_LIVE_WINDOW", 90, minimum=3)
LIVE_PERIOD = env_int("BROADSHEET_LIVE_PERIOD", 30, minimum=1)
LIVE_MIN_READERS = env_int("BROADSHEET_LIVE_MIN_READERS", 3, minimum=1)
LIVE_TOP = env_int("BROADSHEET_LIVE_TOP", 5, minimum=1)
# "" picks Redis when LIVE_REDIS_URL is set, else the SQLite file shared by local workers.
LIVE_BACKEND = env_str("BROADSHEET_LIVE_BACKEND", "")
LIVE_REDIS_URL = env_str("BROADSHEET_LIVE_REDIS_URL", REDIS_URL)
# Redis slower than this (milliseconds) counts as down: pages and beats never wait for it.
LIVE_TIMEOUT_MS = env_int("BROADSHEET_LIVE_TIMEOUT_MS", 50, minimum=1)
LIVE_CACHE_SECONDS = env_int("BROADSHEET_LIVE_CACHE_SECONDS", 10, minimum=0)

# --- antispam ---
# How often (seconds) each worker checks the database for another worker's spam feedback or a
# retrained model; 0 checks on every request.
SPAM_REFRESH_SECONDS = env_int("BROADSHEET_SPAM_REFRESH_SECONDS", 2, minimum=0)
# How far back near-duplicate texts count as one campaign, and how many recent texts are kept.
SPAM_CAMPAIGN_HOURS = env_int("BROADSHEET_SPAM_CAMPAIGN_HOURS", 72, minimum=1)
SPAM_RECENT_MAX = env_int("BROADSHEET_SPAM_RECENT_MAX", 100000, minimum=100)
# Whether Akismet's guaranteed-spam test value also answers "discard" (tests the discard path).
SPAM_TEST_DISCARD = env_bool("BROADSHEET_SPAM_TEST_DISCARD", False)
# A site's learnt layer is written in full every this many moderation actions.
SPAM_SNAPSHOT_EVERY = env_int("BROADSHEET_SPAM_SNAPSHOT_EVERY", 100, minimum=1)
# A site's layer is refitted on all its labels, in the background, once moderators have paused
# for this many seconds (each label is also learnt at once, online).
SPAM_REFIT_SECONDS = env_int("BROADSHEET_SPAM_REFIT_SECONDS", 5, minimum=0)
# Akismet-compatible API: the largest request body answered (bigger ones get 413), and the
# Akismet host names it also answers to (a WordPress site pointed here keeps Host: rest.akismet.com;
# {key}.{host} carries the key in its first label).
AKISMET_MAX_BODY = env_int("BROADSHEET_AKISMET_MAX_BODY", 65536, minimum=1024)
AKISMET_HOSTS = env_list("BROADSHEET_AKISMET_HOSTS", ["rest.akismet.com"])

# --- privacy ---
# Who answers for readers' data and how to reach them (GDPR Art. 13(1)(a)); shown on /privacy/.
PRIVACY_CONTROLLER = env_str("BROADSHEET_PRIVACY_CONTROLLER", SITE_NAME)
PRIVACY_CONTACT = env_str("BROADSHEET_PRIVACY_CONTACT", f"privacy@{_base_host}")
# Retention: every period is read both by `broadsheet privacy purge` and by the notice.
PRIVACY_IP_DAYS = env_int("BROADSHEET_PRIVACY_IP_DAYS", 30, minimum=1)
PRIVACY_IP_KEY_DAYS = env_int("BROADSHEET_PRIVACY_IP_KEY_DAYS", 7, minimum=1)
PRIVACY_SPAM_DAYS = env_int("BROADSHEET_PRIVACY_SPAM_DAYS", 15, minimum=1)
PRIVACY_PENDING_DAYS = env_int("BROADSHEET_PRIVACY_PENDING_DAYS", 30, minimum=1)
PRIVACY_UNCONFIRMED_DAYS = env_int("BROADSHEET_PRIVACY_UNCONFIRMED_DAYS", 30, minimum=1)
PRIVACY_CHECK_LOG_DAYS = env_int("BROADSHEET_PRIVACY_CHECK_LOG_DAYS", 15, minimum=1)
PRIVACY_EXPORT_HOURS = env_int("BROADSHEET_PRIVACY_EXPORT_HOURS", 72, minimum=1)
PRIVACY_REQUEST_DAYS = env_int("BROADSHEET_PRIVACY_REQUEST_DAYS", 365, minimum=1)
PRIVACY_LINK_HOURS = env_int("BROADSHEET_PRIVACY_LINK_HOURS", 24, minimum=1)
PRIVACY_BACKUP_DAYS = env_int("BROADSHEET_PRIVACY_BACKUP_DAYS", 14, minimum=0)
# Readers' export and erasure requests: most per address a day, and per IP address an hour.
PRIVACY_RATE_PER_EMAIL = env_int("BROADSHEET_PRIVACY_RATE_PER_EMAIL", 3, minimum=1)
PRIVACY_RATE_PER_IP = env_int("BROADSHEET_PRIVACY_RATE_PER_IP", 10, minimum=1)
