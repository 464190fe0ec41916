"""Django settings for drawsite.

Everything has a working default so ``migrate`` and Daphne run with NO environment variables set
(local use: SQLite, in-memory channel layer, DEBUG off). Production is configured through the
environment; see docs/protocol.md ("Deployment settings") for the list and ``check --deploy``.
"""

import secrets
from pathlib import Path

import dj_database_url

from drawsite.env import env_bool, env_float, env_int, env_list, env_str
from ml.config import DEFAULT_MODEL_DIR

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

# Without $DJANGO_SECRET_KEY each process draws a random key at start: safe (never a known value)
# but sessions (admin logins) end on restart and differ between processes. Production must set it;
# the recognizer's deploy check (`check --deploy`) reports a missing key.
_SECRET_KEY_ENV = env_str("DJANGO_SECRET_KEY", "")
SECRET_KEY = _SECRET_KEY_ENV or secrets.token_urlsafe(50)
DRAWSITE_EPHEMERAL_SECRET_KEY = not _SECRET_KEY_ENV

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# HTTPS hardening, on when the site is served over TLS (DJANGO_HTTPS=1).
HTTPS = env_bool("DJANGO_HTTPS", False)
HSTS_DEFAULT_SECONDS = 60 * 60 * 24 * 365
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", HSTS_DEFAULT_SECONDS if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Trust the proxy's X-Forwarded-Proto only when told a TLS-terminating proxy is in front.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "recognizer",
]
# Apps written later join here when present, e.g. the multiplayer `game` app.
OPTIONAL_APPS = ["game"]
for _app in OPTIONAL_APPS:
    if (BASE_DIR / _app / "apps.py").exists():
        INSTALLED_APPS.append(_app)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "drawsite.urls"
ASGI_APPLICATION = "drawsite.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_DB_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
# Above channels-redis's 5 s blocking receive: redis-py 8 defaults socket_timeout to 5 s, which made an
# idle receive fail with "Timeout reading from ..." and closed websockets with 1011.
REDIS_SOCKET_TIMEOUT_S = env_float("REDIS_SOCKET_TIMEOUT_S", 15.0)
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": REDIS_SOCKET_TIMEOUT_S}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Daphne serves static files itself (drawsite.asgi wraps the HTTP app in ASGIStaticFilesHandler),
# so `make run` works with DEBUG off; STATIC_ROOT is where `collectstatic` gathers them for a CDN/proxy.
STATIC_URL = "static/"
STATICFILES_DIRS = [path for path in [BASE_DIR / "static"] if path.is_dir()]  # git keeps no empty folder
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"recognizer": {"handlers": ["console"], "level": env_str("DRAWSITE_LOG_LEVEL", "INFO")}},
}

# --- recognizer: live recognition (every protocol limit is documented in docs/protocol.md) ---
RECOGNIZER_MODEL_DIR = Path(env_str("RECOGNIZER_MODEL_DIR", str(DEFAULT_MODEL_DIR)))
RECOGNIZER_TOP_K = env_int("RECOGNIZER_TOP_K", 5)
# One websocket text frame, in UTF-8 bytes, checked before JSON parsing.
RECOGNIZER_MAX_MESSAGE_BYTES = env_int("RECOGNIZER_MAX_MESSAGE_BYTES", 64 * 1024)
RECOGNIZER_MAX_POINTS_PER_MESSAGE = env_int("RECOGNIZER_MAX_POINTS_PER_MESSAGE", 1000)
RECOGNIZER_MAX_STROKES = env_int("RECOGNIZER_MAX_STROKES", 250)
RECOGNIZER_MAX_POINTS = env_int("RECOGNIZER_MAX_POINTS", 20_000)
# Coordinates must lie in [-MAX_COORD, MAX_COORD] canvas pixels; canvas sides in [1, MAX_COORD].
RECOGNIZER_MAX_COORD = env_float("RECOGNIZER_MAX_COORD", 10_000.0)
# Point times in [0, MAX_TIME_MS] ms since the drawing's first point (one hour).
RECOGNIZER_MAX_TIME_MS = env_float("RECOGNIZER_MAX_TIME_MS", 3_600_000.0)
# Token bucket per connection: sustained messages per second, and the burst it may save up.
RECOGNIZER_RATE_PER_SECOND = env_float("RECOGNIZER_RATE_PER_SECOND", 60.0)
RECOGNIZER_RATE_BURST = env_int("RECOGNIZER_RATE_BURST", 120)
# Micro-batcher: at most BATCH_SIZE drawings per predict call, waiting at most BATCH_WAIT_MS to fill one.
RECOGNIZER_BATCH_SIZE = env_int("RECOGNIZER_BATCH_SIZE", 32)
RECOGNIZER_BATCH_WAIT_MS = env_float("RECOGNIZER_BATCH_WAIT_MS", 4.0)
# One thread: a second one in the same process mostly waits for the GIL (measured in docs/benchmarks.md:
# 200 drawers on one process p99 486 -> 212 ms with one); scale with processes instead.
RECOGNIZER_INFERENCE_THREADS = env_int("RECOGNIZER_INFERENCE_THREADS", 1)
# Connections waiting for inference at once; beyond it a request is answered `server_busy`.
RECOGNIZER_MAX_PENDING = env_int("RECOGNIZER_MAX_PENDING", 2000)

# --- recognizer: public gallery (/gallery/) ---
# Drawings shown per category, newest first (also the size of its "recent" overview): bounds each page's query and size.
RECOGNIZER_GALLERY_PER_CATEGORY = env_int("RECOGNIZER_GALLERY_PER_CATEGORY", 24)
