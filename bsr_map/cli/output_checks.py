"""One rule for every command: the file a command writes is never a file it reads.

``export-directory -o X.csv --directory X.csv --countries FI`` would otherwise
replace a whole directory with its Finnish rows, and ``directory export -o
X.gpkg --directory X.gpkg`` drop the file's audit and deletion tables.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

#: Arguments naming what a command reads, and what it writes.
INPUT_ARGUMENTS = ("file", "directory", "source", "copy", "target", "location", "import_file")
OUTPUT_ARGUMENTS = ("output", "screenshot")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # hard links and symbolic links included
    except OSError:
        return a.expanduser().resolve() == b.expanduser().resolve()  # one of them does not exist yet


def writes_over_input(args: argparse.Namespace) -> str | None:
    """The message refusing ``args`` when an output of the command is one of its inputs, else None.

    Parameters
    ----------
    args : argparse.Namespace
        A parsed command line.

    Returns
    -------
    str or None
        For example ``"-o X.csv is the file the command reads (--directory); ..."``.
    """
    inputs = [
        (name, Path(str(value)))
        for name in INPUT_ARGUMENTS
        if (value := getattr(args, name, None)) and not str(value).startswith(("postgresql:", "postgres:"))
    ]
    for out_name in OUTPUT_ARGUMENTS:
        value = getattr(args, out_name, None)
        if not value:
            continue
        output = Path(str(value))
        for in_name, path in inputs:
            if _same_file(output, path):
                return (
                    f"{output} is also the file the command reads (as {in_name.replace('_', '-')}); writing it "
                    "would replace what is being read. Write to another file, so nothing is lost."
                )
    return None
