"""Websocket routes of the game app (composed in drawsite.routing)."""

from django.urls import path

from game.consumers import GameConsumer

WS_GAME_PREFIX = "ws/game/"

websocket_urlpatterns = [path(WS_GAME_PREFIX + "<str:code>/", GameConsumer.as_asgi())]
