"""The bsr-map command line, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run(*args, timeout=120):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "bsr_map", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def test_quit_after_first_paint_prints_seconds_and_exits_cleanly():
    result = run("gui", "--quit-after-first-paint")
    assert result.returncode == 0, result.stderr
    seconds = float(result.stdout.strip().splitlines()[-1])
    assert 0 < seconds < 60


def test_screenshot_writes_a_png_of_the_window(tmp_path):
    out = tmp_path / "window.png"
    result = run("gui", "--screenshot", str(out), "--size", "1024x700")
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)


@pytest.mark.parametrize("size", ["big", "10x10"])
def test_bad_window_size_is_a_clear_usage_error(size):
    result = run("gui", "--size", size)
    assert result.returncode == 2
    assert "WIDTHxHEIGHT" in result.stderr or "at least" in result.stderr
    assert "Traceback" not in result.stderr
