"""kill -9 at random moments during saves: the file is always the old or the new version, leftovers go."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bsr_map.directory import read_directory
from bsr_map.workspace.document import Workspace
from tests.faults.savers import bundled_geopackage, edit_field

KILLS = 12  # per way of saving; 24 in all
AGENCY = "ee-invest-in-estonia"
ROOT = Path(__file__).resolve().parents[2]


def saved_count(text: str) -> int:
    match = re.fullmatch(r"Saved (\d+) times\.", text)
    return int(match[1]) if match else 0


def kill_while_saving(location: Path, copy: Path | None, rng: random.Random) -> tuple[int, int]:
    """Start a process saving in a loop, kill -9 it at a random moment; (last save it reported, kill delay ms)."""
    args = [sys.executable, "-m", "tests.faults.savers", str(location), AGENCY, *([str(copy)] if copy else [])]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    delay = rng.uniform(0.02, 0.6)
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    reported = [int(line) for line in process.stdout.read().split()]
    return (reported[-1] if reported else 0), round(delay * 1000)


@pytest.mark.parametrize("way", ["in place", "as a copy"])
def test_a_save_killed_at_any_moment_leaves_the_old_or_the_new_file(tmp_path, way):
    rng = random.Random(16)
    location = tmp_path / "shared.gpkg"
    copy = tmp_path / "copy.gpkg" if way == "as a copy" else None
    bundled_geopackage(location)
    seen_leftovers = 0
    for _ in range(KILLS):
        last, delay = kill_while_saving(location, copy, rng)
        with sqlite3.connect(location) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        workspace = Workspace()  # the next start: the file opens, its last save is there or the one cut off
        assert workspace.open(location, take_over_lock=lambda _holder: True)
        if copy is None:
            count = saved_count(workspace.model.record(AGENCY)["description"])
        elif copy.exists():
            copied = read_directory(copy)
            assert not copied.problems and len(copied.agencies) == len(workspace.directory)
            count = saved_count(copied.agencies.set_index("id").loc[AGENCY, "description"])
        else:
            count = 0
        assert count in (last, last + 1), f"killed after {delay} ms: {last} saves reported, file has {count}"
        leftovers = sorted(p.name for p in tmp_path.glob(".*saving-*"))
        seen_leftovers += bool(leftovers)
        edit_field(workspace, AGENCY, "description", "Saved 0 times.")  # the next save clears what is left
        workspace.save()
        if copy is not None:
            workspace.save_copy(copy)
        workspace.close()
        assert sorted(p.name for p in tmp_path.glob(".*saving-*")) == [], "temporary files left after the next save"
    if copy is not None:
        assert seen_leftovers > 0, "no kill hit a copy being written: the trial proves nothing"
