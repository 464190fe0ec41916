"""Which categories a game asks for (pure, no Django).

Only categories the model recognizes well are prompts: a player should lose to a faster player, not to
a weak class. "Well" is the held-out per-class top-1 from metrics.json, read from the first evaluation
set (in a given order) that has a figure for the class; a class with no figure at all is left out.
"""

import random
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ml.errors import DrawsiteError

TOP1_KEY = "top1"


class NotEnoughPrompts(DrawsiteError):
    pass


def class_top1(figures: Mapping[str, Mapping[str, Any]], metric_sets: Sequence[str]) -> float | None:
    """The class's top-1 from the first set in ``metric_sets`` that has one (``figures`` = {set: {"top1": ...}})."""
    for set_name in metric_sets:
        value = figures.get(set_name, {}).get(TOP1_KEY)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def prompt_pool(
    labels: Sequence[str],
    per_class: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    min_top1: float,
    metric_sets: Sequence[str],
) -> list[str]:
    """The model's labels (in model order) whose per-class top-1 is at least ``min_top1``."""
    pool = []
    for label in labels:
        top1 = class_top1(per_class.get(label, {}), metric_sets)
        if top1 is not None and top1 >= min_top1:
            pool.append(label)
    return pool


def choose_prompt(pool: Sequence[str], used: Collection[str], rng: random.Random) -> str:
    """A prompt from ``pool`` not in ``used`` (no repeats within a game)."""
    fresh = [label for label in pool if label not in used]
    if not fresh:
        raise NotEnoughPrompts(f"all {len(pool)} prompts were used in this game", code="bad_settings")
    return rng.choice(fresh)
