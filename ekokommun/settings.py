"""Settings for Ekokommun: one module, read from the environment (twelve-factor).

Development is the default and needs no configuration. `DJANGO_ENV=production` turns on the
production posture and refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
# Every prepared read (common.prepared) also built by the ORM and compared: while developing.
PREPARED_QUERIES_CHECK = env_bool("PREPARED_QUERIES_CHECK", default=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")

if PRODUCTION:
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY == DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters in production."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "members",
    "indicators",
    "conversations",
    "examples",
]

MIDDLEWARE = [
    "ekokommun.middleware.RequestLogMiddleware",
    # Before anything that may query the database (sessions included): NUL bytes -> 400.
    "ekokommun.input_guard.NulByteMiddleware",
    # A database outage answers 503 with Retry-After (or a cached public page), never 500.
    "ekokommun.middleware.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ekokommun.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The second factor: django-otp marks verified logins; ours asks for what is owed.
    "django_otp.middleware.OTPMiddleware",
    "ekokommun.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ekokommun.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ekokommun.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "ekokommun.wsgi.application"
ASGI_APPLICATION = "ekokommun.asgi.application"

# Without DATABASE_URL the site runs on an embedded SQLite file; with it, on PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents live outside the code tree and are never served as static files.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", Path.home() / ".local/share/ekokommun/media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names and compressed copies (gzip and brotli) in production; plain files in
        # development and tests, which need no collectstatic.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kansliet@sekom.se")
# The office's contact details on the accessibility statement and in the footer.
OFFICE_EMAIL = os.environ.get("OFFICE_EMAIL", DEFAULT_FROM_EMAIL)
OFFICE_PHONE = os.environ.get("OFFICE_PHONE", "")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reporting_landing"
LOGOUT_REDIRECT_URL = "home"
# How long the approval e-mail's link that opens a reporting account works (seconds).
ACCOUNT_ACTIVATION_TIMEOUT = int(os.environ.get("ACCOUNT_ACTIVATION_TIMEOUT", str(3 * 86400)))

# Reporters log in with their e-mail address; django-axes, first, refuses logins to an account
# that has been guessed at too often.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ekokommun.auth.EmailOrUsernameBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
# Failures count per account and client address together: guessing from elsewhere never locks
# the real user out. The login name is resolved to the account first (ekokommun.auth).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ...and per address alone, with a higher limit (a municipality's office shares one address).
AXES_HANDLER = "ekokommun.auth.AddressLimitAxesHandler"
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "30"))
AXES_USERNAME_CALLABLE = "ekokommun.auth.login_name"
AXES_CLIENT_IP_CALLABLE = "ekokommun.auth.client_ip"
# How many reverse proxies in front of the site add to X-Forwarded-For (0: none, use the peer).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Staff log in to the admin with a second factor (TOTP app, recovery codes) where this is on:
# always in production, off in development so `make run`'s admin/ekokommun still works.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", PRODUCTION)
OTP_TOTP_ISSUER = "Sveriges Ekokommuner"
# The admin never shows a device's secret or QR code (enrolment is the owner's own page); this
# also makes django-otp's admin config/QR views answer 403 instead of 500 for a missing device.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A staff session ends after this long without a request (8 hours).
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", str(8 * 3600)))

# Retention of personal data (members.gdpr, `manage.py apply_retention`, run daily): rejected
# applications and their PDFs are deleted after this many months from the board's decision;
# replaced contact persons' and former members' names, e-mail addresses and phone numbers are
# anonymised this many months after the person's role ended.
RETENTION_REJECTED_APPLICATION_MONTHS = int(os.environ.get("RETENTION_APPLICATION_MONTHS", "12"))
RETENTION_FORMER_CONTACT_MONTHS = int(os.environ.get("RETENTION_CONTACT_MONTHS", "24"))

# The public application form (/ansok/): posts per client address (django-ratelimit, counted in
# the default cache, Redis in production). django_ratelimit is deliberately not an installed
# app: its system check refuses the local-memory cache used in development and tests.
APPLICATION_RATE_LIMIT = os.environ.get("APPLICATION_RATE_LIMIT", "10/h")
RATELIMIT_USE_CACHE = "default"

# Admin exports neutralise text that a spreadsheet would run as a formula (the formats in
# common/import_formats.py do it the way common/spreadsheets.py does for the site's files).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Absolute links in e-mails (reminders to reporters).
SITE_URL_DEFAULT = "http://127.0.0.1:8000"
SITE_URL = os.environ.get("SITE_URL", SITE_URL_DEFAULT).rstrip("/")
# remind_reporters --send sends the same reminder (member, year, missing figures) at most
# once in this many days, so it is safe to run daily from cron.
REMINDER_INTERVAL_DAYS = int(os.environ.get("REMINDER_INTERVAL_DAYS", "14"))

# Questions between members (conversations): the texts are kept this many days, then emptied
# (`manage.py expire_question_texts`, daily); who asked whom about what stays, for the counts.
# A member user may send this many questions a day, and a member receive this many.
QUESTION_TEXT_RETENTION_DAYS = int(os.environ.get("QUESTION_TEXT_RETENTION_DAYS", "180"))
QUESTIONS_PER_USER_PER_DAY = int(os.environ.get("QUESTIONS_PER_USER_PER_DAY", "5"))
QUESTIONS_PER_RECEIVER_PER_DAY = int(os.environ.get("QUESTIONS_PER_RECEIVER_PER_DAY", "10"))

# Kolada's open API (indicators/kolada/, `manage.py kolada_sync`): the base URL (tests and
# staging point it at a stub), timeouts in seconds, retries on 429/5xx and broken connections,
# and the contact that the User-Agent names so that RKA can reach whoever runs the fetches.
KOLADA_URL = os.environ.get("KOLADA_URL", "https://api.kolada.se/v2").rstrip("/")
KOLADA_CONNECT_TIMEOUT = float(os.environ.get("KOLADA_CONNECT_TIMEOUT", "5"))
KOLADA_READ_TIMEOUT = float(os.environ.get("KOLADA_READ_TIMEOUT", "60"))
KOLADA_RETRIES = int(os.environ.get("KOLADA_RETRIES", "4"))
KOLADA_BACKOFF = float(os.environ.get("KOLADA_BACKOFF", "1"))
KOLADA_CONTACT = os.environ.get("KOLADA_CONTACT", "") or f"{SITE_URL}; {OFFICE_EMAIL}"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Only a local `make serve` without TLS turns these off (SECURE_COOKIES=false).
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Everything goes to standard output: one line per request (method, path, status, time) from
# ekokommun.middleware, and errors with their traceback from django.request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # runserver prints its own access lines; ours cover every server.
        "django.server": {"level": "WARNING"},
    },
}

# Development and tests serve static files straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Content-Security-Policy: only the site's own scripts, styles, images and connections.
# Chart data travels in json_script blocks (type application/json), which CSP does not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Plotly positions chart parts with style attributes; <style> elements and foreign
        # stylesheets stay blocked, and scripts are strictly the site's own.
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# During a database outage: how long clients are asked to wait (Retry-After, seconds).
OUTAGE_RETRY_AFTER = int(os.environ.get("OUTAGE_RETRY_AFTER", "30"))

# Cache for the public pages' computed data: Redis when REDIS_URL is set (shared by every
# process and machine), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Bounded by bytes as well as entries (common/local_cache.py): every gunicorn worker holds its
# own copy, so its size is what a worker's memory grows by (LOCAL_CACHE_MAX_BYTES, default 32 MB).
LOCAL_CACHE = {
    "BACKEND": "common.local_cache.SizedLocMemCache",
    "LOCATION": "ekokommun-local",
    "OPTIONS": {
        "MAX_ENTRIES": 2000,
        "MAX_BYTES": int(os.environ.get("LOCAL_CACHE_MAX_BYTES", 32 * 1024 * 1024)),
    },
}
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else LOCAL_CACHE
    ),
    # Each process's copy in front of the shared cache; safe because entries never change under
    # their versioned keys (common/data_version.py).
    "local": LOCAL_CACHE,
}

# Background jobs (Celery, ekokommun/celery.py): a worker runs the tasks and one celery beat
# starts the scheduled ones. The broker is the site's Redis unless CELERY_BROKER_URL names
# another (a database of its own is wise: the cache's may be flushed or evicted). Without a
# broker (development, `make run`, tests) tasks run eagerly, in the process that queues them;
# the schedule runs only where `make beat` is started.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
if not CELERY_TASK_ALWAYS_EAGER and not CELERY_BROKER_URL:
    raise ImproperlyConfigured(
        "CELERY_TASK_ALWAYS_EAGER=false needs a broker: set CELERY_BROKER_URL (or REDIS_URL)."
    )
# Run eagerly, a failed task is logged and its retries run at once; tests make failures raise
# (tests/conftest.py), which Celery's eager retries do not survive.
CELERY_TASK_EAGER_PROPAGATES = env_bool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# No task's caller waits for a result, so none is stored (no result backend).
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it has finished, not when a worker takes it, and a worker takes
# one at a time: a worker that dies mid-task leaves it to another (the tasks are idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged task to another worker after this long: longer than the
# longest task (the weekly Kolada sync), or it would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(6 * 3600)))
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The domain-free e-mail task lives outside the apps that autodiscovery searches.
CELERY_IMPORTS = ["common.tasks"]
# celery beat's schedule (Europe/Stockholm). Reminders run daily: REMINDER_INTERVAL_DAYS
# decides how often one member is actually reminded.
CELERY_BEAT_SCHEDULE = {
    "kolada-sync-weekly": {
        "task": "indicators.tasks.kolada_sync",
        "schedule": crontab(minute=0, hour=3, day_of_week="mon"),
    },
    "remind-reporters-daily": {
        "task": "indicators.tasks.remind_reporters",
        "schedule": crontab(minute=0, hour=8),
    },
    "apply-retention-daily": {
        "task": "members.tasks.apply_retention",
        "schedule": crontab(minute=30, hour=2),
    },
    "expire-question-texts-daily": {
        "task": "conversations.tasks.expire_question_texts",
        "schedule": crontab(minute=45, hour=2),
    },
    # The yearly digest after the reporting season (members report by the end of March).
    "digest-yearly": {
        "task": "conversations.tasks.digest_send",
        "schedule": crontab(minute=0, hour=9, day_of_month=15, month_of_year=4),
    },
}
# "Liknande kommuner": how many organisations of the same kind with the nearest population each
# organisation is compared with (members.services.similar), until Kolada's groups replace it.
SIMILAR_ORGANISATIONS = int(os.environ.get("SIMILAR_ORGANISATIONS", "10"))
