"""The printed directory: cover, entries in two columns with QR codes, index by sector.

Laid out with reportlab's platypus: entries are grouped by country and sorted
by name, each kept in one piece (never split across a column or page), text
wraps inside its column, fonts (Noto Sans) are embedded and text stays
searchable. Every entry carries a QR code of its website (or, without one, of
its vCard) that a phone camera reads. One entry never stops the export: text
too long for a column is cut with "…" and a card no QR code holds is
shortened, each reported in :attr:`DirectoryDocument.warnings` by agency.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import geopandas as gpd
import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from bsr_map.directory.model import directory_records
from bsr_map.directory.schema import MAX_DESCRIPTION, country_name, postal_address
from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.export import progress_step
from bsr_map.export.vcard import qr_payload
from bsr_map.util.paths import resources_dir

PAGE_SIZES = {"A4": A4, "Letter": LETTER}
FONT = "NotoSans"
INK = colors.HexColor("#2E2A27")
MUTED = colors.HexColor("#6B6560")
#: Background of a sector's chip when the taxonomy gives the sector no colour.
CHIP_DEFAULT_COLOUR = "#6B6560"
QR_SIZE = 21 * mm


def register_pdf_fonts() -> None:
    """Register the bundled Noto Sans family with reportlab (embedded, subset, searchable)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = resources_dir() / "fonts"
    for suffix, name in (
        ("Regular", FONT),
        ("Bold", f"{FONT}-Bold"),
        ("Italic", f"{FONT}-Italic"),
        ("BoldItalic", f"{FONT}-BoldItalic"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / f"NotoSans-{suffix}.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic", boldItalic=f"{FONT}-BoldItalic"
    )


class QRCode(Flowable):
    """A QR code drawn as vector squares (crisp at any print size)."""

    def __init__(self, content: str, size: float = QR_SIZE):
        super().__init__()
        self.content = content
        self.matrix = segno.make(content, error="m", micro=False).matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        """Draw the code's modules as filled squares."""
        modules = len(self.matrix) + 8  # a four-module quiet zone on each side
        cell = self.size / modules
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        n = len(self.matrix)
        for r, row in enumerate(self.matrix):
            for c, dark in enumerate(row):
                if dark:
                    canvas.rect((c + 4) * cell, (n - 1 - r + 4) * cell, cell, cell, stroke=0, fill=1)


class _Anchor(Flowable):
    """An invisible mark that records on which page an agency's entry landed."""

    def __init__(self, agency_id: str, pages: dict):
        super().__init__()
        self.agency_id, self.pages = agency_id, pages
        self.width = self.height = 0

    def drawOn(self, canvas, x, y, _sW=0) -> None:  # noqa: N802, N803 (reportlab's names)
        self.pages[self.agency_id] = canvas.getPageNumber()


def paragraph_styles() -> dict[str, ParagraphStyle]:
    """The directory's paragraph styles (entries, headings, cover)."""
    base = ParagraphStyle("base", fontName=FONT, fontSize=7.6, leading=9.6, textColor=INK)
    return {
        "base": base,
        "name": ParagraphStyle("name", parent=base, fontName=f"{FONT}-Bold", fontSize=9.2, leading=11.2),
        "local": ParagraphStyle("local", parent=base, fontName=f"{FONT}-Italic", textColor=MUTED),
        "small": ParagraphStyle("small", parent=base, fontSize=6.6, leading=8.2, textColor=MUTED),
        "country": ParagraphStyle(
            "country",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=13,
            leading=16,
            spaceBefore=6,
            spaceAfter=4,
            textColor=colors.HexColor("#1F4E79"),
        ),
        "title": ParagraphStyle("title", parent=base, fontName=f"{FONT}-Bold", fontSize=24, leading=29),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=17, textColor=MUTED),
        "index": ParagraphStyle("index", parent=base, fontSize=7.2, leading=9, leftIndent=8),
    }


def _chips(codes: list[str], taxonomy: Taxonomy) -> str:
    chips = []
    for code in codes:
        if code not in taxonomy.sectors:
            continue
        term = taxonomy.sectors[code]
        colour = term.color or CHIP_DEFAULT_COLOUR
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        text = "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#FFFFFF"
        chips.append(f'<font backColor="{colour}" color="{text}">&nbsp;{escape(term.label)}&nbsp;</font>')
    return " ".join(chips)


#: Characters of one word shown in an entry; a longer word (a pasted hash, a run of letters) is cut with "…".
MAX_WORD_CHARS = 60
#: Characters shown of a name, a local name or an address line; the rest is cut with "…".
MAX_LINE_CHARS = 200


