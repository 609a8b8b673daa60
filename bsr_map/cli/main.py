"""The ``bsr-map`` command line.

``bsr-map`` with no subcommand opens the GUI, as does ``bsr-map gui``. The GUI
is imported only when it is asked for, so the other commands never load Qt.
"""

from __future__ import annotations

import argparse
import sys

from bsr_map.cli import directory as directory_commands
from bsr_map.cli import export as export_commands
from bsr_map.cli.output_checks import writes_over_input


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels, e.g. 1600x1000, not {text!r}") from None
    if width < 320 or height < 240:
        raise argparse.ArgumentTypeError("the window must be at least 320x240 pixels")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="bsr-map", description="Baltic Sea Region Investment Map")
    sub = parser.add_subparsers(dest="command")
    gui = sub.add_parser("gui", help="open the map window (the default)")
    gui.add_argument(
        "file",
        nargs="?",
        help="a directory file to open (CSV, XLSX, GeoJSON, GeoPackage, Shapefile) "
        "or a shared directory's postgresql:// URL",
    )
    gui.add_argument(
        "--quit-after-first-paint",
        action="store_true",
        help="paint the map once, print the seconds since start and exit",
    )
    gui.add_argument("--screenshot", metavar="PNG", help="save a picture of the window after the first paint and exit")
    gui.add_argument("--size", metavar="WxH", type=_size, help="window size in pixels, e.g. 1600x1000")
    gui.add_argument(
        "--present",
        action="store_true",
        help="start in the full-screen trade-fair presentation mode (leave with Ctrl+Shift+Q)",
    )
    gui.add_argument("--tour", action="store_true", help="with --present: tour the countries until touched")
    directory_commands.add_parser(sub)
    export_commands.add_parser(sub)
    export_commands.add_directory_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv or argv[0] not in (
        "gui",
        "directory",
        "export-map",
        "export-directory",
        "export-brochure",
        "-h",
        "--help",
    ):
        argv = ["gui", *argv]  # "bsr-map", "bsr-map FILE" and "bsr-map --option" open the window
    args = parser.parse_args(argv)
    if message := writes_over_input(args):
        print(f"bsr-map {args.command}: error: {message}", file=sys.stderr)
        return 2
    if args.command == "gui":
        from bsr_map.qt.app import run_gui  # the only place the core reaches into the Qt package

        return run_gui(
            args.file,
            quit_after_first_paint=args.quit_after_first_paint,
            screenshot=args.screenshot,
            size=args.size,
            present=args.present,
            tour=args.tour,
        )
    if args.command == "directory":
        return directory_commands.run(args)
    if args.command == "export-map":
        return export_commands.run(args)
    if args.command in ("export-directory", "export-brochure"):
        return export_commands.run_directory(args)
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
