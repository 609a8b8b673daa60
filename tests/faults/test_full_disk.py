"""A full disk: every way of saving says so, writes nothing and keeps the edits; nothing is printed behind the user's back.

The disk is a real, small tmpfs (mounting one needs root, which this project's
machines and CI have); elsewhere these tests are skipped and
tests/util/test_atomic.py covers the simulated ENOSPC.
"""

from __future__ import annotations

import gc
import hashlib
import os
import subprocess
import sys
import uuid
from contextlib import suppress
from pathlib import Path

import pytest

from bsr_map.workspace.document import Workspace, WorkspaceError
from tests.faults.savers import edit_field


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)]).returncode:
        pytest.skip("a small tmpfs cannot be mounted here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(folder: Path) -> Path:
    """Fill the disk holding ``folder`` to the last byte; the filler file is returned, to be removed."""
    filler = folder / f"filler-{uuid.uuid4().hex[:6]}"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 512, 1):
            with suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)
    return filler


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("filler-"))


def test_a_save_in_place_on_a_full_disk_says_so_and_changes_nothing(small_disk):
    path = small_disk / "shared.gpkg"
    workspace = Workspace()
    workspace.open(None)
    workspace.save_as(path)
    before, listing = digest(path), files(small_disk)
    filler = fill(small_disk)
    for agency_id in workspace.directory["id"][:40]:  # enough new text to need new pages
        edit_field(workspace, agency_id, "description", "A much longer description. " * 40)
    with pytest.raises(WorkspaceError, match="disk is full.*Nothing was saved; your edits are still here"):
        workspace.save()
    assert digest(path) == before and files(small_disk) == listing
    assert workspace.is_dirty
    filler.unlink()
    assert workspace.save().saved  # with space again, the same edits save
    workspace.close()


@pytest.mark.parametrize("name", ["directory.xlsx", "directory.csv", "directory.geojson", "copy.gpkg"])
def test_saving_a_copy_on_a_full_disk_says_so_and_leaves_no_file(small_disk, capfd, monkeypatch, name):
    ignored = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)  # what Python prints as "Exception ignored"
    workspace = Workspace()
    workspace.open(None)
    fill(small_disk)
    with pytest.raises(WorkspaceError, match=r"disk is full.*previous file is unchanged"):
        workspace.save_copy(small_disk / name)
    gc.collect()
    assert files(small_disk) == []  # no partial file, no temporary
    assert [repr(u.exc_value) for u in ignored] == []
    assert "Traceback" not in capfd.readouterr().err
    workspace.close()


def test_replacing_a_file_on_a_full_disk_keeps_the_old_one(small_disk):
    workspace = Workspace()
    workspace.open(None)
    target = small_disk / "directory.csv"
    workspace.save_copy(target)
    before = digest(target)
    fill(small_disk)
    edit_field(workspace, "ee-invest-in-estonia", "description", "Changed.")
    with pytest.raises(WorkspaceError, match="disk is full"):
        workspace.save_copy(target)
    assert (digest(target) == before and files(small_disk) == ["directory.csv", "directory.csv.bak"]) or files(
        small_disk
    ) == ["directory.csv"]
    workspace.close()
