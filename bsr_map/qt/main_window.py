"""The main window: the map in the centre, navigation actions, a status bar."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QToolBar

from bsr_map import __version__
from bsr_map.basemap import Basemap
from bsr_map.credits import CREDITS
from bsr_map.qt.map_canvas import MapCanvas

APP_TITLE = "Baltic Sea Region Investment Map"


class MainWindow(QMainWindow):
    """The application window around a :class:`MapCanvas`."""

    def __init__(self, basemap: Basemap, parent=None):
        super().__init__(parent)
        self.setWindowTitle(APP_TITLE)
        self.resize(1280, 800)
        self.canvas = MapCanvas(basemap, parent=self)
        self.setCentralWidget(self.canvas)
        self._position = QLabel(self)
        self._position.setMinimumWidth(220)
        self.statusBar().addPermanentWidget(self._position)
        self.statusBar().showMessage("Drag to pan, scroll to zoom, Ctrl+0 for the whole region")
        self.canvas.cursorMoved.connect(self._on_canvas_cursor_moved)
        self.canvas.cursorLeft.connect(self._position.clear)
        self._build_actions()

    def _build_actions(self) -> None:
        self.home_action = QAction("&Whole region", self, shortcut=QKeySequence("Ctrl+0"))
        self.home_action.setToolTip("Show the whole Baltic Sea Region (Ctrl+0)")
        self.home_action.triggered.connect(self.canvas.go_home)
        self.zoom_in_action = QAction("Zoom &in", self, shortcut=QKeySequence.StandardKey.ZoomIn)
        self.zoom_in_action.triggered.connect(lambda: self.canvas.zoom_by(1.5))
        self.zoom_out_action = QAction("Zoom &out", self, shortcut=QKeySequence.StandardKey.ZoomOut)
        self.zoom_out_action.triggered.connect(lambda: self.canvas.zoom_by(1 / 1.5))
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        about_action = QAction("&About bsr-map", self)
        about_action.triggered.connect(self._on_about_triggered)

        menus = self.menuBar()
        menus.addMenu("&File").addAction(quit_action)
        view_menu = menus.addMenu("&View")
        for action in (self.home_action, self.zoom_in_action, self.zoom_out_action):
            view_menu.addAction(action)
        menus.addMenu("&Help").addAction(about_action)

        toolbar = QToolBar("Navigation", self)
        toolbar.setObjectName("navigation")
        toolbar.setMovable(False)
        for action in (self.home_action, self.zoom_in_action, self.zoom_out_action):
            toolbar.addAction(action)
        self.addToolBar(toolbar)

    def _on_canvas_cursor_moved(self, lon: float, lat: float) -> None:
        self._position.setText(f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}")

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About bsr-map",
            f"<h3>{APP_TITLE}</h3><p>Version {__version__}</p>"
            + "".join(f"<p>{line}</p>" for line in CREDITS),
        )
