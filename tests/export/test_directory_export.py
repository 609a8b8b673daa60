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


def _render_page(out, page: int, folder, dpi: int = 300):
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), str(out), str(folder / "pg")], check=True
    )
    return Image.open(sorted(folder.glob("pg*.png"))[-1])


def test_an_800_character_name_without_website_still_exports_with_a_readable_shorter_card(
    tmp_path, directory, taxonomy
):
    subset = directory[directory.country == "EE"].iloc[:3].copy()
    long_name = " ".join(["Estonian Investment and Business Development Agency"] * 16)[:800]
    subset.loc[subset.index[0], ["name", "website"]] = [long_name, ""]
    out = tmp_path / "long.pdf"
    document = export_directory(out, subset, taxonomy)
    agency_id = subset.id.iloc[0]
    assert [w for w in document.warnings if agency_id in w], document.warnings
    assert any("QR code holds" in w and "“Estonian Investment" in w for w in document.warnings)
    image = _render_page(out, document.pages[agency_id], tmp_path)
    cards = [vobject.readOne(r.text) for r in zxingcpp.read_barcodes(image) if r.text.startswith("BEGIN:VCARD")]
    assert [c.uid.value for c in cards] == [f"urn:bsr-map:{agency_id}"]
    assert long_name.startswith(cards[0].fn.value.rstrip("…"))
    assert len(PdfReader(out).pages) == document.page_count


def test_a_3000_character_word_is_cut_with_an_ellipsis_and_reported(tmp_path, directory, taxonomy):
    subset = directory[directory.country == "LV"].iloc[:2].copy()
    word = "Riga" * 750
    subset.loc[subset.index[0], "name"] = word
    subset.loc[subset.index[1], "street_address"] = "Street " + "x" * 3000
    out = tmp_path / "word.pdf"
    document = export_directory(out, subset, taxonomy)
    text = pdf_text(out)
    assert "RigaRiga" in text and word not in text.replace(" ", "")
    for agency_id, what in zip(subset.id, ("name cut", "address cut"), strict=True):
        assert any(agency_id in w and what in w for w in document.warnings), (agency_id, document.warnings)


def test_a_card_no_qr_code_holds_falls_back_step_by_step(directory, taxonomy):
    from bsr_map.export.vcard import QR_MAX_VERSION, qr_payload

    small = {"website": "", "description": "", "sectors": [], "local_name": "", "street_address": ""}
    record = {**directory_records(directory)[0], **small}
    full, note = qr_payload(record, taxonomy)
    assert note is None and full == agency_vcard(record, taxonomy)
    for changes, said in [
        ({"description": "Investors " * 60}, "shorter card (without description"),
        ({"name": "N" * 5000, "description": "Investors " * 60}, "name, cut to"),
        ({"website": "https://example.com/" + "a" * 3000}, "website is too long"),
    ]:
        content, note = qr_payload({**record, **changes}, taxonomy)
        assert note is not None and said in note, (changes.keys(), note)
        import segno

        assert segno.make(content, error="m", micro=False).version <= QR_MAX_VERSION


def test_the_qr_payload_of_a_card_escapes_line_breaks(directory, taxonomy):
    from bsr_map.export.vcard import qr_payload

    record = {**directory_records(directory)[0], "website": "", "name": "A\rB\u2028C\u0085D", "description": ""}
    content, _ = qr_payload(record, taxonomy)
    assert not any(ch in content.replace("\r\n", "") for ch in "\r\n\u2028\u0085")
    assert "FN:A\\nB\\nC\\nD" in content
