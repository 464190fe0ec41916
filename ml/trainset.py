"""The training arrays: train-side bitmaps plus images rendered from stroke drawings.

Stroke drawings add (1) augmented whole drawings, many for the stroke-only categories, whose only
data they are, and (2) partial drawings, sampled from the states the live site sees (one per
animation-frame update, mid-stroke included: ``ml.live``), so live guesses are right early and stay right. Every rendering goes through ``ml.raster`` like serving. Class weights then even out
what imbalance is left.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from ml.augment import augmented_image, live_prefixes, random_affine, thinline_strokes
from ml.dataset import STROKE_ONLY_CATEGORIES, Split, StrokeDrawing, TrainSide, concat
from ml.raster import render_raw

IMBALANCE_POWER = 0.5  # class weight = (mean count / class count) ** power: halfway to balanced


@dataclass(frozen=True)
class Recipe:
    """How many images each source contributes (per drawing) and how partial drawings weigh."""

    rare_stroke_variants: int = 60  # augmented renders per stroke drawing of a stroke-only category
    rare_thinline_variants: int = 24  # augmented renders per converted thinline drawing
    stroke_variants: int = 4  # augmented renders per stroke drawing of a bitmap category
    prefix_states: int = 32  # live states sampled per stroke drawing, each under its own random affine
    prefix_weight: float = 1.0  # per partial drawing, relative to a finished one
    # the first updates of a drawing rarely show what it is; a guess must be right from the middle on
    prefix_min_progress: float = 0.25

    def scaled(self, factor: float) -> "Recipe":
        """The same recipe with every count multiplied by ``factor`` (at least 1 where it was)."""
        count = lambda value: max(1, round(value * factor)) if value else 0  # noqa: E731
        return dataclasses.replace(self, **{name: count(getattr(self, name)) for name in COUNT_FIELDS})


COUNT_FIELDS = ("rare_stroke_variants", "rare_thinline_variants", "stroke_variants", "prefix_states")


def _render_variants(strokes: list, count: int, rng: np.random.Generator, per_stroke: bool = True) -> list[np.ndarray]:
    return [augmented_image(strokes, rng, per_stroke) for _ in range(count)]


def stroke_images(drawings: list[StrokeDrawing], index: dict[str, int], recipe: Recipe, rng: np.random.Generator) -> Split:
    """Whole-drawing variants: the clean render plus augmented ones (more for stroke-only categories)."""
    images, labels = [], []
    for drawing in drawings:
        count = recipe.rare_stroke_variants if drawing.category in STROKE_ONLY_CATEGORIES else recipe.stroke_variants
        rendered = [render_raw(drawing.strokes)] + _render_variants(drawing.strokes, count, rng)
        images += rendered
        labels += [index[drawing.category]] * len(rendered)
    return Split(np.array(images, dtype=np.uint8).reshape(-1, 28, 28), np.array(labels))


def prefix_images(drawings: list[StrokeDrawing], index: dict[str, int], recipe: Recipe, rng: np.random.Generator) -> Split:
    """Partial drawings: ``prefix_states`` live states of every drawing, each randomly transformed."""
    images, labels = [], []
    for drawing in drawings:
        for partial in live_prefixes(drawing.strokes, recipe.prefix_states, rng, recipe.prefix_min_progress):
            arrays = random_affine(partial, rng)
            if arrays:
                images.append(render_raw([xy.tolist() for xy in arrays]))
                labels.append(index[drawing.category])
    weights = np.full(len(labels), recipe.prefix_weight, dtype=np.float32)
    return Split(np.array(images, dtype=np.uint8).reshape(-1, 28, 28), np.array(labels), weights)


def thinline_images(thinline: dict[str, np.ndarray], index: dict[str, int], recipe: Recipe, rng: np.random.Generator) -> Split:
    """Converted thinline drawings of the stroke-only categories, whole-drawing affine only
    (their 'strokes' are pixel paths, so per-stroke changes would not mean anything)."""
    images, labels = [], []
    for category, raw_images in thinline.items():
        for image in raw_images:
            strokes = thinline_strokes(image)
            rendered = [render_raw(strokes)] + _render_variants(strokes, recipe.rare_thinline_variants, rng, False)
            images += rendered
            labels += [index[category]] * len(rendered)
    return Split(np.array(images, dtype=np.uint8).reshape(-1, 28, 28), np.array(labels))


def class_weights(labels: np.ndarray, classes: int, power: float = IMBALANCE_POWER) -> np.ndarray:
    """Per-class weights ``(mean count / count) ** power`` (0 for absent classes)."""
    counts = np.bincount(labels, minlength=classes).astype(np.float64)
    present = counts > 0
    weights = np.zeros(classes)
    weights[present] = (counts[present].mean() / counts[present]) ** power
    return weights


def build_training_set(side: TrainSide, bitmaps: Split, labels: list[str], recipe: Recipe, seed: int) -> Split:
    """All training images with per-image weights (source weight x class weight)."""
    rng = np.random.default_rng(seed)
    index = {name: number for number, name in enumerate(labels)}
    parts = [
        bitmaps,
        stroke_images(side.strokes, index, recipe, rng),
        thinline_images(side.thinline, index, recipe, rng),
        prefix_images(side.strokes, index, recipe, rng),
    ]
    data = concat(parts)
    data.weights = data.weights * class_weights(data.labels, len(labels))[data.labels].astype(np.float32)
    return data
