"""Make an exported PDF print-ready: PDF/X-4 in CMYK for coated offset paper.

The map, directory and brochure are drawn in sRGB (matplotlib and reportlab
draw nothing else), which suits screens and office printers. For a print shop
the finished PDF is converted here, page by page:

- every colour operator (``rg``/``RG``, ``g``/``G``, ``sc``/``scn`` in an RGB
  space) becomes CMYK through an ICC transform from sRGB to the bundled
  FOGRA39 profile (relative colorimetric, black point compensation);
- neutral dark colours (body text, rules, QR modules) go to the black plate
  only, so small text and QR codes never depend on four plates registering;
- RGB images are converted with the same transform, keeping their masks;
- the FOGRA39 profile is embedded as the GTS_PDFX output intent, the document
  says it is PDF/X-4 (info dictionary and XMP), ``Trapped`` is set, resources
  no content uses (an unembedded Helvetica reportlab lists on every page) are
  removed, and each page gets a TrimBox and a BleedBox.

Colour conversion uses littleCMS through Pillow's ``ImageCms``; the PDF is
read and written with pikepdf (qpdf).
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf
from PIL import Image, ImageCms

from bsr_map.export.page import BLEED_MM, MM_PER_INCH, PageSpec
from bsr_map.util.atomic import atomic_write
from bsr_map.util.paths import resources_dir

#: The bundled output profile: FOGRA39L coated (ISO 12647-2:2004 coated paper), zlib licence.
PROFILE_FILE = "print/FOGRA39L_coated.icc"
OUTPUT_CONDITION = "FOGRA39"
OUTPUT_CONDITION_INFO = "Coated FOGRA39 (ISO 12647-2:2004)"
#: A colour whose channels differ by at most this much (0–1) counts as neutral: it goes to the black plate.
NEUTRAL_SPREAD = 12 / 255
POINTS_PER_MM = 72 / MM_PER_INCH
_RGB_OPERATORS = {"rg": "k", "RG": "K"}
_GRAY_OPERATORS = {"g": "k", "G": "K"}


@dataclass(frozen=True)
class Boxes:
    """Where the finished page is cut, in PDF points from the page's lower left corner.

    ``trim`` is the page as cut; ``bleed`` the area printed beyond it (the
    artwork there is cut away). Both are (x0, y0, x1, y1).
    """

    trim: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float]


def profile_path() -> Path:
    """The bundled CMYK output profile."""
    return resources_dir() / PROFILE_FILE


@lru_cache(maxsize=1)
def _transform() -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"),
        ImageCms.getOpenProfile(str(profile_path())),
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


@lru_cache(maxsize=4096)
def rgb_to_cmyk(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """The CMYK (0–1) that prints sRGB ``(r, g, b)`` (0–1) on coated paper.

    Neutral colours (white, greys, near-black text) are given on the black
    plate alone, at the same lightness; others go through the ICC transform.
    """
    if max(r, g, b) - min(r, g, b) <= NEUTRAL_SPREAD:
        grey = 0.2126 * r + 0.7152 * g + 0.0722 * b  # luminance of a near-neutral: its grey
        return (0.0, 0.0, 0.0, round(1.0 - grey, 4))
    pixel = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in (r, g, b)))
    converted = ImageCms.applyTransform(pixel, _transform())
    assert converted is not None  # not converted in place
    c, m, y, k = converted.tobytes()
    return (round(c / 255, 4), round(m / 255, 4), round(y / 255, 4), round(k / 255, 4))


def _numbers(operands) -> list[float]:
    return [float(v) for v in operands]


_SHOW_TEXT = {"Tj", "TJ", "'", '"'}


def _without_empty_text(instructions) -> list:
    """The instructions less text blocks that show nothing (reportlab opens each page with one, setting Helvetica)."""
    out: list = []
    block: list | None = None
    for operands, operator in instructions:
        name = str(operator)
        if name == "BT":
            block = [(operands, operator)]
            continue
        if block is not None:
            block.append((operands, operator))
            if name == "ET":
                if any(str(op) in _SHOW_TEXT for _, op in block):
                    out.extend(block)
                block = None
            continue
        out.append((operands, operator))
    return out + (block or [])


def _converted_stream(instructions) -> list:
    """The content stream's instructions with every RGB and grey colour set in CMYK."""
    instructions = _without_empty_text(instructions)
    out: list = []
    rgb_space = {"fill": False, "stroke": False}
    for operands, operator in instructions:
        name = str(operator)
        if name in _RGB_OPERATORS and len(operands) == 3:
            out.append(([*rgb_to_cmyk(*_numbers(operands))], pikepdf.Operator(_RGB_OPERATORS[name])))
        elif name in _GRAY_OPERATORS and len(operands) == 1:
            grey = float(operands[0])
            out.append(([0, 0, 0, round(1 - grey, 4)], pikepdf.Operator(_GRAY_OPERATORS[name])))
        elif name in ("cs", "CS") and operands and operands[0] in (pikepdf.Name.DeviceRGB, pikepdf.Name.DeviceGray):
            side = "fill" if name == "cs" else "stroke"
            rgb_space[side] = True
            out.append(([pikepdf.Name.DeviceCMYK], operator))
        elif name in ("sc", "scn", "SC", "SCN") and rgb_space["fill" if name.islower() else "stroke"]:
            values = _numbers(operands)
            cmyk = rgb_to_cmyk(*values) if len(values) == 3 else (0.0, 0.0, 0.0, round(1 - values[0], 4))
            out.append(([*cmyk], operator))
        else:
            if name in ("cs", "CS"):
                rgb_space["fill" if name == "cs" else "stroke"] = False
            out.append((operands, operator))
    return out


