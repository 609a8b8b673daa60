"""Directory exports: the printed PDF with QR codes, the brochure pack, CSV, XLSX and vCard."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import vobject
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from bsr_map.directory import load_directory, load_taxonomy, read_directory
from bsr_map.directory.model import directory_records
from bsr_map.export import ExportCancelled
from bsr_map.export.directory_export import export_brochure, export_directory
from bsr_map.export.vcard import agency_vcard


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces as single spaces (long names wrap in a column)."""
    return " ".join(text.split())


def pdf_text(path) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(path).pages))


def test_pdf_has_every_filtered_agency_once_and_no_other(tmp_path, directory, taxonomy):
    subset = directory[directory.country.isin(["LT", "LV"])]
    out = tmp_path / "baltic.pdf"
    document = export_directory(out, subset, taxonomy, subtitle="Lithuania, Latvia")
    text = pdf_text(out)
    assert set(document.pages) == set(subset.id)
    assert text.count("Last verified") == len(subset)  # one entry per agency
    for name, sectors in zip(subset.name, subset.sectors, strict=False):
        assert name in text and text.count(f"{name} …") == len(sectors)  # one index line per sector
    others = directory[~directory.country.isin(["LT", "LV"])]
    assert not [n for n in others.name if n in text]
    assert "Index by sector" in text and "Page 2" in text and "Lithuania, Latvia" in text
    reader = PdfReader(out)
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert any("NotoSans" in f for f in fonts)


def test_index_gives_the_page_of_each_entry(tmp_path, directory, taxonomy):
    out = tmp_path / "all.pdf"
    document = export_directory(out, directory, taxonomy)
    text = pdf_text(out)
    record = directory.set_index("id").loc["pl-paih"]
    assert f"{record['name']} … {document.pages['pl-paih']}" in text
    page_text = flat(PdfReader(out).pages[document.pages["pl-paih"] - 1].extract_text())
    assert record["name"] in page_text


def test_page_count_grows_with_the_number_of_agencies(tmp_path, directory, taxonomy):
    counts = [
        len(
            PdfReader(
                export_directory(tmp_path / f"{n}.pdf", directory.iloc[:n], taxonomy) and tmp_path / f"{n}.pdf"
            ).pages
        )
        for n in (4, 20, 67)
    ]
    assert counts[0] < counts[1] < counts[2]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_qr_codes_decode_to_each_agencys_website(tmp_path, directory, taxonomy):
    subset = directory[directory.country == "EE"]
    out = tmp_path / "ee.pdf"
    document = export_directory(out, subset, taxonomy)
    page = document.pages[subset.id.iloc[0]]
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", str(page), "-l", str(page), str(out), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png")))
    decoded = {r.text for r in zxingcpp.read_barcodes(image)}
    assert decoded == set(subset.website)


def test_an_agency_without_a_website_gets_a_vcard_qr(tmp_path, directory, taxonomy):
    subset = directory[directory.country == "EE"].iloc[:1].copy()
    subset["website"] = ""
    out = tmp_path / "card.pdf"
    export_directory(out, subset, taxonomy)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "2", "-l", "2", str(out), str(tmp_path / "p")], check=True)
    (result,) = zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("p*.png"))))
    card = vobject.readOne(result.text)
    assert card.fn.value == subset.name.iloc[0]


def test_vcard_file_parses_and_round_trips_name_url_and_email(tmp_path, directory, taxonomy):
    out = tmp_path / "all.vcf"
    export_directory(out, directory, taxonomy)
    cards = list(vobject.readComponents(out.read_text(encoding="utf-8")))
    assert len(cards) == len(directory)
    by_name = {c.fn.value: c for c in cards}
    for record in directory_records(directory):
        card = by_name[record["name"]]
        assert card.version.value == "4.0"
        assert card.url.value == record["website"]
        if record["email"]:
            assert card.email.value == record["email"]


def test_vcard_escapes_and_folds():
    record = {**directory_records(load_directory())[0], "description": "Sites, incentives; aftercare\nand more " * 4}
    card = agency_vcard(record, load_taxonomy())
    assert all(len(line.encode("utf-8")) <= 75 for line in card.split("\r\n"))
    parsed = vobject.readOne(card)
    assert parsed.note.value == record["description"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_csv_and_xlsx_reimport_unchanged(tmp_path, directory, taxonomy, suffix):
    subset = directory[directory["type"] == "national_agency"]
    out = tmp_path / f"national{suffix}"
    export_directory(out, subset, taxonomy)
    again = read_directory(out)
    assert again.problems == [] and directory_records(again.agencies) == directory_records(subset)


def test_cancelled_directory_export_writes_nothing(tmp_path, directory, taxonomy):
    with pytest.raises(ExportCancelled):
        export_directory(tmp_path / "x.pdf", directory, taxonomy, cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_brochure_pack_has_cover_map_directory_and_locators(tmp_path, basemap, directory, taxonomy):
    subset = directory[directory.country == "DK"]
    out = tmp_path / "dk.pdf"
    document = export_brochure(out, subset, basemap, taxonomy, subtitle="Denmark")
    reader = PdfReader(out)
    first, second = reader.pages[0], reader.pages[1]
    assert float(second.mediabox.width) > float(second.mediabox.height)  # the overview map is landscape
    assert "Investment promotion agencies" in flat(first.extract_text())
    text = pdf_text(out)
    assert "Agencies on the map" in text and "Index by sector" in text
    for name in subset.name:
        assert text.count(name) >= 3  # directory entry, atlas page, index
    assert len(reader.pages) >= 4 + len(subset) // 2
    assert set(document.pages) == set(subset.id)


def bsr(*args):
    return subprocess.run(
        [sys.executable, "-m", "bsr_map", *map(str, args)], capture_output=True, text=True, timeout=300
    )


def test_command_line_exports(tmp_path, directory):
    out = tmp_path / "pl.pdf"
    result = bsr("export-directory", "-o", out, "--countries", "PL", "--types", "economic_zone", "--page", "Letter")
    assert result.returncode == 0, result.stderr
    zones = directory[(directory.country == "PL") & (directory["type"] == "economic_zone")]
    text = pdf_text(out)
    assert all(name in text for name in zones.name)
    assert float(PdfReader(out).pages[0].mediabox.width) == pytest.approx(612, abs=0.5)
    vcf = tmp_path / "one.vcf"
    assert bsr("export-directory", "-o", vcf, "--search", "businessoulu").returncode == 0
    assert vcf.read_text().count("BEGIN:VCARD") == 1
    bad = bsr("export-brochure", "-o", tmp_path / "b.docx")
    assert bad.returncode == 2 and "cannot write '.docx'" in bad.stderr
    none = bsr("export-directory", "-o", tmp_path / "none.csv", "--search", "no such agency anywhere")
    assert none.returncode == 1 and not (tmp_path / "none.csv").exists()