def fitted(text: str, limit: int = MAX_LINE_CHARS, word_limit: int = MAX_WORD_CHARS) -> tuple[str, bool]:
    """``text`` with each word cut to ``word_limit`` and the whole to ``limit``; and whether it was cut.

    Examples
    --------
    >>> fitted("Business Finland")
    ('Business Finland', False)
    """
    words = str(text).split(" ")
    cut = [w if len(w) <= word_limit else w[: word_limit - 1] + "…" for w in words]
    shown = " ".join(cut)
    if len(shown) > limit:
        shown = shown[: limit - 1].rstrip() + "…"
    return shown, shown != text


def _agency_label(record: dict) -> str:
    """The agency as named in a warning: its name (cut) and its id."""
    name = str(record["name"])
    return f"“{name if len(name) <= 60 else name[:59] + '…'}” ({record['id']})"


def entry_flowables(
    record: dict, taxonomy: Taxonomy, styles, width: float, warnings: list[str] | None = None
) -> list[Flowable]:
    """The flowables of one directory entry (kept together by the caller).

    Text too long for a column (a word that cannot wrap, a name of hundreds of
    characters) is cut with "…", and a QR code that cannot hold the card holds
    less; each such change is added to ``warnings``, naming the agency.
    """
    cuts: list[str] = []

    def shown(key: str, text: str, limit: int = MAX_LINE_CHARS, word_limit: int = MAX_WORD_CHARS) -> str:
        text, was_cut = fitted(text, limit, word_limit)
        if was_cut:
            cuts.append(key)
        return escape(text)

    lines = [Paragraph(shown("name", record["name"]), styles["name"])]
    if record["local_name"] and record["local_name"] != record["name"]:
        lines.append(Paragraph(shown("local name", record["local_name"]), styles["local"]))
    address = postal_address(record)
    lines.append(
        Paragraph(
            f"{escape(taxonomy.agency_types.label(record['type']))} · {shown('address', address, 2 * MAX_LINE_CHARS)}",
            styles["base"],
        )
    )
    lines.append(Paragraph(_chips(record["sectors"], taxonomy), styles["base"]))
    contacts = []
    if record["website"]:
        # The link keeps the whole address; what is shown wraps (reportlab splits a long word) or is cut.
        contacts.append(
            f'<link href="{escape(record["website"])}">{shown("website", record["website"], word_limit=MAX_LINE_CHARS)}</link>'
        )
    if record["email"]:
        contacts.append(shown("e-mail", record["email"]))
    if record["phone"]:
        contacts.append(escape(record["phone"]))
    if contacts:
        lines.append(Paragraph(" · ".join(contacts), styles["base"]))
    if record["description"]:
        lines.append(Paragraph(shown("description", record["description"], 2 * MAX_DESCRIPTION), styles["base"]))
    if record["last_verified"]:
        lines.append(Paragraph(f"Last verified {escape(record['last_verified'])}", styles["small"]))
    content, shortened = qr_payload(record, taxonomy)
    if warnings is not None:
        if cuts:
            warnings.append(f"{_agency_label(record)}: shown shortened ({', '.join(cuts)} cut with “…”)")
        if shortened:
            warnings.append(f"{_agency_label(record)}: {shortened}")
    qr = QRCode(content)
    table = Table([[lines, qr]], colWidths=[width - QR_SIZE - 3 * mm, QR_SIZE + 3 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 4),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#D8D2C8")),
            ]
        )
    )
    return [table, Spacer(1, 3.2 * mm)]


@dataclass
class DirectoryDocument:
    """What was laid out, for checks: the page of each agency's entry and the page count."""

    pages: dict[str, int] = field(default_factory=dict)
    page_count: int = 0
    #: What had to be shortened, per agency by name ("“…” (id): its QR code holds a shorter card").
    warnings: list[str] = field(default_factory=list)


