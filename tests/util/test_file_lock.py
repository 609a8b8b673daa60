"""Lock files: a second instance is warned; a dead process's lock is taken over."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap

from bsr_map.util.file_lock import (
    LockInfo,
    acquire_lock,
    is_stale,
    lock_path,
    read_lock,
    release_lock,
)


def hold_lock_in_subprocess(path, *, exit_after: bool):
    """Start a process that takes the lock; it keeps running unless ``exit_after``."""
    code = textwrap.dedent(f"""
        import sys, time
        from bsr_map.util.file_lock import acquire_lock
        assert acquire_lock({str(path)!r}) is None
        print("locked", flush=True)
        if not {exit_after!r}:
            time.sleep(60)
    """)
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    return process


def test_second_instance_is_warned_while_the_first_runs(tmp_path):
    path = tmp_path / "directory.gpkg"
    first = hold_lock_in_subprocess(path, exit_after=False)
    try:
        holder = acquire_lock(path)
        assert holder is not None and holder.pid == first.pid and holder.host == socket.gethostname()
        assert str(first.pid) in holder.describe()
        assert acquire_lock(path, take_over=True) is None  # the user chose to take it over
        assert read_lock(path).pid != first.pid
    finally:
        first.kill()
        first.wait()


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    path = tmp_path / "directory.gpkg"
    dead = hold_lock_in_subprocess(path, exit_after=True)
    dead.wait()
    assert read_lock(path).pid == dead.pid  # the crashed instance left its lock behind
    assert acquire_lock(path) is None
    release_lock(path)
    assert not lock_path(path).exists()


def test_foreign_locks_expire_after_a_day(tmp_path):
    import datetime as dt

    old = LockInfo(1, "another-host", "someone", "2026-01-01T08:00:00+00:00")
    recent = LockInfo(1, "another-host", "someone", dt.datetime.now(dt.UTC).isoformat())
    assert is_stale(old) and not is_stale(recent)


def test_unreadable_lock_does_not_block(tmp_path):
    path = tmp_path / "d.csv"
    lock_path(path).write_text("not json")
    assert acquire_lock(path) is None
    assert json.loads(lock_path(path).read_text())["user"]
