"""Saved drawings. No IP addresses or other personal data are stored."""

from django.db import models

from recognizer.limits import LABEL_MAX_CHARS


class Drawing(models.Model):
    """One finished drawing with the guesses the model made while it was drawn."""

    class Source(models.TextChoices):
        SUBMIT = "submit", "submitted"
        DISCONNECT = "disconnect", "left (disconnected)"
        GAME = "game", "game round"

    MODEL_VERSION_MAX_LENGTH = 64
    CLIENT_KEY_MAX_LENGTH = 64

    strokes = models.JSONField(help_text="Quick, Draw! raw format: one [xs, ys, ts] per stroke (pixels, ms)")
    canvas_width = models.PositiveIntegerField(null=True, blank=True, help_text="canvas pixels, if the client said")
    canvas_height = models.PositiveIntegerField(null=True, blank=True, help_text="canvas pixels, if the client said")
    label = models.CharField(
        max_length=LABEL_MAX_CHARS, blank=True, db_index=True, help_text="what the person meant to draw; blank if unknown"
    )
    guesses = models.JSONField(default=list, help_text='final top-K: [{"label": ..., "score": ...}, ...]')
    recognized = models.BooleanField(null=True, help_text="the label was the final top-1 guess; empty without a label")
    first_correct_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text="drawing time (ms) when the label first became the top-1 guess"
    )
    timeline = models.JSONField(default=list, help_text="[t_ms, label, score] each time the top-1 guess changed")
    model_version = models.CharField(max_length=MODEL_VERSION_MAX_LENGTH, db_index=True)
    stroke_count = models.PositiveIntegerField()
    point_count = models.PositiveIntegerField()
    source = models.CharField(max_length=16, choices=Source.choices)
    excluded = models.BooleanField(
        default=False, db_index=True, help_text="left out of training exports (a reviewer judged it unusable)"
    )
    public = models.BooleanField(
        default=False, db_index=True, help_text="the person opted in to the public gallery when submitting"
    )
    client_key = models.CharField(
        max_length=CLIENT_KEY_MAX_LENGTH,
        blank=True,
        help_text="the browser's own id for this drawing, so a save after a reconnect updates instead of duplicating",
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"], condition=~models.Q(client_key=""), name="drawing_client_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.label or '(no label)'}"
