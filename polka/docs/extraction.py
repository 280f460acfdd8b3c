"""Reading the text out of a stored file, for search and for the document's page.

One reader per detected media type (never the file's name): PDF, Word (DOCX), OpenDocument, Excel
(XLSX), PowerPoint (PPTX), plain text and web pages. Readers stop once ``max_chars`` characters are read.
Office and OpenDocument files are zips, checked for zip bombs before they are opened. A file POLKA does
not read raises ``Unsupported``; a file that cannot be read raises ``ExtractionFailed`` with a message a
community manager can act on, whatever the library underneath raised.

The job handler runs ``extract_in_subprocess``: a child Python with a memory cap that is killed when it
takes too long, so a hostile or pathological file costs a bounded amount of time and memory.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from polka.docs.archives import DamagedArchive, UnsafeArchive, check_zip

log = logging.getLogger(__name__)

_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"
#: What each readable type is called in messages.
LABELS: dict[str, str] = {
    "application/pdf": "PDF",
    f"{_OOXML}.wordprocessingml.document": "DOCX",
    f"{_OOXML}.spreadsheetml.sheet": "XLSX",
    f"{_OOXML}.presentationml.presentation": "PPTX",
    f"{_ODF}.text": "ODT",
    f"{_ODF}.spreadsheet": "ODS",
    f"{_ODF}.presentation": "ODP",
    "text/plain": "text",
    "text/markdown": "Markdown",
    "text/csv": "CSV",
    "application/json": "JSON",
    "text/html": "HTML",
    "application/xhtml+xml": "XHTML",
}
MEMORY_MESSAGE = "Reading the file needed more memory than POLKA allows."
#: Where the child process starts, so that it imports the same polka as this process.
_SOURCE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Extracted:
    #: normalised: ``\n`` line ends, no control characters but tabs, no runs of blank lines
    text: str
    #: the text was cut at ``max_chars``
    truncated: bool


class Unsupported(Exception):
    """POLKA does not read text from this type of file."""


class ExtractionFailed(Exception):
    """The file could not be read; the message says why, in words a community manager can act on."""


def readable(media_type: str) -> bool:
    """Whether there is a reader for this detected media type."""
    return media_type.lower() in _READERS


def extract_text(path: Path, media_type: str, *, max_chars: int) -> Extracted:
    """Read a file's text in this process. Raises Unsupported or ExtractionFailed."""
    media_type = media_type.lower()
    reader = _READERS.get(media_type)
    if reader is None:
        raise Unsupported(f"POLKA does not read text from {media_type} files.")
    out = _Collector(max_chars)
    try:
        reader(path, out)
    except _Full:
        out.stopped = True
    except (Unsupported, ExtractionFailed):
        raise
    except MemoryError as exc:
        raise ExtractionFailed(MEMORY_MESSAGE) from exc
    except UnsafeArchive as refused:
        if not isinstance(refused, DamagedArchive):
            raise ExtractionFailed(str(refused)) from refused
        raise ExtractionFailed(_damaged(media_type)) from refused
    except Exception as exc:  # whatever a library raises on a bad file (KeyError, lxml errors…)
        raise ExtractionFailed(_damaged(media_type)) from exc
    return out.result()


def _damaged(media_type: str) -> str:
    return f"The file is damaged or not a valid {LABELS.get(media_type, media_type)} file."


def extract_in_subprocess(
    path: Path, media_type: str, *, max_chars: int, seconds: float, memory_mb: int = 1024
) -> Extracted:
    """Read a file's text in a child process limited to ``memory_mb`` and killed after ``seconds``.

    Raises Unsupported or ExtractionFailed, as ``extract_text`` would, or ExtractionFailed when the
    child runs out of time or memory.
    """
    command = [
        sys.executable,
        "-m",
        "polka.docs.extract_worker",
        str(path.resolve()),
        media_type,
        str(max_chars),
        str(memory_mb),
    ]
    try:
        done = subprocess.run(  # noqa: S603  (our own interpreter and module; arguments are not parsed by a shell)
            command,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=seconds,
            check=False,
            cwd=_SOURCE_ROOT,
        )
    except subprocess.TimeoutExpired as exc:  # run() has killed the child
        raise ExtractionFailed(f"Reading the file took longer than {seconds:g} seconds.") from exc
    return _reply(done)


