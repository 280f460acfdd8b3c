"""Content-addressed file storage: ``<files dir>/ab/abcdef…`` named by the SHA-256 of the bytes.

A file is streamed to a temporary file inside the same tree (``<files dir>/.tmp/``), hashed on the
way, ``fsync``-ed, then renamed to its address with ``os.replace`` and its directory ``fsync``-ed. So
a crash never leaves half a file under a real name, the same content is stored once, and memory use
does not grow with the file. Temporary files orphaned by a crash are removed by
``sweep_temp_files``. Addresses are only ever built from a validated hash, never from a user's path.

Callers store the bytes first and the database row that points at them second, in that order, so a
row is never visible without its bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from polka.errors import ValidationError

CHUNK_BYTES = 64 * 1024
TEMP_DIR = ".tmp"
TEMP_SUFFIX = ".part"
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class FileTooLarge(ValidationError):
    """The stream was longer than the limit; nothing was kept."""

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

    def save_stream(self, stream: Readable, max_bytes: int) -> StoredFile:
        """Store everything ``stream`` yields; ``FileTooLarge`` (and nothing kept) past ``max_bytes``."""
        _make_dir(self.temp_dir)
        temp = self.temp_dir / f"{secrets.token_hex(16)}{TEMP_SUFFIX}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as handle:
                while chunk := stream.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge(max_bytes)
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            sha256 = digest.hexdigest()
            target = self.path_for(sha256)
            _make_dir(target.parent)
            if target.exists():
                temp.unlink()  # the same bytes are stored already
            else:
                os.replace(temp, target)
                fsync_directory(target.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
            raise
        return StoredFile(sha256=sha256, size=size, path=target)

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
