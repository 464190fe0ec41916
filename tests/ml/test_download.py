"""ml.download against a local bucket on 127.0.0.1 (never the real network): small real files
made from the shared data, served with or without Range support, truncated, missing or corrupt."""

import io
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest

from ml.config import PROJECT_ROOT
from ml.data import describe_folder, iter_drawings, load_bitmaps
from ml.download import (
    BASE_URL_ENV,
    CATEGORIES_FILE,
    EXIT_FAILED,
    destination,
    file_url,
    main,
    parse_content_range,
    parse_names,
    resolve_categories,
)
from ml.download_progress import PlainProgress

LOOPBACK = "127.0.0.1"
NDJSON_LINES = 6  # drawings per served ndjson file
BITMAP_ROWS = 300  # 235 KB: several read chunks, so progress and resume have something to do
RESUME_AT = 100_000  # bytes already in the .part before a resumed run
TRUNCATE_AT = 1_000  # bytes a truncating server sends before hanging up
TIMEOUT = "5"
ALL_CATEGORIES = 345
POLL_S = 0.02  # server shutdown latency


class Bucket(ThreadingHTTPServer):
    """A static file server over ``root`` laid out like Google's bucket, with switchable faults."""

    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__((LOOPBACK, 0), BucketHandler)
        self.root = root
        self.honour_range = True
        self.truncate_to: int | None = None
        self.fail_status: int | None = None
        self.requests: list[tuple[str, str | None]] = []

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server_port}"


