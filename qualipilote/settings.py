"""Django settings. Every environment variable is documented in docs/configuration.md."""

from pathlib import Path

import dj_database_url

from qualipilote.env import env_bool, env_int, env_list, env_secret_key, env_str, env_trusted_proxies

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QUALIPILOTE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
# Production refuses a missing, short or development key (issue 10 item 9).
SECRET_KEY = env_secret_key("DJANGO_SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies whose X-Forwarded-For gives the client's address (core/client_address.py, ADR 0014).
QUALIPILOTE_TRUSTED_PROXIES = env_trusted_proxies("QUALIPILOTE_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "documents",
    "core",
    "imports",
    "administration",
    "registers",
    "reception",
    "telephony",
    "correspondence",
    "civil_registry",
    "complaints",
    "surveys",
    "audits",
    "training",
    "appointments",
    "commitments",
    "improvement",
    "reports",
    "dashboards",
    "publication",
    "evidence",
    "demo",
    # Two-factor login and "Mes sessions" (accounts, ADR 0015)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
]

MIDDLEWARE = [
    "core.client_address.ClientAddressMiddleware",  # first: every later reader sees the client (ADR 0014)
    # Production details (issue 10 item 9), outermost so that every answer, a refused Host's too,
    # carries them: the request id in the logs and X-Request-ID, private pages not stored,
    # browser features off.
    "core.requestlog.RequestIdMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.TownTimeMiddleware",
    # Two-factor login and session bookkeeping, after authentication (accounts, ADR 0015)
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AccountMiddleware",
]

ROOT_URLCONF = "qualipilote.urls"
WSGI_APPLICATION = "qualipilote.wsgi.application"

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
                "core.context_processors.organisation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'qualipilote.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL: concurrent writers wait instead of failing (stack-notes).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches in each process's memory: "charts" keeps the matplotlib SVGs, drawn once per change of
# their data (documents.charts.cached_svg; a few hundred charts of 20 to 100 kB per worker);
# "template_fragments" the commitment overview's and summary's HTML and each member's home under
# a mark of the town's stored values and journal ({% cache %}, commitments.queries.values_marker).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template_fragments",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
    "charts": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "charts",
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
    # PDFs kept until what they show changes (documents.pdf.kept_pdf): about 100 KB each.
    "documents": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "documents",
        "OPTIONS": {"MAX_ENTRIES": 30},
    },
}

# Backups (`manage.py backup`, core/backups.py): where, and how many to keep.
QUALIPILOTE_BACKUP_DIR = Path(env_str("QUALIPILOTE_BACKUP_DIR", str(VAR_DIR / "backups")))
QUALIPILOTE_BACKUP_KEEP = env_int("QUALIPILOTE_BACKUP_KEEP", 14)

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AXES_FAILURE_LIMIT = env_int("QUALIPILOTE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Lockout on an e-mail and an address together, a slower limit per account from any address,
# the client's address behind trusted proxies, logins in the town's journal (core/lockout.py, ADR 0014).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
QUALIPILOTE_ACCOUNT_FAILURE_LIMIT = env_int("QUALIPILOTE_ACCOUNT_FAILURE_LIMIT", 30)
AXES_HANDLER = "core.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "core.lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "core.client_address.request_address"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a locked client's tries are refused unheard

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("QUALIPILOTE_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: refuse anything larger before reading it into memory.
EVIDENCE_MAX_BYTES = env_int("QUALIPILOTE_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)
LOGO_MAX_BYTES = env_int("QUALIPILOTE_LOGO_MAX_BYTES", 512 * 1024)
QUALIPILOTE_IMPORT_MAX_BYTES = env_int("QUALIPILOTE_IMPORT_MAX_BYTES", 300 * 1024 * 1024)
# Imports (issue 10, item 7): what one spreadsheet may hold, checked while it is read.
QUALIPILOTE_IMPORT_MAX_ROWS = env_int("QUALIPILOTE_IMPORT_MAX_ROWS", 200_000)
QUALIPILOTE_IMPORT_MAX_COLUMNS = env_int("QUALIPILOTE_IMPORT_MAX_COLUMNS", 200)
QUALIPILOTE_IMPORT_MAX_UNZIPPED_BYTES = env_int("QUALIPILOTE_IMPORT_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "qualite@qualipilote.invalid")

# A paired kiosk tablet (core.kiosk, ADR 0023) returns to its start screen after this many
# seconds without a touch, and this many seconds after a thank-you screen. Not environment
# settings: the issue fixes them; the browser test shortens them.
KIOSK_IDLE_SECONDS = 60
KIOSK_DONE_SECONDS = 10
SESSION_COOKIE_HTTPONLY = True
# Sessions end after this many minutes without a request (accounts, ADR 0015).
QUALIPILOTE_SESSION_IDLE_MINUTES = env_int("QUALIPILOTE_SESSION_IDLE_MINUTES", 30)
if QUALIPILOTE_SESSION_IDLE_MINUTES < 1:
    raise RuntimeError("QUALIPILOTE_SESSION_IDLE_MINUTES doit valoir au moins 1 (minutes).")
OTP_TOTP_ISSUER = "Qualipilote"
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Production details (issue 10 item 9): each log line names its request; errors are mailed to
# the administrators without what people typed; a health page and security.txt for operators.
ADMINS = [(address, address) for address in env_list("QUALIPILOTE_ADMINS", [])]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.requestlog.PersonalDataFilter"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()"
SECURITY_CONTACT = env_str("QUALIPILOTE_SECURITY_CONTACT", "")
# The site's public address, for links in messages sent without a request (the survey
# invitations of the daily job): empty, no invitation is sent.
QUALIPILOTE_SITE_URL = env_str("QUALIPILOTE_SITE_URL", "").strip()
if QUALIPILOTE_SITE_URL and not QUALIPILOTE_SITE_URL.startswith(("https://", "http://")):
    raise RuntimeError(
        f"QUALIPILOTE_SITE_URL={QUALIPILOTE_SITE_URL!r} : adresse attendue, par exemple https://qualite.ville.fr"
    )
HEALTH_MIN_FREE_MIB = env_int("QUALIPILOTE_HEALTH_MIN_FREE_MIB", 500)
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]  # a monitor on the machine asks gunicorn directly, in plain HTTP

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.requestlog.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {"request": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "request"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_id"],
            "formatter": "request",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {
            "handlers": ["console", "mail_admins"],
            "level": env_str("DJANGO_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        # A bad Host is a scanner's noise, not an error to mail: logged, and answered by the 400 page.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
    },
}
