"""Settings for Briefing: one module, every deploy knob read from the environment.

With no environment at all this is the demo profile (plain http on 127.0.0.1,
SQLite, a file cache). `.env.example` documents the production profile, which
`manage.py check --deploy --fail-level WARNING` accepts.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime data by default (the SQLite file, the file cache, collected static
# files) lives in var/, which git ignores.
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-demo-key-set-DJANGO_SECRET_KEY-in-production",
)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = [
    host.strip()
    for host in env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
]

INSTALLED_APPS = [
    "briefing.accounts",
    "briefing",
    "comments",
    "notifications",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "briefing.middleware.reject_nul_bytes",
    "briefing.middleware.cross_origin_resource_policy",
    # Outside cache_headers: only what it leaves public is compressed.
    "briefing.middleware.compress_public_pages",
    # Outside every middleware that sets a cookie or reads the session.
    "briefing.middleware.cache_headers",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language: their choice (the cookie set_language writes),
    # else the browser's Accept-Language; no prefixes, the URLs are a contract.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A signed-in reader's language is the one remembered on their account.
    "briefing.accounts.middleware.reader_language",
    # In place of allauth's UserSessionsMiddleware: the same tracking of
    # each session's last use, throttled to once a minute.
    "briefing.accounts.middleware.record_session_activity",
    "briefing.accounts.middleware.record_last_seen",
    "comments.discussion.remember_sort",
    "django.contrib.messages.middleware.MessageMiddleware",
    "briefing.accounts.middleware.require_staff_two_factor",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "briefing.urls"
WSGI_APPLICATION = "briefing.wsgi.application"

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
                "django.template.context_processors.csp",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
    # One loop only, the discussion's comments: comments/comment_items.py.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
    },
]

# Database: an embedded SQLite file by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates its file, not the folder: a file cache in var/ would
    # make var/ too, one on Redis does not.
    if Path(DATABASES["default"]["NAME"]).parent == VAR_DIR:
        VAR_DIR.mkdir(exist_ok=True)
    # Several gunicorn workers write at once: WAL lets readers run beside the
    # writer, IMMEDIATE takes the write lock at BEGIN (so a transaction never
    # fails half-way on upgrading its lock) and the timeout queues writers
    # instead of answering "database is locked".
    # Django's backend with the writers of all workers queued for the write
    # lock, rather than each polling for it in SQLite's busy handler
    # (briefing/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "briefing.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
    # Opening a connection runs those pragmas: a worker keeps its connection
    # rather than paying that on every request (docs/benchmarks.md measures it).
    DATABASES["default"]["CONN_MAX_AGE"] = None
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    from psycopg_pool import ConnectionPool

    # A pool per worker; check() drops connections killed by a server restart.
    # While the server is down a request waits for a connection at most
    # `timeout` seconds, then fails with an error page: well within gunicorn's
    # timeout, which would otherwise kill the worker and cut the connection.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("BRIEFING_DB_POOL_SIZE", default=4),
        "timeout": env.float("BRIEFING_DB_POOL_TIMEOUT", default=10),
        "check": ConnectionPool.check_connection,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared by every worker of the machine (a file cache) by default,
# Redis through CACHE_URL when instances are many.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's, keeping its Redis client instead of making one a call.
    CACHES["default"]["BACKEND"] = "briefing.cache.RedisCache"
elif CACHES["default"]["BACKEND"].endswith("filebased.FileBasedCache"):
    # Django's, counting its files on one write in many (briefing/cache.py).
    CACHES["default"]["BACKEND"] = "briefing.cache.FileBasedCache"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
# Every password sign-in (the site's, and so the admin's) passes the
# throttle. ModelBackend stays listed so that sessions opened without a
# password (just after signing up) name a backend that exists.
AUTHENTICATION_BACKENDS = [
    "briefing.accounts.throttle.ThrottledAuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "briefing:front_page"
LOGOUT_REDIRECT_URL = "briefing:front_page"

# Accounts: django-allauth (sign-up, sign-in, e-mail verification, passwords,
# two-factor sign-in, sessions), with the site's username rule (the adapter).
ACCOUNT_ADAPTER = "briefing.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "briefing.accounts.forms.SignUpForm",
    "login": "briefing.accounts.forms.SignInForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
# Until the address is verified the reader reads and posts, but no
# notification is mailed to it.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = True
# One address per reader; a new one replaces it once verified.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Subjects start "Briefing: " in the reader's language (AccountAdapter).
# allauth's limits count in the cache, which on a file cache is not atomic;
# briefing.accounts.throttle counts every limited action in the database.
ACCOUNT_RATE_LIMITS = False
USERSESSIONS_ADAPTER = "briefing.accounts.security_log.UserSessionsAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Briefing"
MFA_FORMS = {
    "authenticate": "briefing.accounts.forms.TwoFactorForm",
    "reauthenticate": "briefing.accounts.forms.TwoFactorReauthenticateForm",
}
# on: staff must verify their address and set up two-factor sign-in (TOTP)
# before any admin page opens. Off in the demo, so it can be tried at once.
BRIEFING_STAFF_2FA = env.bool("BRIEFING_STAFF_2FA", default=False)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as "11 February 2024 15:30" and "11 февраля 2024 15:30".
FORMAT_MODULE_PATH = ["briefing.formats"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
# The switch's choice is kept a year, like the sort order.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_TZ = True
URLIZE_ASSUME_HTTPS = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Editors' uploads (lead images and their smaller copies), served by
# briefing.views.media so that gunicorn alone is a complete deployment
# (WhiteNoise serves only the files it found at start); a proxy in front may
# serve /media/ from this folder itself.
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail: printed to the console unless DJANGO_EMAIL_URL names an SMTP server.
_email = env.email_url("DJANGO_EMAIL_URL", default="consolemail://")
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            option: _email[setting]
            for option, setting in [
                ("host", "EMAIL_HOST"),
                ("port", "EMAIL_PORT"),
                ("username", "EMAIL_HOST_USER"),
                ("password", "EMAIL_HOST_PASSWORD"),
                ("use_tls", "EMAIL_USE_TLS"),
                ("use_ssl", "EMAIL_USE_SSL"),
            ]
            if _email.get(setting) not in (None, "")
            and _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        },
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    # A mail server that accepts the connection and then says nothing must
    # not hold the worker (and, on SQLite, the database's write lock) for long.
    MAILERS["default"]["OPTIONS"]["timeout"] = env.int(
        "BRIEFING_SMTP_TIMEOUT_SECONDS", default=10
    )
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Briefing <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: django.tasks on django-tasks-db, durable rows in this
# site's own database, run by `manage.py db_worker` (deploy/systemd/
# briefing-worker@.service; `make run` starts one beside gunicorn).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Links in mails are absolute: they start with the site's public address.
BRIEFING_SITE_URL = env("BRIEFING_SITE_URL", default="http://127.0.0.1:8000").rstrip(
    "/"
)
# A notification is mailed this long after the event (not at all if the
# reader has seen it on the site by then); a failing mail server is tried
# again after BRIEFING_NOTIFICATION_MAIL_RETRY_SECONDS, doubling each time up
# to an hour.
BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS = env.int(
    "BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS", default=60
)
BRIEFING_NOTIFICATION_MAIL_RETRY_SECONDS = env.int(
    "BRIEFING_NOTIFICATION_MAIL_RETRY_SECONDS", default=60
)

# Security. The demo profile serves plain http on 127.0.0.1; the production
# profile (DJANGO_HTTPS=on) assumes TLS ends at a proxy that sets
# X-Forwarded-Proto, and turns on secure __Host- cookies, HSTS and the redirect.
HTTPS = env.bool("DJANGO_HTTPS", default=False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers and the Prometheus scraper ask over plain http, on
    # the private network; /metrics answers only BRIEFING_METRICS_ALLOWED.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
    )
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # Links in account mails (verification, password reset).
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Addresses of proxies whose X-Forwarded-For is believed (sign-in throttling).
BRIEFING_TRUSTED_PROXIES = [
    address.strip()
    for address in env.list("BRIEFING_TRUSTED_PROXIES", default=["127.0.0.1"])
]
# Addresses or networks that may read /metrics (the Prometheus scraper);
# anyone else gets 403. Behind a proxy, listed in BRIEFING_TRUSTED_PROXIES,
# the address is the one X-Forwarded-For gives.
BRIEFING_METRICS_ALLOWED = [
    address.strip()
    for address in env.list("BRIEFING_METRICS_ALLOWED", default=["127.0.0.1"])
]
# When the oldest pending comment has waited longer than this, the task
# worker mails the moderators (at most once an hour).
BRIEFING_QUEUE_ALERT_MINUTES = env.int("BRIEFING_QUEUE_ALERT_MINUTES", default=30)
# How long anonymous readers may share a rendered article page: every change
# to what it shows renews it at once (briefing/shared_pages.py); this bounds
# only what no change announces. 0 renders every page afresh.
BRIEFING_SHARED_PAGE_SECONDS = env.int("BRIEFING_SHARED_PAGE_SECONDS", default=60)
# "off" lifts the per-reader posting and reporting limits for load tests.
BRIEFING_RATE_LIMITS = env.bool("BRIEFING_RATE_LIMITS", default=True)
# Hours between a reader asking to delete their account and its erasure
# by the task worker; 0 erases it at once.
BRIEFING_DELETION_GRACE_HOURS = env.int("BRIEFING_DELETION_GRACE_HOURS", default=24)
# Days a rejected comment's text is kept for appeals and moderators, then
# emptied by the task worker; the moderation record stays.
BRIEFING_REJECTED_RETENTION_DAYS = env.int(
    "BRIEFING_REJECTED_RETENTION_DAYS", default=365
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_one_line": {
            "()": "briefing.logging.ClientErrorsOnOneLine",
        },
    },
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["client_errors_one_line"],
        },
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "django.server": {"level": "WARNING"},
    },
}
