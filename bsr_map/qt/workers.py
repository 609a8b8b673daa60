"""Run long work (exports, previews) off the UI thread, with progress and cancel."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal


class Job(QObject):
    """A function run in its own thread.

    The function is called with ``progress(fraction, message)`` and
    ``cancelled() -> bool`` keyword arguments. Signals are delivered in the
    thread that owns the job (the UI thread).

    Signals
    -------
    progress(float, str)
    succeeded(object)
        The function's return value.
    failed(str)
        A message for the user (the traceback goes to stderr).
    cancelled()
    """

    progress = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, function: Callable, *, cancel_exceptions: tuple[type[BaseException], ...] = (),
                 parent: QObject | None = None):
        super().__init__(parent)
        self._function = function
        self._cancel_exceptions = cancel_exceptions
        self._stop = threading.Event()
        self._thread = QThread()
        self._runner = _Runner(self)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.done.connect(self._on_runner_done)

    def start(self) -> None:
        """Start the work in a background thread."""
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._stop.set()

    def is_running(self) -> bool:
        """Whether the background thread is still working."""
        return self._thread.isRunning()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the thread ends (for shutdown and tests)."""
        return self._thread.wait(msecs)

    def _on_runner_done(self, kind: str, payload) -> None:
        self._thread.quit()
        self._thread.wait()
        {"ok": lambda: self.succeeded.emit(payload), "failed": lambda: self.failed.emit(payload),
         "cancelled": self.cancelled.emit}[kind]()
        self.finished.emit()


class _Runner(QObject):
    done = Signal(str, object)

    def __init__(self, job: Job):
        super().__init__()
        self._job = job

    def run(self) -> None:
        job = self._job
        try:
            result = job._function(progress=lambda f, m: job.progress.emit(f, m), cancelled=job._stop.is_set)
        except job._cancel_exceptions:
            self.done.emit("cancelled", None)
        except Exception as exc:  # reported to the user as a message; details to stderr
            traceback.print_exc()
            self.done.emit("failed", str(exc) or type(exc).__name__)
        else:
            self.done.emit("ok", result)  # finished work counts, even if cancel came too late
