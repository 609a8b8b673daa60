"""Map export: page size, resolution, text, legend, scale bar, languages, command line."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from bsr_map.export.map_export import ExportCancelled, export_map
from bsr_map.export.map_page import MapPageOptions
from bsr_map.export.page import PAGE_SIZES_MM, page_spec
from bsr_map.geo.projection import from_lonlat

PT_PER_MM = 72 / 25.4


def options(page="A4", orientation="landscape", **kwargs):
    return MapPageOptions(page_spec(page, orientation), **kwargs)


@pytest.mark.parametrize(
    ("page", "orientation"), [("A4", "landscape"), ("A5", "portrait"), ("A3", "portrait"), ("Letter", "landscape")]
)
def test_pdf_page_size_equals_the_preset_in_points(tmp_path, basemap, directory, taxonomy, page, orientation):
    out = tmp_path / "map.pdf"
    export_map(out, directory, basemap, taxonomy, options(page, orientation, dpi=150))
    box = PdfReader(out).pages[0].mediabox
    w, h = PAGE_SIZES_MM[page]
    if orientation == "landscape":
        w, h = h, w
    assert float(box.width) == pytest.approx(w * PT_PER_MM, abs=0.05)
    assert float(box.height) == pytest.approx(h * PT_PER_MM, abs=0.05)


def test_bleed_and_crop_marks_grow_the_sheet(tmp_path, basemap, directory, taxonomy):
    out = tmp_path / "map.pdf"
    opts = MapPageOptions(page_spec("A5", "portrait", bleed=True, crop_marks=True), dpi=100)
    export_map(out, directory, basemap, taxonomy, opts)
    box = PdfReader(out).pages[0].mediabox
    assert float(box.width) == pytest.approx((148 + 2 * 9) * PT_PER_MM, abs=0.05)


@pytest.mark.parametrize("dpi", [72, 150])
def test_png_has_page_times_dpi_pixels_and_records_the_dpi(tmp_path, basemap, directory, taxonomy, dpi):
    out = tmp_path / "map.png"
    export_map(out, directory, basemap, taxonomy, options("A5", "landscape", dpi=dpi))
    image = Image.open(out)
    assert image.size == (round(210 / 25.4 * dpi), round(148 / 25.4 * dpi))
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)  # PNG stores whole pixels per metre


def test_svg_parses_as_xml(tmp_path, basemap, directory, taxonomy):
    out = tmp_path / "map.svg"
    export_map(out, directory, basemap, taxonomy, options(dpi=100))
    assert ET.parse(out).getroot().tag.endswith("svg")


def test_pdf_text_has_title_legend_and_embedded_fonts(tmp_path, basemap, directory, taxonomy):
    out = tmp_path / "map.pdf"
    subset = directory[directory.country.isin(["LT", "LV"])]
    page = export_map(out, subset, basemap, taxonomy, options(dpi=150, title="Baltic gateways", subtitle="LT and LV"))
    reader = PdfReader(out)
    text = reader.pages[0].extract_text()
    assert "Baltic gateways" in text and "LT and LV" in text
    for label in page.legend_labels:
        assert label in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert all(
        "/FontFile2" in str(f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object())
        for f in fonts.values()
    )


def test_legend_lists_exactly_the_primary_sectors_on_the_map(basemap, directory, taxonomy, tmp_path):
    subset = directory[directory.country == "NO"]
    page = export_map(tmp_path / "no.pdf", subset, basemap, taxonomy, options(dpi=100, extent="fit"))
    primary = {s[0] for s in subset.sectors}
    sector_labels = {taxonomy.sectors.label(c) for c in taxonomy.sectors.codes}
    assert {label for label in page.legend_labels if label in sector_labels} == {
        taxonomy.sectors.label(c) for c in primary
    }


def test_every_agency_is_labelled_or_numbered_in_the_key(basemap, directory, taxonomy, tmp_path):
    page = export_map(tmp_path / "all.png", directory, basemap, taxonomy, options("A5", "portrait", dpi=100))
    labelled = set(page.agencies.labelled)
    numbered = {agency_id for _, agency_id in page.agencies.numbered}
    assert labelled | numbered == set(directory.id) and not labelled & numbered
    assert [n for n, _ in page.key] == list(range(1, len(page.key) + 1))
    assert page.outside == 0


def test_scale_bar_is_true_for_helsinki_to_tallinn(basemap, directory, taxonomy, tmp_path):
    hel, tll = from_lonlat(24.94, 60.17), from_lonlat(24.75, 59.44)
    extent = (min(hel[0], tll[0]) - 150_000, tll[1] - 120_000, max(hel[0], tll[0]) + 150_000, hel[1] + 120_000)
    page = export_map(
        tmp_path / "gulf.pdf", directory, basemap, taxonomy, options(dpi=100, extent="view", view_extent=extent)
    )
    map_distance = float(np.hypot(hel[0] - tll[0], hel[1] - tll[1]))
    km = map_distance / page.scale_bar_map_m * page.scale_km
    assert km == pytest.approx(81.5, abs=3.0)  # Helsinki–Tallinn is about 80 km


def test_japanese_labels_are_real_text(tmp_path, basemap, directory, taxonomy):
    out = tmp_path / "ja.pdf"
    page = export_map(out, directory, basemap, taxonomy, options(dpi=150, lang="ja"))
    text = PdfReader(out).pages[0].extract_text()
    countries = basemap.layer("countries", "full")
    japanese = set(countries.name_ja)
    placed = [t.get_text() for t in page.base.labels if t.get_text() in japanese]
    assert {"スウェーデン", "ポーランド", "ドイツ"} <= set(placed)
    for name in placed:
        assert name in text
    fonts = " ".join(str(f.get_object()["/BaseFont"]) for f in PdfReader(out).pages[0]["/Resources"]["/Font"].values())
    assert "IPAexGothic" in fonts


def test_cancelling_writes_nothing(tmp_path, basemap, directory, taxonomy):
    out = tmp_path / "map.png"
    with pytest.raises(ExportCancelled):
        export_map(out, directory, basemap, taxonomy, options(dpi=72), cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def bsr(*args):
    return subprocess.run(
        [sys.executable, "-m", "bsr_map", *map(str, args)], capture_output=True, text=True, timeout=180
    )


def test_command_line_export_with_filters(tmp_path, directory):
    out = tmp_path / "pl.pdf"
    result = bsr(
        "export-map",
        "-o",
        out,
        "--countries",
        "PL",
        "--sectors",
        "maritime,ict",
        "--page",
        "A3",
        "--orientation",
        "portrait",
        "--title",
        "Poland for investors",
        "--dpi",
        "150",
    )
    assert result.returncode == 0, result.stderr
    text = PdfReader(out).pages[0].extract_text()
    assert "Poland for investors" in text and "Poland · ICT & digital or Maritime & offshore" in text
    count = sum(
        1
        for c, s in zip(directory.country, directory.sectors, strict=False)
        if c == "PL" and {"ict", "maritime"} & set(s)
    )
    assert f"{count} agencies" in text


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--countries", "RU"], "unknown country 'RU'"),
        (["--sectors", "mining"], "unknown sector 'mining'"),
        (["--types", "embassy"], "unknown type 'embassy'"),
        (["--dpi", "1200"], "--dpi must be between 72 and 600"),
        (["--lang", "xx"], "unknown --lang"),
        (["--page", "B5"], "unknown page size"),
    ],
)
def test_bad_options_exit_2_with_a_clear_message(tmp_path, args, words):
    result = bsr("export-map", "-o", tmp_path / "m.png", *args)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "m.png").exists()


@pytest.mark.parametrize(("name", "words"), [("m.jpg", "cannot write '.jpg'"), ("missing/m.pdf", "does not exist")])
def test_unwritable_output_exits_2(tmp_path, name, words):
    result = bsr("export-map", "-o", tmp_path / name)
    assert result.returncode == 2 and words in result.stderr
