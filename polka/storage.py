"""Content-addressed file storage: ``<files dir>/ab/abcdef…`` named by the SHA-256 of the bytes.

A file is streamed to a temporary file inside the same tree (``<files dir>/.tmp/``), hashed on the
way, ``fsync``-ed, then renamed to its address with ``os.replace`` and its directory ``fsync``-ed. So
a crash never leaves half a file under a real name, the same content is stored once, and memory use
does not grow with the file. Temporary files orphaned by a crash are removed by
``sweep_temp_files``, and files no row refers to any more by ``collect_garbage``. Addresses are only
ever built from a validated hash, never from a user's path.

Callers store the bytes first and the database row that points at them second, in that order, so a
row is never visible without its bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from polka.errors import ValidationError

CHUNK_BYTES = 64 * 1024
TEMP_DIR = ".tmp"
TEMP_SUFFIX = ".part"
GC_LOCK = ".collect.lock"
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class FileTooLarge(ValidationError):
    """The stream was longer than the limit; nothing was kept."""

    status_code = 413

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"The file is larger than the limit of {_human(max_bytes)}.")
        self.max_bytes = max_bytes


class InvalidHash(ValueError):
    """Not a SHA-256 address (64 lower-case hexadecimal characters)."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path


class FileStore:
    """The files under one directory (``settings.files_dir``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.temp_dir = self.root / TEMP_DIR

    def path_for(self, sha256: str) -> Path:
        """Where the file with this hash lives; ``InvalidHash`` for anything but a SHA-256 hex digest."""
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise InvalidHash(f"not a SHA-256 file address: {sha256!r:.80}")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open_file(self, sha256: str) -> BinaryIO:
        """Open a stored file for reading (``FileNotFoundError`` if its bytes are missing)."""
        return open(self.path_for(sha256), "rb")

    def save_stream(
        self, stream: Readable, max_bytes: int, check: Callable[[Path], None] | None = None
    ) -> StoredFile:
        """Store everything ``stream`` yields; ``FileTooLarge`` (and nothing kept) past ``max_bytes``.

        ``check`` is shown the complete temporary file before it gets its real name: whatever it
        raises (an unwanted type, say) is raised here and nothing is kept. An upload that already
        arrived into this store (``IncomingFile``) is not copied again, only given its name.
        """
        if isinstance(stream, IncomingFile) and stream.store is self:
            if stream.size > max_bytes:
                stream.close()
                raise FileTooLarge(max_bytes)
            return stream.keep(check)
        with self.incoming(max_bytes) as incoming:
            while chunk := stream.read(CHUNK_BYTES):
                incoming.write(chunk)
            return incoming.keep(check)

    def incoming(self, max_bytes: int) -> IncomingFile:
        """A new temporary file to write an arriving upload into (see ``IncomingFile``)."""
        return IncomingFile(self, max_bytes)

    def _adopt(self, temp: Path, sha256: str) -> Path:
        """Give a complete, fsync-ed temporary file its address (or drop it if the bytes are there)."""
        target = self.path_for(sha256)
        _make_dir(target.parent)
        with self._collection_lock(fcntl.LOCK_SH):  # not while ``collect_garbage`` removes files
            if target.exists():
                temp.unlink()  # the same bytes are stored already
                os.utime(target)  # used again now: ``collect_garbage`` leaves recent files alone
            else:
                os.replace(temp, target)
                fsync_directory(target.parent)
        return target

    @contextlib.contextmanager
    def _collection_lock(self, mode: int) -> Iterator[None]:
        """Shared by savers, exclusive for the garbage collector (between processes too)."""
        _make_dir(self.root)
        fd = os.open(self.root / GC_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, mode)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def sweep_temp_files(self, older_than: timedelta) -> int:
        """Remove temporary files not written to for ``older_than`` (left by a crash); return how many.

        Give a generous age (hours): a save still in progress keeps touching its file.
        """
        if not self.temp_dir.is_dir():
            return 0
        cutoff = time.time() - older_than.total_seconds()
        removed = 0
        for path in self.temp_dir.glob(f"*{TEMP_SUFFIX}"):
            try:
                if path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # renamed or removed meanwhile
        return removed

    def collect_garbage(self, referenced: Callable[[], set[str]], older_than: timedelta) -> int:
        """Remove stored files no row refers to any more (a purged document's versions); return how many.

        Only files not stored or re-used for ``older_than`` are candidates, so a file whose row is
        still being committed is never taken; ``referenced`` is asked after the candidates are found.
        """
        cutoff = time.time() - older_than.total_seconds()
        candidates: dict[str, Path] = {}
        for path in self.root.glob("??/*"):
            if _SHA256.fullmatch(path.name) and path.parent.name == path.name[:2]:
                try:
                    if path.stat().st_mtime <= cutoff:
                        candidates[path.name] = path
                except FileNotFoundError:
                    continue
        if not candidates:
            return 0
        keep = referenced()
        removed = 0
        with self._collection_lock(fcntl.LOCK_EX):
            for sha256, path in candidates.items():
                if sha256 in keep:
                    continue
                with contextlib.suppress(FileNotFoundError):
                    if path.stat().st_mtime <= cutoff:  # not re-used since it was found
                        path.unlink()
                        removed += 1
        return removed


class IncomingFile:
    """An upload being written into the store's temporary directory, hashed and counted as it arrives.

    The web layer hands these to the form parser, so an uploaded file is written to disk once, never
    held in memory, and never copied again: ``keep`` fsyncs it and renames it to its address. Closed
    without ``keep`` (a refused form, a failed request), it is removed. More than ``max_bytes`` raises
    ``FileTooLarge`` as it arrives.
    """

    def __init__(self, store: FileStore, max_bytes: int) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self.size = 0
        self._digest = hashlib.sha256()
        self._kept: StoredFile | None = None
        _make_dir(store.temp_dir)
        self.path = store.temp_dir / f"{secrets.token_hex(16)}{TEMP_SUFFIX}"
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        self._handle = os.fdopen(fd, "w+b")

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.max_bytes:
            self.close()
            raise FileTooLarge(self.max_bytes)
        self._digest.update(data)
        return self._handle.write(data)

    def read(self, size: int = -1, /) -> bytes:
        return self._handle.read(size)

    def readline(self, size: int = -1, /) -> bytes:
        return self._handle.readline(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def flush(self) -> None:
        self._handle.flush()

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def keep(self, check: Callable[[Path], None] | None = None) -> StoredFile:
        """fsync the file, show it to ``check``, and give it its content address."""
        if self._kept is not None:
            return self._kept
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            if check is not None:
                check(self.path)
            sha256 = self._digest.hexdigest()
            self._kept = StoredFile(sha256=sha256, size=self.size, path=self.store._adopt(self.path, sha256))
        except BaseException:
            self.close()
            raise
        return self._kept

    def close(self) -> None:
        """Close the file; unless it was kept, remove it."""
        self._handle.close()
        if self._kept is None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def __enter__(self) -> IncomingFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _make_dir(path: Path) -> None:
    """Create ``path`` (and parents) durably: a new directory entry is fsync-ed in its parent."""
    if path.is_dir():
        return
    _make_dir(path.parent)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        return
    fsync_directory(path.parent)


def fsync_directory(path: Path) -> None:
    """Make a rename or new file in ``path`` durable (the directory entry itself is flushed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} bytes"


#: Characters that reorder or hide text (bidirectional overrides and marks, zero-width joiners).
_INVISIBLE = dict.fromkeys(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C, 0xFEFF]
)
_RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)
FILENAME_MAX = 200


def clean_filename(name: str, fallback: str = "file") -> str:
    """A file name from a user made safe to show and to offer as a download name.

    Never used as a path (files are stored by hash), but still: no directories, no control or
    direction-changing characters, no leading dots, no device names, at most ``FILENAME_MAX`` characters
    with the extension kept.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(ch for ch in text.translate(_INVISIBLE) if unicodedata.category(ch)[0] != "C")
    text = re.sub(r'[<>:"|?*]', "_", text)  # characters Windows refuses in a name
    text = " ".join(text.split()).strip(" .")
    stem = text.partition(".")[0].rstrip(" ")
    if stem.lower() in _RESERVED_NAMES:  # CON, CON.txt and CON.tar.gz are all devices on Windows
        text = f"_{text}"
    if len(text) > FILENAME_MAX:
        stem, dot, extension = text.rpartition(".")
        if not dot or len(extension) > 20:
            stem, extension = text, ""
        keep = FILENAME_MAX - len(extension) - 1 if extension else FILENAME_MAX
        text = f"{stem[:keep].rstrip(' .')}.{extension}" if extension else stem[:keep].rstrip(" .")
    return text or fallback
