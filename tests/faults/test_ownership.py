"""Saving over a file that belongs to another user keeps its owner, group and mode."""

from __future__ import annotations

import os
import stat

import pytest

from bsr_map.workspace.document import Workspace
from tests.faults.savers import edit_field

OTHER_UID, OTHER_GID = 4321, 4322


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file to another user needs root")
@pytest.mark.parametrize("name", ["directory.csv", "directory.xlsx", "shared.gpkg"])
def test_a_saved_file_keeps_its_owner_group_and_mode(tmp_path, name):
    workspace = Workspace()
    workspace.open(None)
    target = tmp_path / name
    if name.endswith(".gpkg"):
        workspace.save_as(target)
    else:
        workspace.save_copy(target)
    os.chown(target, OTHER_UID, OTHER_GID)
    os.chmod(target, 0o640)
    edit_field(workspace, "ee-invest-in-estonia", "description", "Changed by root.")
    if name.endswith(".gpkg"):
        assert workspace.save().saved  # in place
    else:
        workspace.save_copy(target)  # a new file renamed over the old one
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (OTHER_UID, OTHER_GID, 0o640)
    backup = target.with_name(name + ".bak")
    if backup.exists():  # the previous version is not handed to root either
        assert (backup.stat().st_uid, backup.stat().st_gid) == (OTHER_UID, OTHER_GID)
    workspace.close()
