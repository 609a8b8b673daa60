"""The undo/redo history of a workspace, with a clean point (what was last saved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from bsr_map.util.events import Event


class Command(Protocol):
    """Anything that can be done and undone, with a name for the menu."""

    text: str

    def apply(self, model) -> None:
        """Do it."""

    def revert(self, model) -> None:
        """Undo it."""


class UndoStack:
    """Done and undone commands; the clean index marks the saved state.

    Events
    ------
    changed()
        A command was pushed, undone or redone, or the clean point moved.
    """

    def __init__(self, apply: Callable[[Any], None], revert: Callable[[Any], None]):
        self._apply, self._revert = apply, revert
        self._commands: list[Command] = []
        self._index = 0  # commands[:index] are done
        self._clean: int | None = 0  # None: the saved state cannot be reached by undo or redo
        self.changed = Event()

    def push(self, command: Command) -> None:
        """Do ``command`` and put it on the stack (the redo history is dropped)."""
        self._apply(command)
        if self._clean is not None and self._clean > self._index:
            self._clean = None
        del self._commands[self._index :]
        self._commands.append(command)
        self._index += 1
        self.changed.emit()

    def undo(self) -> bool:
        """Undo the last done command; False when there is none."""
        if not self._index:
            return False
        self._index -= 1
        self._revert(self._commands[self._index])
        self.changed.emit()
        return True

    def redo(self) -> bool:
        """Redo the last undone command; False when there is none."""
        if self._index == len(self._commands):
            return False
        self._apply(self._commands[self._index])
        self._index += 1
        self.changed.emit()
        return True

    @property
    def can_undo(self) -> bool:
        """True when there is something to undo."""
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        """True when there is something to redo."""
        return self._index < len(self._commands)

    @property
    def undo_text(self) -> str:
        """The name of what undo would undo ("" when nothing)."""
        return self._commands[self._index - 1].text if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        """The name of what redo would redo ("" when nothing)."""
        return self._commands[self._index].text if self.can_redo else ""

    @property
    def is_clean(self) -> bool:
        """True when the state is the saved one."""
        return self._clean == self._index

    def set_clean(self) -> None:
        """Mark the present state as saved."""
        self._clean = self._index
        self.changed.emit()

    def clear(self) -> None:
        """Forget every command (a new document); the present state is clean."""
        self._commands.clear()
        self._index = 0
        self._clean = 0
        self.changed.emit()

    def done(self) -> list[Command]:
        """The commands that are done, oldest first."""
        return self._commands[: self._index]