def _convert_image(image: pikepdf.Stream) -> None:
    if image.get("/ColorSpace") != pikepdf.Name.DeviceRGB or image.get("/ImageMask", False):
        return  # masks (alpha, QR stencils) carry no colour
    pixels = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    cmyk = ImageCms.applyTransform(pixels, _transform())
    assert cmyk is not None  # not converted in place
    image.write(zlib.compress(cmyk.tobytes()), filter=pikepdf.Name.FlateDecode)
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    image.ColorSpace = pikepdf.Name.DeviceCMYK
    image.BitsPerComponent = 8


def _convert_resources(pdf: pikepdf.Pdf, resources, seen: set) -> None:
    """Convert the images, forms, patterns and transparency groups a content stream uses."""
    if resources is None:
        return
    for kind in ("/XObject", "/Pattern"):
        for _, item in (resources.get(kind) or {}).items():
            key = item.objgen
            if key in seen:
                continue
            seen.add(key)
            subtype = item.get("/Subtype")
            if subtype == pikepdf.Name.Image:
                _convert_image(item)
                continue
            if isinstance(item, pikepdf.Stream) and (subtype == pikepdf.Name.Form or item.get("/PatternType") == 1):
                item.write(pikepdf.unparse_content_stream(_converted_stream(pikepdf.parse_content_stream(item))))
                _convert_group(item)
                _convert_resources(pdf, item.get("/Resources"), seen)
    for _, state in (resources.get("/ExtGState") or {}).items():
        mask = state.get("/SMask")
        if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
            _convert_resources(pdf, pikepdf.Dictionary(XObject=pikepdf.Dictionary(G=mask.G)), seen)


def _convert_group(holder) -> None:
    group = holder.get("/Group")
    if isinstance(group, pikepdf.Dictionary) and group.get("/CS") in (pikepdf.Name.DeviceRGB, pikepdf.Name.DeviceGray):
        group.CS = pikepdf.Name.DeviceCMYK


def _output_intent(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    profile = pdf.make_stream(profile_path().read_bytes())
    profile.N = 4
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFX,
            OutputConditionIdentifier=pikepdf.String(OUTPUT_CONDITION),
            OutputCondition=pikepdf.String(OUTPUT_CONDITION_INFO),
            RegistryName=pikepdf.String("http://www.color.org"),
            Info=pikepdf.String(OUTPUT_CONDITION_INFO),
            DestOutputProfile=profile,
        )
    )


