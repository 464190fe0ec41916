"""System checks: deploy-time warnings about settings only this project knows."""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_secret_key_set(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    if getattr(settings, "DRAWSITE_EPHEMERAL_SECRET_KEY", False):
        return [
            Warning(
                "DJANGO_SECRET_KEY is not set: each process draws a random key, so logins end on restart "
                "and differ between processes.",
                hint="Set DJANGO_SECRET_KEY to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(50))').",
                id="drawsite.W001",
            )
        ]
    return []
