from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from bsr_map.directory import bundled_directory_path, load_directory, load_taxonomy
from bsr_map.explore.model import ExploreModel
from bsr_map.qt.main_window import MainWindow


@pytest.fixture(scope="session")
def bundled_directory():
    return load_directory()


@pytest.fixture
def model(bundled_directory):
    return ExploreModel(bundled_directory, load_taxonomy(), bundled_directory_path())


@pytest.fixture
def window(qtbot, basemap, model, tmp_path, monkeypatch):
    """The main window, shown and painted once, with settings in a fresh folder."""
    monkeypatch.setenv("BSR_MAP_SETTINGS_DIR", str(tmp_path / "settings"))
    win = MainWindow(basemap, model)
    # Closing at the end of a test must not wait on a modal "unsaved changes?" question.
    monkeypatch.setattr(win.editing, "ask_unsaved", lambda: QMessageBox.StandardButton.Discard)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    with qtbot.waitSignal(win.canvas.agenciesRendered, timeout=15_000):
        win.show()
    return win