def _reply(done: subprocess.CompletedProcess[bytes]) -> Extracted:
    reply: Any = None
    with contextlib.suppress(ValueError):  # no reply: the child died or was killed
        reply = json.loads(done.stdout.decode("utf-8"))
    if isinstance(reply, dict):
        if reply.get("ok") is True:
            return Extracted(text=str(reply["text"]), truncated=bool(reply["truncated"]))
        message = str(reply.get("message", ""))
        if reply.get("error") == "unsupported":
            raise Unsupported(message)
        if reply.get("error") == "failed" and message:
            raise ExtractionFailed(message)
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode < 0 or "MemoryError" in stderr:
        raise ExtractionFailed(MEMORY_MESSAGE)
    log.warning("text extraction stopped with exit code %s: %s", done.returncode, stderr[-2000:])
    raise ExtractionFailed("The file could not be read: the reader stopped unexpectedly.")


# --- Normalising and bounding the text ------------------------------------------------------------

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n){2,}")


def normalise(text: str) -> str:
    """``\\n`` line ends, no control characters except tabs and newlines, at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _CONTROLS.sub("", text)
    return _BLANK_RUNS.sub("\n\n", text)


class _Full(Exception):
    """Enough text has been read."""


class _Collector:
    """The text read so far; raises _Full once there is more than ``max_chars`` of it."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max(max_chars, 0)
        self.parts: list[str] = []
        self.length = 0
        #: the reader stopped (or was stopped) before the end of the file
        self.stopped = False

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        # Normalising can shrink the text a lot (blank lines): only stop when it is long even after.
        if self.length > 2 * self.max_chars + 1024:
            joined = normalise("".join(self.parts))
            self.parts, self.length = [joined], len(joined)
            if self.length > self.max_chars:
                raise _Full

    def result(self) -> Extracted:
        text = normalise("".join(self.parts)).strip("\n")
        truncated = self.stopped or len(text) > self.max_chars
        return Extracted(text=text[: self.max_chars], truncated=truncated)


# --- Readers ---------------------------------------------------------------------------------------


def _read_pdf(path: Path, out: _Collector) -> None:
    from pypdf import PasswordType, PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # many "encrypted" PDFs only restrict printing or copying
        except Exception:  # e.g. AES without the optional crypto library
            opened = PasswordType.NOT_DECRYPTED
        if opened is PasswordType.NOT_DECRYPTED:
            raise ExtractionFailed("The PDF is encrypted: upload a copy saved without a password.")
    for number, page in enumerate(reader.pages):
        if number:
            out.add("\n\n")
        out.add(page.extract_text() or "")


def _read_docx(path: Path, out: _Collector) -> None:
    check_zip(path)
    import docx
    from docx.table import Table

    for block in docx.Document(str(path)).iter_inner_content():
        if isinstance(block, Table):
            _rows(([cell.text for cell in _unique(row.cells)] for row in block.rows), out)
        else:
            out.add(block.text + "\n")


def _unique(cells: Iterable[Any]) -> list[Any]:
    """A merged cell comes back once for every grid column it spans."""
    seen: set[int] = set()
    unique = []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            unique.append(cell)
    return unique


def _rows(rows: Iterable[Iterable[str]], out: _Collector, *, end: str = "\n") -> None:
    """A table as lines of tab-separated cells, empty rows left out, then ``end``."""
    for row in rows:
        line = "\t".join(cell.replace("\n", " ") for cell in row).rstrip("\t ")
        if line:
            out.add(line + "\n")
    out.add(end)


