"""Export the (filtered) directory: PDF, CSV, XLSX or vCard, and the brochure pack.

The command line and the GUI call these same functions.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
from matplotlib.figure import Figure

from bsr_map.directory.model import directory_records
from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.directory.writers import write_directory
from bsr_map.export import progress_step
from bsr_map.export.directory_pdf import build_directory_pdf, entry_flowables, paragraph_styles
from bsr_map.export.vcard import vcards
from bsr_map.geo.basemap import Basemap
from bsr_map.geo.mapview import fit_view, home_view
from bsr_map.geo.projection import INSET_COUNTRY, REGION_EXTENT
from bsr_map.render.agg_canvas import MapCanvasAgg
from bsr_map.util.atomic import atomic_write

DIRECTORY_FORMATS = (".pdf", ".csv", ".xlsx", ".vcf")
#: Ground span of a brochure's locator map around its agency.
LOCATOR_SPAN_M = 700_000.0


def export_directory(
    path: str | Path,
    agencies: gpd.GeoDataFrame,
    taxonomy: Taxonomy,
    *,
    page: str = "A4",
    title: str = "Investment promotion agencies of the Baltic Sea Region",
    subtitle: str = "",
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
):
    """Write the directory entries of ``agencies``; the format comes from the extension.

    ``.pdf`` is the printed directory (two columns, QR codes, index by sector);
    ``.csv`` and ``.xlsx`` are tables in the schema's field order that import
    back unchanged; ``.vcf`` holds one vCard 4.0 card per agency.

    Raises
    ------
    ValueError
        For another extension.
    bsr_map.util.atomic.SaveError
        When the file cannot be written (an existing file stays intact).
    ExportCancelled
        When ``cancelled()`` turned true; nothing is written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DIRECTORY_FORMATS:
        raise ValueError(f"cannot export the directory as '{suffix or path.name}'; use {', '.join(DIRECTORY_FORMATS)}")
    if suffix in (".csv", ".xlsx"):
        return write_directory(agencies, path)
    if suffix == ".vcf":
        text = vcards(directory_records(agencies), taxonomy)
        return atomic_write(path, lambda tmp: tmp.write_bytes(text.encode("utf-8")))
    result = {}

    def write(tmp: Path) -> None:
        result["document"] = build_directory_pdf(
            str(tmp),
            agencies,
            taxonomy,
            page=page,
            title=title,
            subtitle=subtitle,
            header=subtitle,
            progress=progress,
            cancelled=cancelled,
        )

    atomic_write(path, write)
    return result["document"]


