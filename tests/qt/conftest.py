from __future__ import annotations

import pytest

from bsr_map.directory import load_directory
from bsr_map.qt.main_window import MainWindow
from bsr_map.workspace.document import Workspace


@pytest.fixture(scope="session")
def bundled_directory():
    return load_directory()


@pytest.fixture
def workspace():
    """A workspace with the bundled directory open, as the app starts."""
    workspace = Workspace()
    workspace.open(None)
    yield workspace
    workspace.close()


@pytest.fixture
def model(workspace):
    return workspace.model


@pytest.fixture
def window(qtbot, basemap, workspace, tmp_path, monkeypatch):
    """The main window, shown and painted once, with settings in a fresh folder."""
    monkeypatch.setenv("BSR_MAP_SETTINGS_DIR", str(tmp_path / "settings"))
    win = MainWindow(basemap, workspace)
    win.resize(1280, 720)
    with qtbot.waitSignal(win.canvas.agenciesRendered, timeout=15_000):
        win.show()
    yield win
    # Closing at the end of a test must not wait on a modal "unsaved changes?" question
    # (pytest-qt's own closing of added widgets runs before this, hence closed here).
    win.workspace.history.set_clean()
    win.close()
    win.deleteLater()
