"""Download the full Quick, Draw! dataset from Google's public bucket (needs internet).

    python -m ml.download --categories cat,dog --format simplified --dest DIR
    python -m ml.download --categories all --format numpy_bitmap --dest DIR

Files land like ../shared/quickdraw (DIR/raw/cat.ndjson, DIR/simplified/cat.ndjson,
DIR/bitmaps/cat.npy) so ``ml.data`` and ``ml.evaluate --data DIR`` read them directly. Each file
streams into ``<name>.part`` (an interrupted run resumes with an HTTP Range request), is checked
for size and format, then renamed into place atomically. Expected failures print one line and
exit non-zero; they never print a traceback.
"""

import argparse
import difflib
import os
import sys
from dataclasses import dataclass
from http.client import HTTPException, IncompleteRead
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from ml.data import RAW, SIMPLIFIED, DataFileError, load_bitmaps, parse_drawing
from ml.errors import DrawsiteError, InvalidDrawing
from ml.download_progress import STYLES, open_progress

DEFAULT_BASE_URL = "https://storage.googleapis.com/quickdraw_dataset/full"
BASE_URL_ENV = "QUICKDRAW_BASE_URL"
DEFAULT_CATEGORIES_URL = "https://raw.githubusercontent.com/googlecreativelab/quickdraw-dataset/master/categories.txt"
CATEGORIES_FILE = Path(__file__).with_name("categories.txt")  # Google's 345 names, for offline `all`
ALL = "all"
PART_SUFFIX = ".part"
CHUNK_BYTES = 1 << 16
DEFAULT_TIMEOUT_S = 60.0
VALIDATE_LINES = 3  # leading ndjson records parsed after a download
HTTP_PARTIAL, HTTP_NOT_FOUND, HTTP_RANGE_NOT_SATISFIABLE = 206, 404, 416
EXIT_FAILED, EXIT_INTERRUPTED = 1, 130
CLOSE_MATCHES = 3


@dataclass(frozen=True)
class Format:
    remote_dir: str  # folder in Google's bucket
    extension: str
    local_dir: str  # folder in a shared-style data folder


FORMATS = {
    RAW: Format("raw", "ndjson", RAW),
    SIMPLIFIED: Format("simplified", "ndjson", SIMPLIFIED),
    "numpy_bitmap": Format("numpy_bitmap", "npy", "bitmaps"),
}


class DownloadError(DrawsiteError):
    code = "download_failed"


class UnknownCategory(DownloadError):
    code = "unknown_category"


class NetworkError(DownloadError):
    code = "network_error"


class TruncatedDownload(DownloadError):
    code = "truncated_download"


class CorruptDownload(DownloadError):
    code = "corrupt_download"


def file_url(base_url: str, fmt: str, category: str) -> str:
    """The bucket URL of one category file; spaces and other specials are percent-encoded."""
    spec = FORMATS[fmt]
    return f"{base_url.rstrip('/')}/{spec.remote_dir}/{quote(category)}.{spec.extension}"


def destination(dest: Path, fmt: str, category: str) -> Path:
    spec = FORMATS[fmt]
    return Path(dest) / spec.local_dir / f"{category}.{spec.extension}"


def parse_names(text: str) -> list[str]:
    """Category names, one a line (Google's categories.txt) or comma-separated; order kept, no repeats."""
    names = [name.strip() for line in text.splitlines() for name in line.split(",")]
    return list(dict.fromkeys(name for name in names if name))


def parse_content_range(header: str | None) -> tuple[int | None, int | None]:
    """``(first byte, total size)`` of ``bytes 100-199/1000`` or ``bytes */1000``; None where unknown."""
    try:
        unit, _, spec = (header or "").strip().partition(" ")
        span, _, total = spec.partition("/")
        first = None if span == "*" else int(span.split("-")[0])
        return (first, None if total in ("", "*") else int(total)) if unit == "bytes" else (None, None)
    except ValueError:
        return None, None


def _network_error(url: str, error: BaseException) -> NetworkError:
    reason = getattr(error, "reason", None) or error
    return NetworkError(f"network error fetching {url}: {reason}; rerun the same command to resume")


