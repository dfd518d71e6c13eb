"""SocialOps settings: one module, read from the environment, SQLite under var/ by default."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from socialops.core import secrets
from socialops.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SOCIALOPS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secrets.secret_key(
    env_value=env_str("SECRET_KEY"), var_dir=VAR_DIR, debug=DEBUG, generate=False
)
CREDENTIALS_KEYS = secrets.credential_keys(
    env_value=env_str("CREDENTIALS_KEYS"), var_dir=VAR_DIR, debug=DEBUG, generate=False
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "huey.contrib.djhuey",
    "axes",
    "socialops.core",
    "socialops.accounts",
    "socialops.platforms",
    "socialops.channels",
    "socialops.connectors.sandbox",
    "socialops.connectors.wechat",
    "socialops.content",
    "socialops.campaigns",
    "socialops.publishing",
    "socialops.contacts",
    "socialops.inbox",
    "socialops.sla",
    "socialops.guidebook",
    "socialops.listening",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "socialops.core.middleware.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "socialops.accounts.middleware.UserLanguageMiddleware",
    "socialops.accounts.middleware.AccessDeniedAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "socialops.core.middleware.ApiErrorShapeMiddleware",
    "socialops.core.middleware.IdempotencyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socialops.urls"
WSGI_APPLICATION = "socialops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "socialops" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "socialops.accounts.context_processors.workspace",
            ],
        },
    },
]

# Database: SQLite (WAL) under var/ unless DATABASE_URL points elsewhere (PostgreSQL).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "socialops.sqlite3"),
            # kept open per thread: a new connection re-reads the schema and re-registers
            # Django's SQL functions, a large share of a small request
            "CONN_MAX_AGE": env_int("SQLITE_CONN_MAX_AGE", 60),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work: Huey on SQLite by default, on Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("HUEY_NAME", "socialops"),
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "socialops",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
HUEY["consumer"] = {"workers": env_int("WORKER_THREADS", 2), "worker_type": "thread"}
if env_bool("HUEY_IMMEDIATE", False):
    HUEY["immediate"] = True
# Publisher: posts sent at once per worker process, each in a thread with its own connection
# (platform calls wait on the network). SQLite has one writer, so one there.
PUBLISH_CONCURRENCY = env_int("PUBLISH_CONCURRENCY", 4 if DATABASE_URL else 1)
# Listening: alerts are sent on a small thread pool as soon as they are raised; with this on,
# in the raising thread instead (tests). Replay sources read JSONL files only from these
# directories (the development corpora in ../shared/data too, when they are there).
LISTENING_DISPATCH_SYNC = env_bool("LISTENING_DISPATCH_SYNC", False)
_SHARED_DATA = BASE_DIR.parent / "shared" / "data"
LISTENING_REPLAY_DIRS = [Path(p) for p in env_list("LISTENING_REPLAY_DIRS")] or [
    VAR_DIR / "replays",
    *([_SHARED_DATA] if _SHARED_DATA.is_dir() else []),
]

# People.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a user+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "socialops.core.views.csrf_failure"

# Mail: console in the embedded default, SMTP when EMAIL_URL-style settings are given.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SocialOps <socialops@localhost>")

# Language and time: zh-hans first; UTC in the database, each workspace shows its own zone.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "socialops" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
DEFAULT_WORKSPACE_TIME_ZONE = "Asia/Shanghai"

# Static files: our own plus front-end packages straight from node_modules (installed by npm).
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "socialops" / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    # Media (content library files): on the local disk under MEDIA_ROOT unless
    # MEDIA_STORAGE_BACKEND names another Django storage class. Never served at MEDIA_URL:
    # files go out through a view that checks workspace access.
    "default": {
        "BACKEND": env_str("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# API.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
# Content library uploads: the most a file of each kind may weigh; the upload routes take a body
# up to API_MAX_UPLOAD_BYTES instead of API_MAX_BODY_BYTES.
ASSET_MAX_BYTES = {
    "image": env_int("ASSET_MAX_IMAGE_BYTES", 20 * 1_048_576),
    "video": env_int("ASSET_MAX_VIDEO_BYTES", 512 * 1_048_576),
    "document": env_int("ASSET_MAX_DOCUMENT_BYTES", 50 * 1_048_576),
}
API_MAX_UPLOAD_BYTES = env_int("API_MAX_UPLOAD_BYTES", max(ASSET_MAX_BYTES.values()) + 1_048_576)
API_UPLOAD_PATHS = ["/api/v1/assets/upload"]
IDEMPOTENCY_TTL_HOURS = 24
IDEMPOTENCY_PENDING_SECONDS = 120  # longer than any request may run (gunicorn timeout: 30 s)
NINJA_PAGINATION_PER_PAGE = 50
NINJA_MAX_PER_PAGE_SIZE = 200  # ninja reads this name, not NINJA_PAGINATION_MAX_…
NINJA_PAGINATION_DEFAULT_ORDERING = ("-id",)

WORKER_HEARTBEAT_STALE_SECONDS = env_int("WORKER_HEARTBEAT_STALE_SECONDS", 180)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "huey": {"level": "INFO"}},
}
