"""What a stored file is, read from its bytes (libmagic), and what POLKA will do with each type.

Never from the file's name or the browser's claim. Types are sorted into families from an allow-list
(documents, spreadsheets, presentations, PDF, images, text, archives). A few families are kept only as
*download-only* attachments — executables, web pages and SVG — because a browser could run them: they
are never previewed, and their downloads are sent as ``application/octet-stream``. Anything else is
refused at upload with the type it was found to be.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import magic


class Family(enum.StrEnum):
    DOCUMENT = "document"
    SPREADSHEET = "spreadsheet"
    PRESENTATION = "presentation"
    PDF = "pdf"
    IMAGE = "image"
    TEXT = "text"
    ARCHIVE = "archive"
    #: Accepted, but only ever downloaded: a browser or an operating system could run them.
    EXECUTABLE = "executable"
    WEB_PAGE = "web page"
    VECTOR_IMAGE = "vector image"

    @property
    def label(self) -> str:
        """As people name it in a list: "PDF", "Spreadsheet", "Program"."""
        return {"pdf": "PDF", "executable": "Program"}.get(self.value, self.value.capitalize())


def family_of(value: str) -> Family | None:
    """A family as stored in a row (``"pdf"``), or None for an empty or unknown value."""
    try:
        return Family(value)
    except ValueError:
        return None


DOWNLOAD_ONLY = frozenset({Family.EXECUTABLE, Family.WEB_PAGE, Family.VECTOR_IMAGE})

_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"
FAMILIES: dict[str, Family] = {
    "application/pdf": Family.PDF,
    f"{_OOXML}.wordprocessingml.document": Family.DOCUMENT,
    "application/msword": Family.DOCUMENT,
    f"{_ODF}.text": Family.DOCUMENT,
    "application/rtf": Family.DOCUMENT,
    "text/rtf": Family.DOCUMENT,
    "message/rfc822": Family.DOCUMENT,
    "application/vnd.ms-outlook": Family.DOCUMENT,
    f"{_OOXML}.spreadsheetml.sheet": Family.SPREADSHEET,
    "application/vnd.ms-excel": Family.SPREADSHEET,
    f"{_ODF}.spreadsheet": Family.SPREADSHEET,
    "text/csv": Family.SPREADSHEET,
    f"{_OOXML}.presentationml.presentation": Family.PRESENTATION,
    "application/vnd.ms-powerpoint": Family.PRESENTATION,
    f"{_ODF}.presentation": Family.PRESENTATION,
    "image/png": Family.IMAGE,
    "image/jpeg": Family.IMAGE,
    "image/gif": Family.IMAGE,
    "image/webp": Family.IMAGE,
    "image/bmp": Family.IMAGE,
    "image/tiff": Family.IMAGE,
    "text/plain": Family.TEXT,
    "text/markdown": Family.TEXT,
    "application/json": Family.TEXT,
    "application/zip": Family.ARCHIVE,
    "application/gzip": Family.ARCHIVE,
    "application/x-gzip": Family.ARCHIVE,
    "application/x-tar": Family.ARCHIVE,
    "application/x-7z-compressed": Family.ARCHIVE,
    "application/x-bzip2": Family.ARCHIVE,
    "application/x-xz": Family.ARCHIVE,
    "text/html": Family.WEB_PAGE,
    "application/xhtml+xml": Family.WEB_PAGE,
    "text/xml": Family.WEB_PAGE,
    "application/xml": Family.WEB_PAGE,
    "image/svg+xml": Family.VECTOR_IMAGE,
    "image/svg": Family.VECTOR_IMAGE,
    "application/x-dosexec": Family.EXECUTABLE,
    "application/x-msdownload": Family.EXECUTABLE,
    "application/x-executable": Family.EXECUTABLE,
    "application/x-sharedlib": Family.EXECUTABLE,
    "application/x-pie-executable": Family.EXECUTABLE,
    "application/x-mach-binary": Family.EXECUTABLE,
    "application/x-msi": Family.EXECUTABLE,
    "text/x-shellscript": Family.EXECUTABLE,
    "text/x-script.python": Family.EXECUTABLE,
    "text/javascript": Family.EXECUTABLE,
    "application/javascript": Family.EXECUTABLE,
}

#: What people call each detected type, wherever a type is shown (lists, a document's page, versions).
TYPE_NAMES: dict[str, str] = {
    "application/pdf": "PDF",
    f"{_OOXML}.wordprocessingml.document": "Word document",
    "application/msword": "Word document",
    f"{_ODF}.text": "OpenDocument text",
    "application/rtf": "Rich Text document",
    "text/rtf": "Rich Text document",
    "message/rfc822": "Email message",
    "application/vnd.ms-outlook": "Outlook message",
    f"{_OOXML}.spreadsheetml.sheet": "Excel spreadsheet",
    "application/vnd.ms-excel": "Excel spreadsheet",
    f"{_ODF}.spreadsheet": "OpenDocument spreadsheet",
    "text/csv": "CSV spreadsheet",
    f"{_OOXML}.presentationml.presentation": "PowerPoint presentation",
    "application/vnd.ms-powerpoint": "PowerPoint presentation",
    f"{_ODF}.presentation": "OpenDocument presentation",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "image/bmp": "BMP image",
    "image/tiff": "TIFF image",
    "text/plain": "Plain text",
    "text/markdown": "Markdown text",
    "application/json": "JSON data",
    "application/zip": "ZIP archive",
    "application/gzip": "Gzip archive",
    "application/x-gzip": "Gzip archive",
    "application/x-tar": "Tar archive",
    "application/x-7z-compressed": "7-Zip archive",
    "application/x-bzip2": "Bzip2 archive",
    "application/x-xz": "XZ archive",
    "text/html": "Web page",
    "application/xhtml+xml": "Web page",
    "text/xml": "XML file",
    "application/xml": "XML file",
    "image/svg+xml": "SVG image",
    "image/svg": "SVG image",
}


def type_name(media_type: str, family: str = "") -> str:
    """A detected type as people name it ("Word document", "PDF"), never a MIME string: by its media
    type, else by its family ("Spreadsheet", "Program"), else "File"."""
    name = TYPE_NAMES.get(media_type.split(";")[0].strip().lower())
    if name is not None:
        return name
    found = family_of(family) or FAMILIES.get(media_type)
    return found.label if found is not None else "File"


#: What the upload form says is accepted.
ACCEPTED_DESCRIPTION = (
    "documents (PDF, Word, OpenDocument, RTF, email), spreadsheets (Excel, OpenDocument, CSV), "
    "presentations (PowerPoint, OpenDocument), images (PNG, JPEG, GIF, WebP, BMP, TIFF), text and "
    "Markdown, and archives (ZIP, tar, gzip, 7-Zip)"
)
#: Types a browser might render or run, whatever the Content-Disposition says.
_ACTIVE_PREFIXES = ("text/html", "image/svg", "application/xhtml", "text/xml", "application/xml",
                    "text/javascript", "application/javascript", "application/x-javascript")  # fmt: skip


@dataclass(frozen=True)
class FileType:
    """A file's media type as detected, and its family (None: not on the allow-list)."""

    media_type: str
    family: Family | None

    @property
    def accepted(self) -> bool:
        return self.family is not None

    @property
    def download_only(self) -> bool:
        return self.family in DOWNLOAD_ONLY


def detect(path: Path) -> FileType:
    """Read a file's type from its content."""
    media_type = (
        str(magic.from_file(str(path), mime=True))[:127] if path.stat().st_size else "application/x-empty"
    )
    return classify(media_type)


def classify(media_type: str) -> FileType:
    # libmagic sometimes appends a remark ("application/x-executable, no program header")
    media_type = media_type.split(",")[0].split(";")[0].strip().lower()
    family = FAMILIES.get(media_type)
    if family is None and media_type.startswith("text/x-") and "script" in media_type:
        family = Family.EXECUTABLE
    return FileType(media_type=media_type, family=family)


def served_type(media_type: str) -> str:
    """The type to send: the detected one, unless a browser could treat it as a page or a script."""
    if media_type.startswith(_ACTIVE_PREFIXES) or "script" in media_type or "+xml" in media_type:
        return "application/octet-stream"
    return media_type
