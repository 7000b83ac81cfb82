"""Settings for L'Heure Civique, read from the environment (see .env.example)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY est obligatoire en production (DJANGO_DEBUG désactivé)."
        )
    # Development only: a fixed key is harmless when DEBUG is on and nothing is public.
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=[".localhost", "127.0.0.1", "[::1]"] if DEBUG else [],
)

# Where the department portals live: <slug>.<PORTAL_DOMAIN> (and <slug>.localhost in development).
# Every absolute link written outside a request (emails of send_reminders and of the Celery tasks,
# documents) is built from these two, by Territory.url. In development, the address `make run`
# serves: http://<slug>.localhost:<PORT> (8000 unless PORT says otherwise), so that a command run
# by hand, outside `make run`, writes links to it too, never to the production domain.
PORTAL_DOMAIN = env(
    "PORTAL_DOMAIN",
    default=f"localhost:{env.int('PORT', default=8000)}" if DEBUG else "lheurecivique.fr",
)
PORTAL_SCHEME = env("PORTAL_SCHEME", default="http" if DEBUG else "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "heurecivique",
    "accounts",
    "territories",
    "gestes",
    "outils",
    "initiatives",
    "volunteers",
    "missions",
    "mobilisation",
    "pilotage",
]

MIDDLEWARE = [
    "heurecivique.health.HealthCheckMiddleware",
    "heurecivique.middleware.CompressedTextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "heurecivique.middleware.UnacceptableCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "heurecivique.middleware.PrivacyHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSessionMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "heurecivique.page_cache.PublicPageMiddleware",
    "territories.middleware.TerritoryMiddleware",
    "heurecivique.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "heurecivique.urls"
WSGI_APPLICATION = "heurecivique.wsgi.application"

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
                "territories.context_processors.territory",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that does not answer gives the French error page in seconds, not a worker
    # killed by gunicorn after 30 s: seconds to connect, milliseconds per statement (workers
    # and migrations, which may need longer, set DATABASE_STATEMENT_TIMEOUT=0: no limit), and
    # a connection whose packets go unanswered is dropped (tcp_user_timeout, keepalives).
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=3),
        "options": f"-c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT', default=5000)}",
        "tcp_user_timeout": 10_000,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when present, is both the cache (rate limits, counters) and the Celery broker. It is
# an accelerator: when it does not answer within REDIS_TIMEOUT seconds, pages are served
# without it (heurecivique/cache.py) and tasks wait in the database (heurecivique/celery.py).
REDIS_URL = env("REDIS_URL", default="")
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
# How long a public page is kept for visitors not signed in (heurecivique/page_cache.py); 0: never.
PUBLIC_PAGE_SECONDS = env.int("PUBLIC_PAGE_SECONDS", default=300)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "heurecivique.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hc",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Embedded mode: an in-process broker (named, so kombu does not warn about a missing host).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="heurecivique")
# A message a worker took and never acknowledged (the worker was killed) goes back to the queue
# after this delay; longer than any task, and than any retry countdown.
# A publish gives up after these few seconds rather than hold a web request (the broker
# is down: the rows in the database wait for a sweeper); BRPOP's own timeout is 1 s.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
}
# In Europe/Paris time: each morning the follow-up emails due that day (volunteers/tasks.py),
# every ten minutes a sweep for follow-up emails whose task was lost, every minute the same for
# the site's other emails (heurecivique/tasks.py), each night the erasure of the signatures of
# the Appel that need not be kept (mobilisation/tasks.py).
CELERY_BEAT_SCHEDULE = {
    "requeue-site-emails": {
        "task": "heurecivique.tasks.requeue_emails",
        "schedule": crontab(),
    },
    "daily-follow-up": {
        "task": "volunteers.tasks.dispatch",
        "schedule": crontab(hour=8, minute=0),
    },
    "refresh-public-figures": {
        "task": "volunteers.tasks.refresh_figures",
        "schedule": crontab(minute="*/5"),  # volunteers.stats.REFRESH_MINUTES
    },
    # The cockpit's aggregates: the months still changing every few minutes, all each night.
    "count-recent-months": {
        "task": "pilotage.tasks.count_recent",
        "schedule": crontab(minute="*/5"),
    },
    "count-all-months": {
        "task": "pilotage.tasks.count_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # The élus' quarterly report, after the night's count: on the 1st to the 3rd of the
    # quarter's first month (a day missed is caught up; each report goes out once).
    "send-quarterly-reports": {
        "task": "pilotage.tasks.send_quarterly_reports",
        "schedule": crontab(hour=7, minute=0, day_of_month="1-3", month_of_year="1,4,7,10"),
    },
    "requeue-stale-emails": {
        "task": "volunteers.tasks.requeue_stale",
        "schedule": crontab(minute="*/10"),
    },
    "forget-download-visitors": {
        "task": "outils.tasks.forget_visitors",
        "schedule": crontab(hour=0, minute=30),
    },
    "forget-old-access-records": {
        "task": "accounts.tasks.forget_old_access_records",
        "schedule": crontab(hour=3, minute=45),
    },
    "requeue-stale-calls": {
        "task": "mobilisation.tasks.requeue_calls",
        "schedule": crontab(minute="*/10"),
    },
    "purge-signatures": {
        "task": "mobilisation.tasks.purge_signatures",
        "schedule": crontab(hour=3, minute=30),
    },
    "anonymise-inactive-accounts": {
        "task": "volunteers.tasks.anonymise_inactive",
        "schedule": crontab(hour=3, minute=0),
    },
    # The reminder of the day before and « ça s'est bien passé ? » the day after, each once.
    "mission-day-emails": {
        "task": "missions.tasks.send_day_emails",
        "schedule": crontab(minute="*/5"),
    },
    # The heatwave watch's morning email, once per volunteer and day (mobilisation/watch.py).
    "watch-mornings": {
        "task": "mobilisation.tasks.send_watch_mornings",
        "schedule": crontab(minute="*/10"),
    },
    "anonymise-beneficiaries": {
        "task": "missions.tasks.anonymise_beneficiaries",
        "schedule": crontab(hour=3, minute=15),
    },
    # The staff's export files are kept a week (pilotage.models.Export.KEPT_DAYS).
    "delete-old-exports": {
        "task": "pilotage.tasks.delete_old_exports",
        "schedule": crontab(hour=4, minute=0),
    },
    # The crises past their end date ended (the banner went at midnight already): at 0 h 01,
    # and every hour after, so that a night beat missed is caught up.
    "end-past-crises": {
        "task": "mobilisation.tasks.end_past_crises",
        "schedule": crontab(minute=1),
    },
}
# Sending: how many follow-up emails one task sends over one SMTP connection, and the retries of
# any email a server refused for now (4xx): after REMINDER_MAX_ATTEMPTS, it is marked failed.
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=200)
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
REMINDER_RETRY_DELAY = env.int("REMINDER_RETRY_DELAY", default=120)  # seconds, doubled each time

AUTH_USER_MODEL = "accounts.User"
# allauth's backend alone checks a password (once: Django's ModelBackend would check it a second
# time on every failed login); it also answers for permissions, as it derives from ModelBackend.
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    "territories.backends.NationalAdminBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# After signing in, a resident lands in « Mon heure » (or its onboarding, the first time).
LOGIN_REDIRECT_URL = "volunteers:dashboard"

# django-allauth: email is the identifier, verified before the first login.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[L'Heure Civique] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Choosing a password from the emailed link signs the person in (an invited staff member goes
# straight on to the admin, and its two-factor setup).
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
# Rate limits are allauth's defaults (cache-backed); behind a reverse proxy the client address
# comes from X-Forwarded-For, so the proxy itself is not rate limited as one big client.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Our own forms use the same limiter (allauth.core.ratelimit), with these rates. The forms of the
# public views count what they sent, not what was tried (ratelimits.rate_limited); the data export
# and the admin's resending count each attempt.
ACCOUNT_RATE_LIMITS = {
    "volunteer_profile": "10/m/user",
    "log_hour": "30/h/user",
    "personal_data_export": "10/h/user",
    "geste_proposal": "5/h/user",
    "initiative_proposal": "5/h/user",
    "initiative_interest": "10/h/user",
    "appeal_signature": "10/h/ip",
    "resend_emails": "10/h/user",
    "mission_offer": "30/h/user",
    "help_request": "5/h/ip",
}

# Two-factor authentication (allauth.mfa): an authenticator app and recovery codes. Staff must
# use it to reach the admin (accounts/middleware.py); residents may turn it on.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_TOTP_ISSUER = "L'Heure Civique"
# A code typed as it changes, or on a phone whose clock drifts a little, is still accepted.
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    "activate_totp": "accounts.forms.ActivateTOTPForm",
    "authenticate": "accounts.forms.AuthenticateForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
# A staff session ends after this many minutes without a request; residents keep theirs.
STAFF_SESSION_IDLE_MINUTES = env.int("DJANGO_STAFF_SESSION_IDLE_MINUTES", default=30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# First in line: our words where a library's French is not ours (allauth's « e-mail »).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# The staff's export files (pilotage): personal data, outside MEDIA_ROOT so that no public URL
# reaches them; served only by a view that checks who asks. The web and the Celery workers
# must share this folder (docker-compose.yml).
EXPORTS_ROOT = env("DJANGO_EXPORTS_ROOT", default=str(VAR_DIR / "exports"))
# How many rows an export writes between two updates of its progress bar.
EXPORT_PROGRESS_EVERY = env.int("EXPORT_PROGRESS_EVERY", default=500)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Request bodies: nginx lets 21 Mio through (deploy/nginx.conf: the largest upload and the rest of
# its form). Within that, the fields other than files may take 5 Mio (beyond, a 400 page), a file
# of more than 5 Mio waits in a temporary file rather than in memory, and each form bounds its
# own files, in French, before decoding them (heurecivique/images.py, outils/files.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="L'Heure Civique <ne-pas-repondre@lheurecivique.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. The same strict Content-Security-Policy in development and production, so that an
# inline script or style is caught on a developer's screen, not in production.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sessions live in the database (never only in Redis), each with its account: deleting an
# account ends its sessions everywhere (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "heurecivique.views.csrf_failure"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Who publishes the site: shown on the legal notice, required before going public.
LEGAL = {
    "publisher": env("LEGAL_PUBLISHER", default=""),
    "publisher_address": env("LEGAL_PUBLISHER_ADDRESS", default=""),
    "publication_director": env("LEGAL_PUBLICATION_DIRECTOR", default=""),
    "host": env("LEGAL_HOST", default=""),
    "host_address": env("LEGAL_HOST_ADDRESS", default=""),
    "contact_email": env("LEGAL_CONTACT_EMAIL", default="contact@lheurecivique.fr"),
}
# The press contact shown on /presse/.
PRESS_CONTACT_EMAIL = env("PRESS_CONTACT_EMAIL", default="") or LEGAL["contact_email"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Embedded mode runs tasks in-process: Celery's English « Task … succeeded » lines would
        # interleave with the French output of the commands (a worker keeps them).
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}
