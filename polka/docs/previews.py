"""What a document's page shows of its contents: the text read from it (Markdown rendered safely, CSV as
a table), a thumbnail of an image, or the list of files in an archive. Download-only types (web pages,
SVG, executables) are never previewed."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from polka.docs.archives import ZIP_TYPES, ArchiveListing, UnsafeArchive, list_archive
from polka.docs.models import DocumentExtract, ExtractStatus, Version
from polka.filetypes import DOWNLOAD_ONLY, Family, family_of
from polka.markup import render_markdown

#: The page shows the start of a long text; the whole of it is searchable and downloadable.
PREVIEW_CHARS = 20_000
CSV_ROWS = 50
CSV_COLUMNS = 20
#: A zip's directory is read directly; a tar is read from its start, so only smaller ones are listed on
#: the page (a page view must stay quick).
TAR_LIST_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Preview:
    #: "text", "markdown", "csv", "image", "archive", or "none"
    kind: str
    text: str = ""
    html: Markup | None = None
    rows: list[list[str]] = field(default_factory=list)
    archive: ArchiveListing | None = None
    #: only the start is shown
    truncated: bool = False
    #: why there is nothing to show (shown on the page)
    message: str = ""
    #: the text or thumbnail is still being made (the page updates itself when it is ready)
    pending: bool = False


def preview_for(
    version: Version, extract: DocumentExtract | None, path: Path, *, has_thumbnail: bool
) -> Preview:
    family = family_of(version.family)
    if family in DOWNLOAD_ONLY:
        return Preview(
            "none", message="Files of this type are never opened in POLKA: download it to read it."
        )
    if family is Family.IMAGE:
        if has_thumbnail:
            return Preview("image")
        if extract is not None and extract.error:
            return Preview("none", message=f"No preview: {extract.error}")
        if extract is not None and extract.status is not ExtractStatus.PENDING:
            return Preview("none", message="No preview could be made of this image.")
        return Preview(
            "none", message="The preview is being prepared. Reload the page in a minute.", pending=True
        )
    if family is Family.ARCHIVE:
        if version.media_type not in ZIP_TYPES and version.size > TAR_LIST_MAX_BYTES:
            return Preview(
                "none", message="This archive is too large to list here: download it to see the files."
            )
        try:
            return Preview("archive", archive=list_archive(path, version.media_type))
        except UnsafeArchive as refused:
            return Preview("none", message=str(refused))
    if extract is None or extract.status is ExtractStatus.PENDING:
        return Preview(
            "none",
            message="The text of this document is being read. Reload the page in a minute.",
            pending=True,
        )
    if extract.status is ExtractStatus.UNSUPPORTED:
        return Preview("none", message="POLKA cannot show this type of file: download it to read it.")
    if extract.status is ExtractStatus.FAILED:
        return Preview("none", message=f"The text of this document could not be read: {extract.error}")
    text = extract.text[:PREVIEW_CHARS]
    truncated = extract.truncated or len(extract.text) > PREVIEW_CHARS
    name = version.filename.lower()
    if version.media_type == "text/markdown" or (
        family is Family.TEXT and name.endswith((".md", ".markdown"))
    ):
        return Preview("markdown", html=render_markdown(text), truncated=truncated)
    if version.media_type == "text/csv" or (
        family in (Family.TEXT, Family.SPREADSHEET) and name.endswith(".csv")
    ):
        return _csv(text, truncated)
    return Preview("text", text=text, truncated=truncated)


def _csv(text: str, truncated: bool) -> Preview:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        reader = csv.reader(io.StringIO(text), dialect)
    except csv.Error:
        reader = csv.reader(io.StringIO(text))
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) >= CSV_ROWS:
                truncated = True
                break
            rows.append([cell[:200] for cell in row[:CSV_COLUMNS]])
    except csv.Error:
        return Preview("text", text=text, truncated=truncated)
    return Preview("csv", rows=rows, truncated=truncated)
