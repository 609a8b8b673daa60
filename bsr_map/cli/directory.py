"""The ``bsr-map directory`` subcommands: validate, import, export; edit (:mod:`bsr_map.cli.edit`) and the store's (:mod:`bsr_map.cli.store`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
ENCODING_HELP = "text encoding of a CSV file (e.g. iso8859-2, cp1250, mac-roman, shift_jis); detected when not given"


def add_parser(sub) -> None:
    """Register ``directory validate|import|export`` on an argparse subparsers object."""
    directory = sub.add_parser("directory", help="validate, import and export the agency directory")
    actions = directory.add_subparsers(dest="action", required=True)
    validate = actions.add_parser("validate", help="check a directory file; exit 1 when it has problems")
    validate.add_argument("file", type=Path)
    validate.add_argument("--encoding", help=ENCODING_HELP)
    convert = actions.add_parser("import", help="convert and validate a file into a directory file")
    convert.add_argument("file", type=Path)
    convert.add_argument("--encoding", help=ENCODING_HELP)
    convert.add_argument(
        "-o", "--output", type=Path, required=True, help="the directory file to write (.gpkg, .geojson, .csv, .xlsx)"
    )
    convert.add_argument(
        "--skip-bad-rows", action="store_true", help="write the valid rows even when some rows have problems"
    )
    export = actions.add_parser("export", help="export the directory (.gpkg, .geojson, .csv, .xlsx)")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.add_argument("--directory", help="directory file or postgresql:// URL to export (default: the bundled one)")
    from bsr_map.cli import edit
    from bsr_map.cli.store import add_parsers

    edit.add_parser(actions)
    add_parsers(actions)


def _print_problems(result) -> None:
    for problem in result.problems:
        print(problem, file=sys.stderr)
    print(result.summary(), file=sys.stderr)


def _check_output(path: Path) -> str | None:
    from bsr_map.directory.writers import WRITE_SUFFIXES

    if path.suffix.lower() not in WRITE_SUFFIXES:
        return f"cannot write '{path.suffix or path.name}' files; use one of {', '.join(WRITE_SUFFIXES)}"
    if not path.absolute().parent.is_dir():
        return f"the folder {path.absolute().parent} does not exist"
    return None


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``directory`` command; return the exit status."""
    from bsr_map.cli import store as store_commands

    if args.action in store_commands.ACTIONS:
        return store_commands.run(args)
    if args.action == "edit":
        from bsr_map.cli import edit

        return edit.run(args)
    from bsr_map.cli.store import read_location
    from bsr_map.directory import DirectoryReadError, bundled_directory_path, write_directory
    from bsr_map.util.atomic import SaveError

    output = getattr(args, "output", None)
    if output is not None and (message := _check_output(output)):
        print(f"bsr-map: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    source = getattr(args, "file", None) or getattr(args, "directory", None) or bundled_directory_path()
    try:
        result = read_location(source, encoding=getattr(args, "encoding", None))
    except DirectoryReadError as exc:
        print(f"bsr-map: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.action == "validate":
        if result.problems:
            _print_problems(result)
            return EXIT_PROBLEMS
        print(f"{result.source}: {result.total_rows} agencies, no problems")
        return EXIT_OK
    assert output is not None  # import and export require -o
    if result.problems and not (args.action == "import" and args.skip_bad_rows):
        _print_problems(result)
        hint = (
            "fix the rows above or use --skip-bad-rows"
            if args.action == "import"
            else ("fix the rows above, or import the valid rows with 'bsr-map directory import --skip-bad-rows'")
        )
        print(f"Nothing was written to {output}: {hint}.", file=sys.stderr)
        return EXIT_PROBLEMS
    if not len(result.agencies):
        _print_problems(result)
        print(f"Nothing was written to {output}: no row is valid.", file=sys.stderr)
        return EXIT_PROBLEMS
    if result.problems:
        _print_problems(result)
    try:
        write_directory(result.agencies, output)
    except SaveError as exc:
        print(f"bsr-map: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    skipped = f", {len(result.bad_rows)} bad rows skipped" if result.problems else ""
    print(f"Wrote {len(result.agencies)} agencies to {output}{skipped}")
    return EXIT_OK
