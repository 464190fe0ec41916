"""Websocket routes of the recognizer app (composed in drawsite.routing)."""

from django.urls import path

from recognizer.consumers import DrawConsumer
from recognizer.views import WS_DRAW_PATH

websocket_urlpatterns = [path(WS_DRAW_PATH.lstrip("/"), DrawConsumer.as_asgi())]