def locator_png(
    record: dict, basemap: Basemap, width_mm: float = 80.0, height_mm: float = 55.0, dpi: int = 200
) -> bytes:
    """A small map locating one agency, as PNG bytes (an atlas page's locator).

    ``record`` has the agency's projected ``x`` and ``y`` and its ``lon``/``lat``.
    """
    from bsr_map.render.draw_map import draw_map
    from bsr_map.render.style import DEFAULT_STYLE

    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)
    MapCanvasAgg(fig)
    px_w, px_h = width_mm / 25.4 * dpi, height_mm / 25.4 * dpi
    iceland = record["country"] == INSET_COUNTRY
    x, y = record["x"], record["y"]
    view = (
        home_view(px_w, px_h, REGION_EXTENT)
        if iceland
        else fit_view((x, y, x, y), px_w, px_h, margin=0.0, min_span=LOCATOR_SPAN_M)
    )
    base = draw_map(fig, basemap, view, DEFAULT_STYLE, inset=iceland)
    target = base.inset_ax if iceland else base.ax
    assert target is not None  # draw_map made the inset when asked to
    if iceland:
        from bsr_map.geo.projection import INSET_CRS, from_lonlat

        x, y = from_lonlat(record["lon"], record["lat"], INSET_CRS)
    target.scatter([x], [y], s=120, facecolors="none", edgecolors="#C0392B", linewidths=2.0, zorder=30)
    target.scatter([x], [y], s=18, c="#C0392B", zorder=31)
    for spine in base.ax.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor("#56707F")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def export_brochure(
    path: str | Path,
    agencies: gpd.GeoDataFrame,
    basemap: Basemap,
    taxonomy: Taxonomy,
    *,
    page: str = "A4",
    title: str = "Investment promotion agencies of the Baltic Sea Region",
    subtitle: str = "",
    directory_source: str = "",
    directory_date: str = "",
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
):
    """One PDF for investors: cover, overview map, directory, and an atlas page per agency with a locator map.

    Returns
    -------
    DirectoryDocument
        Where each agency's directory entry landed.
    """
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, NextPageTemplate, PageBreak, Paragraph, Spacer

    from bsr_map.export.map_page import MapPageOptions
    from bsr_map.export.page import page_spec

    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ValueError(f"the brochure pack is a PDF, not '{path.suffix or path.name}'")

    check = progress_step(progress, cancelled)

    check(0.02, "Drawing the overview map")
    map_pdf = io.BytesIO()
    options = MapPageOptions(
        page_spec(page, "landscape"),
        dpi=200,
        title=title,
        subtitle=subtitle,
        extent="region",
        directory_source=directory_source,
        directory_date=directory_date,
    )
    _map_page_pdf(map_pdf, agencies, basemap, taxonomy, options)
    records = directory_records(agencies)
    xy = {r["id"]: (x, y) for r, x, y in zip(records, agencies.geometry.x, agencies.geometry.y, strict=False)}
    locators: dict[str, bytes] = {}
    for i, record in enumerate(records):
        check(0.1 + 0.55 * i / max(len(records), 1), f"Drawing locator maps ({i + 1} of {len(records)})")
        record["x"], record["y"] = xy[record["id"]]
        locators[record["id"]] = locator_png(record, basemap)

    styles = paragraph_styles()

    def atlas_pages(by_id: dict) -> list:
        story = [NextPageTemplate("wide"), PageBreak(), Paragraph("Agencies on the map", styles["country"])]
        for agency_id in sorted(by_id, key=lambda i: (by_id[i]["country"], by_id[i]["name"].casefold())):
            record = by_id[agency_id]
            block = [
                Image(io.BytesIO(locators[agency_id]), width=120 * mm, height=120 * mm * 55 / 80),
                Spacer(1, 2 * mm),
            ]
            block += entry_flowables(record, taxonomy, styles, 170 * mm)
            story.append(KeepTogether(block))
        return story

    cover = _cover_png(agencies, basemap, taxonomy)
    check(0.7, "Laying out the directory")
    result = {}

    def write(tmp: Path) -> None:
        body = io.BytesIO()
        result["document"] = build_directory_pdf(
            body,
            agencies,
            taxonomy,
            page=page,
            title=title,
            subtitle=subtitle,
            header=subtitle,
            cover_image=cover,
            before_index=atlas_pages,
            placeholder_pages=1,
            progress=lambda f, m: check(0.7 + 0.25 * f, m),
            cancelled=cancelled,
        )
        _merge(body, map_pdf, tmp)

    atomic_write(path, write)
    if progress is not None:
        progress(1.0, "Done")
    return result["document"]


def _map_page_pdf(target: io.BytesIO, agencies, basemap, taxonomy, options) -> None:
    """Render the overview map page into ``target`` (through a temporary file: export_map writes files)."""
    import tempfile

    from bsr_map.export.map_export import export_map

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "map.pdf"
        export_map(out, agencies, basemap, taxonomy, options)
        target.write(out.read_bytes())


def _cover_png(agencies, basemap, taxonomy) -> bytes:
    """The cover's overview: the region with every agency of the brochure."""
    from bsr_map.render.agency_layer import draw_agencies
    from bsr_map.render.draw_map import draw_map

    fig = Figure(figsize=(180 / 25.4, 130 / 25.4), dpi=150)
    MapCanvasAgg(fig)
    base = draw_map(fig, basemap, home_view(180 / 25.4 * 150, 130 / 25.4 * 150, REGION_EXTENT), labels=True)
    draw_agencies(base.ax, agencies, taxonomy, inset_ax=base.inset_ax, labels=False, legend=False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    return buffer.getvalue()


def _merge(body: io.BytesIO, map_pdf: io.BytesIO, target: Path) -> None:
    """Put the overview map in place of the body's placeholder page 2 and write ``target``."""
    from pypdf import PdfReader, PdfWriter

    body.seek(0)
    writer = PdfWriter(clone_from=PdfReader(body))
    map_pdf.seek(0)
    writer.insert_page(PdfReader(map_pdf).pages[0], index=1)
    writer.remove_page(2)  # the empty placeholder, now after the map
    writer.add_metadata({"/Title": "bsr-map brochure", "/Creator": "bsr-map"})
    with open(target, "wb") as fh:
        writer.write(fh)
