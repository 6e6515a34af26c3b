"""Bad input: every case is one clear line naming the file, as an `InputError`, never a traceback."""

from __future__ import annotations

import io
import zipfile

import pytest
from test_formats_fixtures import FONT, Block, make_docx, make_pdf, needs_font

from graph import cli
from graph.errors import InputError, NoDPAStructure
from graph.readers import max_bytes, parse_size, read_document, set_max_bytes

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def failure(path) -> str:
    """The message of the `InputError` reading `path` raises; checks it is one line naming the file."""
    with pytest.raises(InputError) as err:
        read_document(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and "\n" not in message, message
    return message


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.html", "empty.pdf", "empty.docx"])
def test_empty_file(tmp_path, name):
    assert failure(write(tmp_path, name, b"")).endswith(": empty file")


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("noise.txt", "binary file"),
        ("noise.md", "binary file"),
        ("noise.html", "binary file"),
        ("noise.pdf", "not a PDF file"),
        ("noise.docx", "not a Word .docx file"),
    ],
)
def test_binary_garbage(tmp_path, name, problem):
    garbage = bytes((i * 73 + 41) % 256 for i in range(4096))
    assert problem in failure(write(tmp_path, name, garbage))


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("scan.png", "unsupported file type .png"),
        ("scan.txt", "binary file (a PNG image), not text"),
        ("scan.pdf", "not a PDF file (a PNG image)"),
        ("scan.docx", "not a Word .docx file (a PNG image)"),
        ("photo.jpg", "unsupported file type .jpg"),
        ("photo.md", "binary file (a JPEG image)"),
    ],
)
def test_an_image(tmp_path, name, problem):
    data = PNG if name.startswith("scan") else b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))
    assert problem in failure(write(tmp_path, name, data))


@needs_font
def test_a_pdf_that_is_only_an_image_says_ocr_is_not_supported(tmp_path):
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 100), "white"), x=10, y=10, w=100)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    assert "no text layer (a scan?); OCR is not supported" in failure(path)


@needs_font
def test_password_protected_pdf(tmp_path):
    blocks = [Block("para", "Vertrag über die Auftragsverarbeitung.")]
    path = make_pdf(blocks, tmp_path / "secret.pdf", title="x", encrypt="geheim")
    assert failure(path).endswith(": password-protected PDF: cannot be read without the password")


@needs_font
@pytest.mark.parametrize("cut", [0.3, 0.6])
def test_corrupt_pdf(tmp_path, cut):
    good = make_pdf([Block("para", "Vertrag über die Auftragsverarbeitung.")], tmp_path / "good.pdf", title="x")
    data = good.read_bytes()
    broken = write(tmp_path, "broken.pdf", data[: int(len(data) * cut)])
    message = failure(broken)
    assert "corrupt PDF" in message or "no text layer" in message


def test_pdf_header_without_a_pdf(tmp_path):
    assert "corrupt PDF" in failure(write(tmp_path, "fake.pdf", b"%PDF-1.7\n" + b"not really a pdf\n" * 20))


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_docx_zip_bomb_is_refused_before_unpacking(tmp_path):
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (64 * 1024 * 1024)})
    assert len(bomb) < 200_000
    message = failure(write(tmp_path, "bomb.docx", bomb))
    assert "zip bomb" in message and "word/document.xml" in message


def test_docx_too_large_unpacked_is_refused(tmp_path, monkeypatch):
    from graph import readers_docx

    monkeypatch.setattr(readers_docx, "MAX_UNPACKED", 10_000)
    path = make_docx([Block("para", "Vertrag " * 2000)], tmp_path / "big.docx")
    assert "zip bomb: unpacks to" in failure(path)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_zip({"hello.txt": b"hi"}), "not a Word document (the archive has no word/document.xml)"),
        (b"PK\x03\x04" + b"\x00" * 100, "corrupt Word file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected or old-format Word file"),
        (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"}), "corrupt Word file"),
    ],
)
def test_corrupt_or_locked_docx(tmp_path, data, problem):
    assert problem in failure(write(tmp_path, "broken.docx", data))


