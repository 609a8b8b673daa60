"""The app in a real X server (Xvfb), as a user sees it: a screenshot of the main window."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.xvfb


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run (Debian package xvfb) is not installed")
def test_main_window_screenshot_under_xvfb(tmp_path):
    out = tmp_path / "main-window.png"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["QT_QPA_PLATFORM"] = "xcb"
    env["BSR_MAP_SETTINGS_DIR"] = str(tmp_path / "settings")
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            sys.executable,
            "-m",
            "bsr_map",
            "gui",
            "--screenshot",
            str(out),
            "--size",
            "1440x900",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    from PySide6.QtGui import QImage

    image = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB888)
    assert (image.width(), image.height()) == (1440, 900)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(900, image.bytesPerLine())[:, : 1440 * 3]
    assert len(np.unique(pixels.reshape(-1, 3)[::50], axis=0)) > 300  # a real window, not a blank frame
    keep = os.environ.get("BSR_MAP_SCREENSHOT_DIR")
    if keep:
        shutil.copy(out, keep)


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run (Debian package xvfb) is not installed")
def test_presentation_mode_fills_a_1920x1080_screen(tmp_path):
    out = tmp_path / "booth.png"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QT_QPA_PLATFORM="xcb", BSR_MAP_SETTINGS_DIR=str(tmp_path / "settings"))
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1920x1080x24",
            sys.executable,
            "-m",
            "bsr_map",
            "gui",
            "--present",
            "--screenshot",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1920, 1080)
    keep = os.environ.get("BSR_MAP_SCREENSHOT_DIR")
    if keep:
        shutil.copy(out, keep)