class BucketHandler(BaseHTTPRequestHandler):
    server: Bucket

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.requests.append((self.path, self.headers.get("Range")))
        path = self.server.root / unquote(urlsplit(self.path).path).lstrip("/")
        if self.server.fail_status:
            self.send_error(self.server.fail_status)
            return
        if not path.is_file():
            self.send_error(404)
            return
        body, start = path.read_bytes(), 0
        asked = self.headers.get("Range")
        if asked and self.server.honour_range:
            start = int(asked.removeprefix("bytes=").split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:][: self.server.truncate_to])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a host other than 127.0.0.1 fails the test: these tests never touch the internet."""
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        assert address[0] == LOOPBACK, f"test tried to reach {address}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    monkeypatch.setenv(BASE_URL_ENV, "http://unused.invalid")


@pytest.fixture(scope="module")
def bucket_root(quickdraw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bucket")
    for kind in ("raw", "simplified"):
        (root / kind).mkdir()
        for category in ("cat", "The Eiffel Tower"):
            with (quickdraw_data / kind / f"{category}.ndjson").open(encoding="utf-8") as lines:
                head = [next(lines) for _ in range(NDJSON_LINES)]
            (root / kind / f"{category}.ndjson").write_text("".join(head), encoding="utf-8")
    (root / "simplified" / "mislabeled.ndjson").write_bytes((root / "simplified" / "cat.ndjson").read_bytes())
    (root / "simplified" / "rawish.ndjson").write_bytes((root / "raw" / "cat.ndjson").read_bytes())
    (root / "simplified" / "garbage.ndjson").write_text("<html>not found</html>\n", encoding="utf-8")
    (root / "numpy_bitmap").mkdir()
    with np.load(quickdraw_data / "bitmaps" / "cat.npz") as shared:
        np.save(root / "numpy_bitmap" / "cat.npy", shared["images"][:BITMAP_ROWS])
    np.save(root / "numpy_bitmap" / "narrow.npy", np.zeros((4, 100), np.uint8))
    (root / "numpy_bitmap" / "garbage.npy").write_bytes(b"\x00not numpy" * 100)
    (root / "categories.txt").write_text("cat\nThe Eiffel Tower\n", encoding="utf-8")
    return root


@pytest.fixture()
def bucket(bucket_root: Path) -> Iterator[Bucket]:
    server = Bucket(bucket_root)
    thread = threading.Thread(target=server.serve_forever, args=(POLL_S,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run(bucket: Bucket, dest: Path, categories: str, fmt: str = "simplified", *extra: str) -> int:
    return main(["--categories", categories, "--format", fmt, "--dest", str(dest), "--base-url", bucket.url,
                 "--timeout", TIMEOUT, "--progress", "none", *extra])


@pytest.mark.parametrize(
    ("base", "fmt", "category", "expected"),
    [
        ("https://b/full", "raw", "cat", "https://b/full/raw/cat.ndjson"),
        ("https://b/full/", "simplified", "The Eiffel Tower", "https://b/full/simplified/The%20Eiffel%20Tower.ndjson"),
        ("https://b/full", "numpy_bitmap", "ice cream", "https://b/full/numpy_bitmap/ice%20cream.npy"),
        ("http://127.0.0.1:8/x", "raw", "a/b?#", "http://127.0.0.1:8/x/raw/a/b%3F%23.ndjson"),
    ],
)
def test_file_url(base: str, fmt: str, category: str, expected: str) -> None:
    assert file_url(base, fmt, category) == expected


@pytest.mark.parametrize(
    ("fmt", "category", "expected"),
    [("raw", "cat", "raw/cat.ndjson"), ("simplified", "The Mona Lisa", "simplified/The Mona Lisa.ndjson"),
     ("numpy_bitmap", "cat", "bitmaps/cat.npy")],
)
def test_destination_is_shared_layout(fmt: str, category: str, expected: str) -> None:
    assert destination(Path("/d"), fmt, category) == Path("/d") / expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("cat,dog", ["cat", "dog"]), (" cat , The Eiffel Tower,,cat ", ["cat", "The Eiffel Tower"]),
     ("aircraft carrier\nairplane\r\n\n", ["aircraft carrier", "airplane"]), ("", [])],
)
def test_parse_names(text: str, expected: list[str]) -> None:
    assert parse_names(text) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [("bytes 100-199/1000", (100, 1000)), ("bytes */1000", (None, 1000)), ("bytes 5-9/*", (5, None)),
     (None, (None, None)), ("bytes x-y/z", (None, None)), ("items 1-2/3", (None, None))],
)
def test_parse_content_range(header: str | None, expected: tuple) -> None:
    assert parse_content_range(header) == expected


def test_plain_progress_lines() -> None:
    out = io.StringIO()
    with PlainProgress("raw/cat", total=1000, initial=300, stream=out) as bar:
        for _ in range(7):
            bar.update(100)
    assert out.getvalue().splitlines()[0] == "raw/cat: 40% (0.0 of 0.0 MB)"
    assert out.getvalue().splitlines()[-1].startswith("raw/cat: 100%") and len(out.getvalue().splitlines()) == 7


def test_shipped_names_are_the_345_categories(quickdraw_data: Path) -> None:
    names = resolve_categories("all", CATEGORIES_FILE, None, float(TIMEOUT))
    index = json.loads((quickdraw_data / "index.json").read_text(encoding="utf-8"))
    assert len(names) == ALL_CATEGORIES and set(names) == set(index)


def test_success_with_progress_and_encoded_names(bucket: Bucket, tmp_path: Path, capsys) -> None:
    assert main(["--categories", "cat,The Eiffel Tower", "--format", "raw", "--dest", str(tmp_path),
                 "--base-url", bucket.url, "--progress", "plain"]) == 0
    assert ("/raw/The%20Eiffel%20Tower.ndjson", None) in bucket.requests
    for category in ("cat", "The Eiffel Tower"):
        got = tmp_path / "raw" / f"{category}.ndjson"
        assert got.read_bytes() == (bucket.root / "raw" / f"{category}.ndjson").read_bytes()
        assert [d.row for d in iter_drawings(got)] == list(range(NDJSON_LINES))
    assert not list(tmp_path.rglob("*.part"))
    err = capsys.readouterr().err
    assert "raw/The Eiffel Tower: 100%" in err and "2 downloaded, 0 already present, 0 failed" in err


def test_bitmaps_with_tqdm_and_env_base_url(bucket: Bucket, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(BASE_URL_ENV, bucket.url)
    assert main(["--categories", "cat", "--format", "numpy_bitmap", "--dest", str(tmp_path)]) == 0
    images, rows = load_bitmaps(tmp_path / "bitmaps" / "cat.npy")
    assert images.shape == (BITMAP_ROWS, 784) and rows.tolist() == list(range(BITMAP_ROWS))
    assert describe_folder(tmp_path).bitmaps == {"cat": tmp_path / "bitmaps" / "cat.npy"}
    assert "numpy_bitmap/cat" in capsys.readouterr().err


def test_present_files_are_skipped(bucket: Bucket, tmp_path: Path, capsys) -> None:
    assert run(bucket, tmp_path, "cat") == 0
    bucket.requests.clear()
    assert run(bucket, tmp_path, "cat") == 0
    assert bucket.requests == [] and "already present" in capsys.readouterr().out
    assert run(bucket, tmp_path, "cat", "simplified", "--force") == 0 and len(bucket.requests) == 1


def seed_part(dest: Path, fmt_dir: str, name: str, content: bytes) -> Path:
    part = dest / fmt_dir / f"{name}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(content)
    return part


def test_resume_with_range(bucket: Bucket, tmp_path: Path) -> None:
    original = (bucket.root / "numpy_bitmap" / "cat.npy").read_bytes()
    seed_part(tmp_path, "bitmaps", "cat.npy", original[:RESUME_AT])
    assert run(bucket, tmp_path, "cat", "numpy_bitmap") == 0
    assert bucket.requests == [("/numpy_bitmap/cat.npy", f"bytes={RESUME_AT}-")]
    assert (tmp_path / "bitmaps" / "cat.npy").read_bytes() == original


def test_complete_part_answered_416_is_kept(bucket: Bucket, tmp_path: Path) -> None:
    original = (bucket.root / "numpy_bitmap" / "cat.npy").read_bytes()
    seed_part(tmp_path, "bitmaps", "cat.npy", original)
    assert run(bucket, tmp_path, "cat", "numpy_bitmap") == 0
    assert bucket.requests == [("/numpy_bitmap/cat.npy", f"bytes={len(original)}-")]  # 416: nothing to fetch
    assert (tmp_path / "bitmaps" / "cat.npy").read_bytes() == original


def test_oversized_part_restarts(bucket: Bucket, tmp_path: Path) -> None:
    original = (bucket.root / "simplified" / "cat.ndjson").read_bytes()
    seed_part(tmp_path, "simplified", "cat.ndjson", original + b"stale tail")
    assert run(bucket, tmp_path, "cat") == 0
    assert [asked for _, asked in bucket.requests] == [f"bytes={len(original) + len(b'stale tail')}-", None]
    assert (tmp_path / "simplified" / "cat.ndjson").read_bytes() == original


def test_server_ignoring_range_restarts_cleanly(bucket: Bucket, tmp_path: Path) -> None:
    bucket.honour_range = False
    original = (bucket.root / "numpy_bitmap" / "cat.npy").read_bytes()
    seed_part(tmp_path, "bitmaps", "cat.npy", b"\xff" * RESUME_AT)  # would corrupt the file if appended to
    assert run(bucket, tmp_path, "cat", "numpy_bitmap") == 0
    assert bucket.requests == [("/numpy_bitmap/cat.npy", f"bytes={RESUME_AT}-")]
    assert (tmp_path / "bitmaps" / "cat.npy").read_bytes() == original


def test_truncated_response_then_resume(bucket: Bucket, tmp_path: Path, capsys) -> None:
    original = (bucket.root / "numpy_bitmap" / "cat.npy").read_bytes()
    bucket.truncate_to = TRUNCATE_AT
    assert run(bucket, tmp_path, "cat", "numpy_bitmap") == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"truncated, got {TRUNCATE_AT} of {len(original)} bytes" in err and "Traceback" not in err
    assert not (tmp_path / "bitmaps" / "cat.npy").exists()
    assert (tmp_path / "bitmaps" / "cat.npy.part").stat().st_size == TRUNCATE_AT
    bucket.truncate_to = None
    assert run(bucket, tmp_path, "cat", "numpy_bitmap") == 0
    assert bucket.requests[-1] == ("/numpy_bitmap/cat.npy", f"bytes={TRUNCATE_AT}-")
    assert (tmp_path / "bitmaps" / "cat.npy").read_bytes() == original


@pytest.mark.parametrize(
    ("category", "fmt", "message"),
    [
        ("narrow", "numpy_bitmap", "narrow: not a numpy_bitmap file"),
        ("garbage", "numpy_bitmap", "garbage: not a numpy_bitmap file"),
        ("garbage", "simplified", "garbage: not simplified Quick Draw ndjson (record 1: not valid JSON"),
        ("rawish", "simplified", "rawish: not simplified Quick Draw ndjson (record 1: stroke 0 is raw"),
        ("mislabeled", "simplified", "mislabeled: the file holds 'cat' drawings"),
    ],
)
def test_corrupt_downloads_are_rejected(bucket: Bucket, tmp_path: Path, capsys, category, fmt, message) -> None:
    assert run(bucket, tmp_path, category, fmt) == EXIT_FAILED
    assert message in capsys.readouterr().err
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []  # no target, no .part to resume


def test_unknown_category_continues_with_the_rest(bucket: Bucket, tmp_path: Path, capsys) -> None:
    assert run(bucket, tmp_path, "catt,cat") == EXIT_FAILED
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("error: unknown category 'catt' (did you mean: cat") and "HTTP 404" in err[0]
    assert err[-1] == "1 downloaded, 0 already present, 1 failed"
    assert (tmp_path / "simplified" / "cat.ndjson").exists()
    assert not (tmp_path / "simplified" / "catt.ndjson.part").exists()


def test_server_error_and_network_error(bucket: Bucket, tmp_path: Path, capsys) -> None:
    bucket.fail_status = 503
    assert run(bucket, tmp_path, "cat") == EXIT_FAILED
    assert "HTTP 503" in capsys.readouterr().err
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind((LOOPBACK, 0))
        closed = f"http://{LOOPBACK}:{probe.getsockname()[1]}"
    assert main(["--categories", "cat", "--dest", str(tmp_path), "--base-url", closed, "--progress", "none"]) == 1
    assert "error: network error fetching" in capsys.readouterr().err


def test_all_from_a_names_file_and_a_names_url(bucket: Bucket, tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("The Eiffel Tower\n", encoding="utf-8")
    assert run(bucket, tmp_path / "a", "all", "raw", "--categories-file", str(names)) == 0
    assert describe_folder(tmp_path / "a").categories == ["The Eiffel Tower"]
    assert run(bucket, tmp_path / "b", "all", "raw", "--categories-url", f"{bucket.url}/categories.txt") == 0
    assert describe_folder(tmp_path / "b").categories == ["The Eiffel Tower", "cat"]


def test_missing_names_url_is_one_line(bucket: Bucket, tmp_path: Path, capsys) -> None:
    assert run(bucket, tmp_path, "all", "raw", "--categories-url", f"{bucket.url}/nope.txt") == EXIT_FAILED
    assert capsys.readouterr().err.count("\n") == 1


def test_cli_failure_has_no_traceback(bucket: Bucket, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ml.download", "--categories", "no such thing", "--dest", str(tmp_path),
         "--base-url", bucket.url, "--progress", "none"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == EXIT_FAILED
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith("error: unknown category 'no such thing'")