def test_size_limit_is_configurable(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", b"Auftragsverarbeitung " * 100)
    assert "over the limit of 1,024 bytes" in str(pytest.raises(InputError, read_document, path, max_bytes=1024).value)
    monkeypatch.setattr("graph.readers._max_bytes", max_bytes())  # restored after the test
    set_max_bytes(1000)
    assert "over the limit of 1,000 bytes" in failure(path)
    set_max_bytes(None)
    assert read_document(path).text.startswith("Auftragsverarbeitung")
    with pytest.raises(ValueError):
        set_max_bytes(0)


def test_size_limit_from_the_environment(monkeypatch):
    monkeypatch.setattr("graph.readers._max_bytes", max_bytes())
    monkeypatch.setenv("DPAGRAPH_MAX_BYTES", "2048")
    set_max_bytes(None)
    assert max_bytes() == 2048


def test_parse_size():
    assert parse_size("20MB") == 20_000_000 and parse_size("1MiB") == 1_048_576 and parse_size("512") == 512
    for bad in ("", "-1", "0", "ten", "5 parsecs"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_text_encodings(tmp_path):
    text = "Auftragsverarbeitung gemäß Art. 28 – „Anlage“ €"
    for name, data in [
        ("utf8.txt", text.encode("utf-8")),
        ("bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("utf16.txt", text.encode("utf-16")),
        ("cp1252.txt", text.encode("cp1252")),
    ]:
        assert read_document(write(tmp_path, name, data)).text == text, name
    latin1 = "Verarbeitung gemäß Art. 28 für Kunden".encode("latin-1")
    assert read_document(write(tmp_path, "latin1.md", latin1)).text == "Verarbeitung gemäß Art. 28 für Kunden"


PRIVACY_POLICY = """# Datenschutzerklärung

Wir freuen uns über Ihren Besuch auf unserer Website. Der Schutz Ihrer Privatsphäre ist uns wichtig.

## Verantwortlicher

Verantwortlich für die Datenverarbeitung auf dieser Website ist die Beispiel GmbH, Hauptstraße 1, 10115 Berlin.

## Ihre Rechte

Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung sowie ein
Beschwerderecht bei einer Aufsichtsbehörde.

## Cookies

Unsere Website verwendet Cookies. Sie können Ihren Browser so einstellen, dass Sie über das Setzen von
Cookies informiert werden.
"""

MENU = "Mittagskarte\n\nSchnitzel mit Pommes 12,50 EUR\nSalat der Saison 8,00 EUR\nApfelstrudel 5,50 EUR\n"


@pytest.mark.parametrize(("name", "text"), [("datenschutz.md", PRIVACY_POLICY), ("menu.txt", MENU)])
def test_a_text_that_is_not_a_dpa(tmp_path, name, text):
    from graph.extract.pipeline import extract_path

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NoDPAStructure) as err:
        extract_path(path)
    assert str(err.value).startswith(f"{path}: no DPA structure found")


def test_the_same_document_under_two_names_is_found_by_hash(tmp_path, monkeypatch, capsys):
    from test_cli import GOOD_1, fake_extract

    monkeypatch.setattr(cli, "_extractor", lambda: fake_extract)
    monkeypatch.setattr(cli, "_extractor_version", lambda: "test-1")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "avv.txt").write_text(GOOD_1, encoding="utf-8")
    (folder / "avv-copy.txt").write_text(GOOD_1, encoding="utf-8")
    code = cli.main(["ingest", str(folder), "--store", str(tmp_path / "store")])
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert code == 1
    assert errors == [
        f"error: {folder / 'avv.txt'}: same content as {folder / 'avv-copy.txt'} (identical sha256); "
        "skipped as a duplicate"
    ]


def test_ingest_max_bytes_option(tmp_path, monkeypatch, capsys):
    from test_cli import GOOD_1, fake_extract

    monkeypatch.setattr(cli, "_extractor", lambda: fake_extract)
    monkeypatch.setattr(cli, "_extractor_version", lambda: "test-1")
    monkeypatch.setattr("graph.readers._max_bytes", max_bytes())
    path = tmp_path / "avv.txt"
    path.write_text(GOOD_1, encoding="utf-8")
    code = cli.main(["ingest", str(path), "--store", str(tmp_path / "store"), "--max-bytes", "20"])
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert code == 1 and len(errors) == 1 and "over the limit of 20 bytes" in errors[0] and str(path) in errors[0]
    assert cli.main(["ingest", str(path), "--store", str(tmp_path / "store"), "--max-bytes", "1MB"]) == 0


def test_font_for_pdf_fixtures_is_there():
    """The PDF fixtures use DejaVu Sans; CI's image has it (Debian fonts-dejavu-core)."""
    assert FONT.exists()
