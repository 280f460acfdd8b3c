"""Reading text out of real files written by the libraries people's software uses, typed by libmagic."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from polka.docs.extraction import (
    Extracted,
    ExtractionFailed,
    Unsupported,
    extract_in_subprocess,
    extract_text,
    normalise,
    readable,
)
from polka.filetypes import Family, detect
from tests.docs import samples

MAX = 100_000


def read(path: Path, family: Family, max_chars: int = MAX) -> str:
    """The text of a sample, read as the job would: by the type detected from its bytes."""
    detected = detect(path)
    assert detected.family is family, detected
    assert readable(detected.media_type)
    extracted = extract_text(path, detected.media_type, max_chars=max_chars)
    assert not extracted.truncated
    return extracted.text


def test_pdf_pages_are_read_in_order_apart(tmp_path: Path) -> None:
    path = samples.pdf(tmp_path / "a.pdf", ["Custody suite opens at nine", "Briefing moved to Tuesday"])

    text = read(path, Family.PDF)

    assert "Custody suite opens at nine\n\nBriefing moved to Tuesday" in text


def test_docx_paragraphs_and_table_cells_are_read(tmp_path: Path) -> None:
    path = samples.docx_file(
        tmp_path / "a.docx",
        ["Neighbourhood policing plan", "Second paragraph"],
        table=[["Ward", "Sergeant"], ["Riverside", "Okonkwo"]],
    )

    text = read(path, Family.DOCUMENT)

    assert text.index("Neighbourhood policing plan") < text.index("Second paragraph")
    assert "Ward\tSergeant\nRiverside\tOkonkwo" in text


def test_odt_headings_and_paragraphs_are_read(tmp_path: Path) -> None:
    path = samples.odt(
        tmp_path / "a.odt", ["Stop and search guidance", "Record every stop"], heading="Guidance"
    )

    assert read(path, Family.DOCUMENT) == "Guidance\nStop and search guidance\nRecord every stop"


def test_ods_sheets_are_read_as_rows(tmp_path: Path) -> None:
    path = samples.ods(
        tmp_path / "a.ods", {"Rota": [["Alice", "North"]], "Kit": [["Radio", "Spare batteries"]]}
    )

    assert read(path, Family.SPREADSHEET) == "Rota\nAlice\tNorth\n\nKit\nRadio\tSpare batteries"


def test_odp_slides_are_read_apart(tmp_path: Path) -> None:
    path = samples.odp(tmp_path / "a.odp", ["Opening remarks", "Lessons from Operation Lantern"])

    assert read(path, Family.PRESENTATION) == "Opening remarks\n\nLessons from Operation Lantern"


def test_xlsx_cells_on_every_sheet_are_read(tmp_path: Path) -> None:
    path = samples.xlsx(
        tmp_path / "a.xlsx",
        {"Summary": [["Total", 12]], "Detail": [["Force", "Cases"], ["Thames Valley", 7], [None, "checked"]]},
    )

    text = read(path, Family.SPREADSHEET)

    assert "Detail\nForce\tCases\nThames Valley\t7\n\tchecked" in text
    assert text.startswith("Summary\nTotal\t12")


def test_pptx_slide_text_is_read(tmp_path: Path) -> None:
    path = samples.pptx_file(tmp_path / "a.pptx", ["Knife crime trends", "Next steps for partners"])

    text = read(path, Family.PRESENTATION)

    assert "Slide: Knife crime trends\nKnife crime trends\n\nSlide: Next steps for partners" in text


def test_text_in_windows_1252_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("Café “curfew” notes – draft\r\n".encode("cp1252"))

    assert read(path, Family.TEXT) == "Café “curfew” notes – draft"


def test_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("\ufeffDéjà vu at the front desk\n".encode())

    assert read(path, Family.TEXT) == "Déjà vu at the front desk"


def test_markdown_is_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "readme.md"
    path.write_text("# Duty rota\n\n- **Early** shift: 07:00\n- Late shift: 15:00\n")

    assert read(path, Family.TEXT) == "# Duty rota\n\n- **Early** shift: 07:00\n- Late shift: 15:00"


def test_csv_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text("station,officers,open\nNorthgate,14,yes\nSouthbank,9,no\n")

    assert read(path, Family.SPREADSHEET) == "station,officers,open\nNorthgate,14,yes\nSouthbank,9,no"


def test_json_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text('{"operation": "Lantern", "arrests": 3}\n')

    assert read(path, Family.TEXT) == '{"operation": "Lantern", "arrests": 3}'


def test_html_text_is_read_without_scripts_or_styles(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>Force news</title><style>p { color: red }</style>"
        "<script>var token = 'do-not-index';</script></head><body><h1>Road closures</h1>"
        "<p>The A40 is closed &amp; diverted.</p><table><tr><td>Mon</td><td>Night</td></tr></table></body></html>"
    )

    text = read(path, Family.WEB_PAGE)

    assert text == "Force news\n\nRoad closures\n\nThe A40 is closed & diverted.\n\nMon\tNight"
    assert "do-not-index" not in text
    assert "color" not in text


def test_text_is_cut_at_max_chars(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("evidence " * 10_000)

    extracted = extract_text(path, "text/plain", max_chars=50)

    assert extracted == Extracted(text=("evidence " * 10)[:50], truncated=True)


def test_pdf_reading_stops_at_max_chars(tmp_path: Path) -> None:
    path = samples.pdf(tmp_path / "a.pdf", [f"Page {n} of the annual report" for n in range(1, 31)])

    extracted = extract_text(path, "application/pdf", max_chars=40)

    assert extracted.truncated
    assert extracted.text == "Page 1 of the annual report\n\nPage 2 of t"


def test_text_that_fits_is_not_marked_truncated(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("exactly twenty chars")

    assert extract_text(path, "text/plain", max_chars=20) == Extracted("exactly twenty chars", False)


def test_control_characters_and_blank_runs_are_tidied() -> None:
    assert normalise("a\r\nb\x00c\x07\r\n\r\n\r\n   \n\nd\te\x1b") == "a\nbc\n\nd\te"


def test_encrypted_pdf_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = samples.encrypted_pdf(tmp_path / "locked.pdf", "Restricted briefing")
    assert detect(path).media_type == "application/pdf"

    with pytest.raises(ExtractionFailed, match="The PDF is encrypted"):
        extract_text(path, "application/pdf", max_chars=MAX)


def test_pdf_encrypted_with_an_empty_password_is_read(tmp_path: Path) -> None:
    path = samples.encrypted_pdf(tmp_path / "open.pdf", "Open to all staff", password="")

    assert extract_text(path, "application/pdf", max_chars=MAX).text == "Open to all staff"


@pytest.mark.parametrize(
    ("media_type", "label"),
    [
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"),
        ("application/vnd.oasis.opendocument.text", "ODT"),
        ("application/pdf", "PDF"),
    ],
)
def test_damaged_file_fails_with_a_reason(tmp_path: Path, media_type: str, label: str) -> None:
    path = tmp_path / "damaged"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)

    with pytest.raises(ExtractionFailed, match=f"The file is damaged or not a valid {label} file"):
        extract_text(path, media_type, max_chars=MAX)


def test_zip_without_the_parts_of_a_docx_fails_with_a_reason(tmp_path: Path) -> None:
    path = samples.zip_file(tmp_path / "fake.docx", {"word/document.xml": b"<not-really/>"})

    with pytest.raises(ExtractionFailed, match="not a valid DOCX file"):
        extract_text(
            path, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", max_chars=MAX
        )


def test_office_file_that_is_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = samples.zip_of_zeros(tmp_path / "bomb.docx", megabytes=20)

    with pytest.raises(ExtractionFailed, match="a possible zip bomb"):
        extract_text(
            path, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", max_chars=MAX
        )


def test_office_file_naming_paths_outside_itself_is_refused(tmp_path: Path) -> None:
    good = samples.xlsx(tmp_path / "good.xlsx", {"Sheet": [["x"]]})
    path = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("../../etc/cron.d/evil", b"* * * * * root true\n")

    with pytest.raises(ExtractionFailed, match="names a path outside itself"):
        extract_text(path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_chars=MAX)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("a.png", lambda p: samples.png(p, 10, 10)),
        ("a.zip", lambda p: samples.zip_file(p, {"notes.txt": b"Some notes"})),
        ("a.tar.gz", lambda p: samples.tar_file(p, {"notes.txt": b"Some notes"})),
        ("a.svg", samples.svg),
    ],
)
def test_images_and_archives_are_unsupported(tmp_path: Path, name: str, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path / name)
    media_type = detect(path).media_type

    assert not readable(media_type)
    with pytest.raises(Unsupported):
        extract_text(path, media_type, max_chars=MAX)


@pytest.mark.parametrize("media_type", ["application/msword", "application/rtf", "message/rfc822"])
def test_old_binary_office_rtf_and_email_are_unsupported(tmp_path: Path, media_type: str) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"anything")

    assert not readable(media_type)
    with pytest.raises(Unsupported):
        extract_text(path, media_type, max_chars=MAX)


def test_subprocess_reads_the_same_as_in_process(tmp_path: Path) -> None:
    path = samples.pdf(tmp_path / "a.pdf", ["Witness statement one", "Witness statement two"])

    in_child = extract_in_subprocess(path, "application/pdf", max_chars=30, seconds=60)

    assert in_child == extract_text(path, "application/pdf", max_chars=30)
    assert in_child == Extracted("Witness statement one\n\nWitness", truncated=True)


def test_subprocess_passes_on_a_failure(tmp_path: Path) -> None:
    path = samples.encrypted_pdf(tmp_path / "locked.pdf", "Restricted")

    with pytest.raises(ExtractionFailed, match="The PDF is encrypted"):
        extract_in_subprocess(path, "application/pdf", max_chars=MAX, seconds=60)


def test_subprocess_passes_on_unsupported(tmp_path: Path) -> None:
    path = samples.png(tmp_path / "a.png", 4, 4)

    with pytest.raises(Unsupported):
        extract_in_subprocess(path, "image/png", max_chars=MAX, seconds=60)


def test_subprocess_keeps_non_ascii_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Llanelli — Ysgol Gymraeg ✓ 警察\n", encoding="utf-8")

    assert extract_in_subprocess(path, "text/plain", max_chars=MAX, seconds=60).text == (
        "Llanelli — Ysgol Gymraeg ✓ 警察"
    )


def test_subprocess_that_takes_too_long_is_stopped(tmp_path: Path) -> None:
    path = samples.pdf(tmp_path / "a.pdf", [f"Page {n}" for n in range(30)])

    with pytest.raises(ExtractionFailed, match=r"^Reading the file took longer than 0.001 seconds\.$"):
        extract_in_subprocess(path, "application/pdf", max_chars=MAX, seconds=0.001)


def test_subprocess_that_needs_too_much_memory_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"patrol log entry\n" * 3_000_000)  # 51 MB, held at least twice while read

    with pytest.raises(ExtractionFailed, match="needed more memory than POLKA allows"):
        extract_in_subprocess(path, "text/plain", max_chars=100_000_000, seconds=60, memory_mb=96)
