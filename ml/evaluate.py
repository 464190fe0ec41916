"""``python -m ml.evaluate --data DIR [--model PATH] [--json]``: a model's figures on a Quick Draw folder.

A stable interface other tools call. DIR is laid out like ../shared/quickdraw; whichever of
``bitmaps/*.npz`` (or upstream ``*.npy``), ``simplified/*.ndjson`` and ``raw/*.ndjson`` exist are
read (``ml.evaluation`` says how each is rendered and predicted: the serving path, LiteRT only).

``--json`` prints exactly one JSON object on stdout (percentages 0-100, rounded to 2 decimals):

    {"model": {"dir", "version", "classes"}, "data": DIR, "split": "all" | "heldout",
     "bitmaps" | "simplified" | "raw": {"n", "top1", "top3",
         "per_class": {category: {"n", "top1", "top3"}},
         "skipped": {"items", "categories"},   # categories outside the model's vocabulary
         "invalid"},                           # drawings ml.raster refuses; not in n
     "live": {"n", "recognized_some_prefix", "mean_time_fraction_to_lock" (0-1), "updates",
              "frame_ms", "send_interval_ms", "skipped", "invalid"},
     "six_way": {"n", "top1", "classes"},
     "seconds"}

Every key is always present. A section is null when DIR has no file of its format (``live`` also
with ``--no-live``; ``six_way`` when there are neither simplified nor raw files); a figure is null
when its n is 0. ``live`` replays each raw drawing in the messages the drawing page sends (a
stroke's new points at most every ``send_interval_ms``, on a ``frame_ms`` animation frame, and at
pen-up: ``ml.live.page_sends``), predicting after each; ``six_way`` is top-1 over every simplified
and raw drawing of cat, giraffe, sheep, bat, octopus and camel with the softmax restricted to those
six. ``--split heldout`` keeps only the rows ``ml.dataset`` holds out from training (the highest 10%
upstream rows of each bitmap category, stroke drawings in its test folds): on the shared folder its
figures are the model's held-out ones.
Errors (missing folder or model, bad data file): one line on stderr, exit status 1. Progress goes
to stderr (``--quiet`` silences it).
"""

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ml import live
from ml.config import DEFAULT_MODEL_DIR, quickdraw_dir
from ml.data import describe_folder
from ml.errors import DrawsiteError
from ml.evaluation import SPLIT_ALL, SPLIT_HELDOUT, SPLITS, evaluate
from ml.inference import LABELS_FILE, METRICS_FILE, MODEL_FILE, Classifier, load_classifier

PROG = "ml.evaluate"
EXIT_ERROR = 1
SECONDS_DECIMALS = 1
SECTIONS = (("bitmaps", "bitmaps"), ("simplified", "simplified -> rasterize"), ("raw", "raw -> render_raw"))
NAME_WIDTH = 24


def model_dir(path: Path) -> Path:
    """The model folder a ``--model`` argument names: the folder itself or its ``model.tflite``."""
    path = Path(path)
    if path.is_file() and path.name == MODEL_FILE:
        path = path.parent
    if not path.is_dir():
        raise DrawsiteError(f"no model folder (or {MODEL_FILE} inside one) at {path}")
    missing = [name for name in (MODEL_FILE, LABELS_FILE, METRICS_FILE) if not (path / name).is_file()]
    if missing:
        raise DrawsiteError(f"model folder {path} lacks {', '.join(missing)}")
    return path


def load_model(path: Path) -> Classifier:
    folder = model_dir(path)
    try:
        return load_classifier(folder)
    except (OSError, ValueError, KeyError, RuntimeError) as error:  # bad JSON, no "version", bad .tflite
        raise DrawsiteError(f"cannot load the model in {folder}: {error!r}") from None


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Native libraries' chatter goes to stderr while evaluating: stdout carries only the JSON."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _section_lines(result: dict) -> list[str]:
    lines = [f"{'section':<{NAME_WIDTH}} {'n':>7} {'top-1 %':>8} {'top-3 %':>8}  skipped (outside vocabulary)"]
    for key, title in SECTIONS:
        section = result[key]
        if section is None:
            lines.append(f"{title:<{NAME_WIDTH}} {'(no files)':>7}")
            continue
        skipped = section["skipped"]
        invalid = f"; {section['invalid']} invalid" if section["invalid"] else ""
        lines.append(
            f"{title:<{NAME_WIDTH}} {section['n']:>7} {_pct(section['top1']):>8} {_pct(section['top3']):>8}"
            f"  {skipped['items']} items, {len(skipped['categories'])} categories{invalid}"
        )
    six = result["six_way"]
    if six is not None:
        title = f"six-way ({len(six['classes'])} classes)"
        lines.append(f"{title:<{NAME_WIDTH}} {six['n']:>7} {_pct(six['top1']):>8}")
    replay = result["live"]
    if replay is not None:
        fraction = replay["mean_time_fraction_to_lock"]
        lines += [
            "",
            f"live replay: {replay['n']} raw drawings, {replay['updates']} updates (sent at most every "
            f"{replay['send_interval_ms']} ms, on {replay['frame_ms']} ms frames)",
            f"  true category top-1 at some point: {_pct(replay['recognized_some_prefix'])} %",
            f"  mean time fraction to lock: {'-' if fraction is None else f'{fraction:.3f}'} (1.0 = never locked)",
        ]
    return lines


