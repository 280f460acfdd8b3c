"""Content-addressed storage: round trip, dedupe, limits, crash safety, hash validation, memory."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest

from polka.storage import FILENAME_MAX, TEMP_DIR, FileStore, FileTooLarge, InvalidHash, clean_filename

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path):
    return FileStore(tmp_path / "files")


def stored_names(root: Path) -> list[str]:
    """Every stored file (``ab/abcdef…``; not the temporary area or the lock), relative to the root."""
    return sorted(str(p.relative_to(root)) for p in root.glob("??/*") if p.is_file())


def temp_files(root: Path) -> list[Path]:
    return sorted((root / TEMP_DIR).glob("*")) if (root / TEMP_DIR).exists() else []


class Endless(io.RawIOBase):
    """``size`` bytes made up on demand, so the test itself holds no big buffer."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return b"x" * n


def test_saved_file_reads_back_under_its_sha256_address(store):
    content = b"Minutes of the PNC regional meeting\n" * 1000
    saved = store.save_stream(io.BytesIO(content), max_bytes=10**6)
    digest = hashlib.sha256(content).hexdigest()
    assert (saved.sha256, saved.size) == (digest, len(content))
    assert saved.path == store.root / digest[:2] / digest
    with store.open_file(digest) as handle:
        assert handle.read() == content
    assert stored_names(store.root) == [f"{digest[:2]}/{digest}"]
    assert temp_files(store.root) == []


def test_same_content_is_stored_once(store):
    first = store.save_stream(io.BytesIO(b"same bytes"), max_bytes=100)
    second = store.save_stream(io.BytesIO(b"same bytes"), max_bytes=100)
    assert first == second
    assert len(stored_names(store.root)) == 1
    assert temp_files(store.root) == []


def test_empty_file_is_stored(store):
    saved = store.save_stream(io.BytesIO(b""), max_bytes=10)
    assert saved.size == 0
    assert saved.sha256 == hashlib.sha256(b"").hexdigest()


def test_file_of_exactly_the_limit_is_kept(store):
    assert store.save_stream(io.BytesIO(b"a" * 100), max_bytes=100).size == 100


def test_file_over_the_limit_is_refused_and_leaves_no_file(store):
    with pytest.raises(FileTooLarge, match="larger than the limit of 1 MB"):
        store.save_stream(Endless(1024 * 1024 + 1), max_bytes=1024 * 1024)
    assert stored_names(store.root) == []
    assert temp_files(store.root) == []


def test_peak_memory_does_not_grow_with_the_file(store):
    tracemalloc.start()
    try:
        saved = store.save_stream(Endless(32 * 1024 * 1024), max_bytes=64 * 1024 * 1024)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert saved.size == 32 * 1024 * 1024
    assert peak < 1024 * 1024, f"peak {peak} bytes while saving 32 MiB"


WRITER = """
import sys
from pathlib import Path
from polka.storage import FileStore
FileStore(Path(sys.argv[1])).save_stream(sys.stdin.buffer, max_bytes=10**9)
"""


def test_writer_killed_mid_file_leaves_no_file_under_a_real_name_and_sweeper_removes_its_temp(store):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(store.root)], cwd=ROOT, stdin=subprocess.PIPE)
    try:
        assert proc.stdin is not None
        proc.stdin.write(b"partial upload " * 20_000)  # ~300 KB, then the writer waits for more
        proc.stdin.flush()
        deadline = time.monotonic() + 15
        while not any(p.stat().st_size > 0 for p in temp_files(store.root)):
            assert time.monotonic() < deadline, "the writer never started writing"
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.close()
    assert stored_names(store.root) == []
    [orphan] = temp_files(store.root)

    assert store.sweep_temp_files(older_than=timedelta(hours=1)) == 0, "too recent to be swept"
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    assert store.sweep_temp_files(older_than=timedelta(hours=1)) == 1
    assert temp_files(store.root) == []


@pytest.mark.parametrize(
    "address",
    [
        "../x",
        "../../etc/passwd",
        "/etc/passwd",
        "ab/../../secret_key",
        "A" * 64,
        "0" * 63,
        "0" * 65,
        "0" * 63 + "/",
        "0" * 64 + "\n",
        "",
    ],
)
def test_anything_but_a_sha256_hex_digest_is_refused_as_an_address(store, address):
    with pytest.raises(InvalidHash):
        store.open_file(address)
    with pytest.raises(InvalidHash):
        store.path_for(address)