def _read_xlsx(path: Path, out: _Collector) -> None:
    check_zip(path)
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            out.add(f"{sheet.title}\n")
            # The declared dimensions may be huge (or false): size each row by its own cells.
            sheet.reset_dimensions()
            _rows(
                (("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)), out
            )
    finally:
        workbook.close()


def _read_pptx(path: Path, out: _Collector) -> None:
    check_zip(path)
    import pptx

    for number, slide in enumerate(pptx.Presentation(str(path)).slides):
        if number:
            out.add("\n\n")
        _pptx_shapes(slide.shapes, out)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            out.add(slide.notes_slide.notes_text_frame.text + "\n")


def _pptx_shapes(shapes: Iterable[Any], out: _Collector) -> None:
    from pptx.shapes.group import GroupShape

    for shape in shapes:
        if isinstance(shape, GroupShape):
            _pptx_shapes(shape.shapes, out)
        elif shape.has_text_frame:
            out.add(shape.text_frame.text + "\n")
        elif shape.has_table:
            _rows(([cell.text for cell in row.cells] for row in shape.table.rows), out)


def _read_odf(path: Path, out: _Collector) -> None:
    check_zip(path)
    from odf import opendocument

    _odf_walk(opendocument.load(str(path)).body, out)


def _odf_walk(node: Any, out: _Collector) -> None:
    """Paragraphs and headings in order; a table's rows as tab-separated lines; slides apart."""
    from odf import teletype
    from odf.namespaces import DRAWNS, TABLENS, TEXTNS

    for child in _odf_elements(node):
        if child.qname in ((TEXTNS, "h"), (TEXTNS, "p")):
            out.add(teletype.extractText(child) + "\n")
        elif child.qname == (TABLENS, "table-row"):
            cells = (
                " ".join(teletype.extractText(p) for p in _odf_elements(cell))
                for cell in _odf_elements(child)
                if cell.qname == (TABLENS, "table-cell")
            )
            _rows([cells], out, end="")  # one row at a time: a sheet's rows are not one element
        elif child.qname == (TABLENS, "table"):
            out.add(f"{child.getAttrNS(TABLENS, 'name') or ''}\n")
            _odf_walk(child, out)
            out.add("\n")
        elif child.qname == (DRAWNS, "page"):
            _odf_walk(child, out)
            out.add("\n\n")
        else:
            _odf_walk(child, out)


def _odf_elements(node: Any) -> list[Any]:
    return [child for child in node.childNodes if child.nodeType == child.ELEMENT_NODE]


def _read_text(path: Path, out: _Collector) -> None:
    text, more = _read_bounded(path, out.max_chars)
    out.add(text)
    out.stopped = more


def _read_bounded(path: Path, max_chars: int) -> tuple[str, bool]:
    """The start of a text file, enough for ``max_chars`` characters, and whether there is more."""
    wanted = 4 * max_chars + 4  # UTF-8 takes at most four bytes a character
    chunks: list[bytes] = []
    with path.open("rb") as stream:
        # In chunks: read(n) would set aside n bytes at once, however short the file.
        while wanted > 0 and (chunk := stream.read(min(wanted, 1024 * 1024))):
            chunks.append(chunk)
            wanted -= len(chunk)
        more = bool(stream.read(1))
    return _decode(b"".join(chunks), complete=not more), more


def _decode(data: bytes, *, complete: bool) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=complete)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # cp1252 leaves five bytes undefined; latin-1 has every byte
        return data.decode("latin-1")


def _read_html(path: Path, out: _Collector) -> None:
    html, more = _read_bounded(path, 4 * out.max_chars)  # markup takes room: read more of it
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    # Spaces as a browser shows them; a table's cells apart by tabs (each cell starts with one).
    lines = (
        "\t".join(" ".join(cell.split()) for cell in line.split("\t")).strip("\t")
        for line in "".join(parser.parts).split("\n")
    )
    out.add("\n".join(lines))
    out.stopped = more


class _HtmlText(HTMLParser):
    """The text of a web page, without scripts or styles. Nothing is fetched or run."""

    SKIPPED = frozenset({"script", "style", "template"})
    BLOCKS = frozenset({
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
        "pre", "section", "table", "td", "th", "title", "tr", "ul",
    })  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\t" if tag in ("td", "th") else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BLOCKS and tag not in ("td", "th"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data.replace("\n", " "))


_READERS: dict[str, Callable[[Path, _Collector], None]] = {
    "application/pdf": _read_pdf,
    f"{_OOXML}.wordprocessingml.document": _read_docx,
    f"{_OOXML}.spreadsheetml.sheet": _read_xlsx,
    f"{_OOXML}.presentationml.presentation": _read_pptx,
    f"{_ODF}.text": _read_odf,
    f"{_ODF}.spreadsheet": _read_odf,
    f"{_ODF}.presentation": _read_odf,
    "text/plain": _read_text,
    "text/markdown": _read_text,
    "text/csv": _read_text,
    "application/json": _read_text,
    "text/html": _read_html,
    "application/xhtml+xml": _read_html,
}
