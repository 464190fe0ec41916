"""Re-export a trained model with other serving settings, keeping its weights (no retraining).

    python -m ml.reexport --version quickdraw28-v3 [--model-dir models/quickdraw28] [--no-mirror-average]

Reloads ``model.keras``, writes ``model.tflite`` again, checks the two agree on the run's own validation
images (carved again with the run's seed), evaluates the test side through LiteRT and rewrites
``metrics.json``, ``confusion.png`` and ``MODEL_CARD.md`` as ``python -m ml.train`` would; the training
figures (time, images, hyperparameters) are kept. The previous version is recorded as ``reexported_from``.
"""

import argparse
import json
import sys
from pathlib import Path

import keras
import numpy as np

from ml import dataset
from ml.config import DEFAULT_MODEL_DIR, quickdraw_dir
from ml.export import KERAS_FILE, QUANTIZATIONS
from ml.inference import METRICS_FILE
from ml.train import RELOAD_CHECK_IMAGES, export_and_check, headline, publish_heldout


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ml.reexport", description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR, help="folder of the trained model (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=None, help="Quick Draw folder (default: $QUICKDRAW_DATA or ../shared/quickdraw)")
    parser.add_argument("--version", required=True, help="version string of the re-exported model (e.g. quickdraw28-v3)")
    parser.add_argument("--quantization", choices=QUANTIZATIONS, default=None, help="weights of the .tflite (default: as trained)")
    parser.add_argument("--no-mirror-average", dest="mirror_average", action="store_false",
                        help="serve the bare model instead of its average over each image and its mirror")
    parser.add_argument("--skip-live", action="store_true", help="skip the (slow) live-replay figure")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    metrics = json.loads((args.model_dir / METRICS_FILE).read_text(encoding="utf-8"))
    model = keras.models.load_model(args.model_dir / KERAS_FILE)
    hyper = metrics["hyperparameters"]
    labels = metrics["labels"]
    side, held = dataset.split_data(args.data or quickdraw_dir(), labels)
    rng = np.random.default_rng(hyper["seed"])  # the same draw as the training run's first use of its rng
    _, validation = dataset.carve_validation(side.bitmaps, hyper["validation_fraction"], rng)
    hyper.update(quantization=args.quantization or hyper["quantization"], mirror_average=args.mirror_average)
    metrics.update(version=args.version, reexported_from=metrics["version"])
    metrics.pop("held_out", None)
    export_and_check(model, labels, metrics, args.model_dir, validation.images[:RELOAD_CHECK_IMAGES])
    figures = publish_heldout(labels, metrics, args.model_dir, held, live=not args.skip_live)
    print(json.dumps(headline(figures), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
