"""Exports: print-ready maps, the printed directory, the brochure pack, tables and vCards."""

from bsr_map.util.atomic import Cancelled


class ExportCancelled(Cancelled):
    """The user cancelled an export; nothing was written."""


def progress_step(progress=None, cancelled=None):
    """A ``step(fraction, message)`` function for an export.

    The step stops the export (raising :class:`ExportCancelled`) when
    ``cancelled()`` is true, and reports progress otherwise.
    """

    def step(fraction: float, message: str) -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled("The export was cancelled; nothing was written.")
        if progress is not None:
            progress(fraction, message)

    return step
