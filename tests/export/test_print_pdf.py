"""A print shop's preflight of `--print`: PDF/X-4, CMYK only, black text on one plate, boxes, fonts embedded."""

from __future__ import annotations

import subprocess
import sys

import pikepdf
import pytest

from bsr_map.export.page import BLEED_MM, SLUG_MM
from bsr_map.export.print_pdf import NEUTRAL_SPREAD, POINTS_PER_MM, profile_path, rgb_to_cmyk

COLOUR_OPERATORS = {"rg", "RG", "g", "G", "k", "K", "sc", "scn", "SC", "SCN"}
SHOW_TEXT = {"Tj", "TJ", "'", '"'}


def bsr(*args):
    return subprocess.run([sys.executable, "-m", "bsr_map", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """The map (with bleed and crop marks), the directory and the brochure, exported with --print."""
    folder = tmp_path_factory.mktemp("print")
    commands = {
        "map": ("export-map", "--bleed", "--crop-marks"),
        "directory": ("export-directory",),
        "brochure": ("export-brochure", "--countries", "EE,LV"),
    }
    paths = {}
    for name, command in commands.items():
        paths[name] = folder / f"{name}.pdf"
        done = bsr(*command, "-o", paths[name], "--print")
        assert done.returncode == 0, done.stderr
    return paths


def content_streams(pdf):
    """Every content stream of the file: pages, forms, patterns (with what they are, for messages)."""
    for number, page in enumerate(pdf.pages, 1):
        yield f"page {number}", pikepdf.parse_content_stream(page)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and (obj.get("/Subtype") == "/Form" or obj.get("/PatternType") == 1):
            yield f"object {obj.objgen}", pikepdf.parse_content_stream(obj)


@pytest.mark.parametrize("kind", ["map", "directory", "brochure"])
def test_a_print_pdf_is_pdf_x4_with_the_fogra39_output_intent(exports, kind):
    with pikepdf.open(exports[kind]) as pdf:
        assert pdf.pdf_version >= "1.6"
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
        assert pdf.docinfo["/Trapped"] == pikepdf.Name("/False") and str(pdf.docinfo["/Title"])
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert intent.DestOutputProfile.N == 4
        assert intent.DestOutputProfile.read_bytes() == profile_path().read_bytes()
        meta = pdf.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4" and meta["dc:title"]
        assert meta["xmpMM:DocumentID"].startswith("uuid:") and meta["pdf:Trapped"] == "False"


@pytest.mark.parametrize("kind", ["map", "directory", "brochure"])
def test_every_colour_is_cmyk_and_no_rgb_remains(exports, kind):
    with pikepdf.open(exports[kind]) as pdf:
        rgb = []
        for where, instructions in content_streams(pdf):
            for operands, operator in instructions:
                if str(operator) in ("rg", "RG", "g", "G"):
                    rgb.append((where, str(operator)))
                if str(operator) in ("cs", "CS") and operands[0] in ("/DeviceRGB", "/DeviceGray"):
                    rgb.append((where, f"{operands[0]} {operator}"))
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) and obj.get("/ColorSpace") == "/DeviceRGB":
                rgb.append((f"object {obj.objgen}", "DeviceRGB image"))
        assert rgb == []


@pytest.mark.parametrize("kind", ["map", "directory", "brochure"])
def test_every_font_is_embedded_and_no_helvetica_is_referenced(exports, kind):
    with pikepdf.open(exports[kind]) as pdf:
        fonts = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"]
        assert fonts
        for font in fonts:
            assert "Helvetica" not in str(font.get("/BaseFont", ""))
            if font.Subtype == "/Type3":
                continue  # drawn by its own glyph procedures
            descendant = font.DescendantFonts[0] if font.Subtype == "/Type0" else font
            descriptor = descendant.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont


@pytest.mark.parametrize("kind", ["directory", "brochure"])
def test_body_text_and_qr_codes_are_on_the_black_plate_alone(exports, kind):
    with pikepdf.open(exports[kind]) as pdf:
        text_colours, colours = [], set()
        for _, instructions in content_streams(pdf):
            fill, in_text = None, False
            for operands, operator in instructions:
                name = str(operator)
                if name == "k":
                    fill = tuple(float(v) for v in operands)
                    colours.add(fill)
                in_text = name == "BT" or (in_text and name != "ET")
                if in_text and name in SHOW_TEXT and fill is not None:
                    text_colours.append(fill)
        assert text_colours
        body = max(set(text_colours), key=text_colours.count)  # the colour most text is set in
        assert body[:3] == (0.0, 0.0, 0.0) and body[3] > 0.7, body
        blacks = {c for c in colours if c[3] >= 0.9}
        assert blacks == {(0.0, 0.0, 0.0, 1.0)}  # QR modules and black text: 100 % K, never a four-plate rich black
        assert max(sum(c) for c in colours) <= 3.3  # within coated paper's total ink limit


def test_the_house_colours_separate_as_a_print_shop_expects():
    assert rgb_to_cmyk(0x2E / 255, 0x2A / 255, 0x27 / 255)[:3] == (0.0, 0.0, 0.0)  # body text: K only
    assert rgb_to_cmyk(1.0, 1.0, 1.0) == (0.0, 0.0, 0.0, 0.0)  # paper
    assert rgb_to_cmyk(0.0, 0.0, 0.0) == (0.0, 0.0, 0.0, 1.0)
    c, m, y, k = rgb_to_cmyk(0.0, 0.45, 0.75)  # a sea blue: mostly cyan, within the paper's total ink limit
    assert c > 0.6 and c > m > y and c + m + y + k <= 3.3
    assert NEUTRAL_SPREAD < 0.06  # a coloured grey (a tint of the real-estate class) is not flattened to K


def test_the_map_has_trim_and_bleed_boxes_where_the_page_is_cut(exports):
    with pikepdf.open(exports["map"]) as pdf:
        page = pdf.pages[0]
        media = [float(v) for v in page.MediaBox]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        outer = (BLEED_MM + SLUG_MM) * POINTS_PER_MM
        assert trim == pytest.approx([outer, outer, media[2] - outer, media[3] - outer])
        grow = BLEED_MM * POINTS_PER_MM
        assert bleed == pytest.approx([trim[0] - grow, trim[1] - grow, trim[2] + grow, trim[3] + grow])
        assert "/CropBox" not in page.obj  # the viewer shows the whole sheet, marks included


def test_print_is_refused_for_anything_but_a_pdf(tmp_path):
    done = bsr("export-map", "-o", tmp_path / "map.png", "--print")
    assert done.returncode == 2 and "--print makes a print-ready PDF" in done.stderr
    assert not (tmp_path / "map.png").exists()


def test_without_print_the_pdf_stays_srgb_for_screens(tmp_path):
    done = bsr("export-directory", "-o", tmp_path / "d.pdf", "--countries", "EE")
    assert done.returncode == 0, done.stderr
    with pikepdf.open(tmp_path / "d.pdf") as pdf:
        assert "/OutputIntents" not in pdf.Root
        assert any(str(op) == "rg" for _, stream in content_streams(pdf) for _, op in stream)
