"""Reading a directory file off the window's thread: progress as it goes, and a Cancel that stops it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from bsr_map.directory.importing import ImportCancelled, read_directory
from bsr_map.directory.readers import DirectoryReadError


class ImportWorker(QObject):
    """Runs :func:`~bsr_map.directory.read_directory` in a thread of its own (see :func:`start_import`).

    Signals arrive in the window's thread: ``progressed(phase, rows)`` while
    reading and validating, then exactly one of ``finished(ImportResult)``,
    ``failed(message)`` or ``cancelled()``.
    """

    progressed = Signal(str, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, path: str | Path, encoding: str | None = None):
        super().__init__()
        self.path, self.encoding = Path(path), encoding
        self._cancel = False

    def cancel(self) -> None:
        """Ask the import to stop at its next progress report (it keeps nothing)."""
        self._cancel = True

    def _on_progress(self, phase: str, rows: int) -> None:
        if self._cancel:
            raise ImportCancelled
        self.progressed.emit(phase, rows)

    @Slot()
    def run(self) -> None:
        try:
            result = read_directory(self.path, encoding=self.encoding, progress=self._on_progress)
        except ImportCancelled:
            self.cancelled.emit()
            return
        except DirectoryReadError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # the thread must always answer; the message names the file and the reason
            self.failed.emit(f"{self.path.name} cannot be read ({type(exc).__name__}: {exc or 'no reason given'}).")
            return
        if self._cancel:  # cancelled after the last progress report
            self.cancelled.emit()
        else:
            self.finished.emit(result)


def start_import(path: str | Path, encoding: str | None, parent: QObject) -> tuple[ImportWorker, QThread]:
    """Start reading ``path`` in a new thread, which ends when the worker has answered.

    The caller keeps both until the thread has finished (``thread.wait()``):
    a worker let go of while it runs would be deleted under its thread.
    """
    thread = QThread(parent)
    worker = ImportWorker(path, encoding)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    for signal in (worker.finished, worker.failed, worker.cancelled):
        signal.connect(thread.quit)
    thread.start()
    return worker, thread
