"""Websocket routes of every app, composed for drawsite.asgi.

Each app exposes ``websocket_urlpatterns`` in ``<app>/routing.py``; apps listed here join when their
routing module exists (``game`` is added later by its own engineer; nothing to edit then).
"""

from importlib import import_module

APP_ROUTING_MODULES = ("recognizer.routing", "game.routing")


def websocket_urlpatterns() -> list:
    patterns: list = []
    for module_name in APP_ROUTING_MODULES:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            # only "this app or its routing module is absent" is skipped; a broken import inside it is not
            if error.name not in {module_name, module_name.rpartition(".")[0]}:
                raise
            continue
        patterns.extend(module.websocket_urlpatterns)
    return patterns