def _open(url: str, offset: int, timeout: float):
    """The response to a GET of ``url`` from byte ``offset`` (a 416 answer is returned, not raised)."""
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        return urlopen(Request(url, headers=headers), timeout=timeout)
    except HTTPError as error:
        if error.code == HTTP_RANGE_NOT_SATISFIABLE:
            return error
        if error.code == HTTP_NOT_FOUND:
            raise UnknownCategory(f"not found (HTTP 404): {url}") from None
        raise DownloadError(f"HTTP {error.code} {error.reason} for {url}") from None
    except (URLError, HTTPException, OSError) as error:  # OSError covers timeouts and refused connections
        raise _network_error(url, error) from None


def _start(url: str, part: Path, timeout: float):
    """``(response or None when the .part is already whole, offset, expected total or None)``."""
    offset = part.stat().st_size if part.exists() else 0
    response = _open(url, offset, timeout)
    status = response.getcode()
    first, total = parse_content_range(response.headers.get("Content-Range"))
    if status == HTTP_RANGE_NOT_SATISFIABLE:
        response.close()
        if not offset:
            raise DownloadError(f"HTTP {status} for {url} without a Range request")
        if total == offset:
            return None, offset, total
    if status == HTTP_RANGE_NOT_SATISFIABLE or (status == HTTP_PARTIAL and first != offset):
        response.close()
        part.unlink()  # the .part does not fit the remote file: start over
        return _start(url, part, timeout)
    if status != HTTP_PARTIAL:
        offset = 0  # a plain 200: the server ignored Range and sends the whole file
    length = response.headers.get("Content-Length")
    return response, offset, offset + int(length) if length and length.isdigit() else total


def fetch(url: str, part: Path, label: str, timeout: float, progress: str) -> int:
    """Download (or resume) ``url`` into ``part``; returns its size; raises on truncation."""
    response, offset, expected = _start(url, part, timeout)
    if response is None:
        return offset
    received = offset
    with response, part.open("ab" if offset else "wb") as out, open_progress(progress, label, expected, offset) as bar:
        while True:
            try:
                chunk = response.read(CHUNK_BYTES)
            except IncompleteRead as error:  # the server closed before Content-Length bytes
                chunk = error.partial
                out.write(chunk)
                received += len(chunk)
                break
            except (HTTPException, OSError) as error:
                raise _network_error(url, error) from None
            if not chunk:
                break
            out.write(chunk)
            received += len(chunk)
            bar.update(len(chunk))
    if expected is not None and received != expected:
        raise TruncatedDownload(f"{label}: truncated, got {received} of {expected} bytes; rerun to resume")
    return received


def validate(path: Path, fmt: str, category: str) -> None:
    """Raise ``CorruptDownload`` unless ``path`` is a Quick Draw file of ``fmt`` for ``category``."""
    if FORMATS[fmt].extension == "npy":
        try:
            load_bitmaps(path, mmap=True)  # reads the header only; checks (N, 784) uint8 and the size
        except DataFileError as error:
            raise CorruptDownload(f"{category}: not a numpy_bitmap file: {error.detail}") from None
        return
    with path.open(encoding="utf-8", errors="replace") as lines:
        records = [line for line, _ in zip(filter(str.strip, lines), range(VALIDATE_LINES))]
    if not records:
        raise CorruptDownload(f"{category}: the downloaded {fmt} file is empty")
    for number, line in enumerate(records, start=1):
        try:
            drawing = parse_drawing(line, kind=fmt)
        except InvalidDrawing as error:
            detail = f"not {fmt} Quick Draw ndjson (record {number}: {error.detail})"
            raise CorruptDownload(f"{category}: {detail}") from None
        if drawing.word != category:
            raise CorruptDownload(f"{category}: the file holds {drawing.word!r} drawings")


