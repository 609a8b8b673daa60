"""Run long work (exports, previews) off the UI thread, with progress and cancel.

All background work runs on one long-lived Python thread, fed by a queue.
pyproj keeps per-thread PROJ state in ``threading.local``; in threads that Qt
creates, Python drops that state between calls and PROJ then crashes (seen
here: segfaults in QThreadPool and QThread workers), so the worker is a plain
``threading.Thread`` that lives as long as the application.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

_QUEUE: queue.Queue | None = None


def _background_queue() -> queue.Queue:
    """The queue of the application's single background thread, started on first use."""
    global _QUEUE
    if _QUEUE is None:
        _QUEUE = queue.Queue()

        def serve() -> None:
            while True:
                task = _QUEUE.get()
                try:
                    task()
                except Exception:  # one failed task must not stop the thread that serves all of them
                    traceback.print_exc()

        threading.Thread(target=serve, name="bsr-map-background", daemon=True).start()
    return _QUEUE


class Job(QObject):
    """A function run on the background thread.

    The function is called with ``progress(fraction, message)`` and
    ``cancelled() -> bool`` keyword arguments. Signals arrive in the thread
    that owns the job (the UI thread).

    Signals
    -------
    progress(float, str)
    succeeded(object)
        The function's return value.
    failed(str)
        A message for the user (the traceback goes to stderr).
    cancelled()
    finished()
        After any of the three outcomes.
    """

    progress = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()
    _done = Signal(str, object)

    def __init__(
        self,
        function: Callable,
        *,
        cancel_exceptions: tuple[type[BaseException], ...] = (),
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._function = function
        self._cancel_exceptions = cancel_exceptions
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._started = False
        self._done.connect(self._on_done)

    def start(self) -> None:
        """Queue the work on the background thread."""
        self._started = True
        _background_queue().put(self._run)

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._stop.set()

    def is_running(self) -> bool:
        """Whether the work has started and not yet ended."""
        return self._started and not self._ended.is_set()

    def wait(self, seconds: float = 60.0) -> bool:
        """Block until the work ends (for shutdown and tests)."""
        return self._ended.wait(seconds) if self._started else True

    def _run(self) -> None:
        try:
            result = self._function(progress=self._emit_progress, cancelled=self._stop.is_set)
        except self._cancel_exceptions:
            outcome = ("cancelled", None)
        except Exception as exc:  # reported to the user as a message; details to stderr
            traceback.print_exc()
            outcome = ("failed", str(exc) or type(exc).__name__)
        else:
            outcome = ("ok", result)  # finished work counts, even if cancel came too late
        self._ended.set()
        with contextlib.suppress(RuntimeError):  # the dialog that asked for the work was closed meanwhile
            self._done.emit(*outcome)

    def _emit_progress(self, fraction: float, message: str) -> None:
        try:
            self.progress.emit(fraction, message)
        except RuntimeError:
            self._stop.set()  # nobody is listening any more: stop early

    def _on_done(self, kind: str, payload) -> None:
        if kind == "ok":
            self.succeeded.emit(payload)
        elif kind == "failed":
            self.failed.emit(payload)
        else:
            self.cancelled.emit()
        self.finished.emit()
