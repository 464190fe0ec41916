"""drawsite: the Django project (settings, ASGI application, URL and websocket routing)."""
