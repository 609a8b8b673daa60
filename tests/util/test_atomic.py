"""Atomic saving: a failed save leaves the old file intact and nothing half-written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from bsr_map.util.atomic import SaveError, atomic_write, backup_path


def test_save_replaces_and_keeps_the_previous_version(tmp_path):
    target = tmp_path / "d.geojson"
    atomic_write(target, lambda p: p.write_text("one"))
    atomic_write(target, lambda p: p.write_text("two"))
    assert target.read_text() == "two"
    assert backup_path(target).read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.geojson", "d.geojson.bak"]


def test_exception_in_the_middle_of_a_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "d.csv"
    target.write_text("old content")

    def half_then_fail(path):
        path.write_text("half of the new")
        raise OSError(28, "No space left on device")

    with pytest.raises(SaveError, match="the disk is full.*previous file is unchanged"):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["d.csv"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SaveError, match="does not exist"):
        atomic_write(tmp_path / "nowhere" / "d.csv", lambda p: p.write_text("x"))


def test_read_only_folder_is_a_clear_error_and_the_old_file_stays():
    # Under the system temp folder, so the unprivileged user of the subprocess can reach it.
    parent = tempfile.mkdtemp(prefix="bsr-map-ro-")
    os.chmod(parent, 0o755)
    folder = Path(parent) / "ro"
    folder.mkdir()
    target = folder / "d.csv"
    target.write_text("old content")
    os.chmod(folder, 0o555)
    script = textwrap.dedent(f"""
        import os, sys
        from bsr_map.util.atomic import SaveError, atomic_write
        if os.geteuid() == 0:  # root ignores permissions: save as an ordinary user instead
            os.setgid(65534); os.setuid(65534)
        try:
            atomic_write({str(target)!r}, lambda p: p.write_text("new"))
        except SaveError as exc:
            print(exc)
            sys.exit(3)
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    try:
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 3, result.stderr
        assert "Permission denied" in result.stdout and "previous file is unchanged" in result.stdout
        assert target.read_text() == "old content"
        assert [p.name for p in folder.iterdir()] == ["d.csv"]
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(parent, ignore_errors=True)


def test_a_save_keeps_the_file_mode_and_saves_through_a_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    atomic_write(link, lambda p: p.write_text("new"))
    assert link.is_symlink() and real.read_text() == "new"
    assert (real.stat().st_mode & 0o777) == 0o640


def test_a_read_only_file_is_not_overwritten(tmp_path):
    target = tmp_path / "locked.csv"
    target.write_text("keep me")
    os.chmod(target, 0o444)
    if os.access(target, os.W_OK):
        pytest.skip("running as root: every file is writable")
    with pytest.raises(SaveError, match="read-only"):
        atomic_write(target, lambda p: p.write_text("new"))
    assert target.read_text() == "keep me"