def build_directory_pdf(
    target,
    agencies: gpd.GeoDataFrame,
    taxonomy: Taxonomy,
    *,
    page: str = "A4",
    title: str = "Investment promotion agencies of the Baltic Sea Region",
    subtitle: str = "",
    header: str = "",
    cover_image: bytes | None = None,
    before_index: Callable[[dict], list] | None = None,
    placeholder_pages: int = 0,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DirectoryDocument:
    """Lay out the directory of ``agencies`` as a PDF into ``target`` (a path or a binary file).

    Parameters
    ----------
    target : str, Path or file object
    agencies : GeoDataFrame
        The (filtered) agencies.
    taxonomy : Taxonomy
    page : str
        "A4" or "Letter".
    title, subtitle : str
        Shown on the cover.
    header : str
        Shown at the top of every entry page (the filters applied).
    cover_image : bytes, optional
        A PNG shown on the cover (an overview map).
    before_index : callable, optional
        Called with the records by id; returns flowables placed after the
        entries and before the index (the brochure's atlas pages).
    placeholder_pages : int
        Empty pages right after the cover, to be replaced later (the brochure's map).
    progress, cancelled : callable, optional
        Progress report and cancel check, as for :func:`bsr_map.export.map_export.export_map`.

    Returns
    -------
    DirectoryDocument
    """
    register_pdf_fonts()
    if page not in PAGE_SIZES:
        raise ValueError(f"the directory is laid out on A4 or Letter, not {page!r}")
    size = PAGE_SIZES[page]
    styles = paragraph_styles()
    margin = 15 * mm
    gutter = 7 * mm
    column = (size[0] - 2 * margin - gutter) / 2
    body_h = size[1] - 2 * margin - 10 * mm
    result = DirectoryDocument()

    check = progress_step(progress, cancelled)

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        if header:
            canvas.drawString(margin, size[1] - margin + 2 * mm, header)
        canvas.drawRightString(size[0] - margin, margin - 8 * mm, f"Page {doc.page}")
        canvas.drawString(margin, margin - 8 * mm, title)
        canvas.restoreState()

    def templates() -> list[PageTemplate]:
        frames = [
            Frame(margin, margin, column, body_h, id="left", leftPadding=0, rightPadding=0),
            Frame(margin + column + gutter, margin, column, body_h, id="right", leftPadding=0, rightPadding=0),
        ]
        return [
            PageTemplate("cover", [Frame(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin)]),
            PageTemplate("entries", frames, onPage=decorate),
            PageTemplate("wide", [Frame(margin, margin, size[0] - 2 * margin, body_h)], onPage=decorate),
        ]

    doc = BaseDocTemplate(
        target,
        pagesize=size,
        title=title,
        author="bsr-map",
        creator="bsr-map",
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
    )
    doc.addPageTemplates(templates())
    records = directory_records(agencies)
    by_id = {r["id"]: r for r in records}
    countries = sorted({r["country"] for r in records}, key=country_name)

    def cover() -> list:
        story: list = [Spacer(1, 40 * mm), Paragraph(escape(title), styles["title"]), Spacer(1, 6 * mm)]
        if subtitle:
            story.append(Paragraph(escape(subtitle), styles["subtitle"]))
        if cover_image:
            story += [
                Spacer(1, 10 * mm),
                Image(io.BytesIO(cover_image), width=size[0] - 2 * margin, height=(size[0] - 2 * margin) * 0.72),
            ]
        story.append(Spacer(1, 8 * mm))
        story.append(
            Paragraph(
                "Sources: the bsr-map agency directory (public facts about public organisations; "
                "check each entry's verification date). Map: Natural Earth (public domain), "
                "GeoNames (CC BY 4.0).",
                styles["small"],
            )
        )
        for _ in range(placeholder_pages):
            story += [NextPageTemplate("cover"), PageBreak(), Spacer(1, 1)]
        return [*story, NextPageTemplate("entries"), PageBreak()]

    def entries(report: bool) -> list:
        story, done = [], 0
        for code in countries:
            members = sorted((r for r in records if r["country"] == code), key=lambda r: r["name"].casefold())
            for i, record in enumerate(members):
                block = entry_flowables(record, taxonomy, styles, column, result.warnings if report else None)
                # The mark follows the entry: an entry is kept in one piece, so its last page is its page.
                block.insert(1, _Anchor(record["id"], result.pages))
                if i == 0:  # a country's heading never ends a column alone
                    block.insert(0, Paragraph(escape(country_name(code)), styles["country"]))
                story.append(KeepTogether(block))
                done += 1
                if report and done % 10 == 0:
                    check(0.1 + 0.4 * done / max(len(records), 1), "Laying out entries")
        return story

    def index() -> list:
        story = [Paragraph("Index by sector", styles["country"])]
        for term in taxonomy.sectors:
            members = sorted((r for r in records if term.code in r["sectors"]), key=lambda r: r["name"].casefold())
            if not members:
                continue
            story.append(Paragraph(f'<font color="{term.color}">■</font> <b>{escape(term.label)}</b>', styles["base"]))
            story += [
                Paragraph(f"{escape(fitted(r['name'])[0])} … {result.pages.get(r['id'], '000')}", styles["index"])
                for r in members
            ]
            story.append(Spacer(1, 2 * mm))
        return story

    def make_story(report: bool) -> list:
        story = cover() + entries(report)
        if before_index is not None:
            story += [*before_index(by_id), NextPageTemplate("entries"), PageBreak()]
        return story + index()

    # Two passes: the first finds the page of every entry, the second prints them in the index.
    scratch = BaseDocTemplate(
        io.BytesIO(), pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin
    )
    scratch.addPageTemplates(templates())
    scratch.build(make_story(report=True))
    check(0.75, "Writing the PDF")
    doc.build(make_story(report=False))
    result.page_count = doc.page
    return result