def _per_class_lines(result: dict) -> list[str]:
    present = [(title, result[key]["per_class"]) for key, title in SECTIONS if result[key] is not None]
    names = sorted({name for _, per_class in present for name in per_class})
    if not names:
        return []
    titles = "".join(f" {title:>{NAME_WIDTH}}" for title, _ in present)
    lines = ["", "per-class top-1 % (n)", f"{'category':<{NAME_WIDTH}}{titles}"]
    for name in names:
        cells = [per_class.get(name) for _, per_class in present]
        text = ["-" if cell is None else f"{_pct(cell['top1'])} ({cell['n']})" for cell in cells]
        lines.append(f"{name:<{NAME_WIDTH}}" + "".join(f" {cell:>{NAME_WIDTH}}" for cell in text))
    return lines


def format_table(result: dict) -> str:
    """The result as a readable table: overall figures, live replay, per-class top-1 side by side."""
    model = result["model"]
    header = [
        f"model {model['version']} ({model['classes']} classes, {model['dir']})",
        f"data {result['data']}  split {result['split']}  {result['seconds']} s",
        "",
    ]
    return "\n".join(header + _section_lines(result) + _per_class_lines(result))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m {PROG}",
        description="Evaluate a model on a folder laid out like ../shared/quickdraw.",
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),  # the JSON schema and the rules above
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, default=None,
                        help="folder laid out like ../shared/quickdraw (default: $QUICKDRAW_DATA, else that folder)")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR,
                        help=f"model folder, or the {MODEL_FILE} inside one (default: {DEFAULT_MODEL_DIR})")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of a table")
    parser.add_argument("--split", choices=SPLITS, default=SPLIT_ALL,
                        help=f"'{SPLIT_ALL}': every drawing; '{SPLIT_HELDOUT}': only ml.dataset's test side (rows "
                             "ml.train never trains on: highest 10%% bitmap rows, stroke rows in test folds)")
    parser.add_argument("--no-live", action="store_true", help="skip the live replay (the slow part); live is null")
    parser.add_argument("--frame-ms", type=float, default=live.FRAME_MS,
                        help=f"live replay: the page's animation frame, ms (default {live.FRAME_MS:.2f}, 60 Hz)")
    parser.add_argument("--send-interval-ms", type=float, default=live.SEND_INTERVAL_MS,
                        help=f"live replay: the page sends a stroke's new points at most this often, ms (default "
                             f"{live.SEND_INTERVAL_MS:g}, as static/js/app.js; 0: every frame)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return parser


def run(args: argparse.Namespace) -> dict:
    progress = (lambda text: None) if args.quiet else (lambda text: print(f"{PROG}: {text}", file=sys.stderr))
    started = time.perf_counter()
    folder = describe_folder(args.data if args.data is not None else quickdraw_dir())
    classifier = load_model(args.model)
    figures = evaluate(classifier, folder, args.split, not args.no_live, frame_ms=args.frame_ms,
                       send_interval_ms=args.send_interval_ms, progress=progress)
    header = {
        "model": {
            "dir": str(classifier.model_path.parent),
            "version": classifier.version,
            "classes": len(classifier.labels),
        },
        "data": str(folder.root),
        "split": args.split,
    }
    return header | figures | {"seconds": round(time.perf_counter() - started, SECONDS_DECIMALS)}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.frame_ms > 0:
        build_parser().error("--frame-ms must be positive")
    if not args.send_interval_ms >= 0:
        build_parser().error("--send-interval-ms must not be negative")
    try:
        with stdout_to_stderr() if args.json else contextlib.nullcontext():
            result = run(args)
    except DrawsiteError as error:
        print(f"{PROG}: error: {error.detail}", file=sys.stderr)
        return EXIT_ERROR
    except (OSError, UnicodeDecodeError) as error:  # an unreadable file: still one line, not a traceback
        print(f"{PROG}: error: cannot read the data: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(result) if args.json else format_table(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
