from django.apps import AppConfig


class RecognizerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recognizer"
    verbose_name = "Live recognition"

    def ready(self) -> None:
        from recognizer import checks  # noqa: F401  (registers the system checks)
