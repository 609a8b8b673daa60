"""The ``bsr-map export-map`` command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bsr_map.cli.filter_args import OptionError, add_filter_arguments

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


PRINT_HELP = (
    "PDF only: write PDF/X-4 for offset printing (CMYK through the bundled FOGRA39 profile, "
    "black text on the black plate, TrimBox and BleedBox); without it the PDF is sRGB, for screens and office printers"
)


def add_parser(sub) -> None:
    """Register ``export-map`` on an argparse subparsers object."""
    parser = sub.add_parser(
        "export-map",
        help="export a print-ready map (.png, .svg, .pdf)",
        description="Export a print-ready map; the format comes from the extension of OUT.",
    )
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT")
    add_filter_arguments(parser)
    parser.add_argument("--page", default="A4", help="A5, A4, A3 or Letter (default A4)")
    parser.add_argument("--page-size", metavar="WxH", help="custom page size in millimetres, e.g. 400x300")
    parser.add_argument("--orientation", default="landscape", choices=("portrait", "landscape"))
    parser.add_argument("--margin", type=float, default=10.0, metavar="MM", help="margin in millimetres (default 10)")
    parser.add_argument("--bleed", action="store_true", help="add 3 mm bleed")
    parser.add_argument("--crop-marks", action="store_true", help="add crop marks outside the trim")
    parser.add_argument("--dpi", type=int, default=300, help="resolution of PNG output, 72–600 (default 300)")
    parser.add_argument("--title", default=None, help="map title")
    parser.add_argument("--subtitle", default=None, help="subtitle (default: a description of the filters)")
    parser.add_argument("--lang", default="en", help="label language: en, local, de, pl, sv, ru, ja, …")
    parser.add_argument(
        "--extent",
        default="fit",
        choices=("fit", "region"),
        help="zoom to the filtered agencies (fit, the default) or show the whole region",
    )
    parser.add_argument("--no-inset", action="store_true", help="leave out the Iceland inset")
    parser.add_argument("--locator", action="store_true", help="add an overview locator map")
    parser.add_argument("--print", dest="print_ready", action="store_true", help=PRINT_HELP)


def add_directory_parsers(sub) -> None:
    """Register ``export-directory`` and ``export-brochure``."""
    directory = sub.add_parser(
        "export-directory",
        help="export directory entries (.pdf, .csv, .xlsx, .vcf)",
        description="Export the filtered directory; the format comes from OUT's extension.",
    )
    directory.add_argument("-o", "--output", required=True, type=Path, metavar="OUT")
    add_filter_arguments(directory)
    directory.add_argument("--page", default="A4", choices=("A4", "Letter"), help="page size of the PDF")
    directory.add_argument("--title", default="Investment promotion agencies of the Baltic Sea Region")
    directory.add_argument("--print", dest="print_ready", action="store_true", help=PRINT_HELP)
    brochure = sub.add_parser(
        "export-brochure",
        help="export the brochure pack (.pdf): cover, overview map, directory and a locator map per agency",
    )
    brochure.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.pdf")
    add_filter_arguments(brochure)
    brochure.add_argument("--page", default="A4", choices=("A4", "Letter"))
    brochure.add_argument("--title", default="Investment promotion agencies of the Baltic Sea Region")
    brochure.add_argument("--print", dest="print_ready", action="store_true", help=PRINT_HELP)


def run_directory(args: argparse.Namespace) -> int:
    """Run ``export-directory`` or ``export-brochure``; return the exit status."""
    from bsr_map.directory import load_taxonomy
    from bsr_map.explore.describe import describe_filters
    from bsr_map.export.directory_export import DIRECTORY_FORMATS, export_brochure, export_directory
    from bsr_map.geo.basemap import load_basemap
    from bsr_map.util.atomic import SaveError

    taxonomy = load_taxonomy()
    brochure = args.command == "export-brochure"
    try:
        check_output(args.output, (".pdf",) if brochure else DIRECTORY_FORMATS)
        check_print(args)
        agencies, state, source, date = load_filtered(args, taxonomy)
    except OptionError as exc:
        print(f"bsr-map {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not len(agencies):
        print(f"bsr-map {args.command}: error: no agency matches the filters; nothing was written", file=sys.stderr)
        return EXIT_FAILED
    subtitle = describe_filters(state, taxonomy, len(agencies))
    try:
        if brochure:
            export_brochure(
                args.output,
                agencies,
                load_basemap(),
                taxonomy,
                page=args.page,
                title=args.title,
                subtitle=subtitle,
                directory_source=source,
                directory_date=date,
            )
        else:
            export_directory(args.output, agencies, taxonomy, page=args.page, title=args.title, subtitle=subtitle)
        if args.print_ready:
            from bsr_map.export.print_pdf import convert_in_place

            convert_in_place(args.output, title=args.title)
    except SaveError as exc:
        print(f"bsr-map {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Wrote {args.output} ({len(agencies)} agencies)")
    return EXIT_OK


def _page(args):
    from bsr_map.export.page import page_spec

    custom = None
    if args.page_size:
        try:
            custom = tuple(float(v) for v in args.page_size.lower().split("x"))
            if len(custom) != 2:
                raise ValueError
        except ValueError:
            raise OptionError(f"--page-size must be WIDTHxHEIGHT in millimetres, not {args.page_size!r}") from None
    try:
        return page_spec(
            args.page,
            args.orientation,
            custom_mm=custom,
            margin_mm=args.margin,
            bleed=args.bleed,
            crop_marks=args.crop_marks,
        )
    except ValueError as exc:
        raise OptionError(str(exc)) from None


def check_print(args: argparse.Namespace) -> None:
    """Refuse ``--print`` for anything but a PDF."""
    if getattr(args, "print_ready", False) and args.output.suffix.lower() != ".pdf":
        raise OptionError(f"--print makes a print-ready PDF; {args.output.name} is not a .pdf")


def check_output(path: Path, suffixes: tuple[str, ...]) -> None:
    """Refuse an output of the wrong type or in a folder that cannot be written."""
    if path.suffix.lower() not in suffixes:
        raise OptionError(f"cannot write '{path.suffix or path.name}' files here; use {', '.join(suffixes)}")
    folder = path.absolute().parent
    if not folder.is_dir():
        raise OptionError(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise OptionError(f"the folder {folder} is not writable")


def load_filtered(args, taxonomy):
    """The directory named by ``--directory`` (or the bundled one) and the rows the filters leave.

    Returns (agencies, state, source name, latest verification date).
    """
    from bsr_map.cli.filter_args import filter_state_from_args
    from bsr_map.directory import DirectoryReadError, bundled_directory_path
    from bsr_map.explore.filtering import AgencyIndex

    state = filter_state_from_args(args, taxonomy)
    from bsr_map.cli.store import read_location

    source = args.directory or bundled_directory_path()
    try:
        result = read_location(source)
    except DirectoryReadError as exc:
        raise OptionError(str(exc)) from None
    if result.problems:
        for problem in result.problems[:20]:
            print(problem, file=sys.stderr)
        raise OptionError(
            f"{result.summary()}; fix the file, or import its valid rows with "
            "'bsr-map directory import --skip-bad-rows' first"
        )
    directory = result.agencies
    mask = AgencyIndex.build(directory, taxonomy.sectors.codes).mask(state)
    agencies = directory[mask]
    from bsr_map.workspace.sources import Source, latest_verified

    return agencies, state, Source.of(args.directory).credit_name, latest_verified(agencies)


def run(args: argparse.Namespace) -> int:
    """Run ``export-map``; return the exit status."""
    from bsr_map.directory import load_taxonomy
    from bsr_map.explore.describe import describe_filters
    from bsr_map.export.map_export import MAX_DPI, MIN_DPI, export_map
    from bsr_map.export.map_page import MapPageOptions
    from bsr_map.geo.basemap import load_basemap
    from bsr_map.render.draw_map import LABEL_LANGUAGES
    from bsr_map.util.atomic import SaveError

    taxonomy = load_taxonomy()
    try:
        check_output(args.output, (".png", ".svg", ".pdf"))
        check_print(args)
        if not MIN_DPI <= args.dpi <= MAX_DPI:
            raise OptionError(f"--dpi must be between {MIN_DPI} and {MAX_DPI}, not {args.dpi}")
        if args.lang not in LABEL_LANGUAGES:
            raise OptionError(f"unknown --lang {args.lang!r}; use one of {', '.join(LABEL_LANGUAGES)}")
        page = _page(args)
        agencies, state, source, date = load_filtered(args, taxonomy)
    except OptionError as exc:
        print(f"bsr-map export-map: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    options = MapPageOptions(
        page=page,
        dpi=args.dpi,
        lang=args.lang,
        extent=args.extent,
        inset=not args.no_inset,
        locator=args.locator,
        directory_source=source,
        directory_date=date,
        subtitle=args.subtitle if args.subtitle is not None else describe_filters(state, taxonomy, len(agencies)),
        sectors=tuple(sorted(state.sectors)),  # a sector filter colours the markers by those sectors
    )
    if args.title is not None:
        options.title = args.title
    try:
        export_map(args.output, agencies, load_basemap(), taxonomy, options)
        if args.print_ready:
            from bsr_map.export.print_pdf import boxes_of, convert_in_place

            convert_in_place(args.output, title=options.title, boxes=boxes_of(page))
    except SaveError as exc:
        print(f"bsr-map export-map: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Wrote {args.output} ({len(agencies)} agencies)")
    return EXIT_OK
