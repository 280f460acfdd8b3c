"""Real sample files, written by the libraries that write them in the wild, for the file-reading tests."""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import docx
import openpyxl
import pptx
from odf.draw import Frame, Page, TextBox
from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet, OpenDocumentText
from odf.style import MasterPage, PageLayout
from odf.table import Table, TableCell, TableRow
from odf.text import H, P
from PIL import Image
from pptx.util import Inches
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas


def pdf(path: Path, pages: Sequence[str]) -> Path:
    """A PDF with one line of text on each page."""
    canvas = Canvas(str(path), pagesize=A4)
    for line in pages:
        canvas.drawString(72, 720, line)
        canvas.showPage()
    canvas.save()
    return path


def encrypted_pdf(path: Path, phrase: str, password: str = "s3cret-door") -> Path:
    plain = pdf(path.with_name(path.stem + "-plain.pdf"), [phrase])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=password, owner_password=password)
    with path.open("wb") as out:
        writer.write(out)
    return path


def docx_file(path: Path, paragraphs: Sequence[str], table: Sequence[Sequence[str]] | None = None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


def odt(path: Path, paragraphs: Sequence[str], heading: str = "Briefing") -> Path:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=heading))
    for text in paragraphs:
        document.text.addElement(P(text=text))
    document.save(str(path))
    return path


def ods(path: Path, rows_by_sheet: dict[str, Sequence[Sequence[str]]]) -> Path:
    document = OpenDocumentSpreadsheet()
    for name, rows in rows_by_sheet.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def odp(path: Path, slides: Sequence[str]) -> Path:
    document = OpenDocumentPresentation()
    layout = PageLayout(name="Layout")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Master", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    for number, text in enumerate(slides, 1):
        page = Page(name=f"Slide {number}", masterpagename=master)
        frame = Frame(width="20cm", height="3cm", x="2cm", y="2cm")
        box = TextBox()
        box.addElement(P(text=text))
        frame.addElement(box)
        page.addElement(frame)
        document.presentation.addElement(page)
    document.save(str(path))
    return path


def xlsx(path: Path, rows_by_sheet: dict[str, Sequence[Sequence[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in rows_by_sheet.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    workbook.save(str(path))
    return path


def pptx_file(path: Path, slides: Sequence[str]) -> Path:
    """A deck with one titled slide per entry, plus a text box saying the same."""
    deck = pptx.Presentation()
    for text in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only"
        slide.shapes.title.text = f"Slide: {text}"
        box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
        box.text_frame.text = text
    deck.save(str(path))
    return path


def png(path: Path, width: int, height: int, colour: tuple[int, int, int] = (20, 90, 160)) -> Path:
    Image.new("RGB", (width, height), colour).save(path, format="PNG")
    return path


def jpeg(path: Path, width: int, height: int, *, orientation: int | None = None) -> Path:
    """A JPEG; with ``orientation``, an EXIF tag telling viewers to turn it (6: 90° clockwise)."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(path, format="JPEG", exif=exif.tobytes())
    return path


def gif_animation(path: Path, colours: Sequence[tuple[int, int, int]], side: int = 40) -> Path:
    frames = [Image.new("RGB", (side, side), colour) for colour in colours]
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return path


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb's calling card)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    # The IHDR chunk follows the 8-byte signature: length (4), b"IHDR" (4), width (4), height (4), ...
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    path.write_bytes(bytes(data))
    return path


def svg(path: Path) -> Path:
    path.write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10" fill="red"/></svg>\n'
    )
    return path


def zip_file(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def zip_of_zeros(path: Path, megabytes: int) -> Path:
    """A zip holding one member of ``megabytes`` MB of zeros: tiny on disk, a bomb when expanded."""
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(chunk)
    return path


def tar_file(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as archive:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path
