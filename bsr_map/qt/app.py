"""Start the Qt application."""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from bsr_map.geo.basemap import load_basemap
from bsr_map.qt.main_window import APP_TITLE, MainWindow
from bsr_map.util.startup import seconds_since_start
from bsr_map.workspace.document import Workspace


def _show_unexpected_error(exc_type, exc, tb) -> None:
    """Errors reach the user as a message, never as a traceback; the details go to stderr."""
    traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
    if QApplication.instance() is not None:
        QMessageBox.critical(None, APP_TITLE, f"Something went wrong: {exc}\n\nYour data has not been changed.")


def run_gui(
    file: str | None = None,
    quit_after_first_paint: bool = False,
    screenshot: str | None = None,
    size: tuple[int, int] | None = None,
    present: bool = False,
    tour: bool = False,
) -> int:
    """Open the main window and run the event loop.

    Parameters
    ----------
    file : str, optional
        A directory file to open instead of the bundled directory.
    quit_after_first_paint : bool
        Paint the map once, print the seconds since the process started and
        exit with status 0 (used by the start-up benchmark).
    screenshot : str, optional
        After the first paint, save an image of the whole window here and exit.
    size : tuple of int, optional
        Window size in pixels (width, height).
    present, tour : bool
        Start in the full-screen presentation mode, optionally touring the countries.

    Returns
    -------
    int
        The exit status.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("bsr-map")
    app.setOrganizationName("bsr-map")
    app.setApplicationDisplayName(APP_TITLE)
    sys.excepthook = _show_unexpected_error
    try:
        basemap = load_basemap()
        workspace = Workspace()
        workspace.open(None)
    except Exception as exc:  # any failure here must reach the user as a message, not a traceback
        QMessageBox.critical(None, APP_TITLE, f"The bundled data could not be loaded:\n\n{exc}")
        return 1
    window = MainWindow(basemap, workspace)
    if size is not None:
        window.resize(*size)
    shown = window
    if file and present:
        window.open_directory(file)  # the booth shows what the presenter opened
    if present:
        shown = window.open_presentation(tour=tour)
        shown.left.connect(window.show)  # leaving the booth mode leads to the staff window
    if quit_after_first_paint or screenshot:

        def _finish() -> None:
            print(f"{seconds_since_start():.3f}", flush=True)
            if screenshot and not shown.grab().save(screenshot):
                print(f"Could not write the screenshot {screenshot}", file=sys.stderr)
                app.exit(1)
                return
            if shown is not window:
                shown.request_exit()
            app.quit()

        # Let the paint event that drew the agencies finish, then report and leave.
        shown.canvas.agenciesRendered.connect(lambda _seconds: QTimer.singleShot(0, _finish))
    if not present:
        window.show()
    if file and not present:
        QTimer.singleShot(0, lambda: window.open_directory(file))
    if not (quit_after_first_paint or screenshot):
        QTimer.singleShot(0, window.editing.offer_recovery)  # after a crash, offer the unsaved edits back
    return app.exec()
