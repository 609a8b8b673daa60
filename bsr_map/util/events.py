"""A minimal event: callbacks connected to it run when it is emitted.

The core's models announce changes with these, so Qt widgets (or tests) can
follow a model without the core depending on Qt.
"""

from __future__ import annotations

from collections.abc import Callable


class Event:
    """A list of callbacks, called in connection order on :meth:`emit`."""

    def __init__(self) -> None:
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> None:
        """Call ``callback`` on every emit."""
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable) -> None:
        """Stop calling ``callback``."""
        self._callbacks.remove(callback)

    def emit(self, *args) -> None:
        """Call every connected callback with ``args``."""
        for callback in list(self._callbacks):
            callback(*args)