def _describe(pdf: pikepdf.Pdf, title: str) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    stamp = now.strftime("D:%Y%m%d%H%M%SZ")
    pdf.docinfo[pikepdf.Name.Title] = title
    pdf.docinfo[pikepdf.Name.GTS_PDFXVersion] = "PDF/X-4"
    pdf.docinfo[pikepdf.Name.Trapped] = pikepdf.Name("/False")
    pdf.docinfo[pikepdf.Name.ModDate] = stamp
    if pikepdf.Name.CreationDate not in pdf.docinfo:
        pdf.docinfo[pikepdf.Name.CreationDate] = stamp
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = title
        meta["pdf:Trapped"] = "False"
        meta["pdfxid:GTS_PDFXVersion"] = "PDF/X-4"
        meta["xmp:CreateDate"] = now.isoformat()
        meta["xmp:ModifyDate"] = now.isoformat()
        meta["xmp:MetadataDate"] = now.isoformat()
        meta["xmpMM:DocumentID"] = f"uuid:{uuid.uuid4()}"
        meta["xmpMM:InstanceID"] = f"uuid:{uuid.uuid4()}"
        meta["xmpMM:VersionID"] = "1"
        meta["xmpMM:RenditionClass"] = "default"


def make_print_ready(
    source: str | Path, target: str | Path, *, title: str, boxes: Iterable[Boxes | None] | Boxes | None = None
) -> Path:
    """Write ``source`` (an sRGB PDF) as a PDF/X-4 in CMYK at ``target`` (may be the same file).

    Parameters
    ----------
    source, target : str or Path
        The PDF to convert and where to write the result.
    title : str
        The document's title (PDF/X requires one).
    boxes : Boxes, or one per page (None: the page as it is), optional
        TrimBox and BleedBox; by default both are the page's MediaBox (no bleed).

    Returns
    -------
    Path
        ``target``.
    """
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        per_page = [boxes] * len(pdf.pages) if boxes is None or isinstance(boxes, Boxes) else list(boxes)
        seen: set = set()
        for page, page_boxes in zip(pdf.pages, per_page, strict=True):
            page.contents_coalesce()
            page.Contents.write(pikepdf.unparse_content_stream(_converted_stream(pikepdf.parse_content_stream(page))))
            _convert_group(page.obj)
            _convert_resources(pdf, page.get("/Resources"), seen)
            media = [float(v) for v in page.MediaBox]
            trim = page_boxes.trim if page_boxes else media
            bleed = page_boxes.bleed if page_boxes else media
            page.TrimBox = pikepdf.Array(trim)
            page.BleedBox = pikepdf.Array(bleed)
            if "/CropBox" in page.obj:
                del page.obj["/CropBox"]
        pdf.remove_unreferenced_resources()
        pdf.Root.OutputIntents = pikepdf.Array([_output_intent(pdf)])
        _describe(pdf, title)
        pdf.save(target, min_version="1.6", fix_metadata_version=False)
    return Path(target)


def boxes_of(page: PageSpec) -> Boxes:
    """The TrimBox and BleedBox of a page laid out by :mod:`bsr_map.export.page` (points)."""
    outer, width, height = page.outer_mm, page.width_mm, page.height_mm
    trim = tuple(v * POINTS_PER_MM for v in (outer, outer, outer + width, outer + height))
    grow = (BLEED_MM if page.bleed else 0.0) * POINTS_PER_MM
    bleed = (trim[0] - grow, trim[1] - grow, trim[2] + grow, trim[3] + grow)
    return Boxes(trim, bleed)  # type: ignore[arg-type]


def convert_in_place(path: str | Path, *, title: str, boxes: Iterable[Boxes | None] | Boxes | None = None) -> Path:
    """Make the exported PDF at ``path`` print-ready (see :func:`make_print_ready`), replacing it atomically."""
    return atomic_write(path, lambda tmp: make_print_ready(path, tmp, title=title, boxes=boxes), keep_backup=False)
