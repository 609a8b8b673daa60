"""Exports: print-ready maps, the printed directory, the brochure pack, tables and vCards."""

from bsr_map.atomic import Cancelled


class ExportCancelled(Cancelled):
    """The user cancelled an export; nothing was written."""
