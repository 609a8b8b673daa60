"""Regression test for PySide6 6.12.0 on Python 3.11 dropping references to None.

Every Qt call that returns nothing decremented None's reference count; after a
few thousand calls the interpreter aborts with "Fatal Python error:
none_dealloc". pyproject.toml excludes that release on Python < 3.12.
"""

from __future__ import annotations

import subprocess
import sys

CALLS = 20_000

SCRIPT = f"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject
from PySide6.QtGui import QPen, QPainter, QImage
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
widget = QWidget()
image = QImage(8, 8, QImage.Format.Format_RGB32)
painter = QPainter(image)
pen = QPen()
before = sys.getrefcount(None)
for i in range({CALLS} // 4):
    widget.setObjectName("w")      # returns None
    widget.update()                # returns None
    painter.setPen(pen)            # returns None
    pen.setWidth(i % 5)            # returns None
after = sys.getrefcount(None)
painter.end()
print(before, after)
"""


def test_many_void_qt_calls_leave_none_refcount_intact():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    before, after = map(int, result.stdout.split())
    # Allow for a little unrelated churn, far below one drop per call.
    assert after >= before - 100, f"None lost {before - after} references over {CALLS} Qt calls"


def test_installed_pyside_is_not_the_leaking_release():
    import PySide6

    assert not (PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12))
