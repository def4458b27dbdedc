"""Settings for the High needs intervention portal, read from the environment (12-factor).

Every variable is documented in `.env.example`. Unset, the portal runs on the embedded
defaults: a SQLite file in the project folder and Celery tasks run in-process.
"""

from decimal import Decimal
from pathlib import Path

import environ
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")
# Without one and with DEBUG off, commands that sign nothing (check, migrate) still run, on a
# throwaway key; the web server and the Celery worker refuse to start (portal.secret_key_required).
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING:
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal.api.apps.ApiConfig",
    "import_export",
    "simple_history",
    "portal",
    "authorities",
    "deadlines",
    "programmes",
    "steering",
    "config",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.service",
            ],
        },
    },
]

# Database: unset means a SQLite file in the project folder (the embedded default).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "portal:sign-in"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:sign-in"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
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
# Tests render pages without running collectstatic first.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: unset prints messages to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="High needs intervention portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker URL tasks run in-process, so the portal needs nothing else running.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "portal"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The REST API under /api/v1/ (portal/api/). Throttle rates are "N/second|minute|hour|day".
REST_FRAMEWORK = {
    # Token first: its challenge makes an unauthenticated request a 401 (not a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "portal.api.ordering.PortalOrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.AnonThrottle", "portal.api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/minute"),
        "user": env("API_THROTTLE_USER", default="1200/minute"),
        "token": env("API_THROTTLE_TOKEN", default="10/minute"),
    },
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The OpenAPI 3 schema (/api/v1/schema/) and its docs (/api/v1/docs/), served from local assets.
SPECTACULAR_SETTINGS = {
    "TITLE": "High needs intervention portal API",
    "DESCRIPTION": (
        "The portal's REST API (SPEC §5). Authenticate with a session or a token: POST your username "
        "and password to /api/v1/auth/token/, then send `Authorization: Token <token>`. You see exactly "
        "what the portal shows you: a record outside your scope answers 404. Authorities are addressed "
        "by DfE LA code, financial years are written 2022-23, money is a decimal string in pounds."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No request leaves the machine: Swagger UI's online validator is off.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False},
    "ENUM_NAME_OVERRIDES": {
        "Role": "portal.roles.Role",
        "DeliveryPartner": "portal.roles.DeliveryPartner",
        "ProgrammeCode": "programmes.models.ProgrammeCode",
        "EnrolmentStatus": "programmes.models.EnrolmentStatus",
        "Tier": "programmes.models.Tier",
        "ProposalStatus": "programmes.models.ProposalStatus",
        "FigureSource": "authorities.models.FigureSource",
        "AuthorityType": "authorities.models.AuthorityType",
        "SteeringMemberRole": "steering.models.MemberRole",
        "EnrolmentTransitionName": "programmes.api.enrolments.TRANSITION_NAMES",
        "StageStatus": "programmes.models.StageStatus",
        "EngagementKind": "programmes.models.EngagementKind",
        "Assessment": "programmes.models.Assessment",
        "MonitoringReportStatus": "programmes.models.ReportStatus",
        "GrantKind": "programmes.models.GrantKind",
        "PaymentStatus": "programmes.models.PaymentStatus",
        "DeadlineKind": "deadlines.models.DeadlineKind",
        "DeadlineOwnerGroup": "deadlines.models.OwnerGroup",
        "ReviewOutcome": "programmes.models.ReviewOutcome",
        "Rating": "programmes.models.Rating",
        "SteeringActionStatus": "steering.models.ActionStatus",
    },
}

SERVICE_NAME = "High needs intervention portal"

# Planning assumptions of the source document (March 2022), settings because government moves them.
# High needs block growth: HNB_GROWTH_FIRST_RATE into HNB_GROWTH_FIRST_YEAR (5 % from 2022-23 to
# 2023-24), then HNB_GROWTH_LATER_RATE a year (3 %). Rates are fractions, read as Decimal.
HNB_GROWTH_FIRST_YEAR = env("HNB_GROWTH_FIRST_YEAR", default="2023-24")
HNB_GROWTH_FIRST_RATE = Decimal(env("HNB_GROWTH_FIRST_RATE", default="0.05"))
HNB_GROWTH_LATER_RATE = Decimal(env("HNB_GROWTH_LATER_RATE", default="0.03"))
# The last financial year whose accounts the DSG statutory override covers (ring-fencing deficits).
STATUTORY_OVERRIDE_LAST_YEAR = env("STATUTORY_OVERRIDE_LAST_YEAR", default="2022-23")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Imports and exports (django-import-export; portal/imports.py). Our resources neutralise formulae in
# text cells themselves: the library's own escaping strips "=" from values and turns numbers into text.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
# The admin's dry run and its confirmation may reach different web processes: keep the file on the shared media volume.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Uploaded documents (DSG management plans, steering group papers): the most one file may hold.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
