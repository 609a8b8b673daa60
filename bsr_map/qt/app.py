"""Start the Qt application."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from bsr_map.basemap import load_basemap
from bsr_map.qt.main_window import APP_TITLE, MainWindow
from bsr_map.startup import seconds_since_start


def run_gui(quit_after_first_paint: bool = False, screenshot: str | None = None,
            size: tuple[int, int] | None = None) -> int:
    """Open the main window and run the event loop.

    Parameters
    ----------
    quit_after_first_paint : bool
        Paint the map once, print the seconds since the process started and
        exit with status 0 (used by the start-up benchmark).
    screenshot : str, optional
        After the first paint, save an image of the whole window here and exit.
    size : tuple of int, optional
        Window size in pixels (width, height).

    Returns
    -------
    int
        The exit status.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("bsr-map")
    app.setOrganizationName("bsr-map")
    app.setApplicationDisplayName(APP_TITLE)
    try:
        basemap = load_basemap()
    except Exception as exc:  # any failure here must reach the user as a message, not a traceback
        QMessageBox.critical(None, APP_TITLE, f"The bundled basemap could not be loaded:\n\n{exc}")
        return 1
    window = MainWindow(basemap)
    if size is not None:
        window.resize(*size)
    if quit_after_first_paint or screenshot:
        def _finish() -> None:
            print(f"{seconds_since_start():.3f}", flush=True)
            if screenshot and not window.grab().save(screenshot):
                print(f"Could not write the screenshot {screenshot}", file=sys.stderr)
                app.exit(1)
                return
            app.quit()

        # Let the paint event that rendered finish, then report and leave.
        window.canvas.rendered.connect(lambda _seconds: QTimer.singleShot(0, _finish))
    window.show()
    return app.exec()
