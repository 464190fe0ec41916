"""The Keras CNN: a compact VGG-style network with BatchNorm, sized for well under 150 µs per image on
one CPU core once exported with int8 weights (``ml.export``), and for training in minutes on two.

The model takes images exactly as ``ml.raster.rasterize`` returns them (28x28, 0-255, white ink on
black) as float32 and does its own scaling, so serving needs no preprocessing beyond a dtype cast.
"""

from collections.abc import Sequence

import keras
from keras import layers

IMAGE_SIDE = 28
PIXEL_MAX = 255.0
DEFAULT_WIDTHS = (32, 64, 128)  # channels of the three conv blocks (28x28, 14x14, 7x7)
DEFAULT_CONVS = (1, 1, 1)  # conv layers per block
DEFAULT_DENSE = 256
DEFAULT_DROPOUT = 0.3
# Blocks from this index on use depthwise-separable convs (None: none). Full 3x3 convs at 14x14 and 7x7
# are ~95% of the network's multiply-adds; separable ones from block 1 cut inference and training ~3x
# but cost 2.6 points of validation top-1 (MODEL_CARD.md), so the shipped model has none.
DEFAULT_SEPARABLE_FROM: int | None = None
KERNEL = 3
PROBABILITY_FLOOR = 1e-7  # keeps the log of a probability that rounds to zero finite
MIRRORS = 2  # the image and its left-right mirror


def _conv_bn_relu(x: keras.KerasTensor, channels: int, name: str, separable: bool) -> keras.KerasTensor:
    conv = layers.SeparableConv2D if separable else layers.Conv2D
    x = conv(channels, KERNEL, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def build_model(
    num_classes: int,
    widths: Sequence[int] = DEFAULT_WIDTHS,
    dense: int = DEFAULT_DENSE,
    dropout: float = DEFAULT_DROPOUT,
    convs_per_block: Sequence[int] = DEFAULT_CONVS,
    separable_from: int | None = DEFAULT_SEPARABLE_FROM,
) -> keras.Model:
    """Conv blocks (``convs_per_block[i]`` conv-BN-ReLU at ``widths[i]`` channels, depthwise-separable
    from block ``separable_from`` on, then 2x2 max-pool), flatten, a dense layer with dropout, and a
    softmax over ``num_classes``."""
    counts = list(convs_per_block)
    inputs = keras.Input(shape=(IMAGE_SIDE, IMAGE_SIDE), dtype="float32", name="image")
    x = layers.Rescaling(1.0 / PIXEL_MAX, name="scale")(inputs)
    x = layers.Reshape((IMAGE_SIDE, IMAGE_SIDE, 1), name="channel")(x)
    for block, (channels, count) in enumerate(zip(widths, counts, strict=True)):
        for conv in range(count):
            separable = separable_from is not None and block >= separable_from
            x = _conv_bn_relu(x, channels, f"b{block}c{conv}", separable)
        x = layers.MaxPooling2D(name=f"b{block}_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="drop_features")(x)
    x = layers.Dense(dense, use_bias=False, name="dense")(x)
    x = layers.BatchNormalization(name="dense_bn")(x)
    x = layers.ReLU(name="dense_relu")(x)
    x = layers.Dropout(dropout, name="drop_dense")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name="quickdraw_cnn")


def mirror_averaged(model: keras.Model) -> keras.Model:
    """``model`` applied to an image and to its left-right mirror in one batch; the output is the normalised
    geometric mean of the two probability vectors. People draw most things facing either way: on the
    validation bitmaps this took quickdraw28-v2 from 88.7% to 89.9% top-1 (96.0% to 96.4% top-3), for about
    twice the inference cost. What ships (``ml.export``) is this model; ``model.keras`` stays the bare one."""
    inputs = keras.Input(shape=(IMAGE_SIDE, IMAGE_SIDE), dtype="float32", name="image")
    both = keras.ops.concatenate([inputs, keras.ops.flip(inputs, axis=2)], axis=0)
    log_probs = keras.ops.log(keras.ops.maximum(model(both), PROBABILITY_FLOOR))
    pairs = keras.ops.reshape(log_probs, (MIRRORS, -1, log_probs.shape[-1]))
    return keras.Model(inputs, keras.ops.softmax(keras.ops.mean(pairs, axis=0)), name=f"{model.name}_mirror_averaged")
