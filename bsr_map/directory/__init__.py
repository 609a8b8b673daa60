"""The agency directory: schema, taxonomy, import, validation and export."""

from bsr_map.directory.importing import (
    DirectoryError,
    ImportResult,
    bundled_directory_path,
    load_directory,
    read_directory,
)
from bsr_map.directory.readers import DirectoryReadError
from bsr_map.directory.schema import FIELDS, Problem
from bsr_map.directory.taxonomy import load_taxonomy
from bsr_map.directory.writers import WRITE_SUFFIXES, write_directory

__all__ = [
    "FIELDS",
    "WRITE_SUFFIXES",
    "DirectoryError",
    "DirectoryReadError",
    "ImportResult",
    "Problem",
    "bundled_directory_path",
    "load_directory",
    "load_taxonomy",
    "read_directory",
    "write_directory",
]
