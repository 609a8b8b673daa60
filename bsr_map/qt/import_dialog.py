"""The import dialog: a directory file read in the background, with progress, Cancel and a choice of encoding."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
)

from bsr_map.directory.encoding import encoding_label
from bsr_map.directory.readers import TEXT_SUFFIXES
from bsr_map.qt.import_worker import start_import

#: Reading that takes longer than this shows the dialog (a small file opens without a flash of it).
SHOW_AFTER_MS = 400
#: The encodings offered for a CSV file (Python's names); "detected" is the first choice.
ENCODINGS = ("utf-8", "cp1252", "cp1250", "cp1257", "iso8859-2", "iso8859-13", "iso8859-15", "mac-roman", "cp932")


class ImportDialog(QDialog):
    """Reads one file; accepted with :attr:`imported` set, or rejected (:attr:`error` says why, or it was cancelled).

    A file read in a detected (not UTF-8) encoding stays open to show what the
    names look like, so the person can choose another encoding; any other file
    is accepted as soon as it is read. :meth:`run` shows the dialog only when
    reading takes longer than :data:`SHOW_AFTER_MS` (or the encoding is to be
    confirmed), as a progress dialog does.
    """

    def __init__(self, path: str | Path, encoding: str | None = None, parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self.imported = None
        self.error: str | None = None
        self._worker = self._thread = None
        self._closed = False
        self._threads: list = []  # every (worker, thread) started, kept until the dialog closes and waits for them
        self.setWindowTitle(f"Importing {self.path.name}")
        self.setModal(True)
        self.status = QLabel(f"Reading {escape(self.path.name)}…")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the number of rows is not known before the file is read
        self.encoding = QComboBox()
        self.encoding.addItem("Detect from the file", None)
        for name in ENCODINGS:
            self.encoding.addItem(encoding_label(name), name)
        if encoding is not None:
            self.encoding.setCurrentIndex(max(self.encoding.findData(encoding), 0))
        self.encoding.setEnabled(self.path.suffix.lower() in TEXT_SUFFIXES)
        self.encoding.currentIndexChanged.connect(self._on_encoding_changed)
        self.preview = QLabel()
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Text encoding:", self.encoding)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self._start()

    def run(self) -> bool:
        """Wait for the import (showing the dialog if it takes a while); True when accepted with a result."""
        loop = QEventLoop()
        self.finished.connect(loop.quit)
        QTimer.singleShot(SHOW_AFTER_MS, self._show)
        loop.exec()
        return self.result() == QDialog.DialogCode.Accepted and self.imported is not None

    def _show(self) -> None:
        if not self._closed and not self.isVisible():
            self.open()

    @property
    def open_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Open)

    def _start(self) -> None:
        self.imported = None
        self.open_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.preview.clear()
        self._worker, self._thread = start_import(self.path, self.encoding.currentData(), self)
        self._threads.append((self._worker, self._thread))
        self._worker.progressed.connect(self._on_worker_progressed)
        self._worker.finished.connect(self._on_worker_finished)
        self._worker.failed.connect(self._on_worker_failed)

    def _stop(self) -> None:
        """Cancel a running import and wait for its thread (it stops at its next progress report)."""
        if self._worker is not None and self._thread is not None and self._thread.isRunning():
            for signal in (self._worker.finished, self._worker.failed, self._worker.progressed):
                signal.disconnect()
            self._worker.cancel()
            self._thread.quit()
            self._thread.wait()
        self._worker = self._thread = None

    def _on_encoding_changed(self, _index: int) -> None:
        self._stop()
        self.status.setText(f"Reading {self.path.name} as {self.encoding.currentText()}…")
        self._start()

    def _on_worker_progressed(self, phase: str, rows: int) -> None:
        self.status.setText(f"{phase.capitalize()} {self.path.name}: {rows:,} rows…")

    def _on_worker_failed(self, message: str) -> None:
        self._worker = self._thread = None
        self.error = message
        if self.encoding.currentData() is not None:  # the named encoding may be what is wrong: let them choose
            self.progress.setRange(0, 1)
            self.status.setText(message)
            return
        self.reject()

    def _on_worker_finished(self, result) -> None:
        self._worker = self._thread = None
        self.imported, self.error = result, None
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        detected = result.encoding is not None and any("detected" in w for w in result.warnings)
        if not detected and self.encoding.currentData() is None:
            self.accept()
            return
        self._show()  # the person confirms the encoding, or chooses another
        names = ", ".join(str(n) for n in list(result.agencies["name"][:3])) or "no valid row"
        self.status.setText(
            f"{result.summary()}. Read as {encoding_label(result.encoding or 'utf-8')}"
            f"{' (detected)' if detected else ''}; if the names look wrong, choose another encoding."
        )
        self.preview.setText(f"First names: {names}")
        self.open_button.setEnabled(True)

    def done(self, code: int) -> None:
        self._closed = True
        self._stop()
        for _worker, thread in self._threads:  # a finished worker's thread may still be winding down
            thread.quit()
            thread.wait()
        super().done(code)
