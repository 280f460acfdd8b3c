"""Listing archives without unpacking them, and refusing zip bombs and zips that name paths outside
themselves."""

from __future__ import annotations

import bz2
import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from polka.docs import archives
from polka.docs.archives import ArchiveEntry, UnsafeArchive, check_zip, list_archive
from polka.filetypes import detect
from tests.docs import samples


def listing_of(path: Path, limit: int = 500) -> list[tuple[str, int, bool, bool]]:
    listing = list_archive(path, detect(path).media_type, limit=limit)
    return [(e.name, e.size, e.is_dir, e.unsafe) for e in listing.entries]


def test_zip_is_listed_with_sizes_and_folders(tmp_path: Path) -> None:
    path = samples.zip_file(
        tmp_path / "a.zip", {"minutes/": b"", "minutes/march.txt": b"x" * 1234, "b.csv": b"a,b"}
    )

    listing = list_archive(path, detect(path).media_type)

    assert listing.entries == (
        ArchiveEntry("minutes/", 0, is_dir=True, unsafe=False),
        ArchiveEntry("minutes/march.txt", 1234, is_dir=False, unsafe=False),
        ArchiveEntry("b.csv", 3, is_dir=False, unsafe=False),
    )
    assert (listing.total_entries, listing.total_size, listing.truncated) == (3, 1237, False)


def test_listing_stops_at_the_limit_but_counts_everything(tmp_path: Path) -> None:
    path = samples.zip_file(tmp_path / "a.zip", {f"file{n}.txt": b"12345" for n in range(10)})

    listing = list_archive(path, "application/zip", limit=4)

    assert [e.name for e in listing.entries] == ["file0.txt", "file1.txt", "file2.txt", "file3.txt"]
    assert (listing.total_entries, listing.total_size, listing.truncated) == (10, 50, True)


@pytest.mark.parametrize(
    "name", ["../evil", "a/../../evil", "/etc/passwd", "C:\\Windows\\evil.dll", "..\\evil"]
)
def test_zip_entry_outside_the_archive_is_marked_and_refused(tmp_path: Path, name: str) -> None:
    path = samples.zip_file(tmp_path / "a.zip", {"fine.txt": b"ok", name: b"payload"})

    assert listing_of(path) == [("fine.txt", 2, False, False), (name, 7, False, True)]
    with pytest.raises(UnsafeArchive, match="names a path outside itself"):
        check_zip(path)


def test_ordinary_zip_passes_the_check(tmp_path: Path) -> None:
    path = samples.docx_file(tmp_path / "a.docx", ["An ordinary document"])

    check_zip(path)  # raises nothing


def test_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    path = samples.zip_of_zeros(tmp_path / "bomb.zip", megabytes=20)
    assert path.stat().st_size < 100_000

    with pytest.raises(UnsafeArchive, match="compressed more than 200 times"):
        check_zip(path)


def test_zip_expanding_past_the_cap_is_refused(tmp_path: Path) -> None:
    path = samples.zip_file(tmp_path / "a.zip", {f"part{n}.bin": bytes(range(256)) * 4096 for n in range(3)})

    check_zip(path, max_total=3 * 1024 * 1024)  # exactly at the cap
    with pytest.raises(UnsafeArchive, match=r"expands to more than 2 MB \(a possible zip bomb\)"):
        check_zip(path, max_total=2 * 1024 * 1024)


def test_zip_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    path = samples.zip_file(tmp_path / "a.zip", {f"{n}.txt": b"" for n in range(11)})

    with pytest.raises(UnsafeArchive, match="more than 10 entries"):
        check_zip(path, max_entries=10)


def test_zip_symlink_is_marked_unsafe(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    link = zipfile.ZipInfo("innocent")
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(link, "/etc/shadow")

    assert listing_of(path) == [("innocent", 11, False, True)]
    with pytest.raises(UnsafeArchive):
        check_zip(path)


@pytest.mark.parametrize(
    ("suffix", "mode"), [(".tar", "w"), (".tar.gz", "w:gz"), (".tar.bz2", "w:bz2"), (".tar.xz", "w:xz")]
)
def test_tar_is_listed(tmp_path: Path, suffix: str, mode: str) -> None:
    path = samples.tar_file(
        tmp_path / f"a{suffix}", {"report/summary.txt": b"x" * 300, "../escape.sh": b"rm"}, mode
    )

    listing = list_archive(path, detect(path).media_type)

    assert [(e.name, e.size, e.unsafe) for e in listing.entries] == [
        ("report/summary.txt", 300, False),
        ("../escape.sh", 2, True),
    ]
    assert (listing.total_entries, listing.total_size, listing.truncated) == (2, 302, False)


def test_compressed_tar_is_only_read_so_far(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archives, "TAR_SCAN_BYTES", 2000)
    path = samples.tar_file(tmp_path / "a.tar.gz", {f"{n}.bin": bytes(1000) for n in range(5)})

    listing = list_archive(path, "application/gzip")

    assert [e.name for e in listing.entries] == ["0.bin", "1.bin"]
    assert listing.truncated


def test_tar_links_and_folders_are_shown_links_as_unsafe(tmp_path: Path) -> None:
    path = tmp_path / "a.tar"
    with tarfile.open(path, "w") as archive:
        folder = tarfile.TarInfo("docs")
        folder.type = tarfile.DIRTYPE
        archive.addfile(folder)
        link = tarfile.TarInfo("docs/passwords")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/shadow"
        archive.addfile(link)

    assert listing_of(path) == [("docs", 0, True, False), ("docs/passwords", 0, False, True)]


def test_gzip_of_one_file_is_one_entry_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "stored-hash"
    with path.open("wb") as raw, gzip.GzipFile("custody-log.csv", "wb", fileobj=raw) as stream:
        stream.write(b"time,event\n" * 100)

    listing = list_archive(path, detect(path).media_type)

    assert listing.entries == (ArchiveEntry("custody-log.csv", 1100, is_dir=False, unsafe=False),)
    assert (listing.total_entries, listing.total_size, listing.truncated) == (1, 1100, False)


def test_bzip2_of_one_file_is_one_entry(tmp_path: Path) -> None:
    path = tmp_path / "stored-hash"
    path.write_bytes(bz2.compress(b"not a tar " * 100))

    listing = list_archive(path, detect(path).media_type)

    assert [(e.size, e.is_dir) for e in listing.entries] == [(1000, False)]


@pytest.mark.parametrize(
    ("media_type", "content"),
    [
        ("application/zip", b"PK\x03\x04" + bytes(range(256)) * 4),
        ("application/x-tar", b"\x01" * 2048),
        ("application/gzip", b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4),
    ],
)
def test_damaged_archive_is_refused_with_a_reason(tmp_path: Path, media_type: str, content: bytes) -> None:
    path = tmp_path / "damaged"
    path.write_bytes(content)

    with pytest.raises(UnsafeArchive, match="The archive could not be read"):
        list_archive(path, media_type)


def test_seven_zip_is_not_listed(tmp_path: Path) -> None:
    path = tmp_path / "a.7z"
    path.write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(26))

    with pytest.raises(UnsafeArchive, match="cannot list the files in this kind of archive"):
        list_archive(path, "application/x-7z-compressed")


def test_listing_never_extracts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as archive:
        info = tarfile.TarInfo("dropped.txt")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"hi"))
    path = folder / "a.tar"
    path.write_bytes(data.getvalue())

    list_archive(path, "application/x-tar")

    assert sorted(p.name for p in folder.iterdir()) == ["a.tar"]