def test_missing_file_is_reported(store):
    with pytest.raises(FileNotFoundError):
        store.open_file("0" * 64)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\report.docx", "report.docx"),
        ("a\x00b.txt", "ab.txt"),
        ("\u202egnp.exe", "gnp.exe"),
        ("CON", "_CON"),
        ("con .txt", "_con .txt"),
        ("LPT1.tar.gz", "_LPT1.tar.gz"),
        ("...hidden", "hidden"),
        ('what?<now>:"x"|*.txt', "what__now___x___.txt"),
        ("😀 report.docx", "😀 report.docx"),
        ("", "file"),
    ],
)
def test_file_names_from_users_are_made_safe_to_show_and_offer(sent, kept):
    assert clean_filename(sent) == kept


def test_a_long_file_name_keeps_its_extension_within_the_limit():
    cleaned = clean_filename("x" * 300 + ".pdf")
    assert len(cleaned) == FILENAME_MAX
    assert cleaned.endswith("x.pdf")


# Uploads arriving straight into the store ---------------------------------------------------------


def test_an_arriving_upload_is_kept_by_renaming_not_copying(store):
    incoming = store.incoming(max_bytes=1024)
    incoming.write(b"minutes of the ")
    incoming.write(b"March meeting\n")
    temp = incoming.path
    inode = temp.stat().st_ino
    saved = store.save_stream(incoming, max_bytes=1024)
    assert saved.sha256 == hashlib.sha256(b"minutes of the March meeting\n").hexdigest()
    assert saved.path.stat().st_ino == inode  # the same file, renamed
    assert not temp.exists()
    assert temp_files(store.root) == []


def test_an_arriving_upload_not_kept_is_removed_when_closed(store):
    with store.incoming(max_bytes=1024) as incoming:
        incoming.write(b"refused by the form\n")
        assert len(temp_files(store.root)) == 1
    assert temp_files(store.root) == []
    assert stored_names(store.root) == []


def test_an_arriving_upload_over_the_limit_is_refused_as_it_arrives(store):
    incoming = store.incoming(max_bytes=10)
    incoming.write(b"0123456789")
    with pytest.raises(FileTooLarge):
        incoming.write(b"!")
    assert temp_files(store.root) == []


def test_a_check_refusing_an_arriving_upload_keeps_nothing(store):
    incoming = store.incoming(max_bytes=1024)
    incoming.write(b"MZ pretend program")

    def refuse(_path: Path) -> None:
        raise ValueError("not on the allow-list")

    with pytest.raises(ValueError, match="allow-list"):
        store.save_stream(incoming, max_bytes=1024, check=refuse)
    assert temp_files(store.root) == []
    assert stored_names(store.root) == []


def test_an_arriving_upload_of_stored_bytes_is_kept_once(store):
    first = store.save_stream(io.BytesIO(b"same bytes\n"), max_bytes=1024)
    incoming = store.incoming(max_bytes=1024)
    incoming.write(b"same bytes\n")
    again = store.save_stream(incoming, max_bytes=1024)
    assert again.path == first.path
    assert temp_files(store.root) == []


# Collecting files no row refers to ------------------------------------------------------------------


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_garbage_collection_removes_only_old_unreferenced_files(store):
    kept = store.save_stream(io.BytesIO(b"still used\n"), max_bytes=1024)
    dropped = store.save_stream(io.BytesIO(b"purged document\n"), max_bytes=1024)
    recent = store.save_stream(io.BytesIO(b"row still committing\n"), max_bytes=1024)
    for stored in (kept, dropped):
        _age(stored.path, 2 * 86400)
    removed = store.collect_garbage(lambda: {kept.sha256}, older_than=timedelta(days=1))
    assert removed == 1
    assert kept.path.exists()
    assert recent.path.exists()
    assert not dropped.path.exists()


def test_bytes_uploaded_again_are_fresh_and_survive_collection(store):
    old = store.save_stream(io.BytesIO(b"uploaded again\n"), max_bytes=1024)
    _age(old.path, 2 * 86400)
    again = store.save_stream(io.BytesIO(b"uploaded again\n"), max_bytes=1024)  # its row not committed yet
    assert store.collect_garbage(set, older_than=timedelta(days=1)) == 0
    assert again.path.read_bytes() == b"uploaded again\n"
