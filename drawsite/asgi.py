"""ASGI entry point for Daphne: HTTP (with static files) and websockets.

Run: ``daphne drawsite.asgi:application``.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drawsite.settings")
# Django must be set up before anything imports models (consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from drawsite.connection_limit import ConnectionLimitMiddleware  # noqa: E402
from drawsite.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Serves STATIC_URL from the static folders (DEBUG on or off), everything else goes to Django.
        "http": ASGIStaticFilesHandler(django_asgi_app),
        "websocket": ConnectionLimitMiddleware(
            AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns())))
        ),
    }
)