def download_one(category: str, fmt: str, dest: Path, base_url: str, *, timeout: float = DEFAULT_TIMEOUT_S,
                 progress: str = "auto", force: bool = False) -> tuple[Path, bool]:
    """Download one category file into ``dest``; ``(path, False)`` when it was already there."""
    target = destination(dest, fmt, category)
    if target.exists() and not force:
        return target, False
    part = target.with_name(target.name + PART_SUFFIX)
    url = file_url(base_url, fmt, category)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fetch(url, part, f"{fmt}/{category}", timeout, progress)
        try:
            validate(part, fmt, category)
        except CorruptDownload:
            part.unlink()  # resuming a corrupt file cannot help
            raise
        os.replace(part, target)  # atomic: a reader never sees a partial file under the real name
    except UnknownCategory as error:
        known = difflib.get_close_matches(category, parse_names(CATEGORIES_FILE.read_text(encoding="utf-8")),
                                          n=CLOSE_MATCHES)
        hint = f" (did you mean: {', '.join(known)}?)" if known else ""
        raise UnknownCategory(f"unknown category {category!r}{hint}: {error.detail}") from None
    except OSError as error:  # local disk: permissions, space
        raise DownloadError(f"cannot write {error.filename or target}: {error.strerror or error}") from None
    return target, True


def read_names_url(url: str, timeout: float) -> list[str]:
    response = _open(url, 0, timeout)
    try:
        with response:
            return parse_names(response.read().decode("utf-8"))
    except (HTTPException, OSError, UnicodeDecodeError) as error:
        raise _network_error(url, error) from None


def resolve_categories(spec: str, names_file: Path, names_url: str | None, timeout: float) -> list[str]:
    """The names ``--categories`` means: a comma list, or ``all`` from the URL or the names file."""
    if spec.strip() != ALL:
        names = parse_names(spec)
    elif names_url:
        names = read_names_url(names_url, timeout)
    else:
        try:
            names = parse_names(Path(names_file).read_text(encoding="utf-8"))
        except OSError as error:
            raise DownloadError(f"cannot read category names from {names_file}: {error.strerror}") from None
    if not names:
        raise DownloadError("no categories to download")
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ml.download", description=__doc__.split("\n\n")[0])
    parser.add_argument("--categories", required=True,
                        help=f"comma-separated category names (spaces kept, e.g. 'cat,The Eiffel Tower') or '{ALL}'")
    parser.add_argument("--format", choices=sorted(FORMATS), default=SIMPLIFIED,
                        help="which of Google's files to fetch (default: %(default)s)")
    parser.add_argument("--dest", type=Path, required=True,
                        help="data folder to fill, laid out like ../shared/quickdraw (raw/, simplified/, bitmaps/)")
    parser.add_argument("--base-url", default=None,
                        help=f"bucket URL holding raw/, simplified/, numpy_bitmap/ (default: ${BASE_URL_ENV} "
                             f"or {DEFAULT_BASE_URL})")
    parser.add_argument("--categories-file", type=Path, default=CATEGORIES_FILE,
                        help="names file for '--categories all', one a line (default: the 345 shipped in ml/)")
    parser.add_argument("--categories-url", default=None,
                        help="fetch the names for '--categories all' from this URL instead, "
                             f"e.g. {DEFAULT_CATEGORIES_URL}")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                        help="seconds to wait on the network before giving up (default: %(default)s)")
    parser.add_argument("--progress", choices=STYLES, default="auto",
                        help="progress display: tqdm when installed (auto), plain lines, or none")
    parser.add_argument("--force", action="store_true", help="download again even where the file is already present")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    base_url = args.base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    failed = fetched = present = 0
    try:
        categories = resolve_categories(args.categories, args.categories_file, args.categories_url, args.timeout)
        for category in categories:
            try:
                path, new = download_one(category, args.format, args.dest, base_url, timeout=args.timeout,
                                         progress=args.progress, force=args.force)
            except DrawsiteError as error:
                failed += 1
                print(f"error: {error.detail}", file=sys.stderr)
                continue
            fetched, present = fetched + new, present + (not new)
            print(f"{'downloaded' if new else 'already present'}: {path}")
    except DrawsiteError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted; rerun the same command to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(f"{fetched} downloaded, {present} already present, {failed} failed", file=sys.stderr)
    return EXIT_FAILED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
