"""Writes of drawing review (admin bulk actions): relabel, mark or unmark "exclude from training".

Each function changes one drawing and says whether anything changed, so the caller logs exactly the
drawings it changed (Django's admin log keeps one entry per object).
"""

from recognizer.models import Drawing
from recognizer.timeline import Guess, first_correct_ms, is_recognized

RELABEL_FIELDS = ["label", "recognized", "first_correct_ms"]


def drawing_relabel(*, drawing: Drawing, label: str) -> bool:
    """Give ``drawing`` the intended ``label``; ``recognized`` and ``first_correct_ms`` follow from it, as when
    it was saved. False (nothing written) when it already had that label."""
    if drawing.label == label:
        return False
    guesses = [Guess(guess["label"], guess["score"]) for guess in drawing.guesses]
    drawing.label = label
    drawing.recognized = is_recognized(guesses, label or None)
    drawing.first_correct_ms = first_correct_ms(drawing.timeline, label or None)
    drawing.save(update_fields=RELABEL_FIELDS)
    return True


def drawing_set_excluded(*, drawing: Drawing, excluded: bool) -> bool:
    """Mark (True) or unmark (False) ``drawing`` as left out of training; False when it already was so."""
    if drawing.excluded == excluded:
        return False
    drawing.excluded = excluded
    drawing.save(update_fields=["excluded"])
    return True
