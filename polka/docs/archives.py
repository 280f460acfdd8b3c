"""Looking inside archives without unpacking them: the list of files in a zip or tar, and the zip-bomb check
run before any Office or OpenDocument file (which are zips) is opened.

Only the archive's directory is read; nothing is ever extracted, and the names stored in an archive are
shown, never used as paths. A tar has no directory, so listing one walks its headers: the walk stops after
a fixed amount of (decompressed) data, so a huge or hostile tar cannot hold up a page.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed"})
TAR_TYPES = frozenset(
    {"application/x-tar", "application/gzip", "application/x-gzip", "application/x-bzip2", "application/x-xz"}
)
#: A member this large (uncompressed) must not be compressed more than ``max_ratio`` times.
RATIO_CHECK_FROM = 10 * 1024 * 1024
#: How far into a compressed stream a listing reads before it stops with what it has (bzip2 reads
#: about 40 MB a second).
TAR_SCAN_BYTES = 256 * 1024 * 1024
#: How many tar headers a listing reads at most.
TAR_SCAN_ENTRIES = 100_000

_UNREADABLE = "The archive could not be read: it may be damaged or incomplete."
#: What a compressed single file is called when its header keeps no name (the stored path is a hash).
_UNNAMED = "(the compressed file)"
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveEntry:
    #: as stored in the archive: for display only, never used as a path
    name: str
    #: uncompressed bytes
    size: int
    is_dir: bool
    #: an absolute path, a ``..`` component, a drive letter, or a link or device (tar)
    unsafe: bool


@dataclass(frozen=True)
class ArchiveListing:
    entries: tuple[ArchiveEntry, ...]
    total_entries: int
    total_size: int
    #: some entries are not listed (past the limit, or past how far a tar is read)
    truncated: bool


class UnsafeArchive(Exception):
    """An archive POLKA will not open or list; the message says why."""


class DamagedArchive(UnsafeArchive):
    """The archive cannot be read at all."""


def unsafe_name(name: str) -> bool:
    """Whether a stored name would escape the folder it was unpacked into."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return True
    return ".." in re.split(r"[/\\]", name)


def check_zip(
    path: Path, *, max_total: int = 500 * 1024 * 1024, max_ratio: int = 200, max_entries: int = 10_000
) -> None:
    """Refuse a zip that would expand too far, has too many entries, or names paths outside itself.

    Raises UnsafeArchive. The sizes checked are the ones the zip declares; Python's zipfile never
    expands a member beyond its declared size, so a zip that lies about them fails to read instead.
    """
    infos = _zip_infos(path)
    if len(infos) > max_entries:
        raise UnsafeArchive(f"The archive inside the file has more than {max_entries:,} entries.")
    total = 0
    for info in infos:
        if unsafe_name(info.filename) or _zip_link_or_device(info):
            raise UnsafeArchive("The archive inside the file names a path outside itself.")
        if info.file_size >= RATIO_CHECK_FROM and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UnsafeArchive(
                f"The archive inside the file is compressed more than {max_ratio} times (a possible zip bomb)."
            )
        total += info.file_size
        if total > max_total:
            raise UnsafeArchive(
                f"The archive inside the file expands to more than {_megabytes(max_total)} "
                "(a possible zip bomb)."
            )


def list_archive(path: Path, media_type: str, *, limit: int = 500) -> ArchiveListing:
    """The entries of a zip or tar (plain or compressed); a compressed file that is not a tar is one entry.

    Raises UnsafeArchive when the archive cannot be read or is of a kind POLKA cannot list.
    """
    media_type = media_type.lower()
    if media_type in ZIP_TYPES:
        return _listing(
            (
                ArchiveEntry(
                    name=info.filename,
                    size=info.file_size,
                    is_dir=info.is_dir(),
                    unsafe=unsafe_name(info.filename) or _zip_link_or_device(info),
                )
                for info in _zip_infos(path)
            ),
            limit,
        )
    if media_type in TAR_TYPES:
        return _list_tar(path, media_type, limit)
    raise UnsafeArchive("POLKA cannot list the files in this kind of archive: download it to see them.")


def _zip_infos(path: Path) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise DamagedArchive(_UNREADABLE) from exc


def _zip_link_or_device(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and (stat.S_ISLNK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode))


def _listing(entries: Iterable[ArchiveEntry], limit: int, *, truncated: bool = False) -> ArchiveListing:
    kept: list[ArchiveEntry] = []
    count = size = 0
    for entry in entries:
        count += 1
        size += entry.size
        if len(kept) < limit:
            kept.append(entry)
    return ArchiveListing(tuple(kept), count, size, truncated or count > len(kept))


def _list_tar(path: Path, media_type: str, limit: int) -> ArchiveListing:
    entries: list[ArchiveEntry] = []
    stopped = False
    compressed = media_type != "application/x-tar"  # reading past a member means decompressing it
    try:
        with tarfile.open(path, "r:*") as archive:
            while (member := archive.next()) is not None:
                entries.append(
                    ArchiveEntry(
                        name=member.name,
                        size=member.size if member.isfile() else 0,
                        is_dir=member.isdir(),
                        unsafe=unsafe_name(member.name) or not (member.isfile() or member.isdir()),
                    )
                )
                if len(entries) >= TAR_SCAN_ENTRIES or (
                    compressed and member.offset_data + member.size > TAR_SCAN_BYTES
                ):
                    stopped = True
                    break
    except tarfile.ReadError as exc:
        if not entries and compressed:
            return _single_compressed_file(path, media_type)
        raise DamagedArchive(_UNREADABLE) from exc
    except (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise DamagedArchive(_UNREADABLE) from exc
    return _listing(entries, limit, truncated=stopped)


def _single_compressed_file(path: Path, media_type: str) -> ArchiveListing:
    """A .gz, .bz2 or .xz of one file: the name a gzip header keeps, and its size (counted up to a limit)."""
    gzipped = media_type in ("application/gzip", "application/x-gzip")
    try:
        name = _gzip_name(path) if gzipped else _UNNAMED
        opener = gzip.open if gzipped else bz2.open if media_type == "application/x-bzip2" else lzma.open
        size = 0
        with opener(path, "rb") as stream:
            while size <= TAR_SCAN_BYTES and (chunk := stream.read(1024 * 1024)):
                size += len(chunk)
    except (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise DamagedArchive(_UNREADABLE) from exc
    entry = ArchiveEntry(name, size, is_dir=False, unsafe=unsafe_name(name))
    return ArchiveListing((entry,), 1, size, truncated=size > TAR_SCAN_BYTES)


def _gzip_name(path: Path) -> str:
    """The original file name a gzip header may keep."""
    with path.open("rb") as raw:
        header = raw.read(10)
        if len(header) < 10 or header[:2] != b"\x1f\x8b":
            raise OSError("not a gzip file")
        flags = header[3]
        if not flags & 0x08:  # FNAME
            return _UNNAMED
        if flags & 0x04:  # FEXTRA comes first
            raw.seek(int.from_bytes(raw.read(2), "little"), 1)
        stored = bytearray()
        while (byte := raw.read(1)) not in (b"", b"\x00") and len(stored) < 1024:
            stored += byte
    return stored.decode("latin-1") or _UNNAMED


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"
