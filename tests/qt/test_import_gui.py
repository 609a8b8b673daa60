"""Imports run off the window's thread: progress, Cancel, a choice of encoding; the window never freezes."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from bsr_map.qt.import_dialog import ImportDialog

HEADER = "id,name,type,country,city,lat,lon,sectors\n"


@pytest.fixture
def big_csv(tmp_path):
    path = tmp_path / "big.csv"
    rows = (f"fi-{i},Agency {i},network,FI,Helsinki,60.17,24.94,ict\n" for i in range(60_000))
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


class Heartbeat:
    """Counts the window thread's timer ticks: a frozen window does not tick."""

    def __init__(self):
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self.timer.start()

    def longest_gap(self) -> float:
        return max((b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False)), default=0.0)


def test_a_large_import_runs_in_the_background_with_progress_and_the_window_keeps_ticking(qtbot, big_csv):
    heartbeat = Heartbeat()
    dialog = ImportDialog(big_csv)
    qtbot.addWidget(dialog)
    seen = []
    dialog._worker.progressed.connect(lambda phase, rows: seen.append((phase, rows)))
    dialog.open()
    qtbot.waitUntil(lambda: dialog.imported is not None, timeout=60_000)
    heartbeat.timer.stop()
    assert dialog.imported.total_rows == 60_000 and len(dialog.imported.agencies) == 60_000
    assert dialog.isHidden()  # accepted by itself: a UTF-8 file has no encoding to choose
    assert ("validating", 30_000) in seen
    assert len(heartbeat.ticks) > 20 and heartbeat.longest_gap() < 0.5, heartbeat.longest_gap()


def test_cancel_stops_the_import_and_keeps_nothing(qtbot, big_csv):
    dialog = ImportDialog(big_csv)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: "rows" in dialog.status.text(), timeout=30_000)
    started = time.perf_counter()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert time.perf_counter() - started < 5
    assert dialog.imported is None and dialog.error is None
    assert all(not thread.isRunning() for _, thread in dialog._threads)


def test_a_detected_encoding_is_shown_and_another_can_be_chosen(qtbot, tmp_path):
    path = tmp_path / "pl.csv"
    path.write_bytes((HEADER + "pl-1,Agencja,network,PL,Łódź,51.7592,19.4560,ict\n").encode("iso8859-2"))
    dialog = ImportDialog(path)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.open_button.isEnabled(), timeout=30_000)
    assert "Read as ISO-8859-2 (detected)" in dialog.status.text()
    assert dialog.imported.agencies.iloc[0].city == "Łódź"
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("cp1250"))
    qtbot.waitUntil(lambda: dialog.open_button.isEnabled(), timeout=30_000)
    assert dialog.imported.encoding == "cp1250" and dialog.imported.agencies.iloc[0].city == "ŁódĽ"
    assert "Read as Windows-1250;" in dialog.status.text()
    dialog.open_button.click()
    assert dialog.imported.encoding == "cp1250"


def test_a_file_that_cannot_be_read_gives_its_reason(qtbot, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    dialog = ImportDialog(path)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.error is not None, timeout=30_000)
    assert dialog.error.startswith("broken.xlsx") and dialog.imported is None


def test_opening_a_file_in_the_window_imports_in_the_background(qtbot, window, big_csv):
    heartbeat = Heartbeat()
    opened, took = [], []

    def open_it():
        start = time.perf_counter()
        opened.append(window.files.open(big_csv))
        took.append(time.perf_counter() - start)

    QTimer.singleShot(300, open_it)  # after the heartbeat has begun
    qtbot.waitUntil(lambda: bool(opened), timeout=60_000)
    heartbeat.timer.stop()
    assert opened == [True] and len(window.workspace.directory) == 60_000
    # Read on the window's thread, the whole open would be one gap; off it, only showing the result is
    # (a ratio, so a slower machine does not fail it).
    assert heartbeat.longest_gap() < took[0] / 2, (heartbeat.longest_gap(), took[0])
    assert not any(isinstance(w, QDialog) and w.isVisible() for w in window.findChildren(QDialog))
