"""Readers: every supported format becomes the same line-structured text; bad files fail clearly."""

from __future__ import annotations

import pytest

from graph.errors import InputError
from graph.readers import read_document, supported_suffixes


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_supported_suffixes_cover_text_markdown_html():
    assert {".txt", ".md", ".html", ".htm"} <= set(supported_suffixes())


def test_plain_text_keeps_text_and_hashes_raw_bytes(tmp_path):
    path = write(tmp_path, "avv.txt", "§ 1 Gegenstand\r\nDer Auftragnehmer verarbeitet Daten.\r\n".encode())
    doc = read_document(path)
    assert doc.name == "avv"
    assert doc.text == "§ 1 Gegenstand\nDer Auftragnehmer verarbeitet Daten.\n"
    assert len(doc.sha256) == 64


def test_utf8_bom_is_dropped(tmp_path):
    doc = read_document(write(tmp_path, "bom.md", b"\xef\xbb\xbf# Data Processing Addendum\n"))
    assert doc.text.startswith("# Data Processing Addendum")


def test_windows_1252_is_decoded(tmp_path):
    doc = read_document(write(tmp_path, "legacy.txt", "Auftragsverarbeitung gemäß Art. 28 – Anlage".encode("cp1252")))
    assert "gemäß" in doc.text and "–" in doc.text


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n \t", "empty file"),
        ("binary.txt", bytes(range(256)) * 4, "binary file"),
        ("undecodable.txt", b"Vertrag \x81\x8d\x8f\x90\x9d Daten", "undecodable text"),
        ("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08 text" * 20, "binary file"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "unsupported file type .png"),
    ],
)
def test_bad_files_raise_one_line_error_naming_the_file(tmp_path, name, data, problem):
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as err:
        read_document(path)
    message = str(err.value)
    assert str(path) in message
    assert problem in message
    assert "\n" not in message


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read file"):
        read_document(tmp_path / "missing.txt")


def test_size_limit(tmp_path):
    path = write(tmp_path, "big.txt", b"x" * 2048)
    with pytest.raises(InputError, match="over the limit"):
        read_document(path, max_bytes=1024)


HTML = b"""<!doctype html><html><head><title>AVV</title><script>var tracking = 1;</script></head>
<body>
<nav class="main-nav"><a href="/">Home</a> <a href="/pricing">Pricing</a></nav>
<div id="cookie-banner">We use cookies. <button>Accept all</button></div>
<main>
<h1>Auftragsverarbeitungsvertrag</h1>
<p>Zwischen dem Kunden und der <b>Beispiel GmbH</b>,<br>Musterstra&szlig;e 1, 10115 Berlin.</p>
<h2>Anlage 2 &ndash; Unterauftragsverarbeiter</h2>
<table>
<tr><th>Firma</th><th>Sitz</th><th>Zweck</th></tr>
<tr><td>Hosting AG</td><td>Z&uuml;rich, Schweiz</td><td>Server | Backup</td></tr>
</table>
<ul><li>Kontaktdaten</li><li>Vertragsdaten<ul><li>Rechnungen</li></ul></li></ul>
</main>
<footer>&copy; 2025 Beispiel GmbH &middot; Impressum</footer>
</body></html>"""


def test_html_becomes_markdown_subset_without_page_chrome(tmp_path):
    doc = read_document(write(tmp_path, "page.html", HTML))
    text = doc.text
    assert "# Auftragsverarbeitungsvertrag" in text
    assert "## Anlage 2 – Unterauftragsverarbeiter" in text
    assert "| Firma | Sitz | Zweck |" in text
    assert "| Hosting AG | Zürich, Schweiz | Server / Backup |" in text
    assert "- Kontaktdaten" in text and "- Vertragsdaten" in text and "  - Rechnungen" in text
    assert "Musterstraße 1, 10115 Berlin." in text
    for chrome in ("tracking", "cookies", "Pricing", "Impressum"):
        assert chrome not in text
    assert doc.media_type == "text/html"
