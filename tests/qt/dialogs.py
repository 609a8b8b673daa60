"""Answering the window's modal dialogs as a person would: find the dialog that opened and click its buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def answer_next_dialog(handler: Callable[[QWidget], None], *, timeout_ms: int = 10_000) -> list[QWidget]:
    """Call ``handler(dialog)`` on the next modal dialog that opens; the returned list receives the dialog.

    Call it before the action that opens the dialog: the dialog's event loop runs the handler.
    """
    seen: list[QWidget] = []
    waited = [0]

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None:
            seen.append(widget)
            handler(widget)
        elif waited[0] < timeout_ms:
            waited[0] += 10
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return seen


def click_button(box: QWidget, text_or_button) -> None:
    """Click a message box's button, by its standard button or the start of its text."""
    if isinstance(text_or_button, QMessageBox.StandardButton):
        box.button(text_or_button).click()
        return
    for button in box.buttons():
        if button.text().replace("&", "").startswith(text_or_button):
            button.click()
            return
    raise AssertionError(f"no button {text_or_button!r} in {[b.text() for b in box.buttons()]}")
