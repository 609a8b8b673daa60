"""Many processes starting at the same moment on one file: exactly one of them holds its lock."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from bsr_map.util.file_lock import lock_path, read_lock
from tests.faults.lock_takers import take_lock_together

TAKERS = 10
ROUNDS = 12  # 120 takers for each starting state


def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(process.stdout)


@pytest.mark.parametrize("start", ["no lock", "stale lock"])
def test_exactly_one_of_many_simultaneous_takers_holds_the_lock(spawn, tmp_path, start):
    target = tmp_path / "shared.gpkg"
    target.write_bytes(b"")
    ready, done = spawn.Barrier(TAKERS + 1), spawn.Barrier(TAKERS + 1)
    results = spawn.Queue()
    workers = [
        spawn.Process(target=take_lock_together, args=(str(target), ROUNDS, ready, results, done))
        for _ in range(TAKERS)
    ]
    for worker in workers:
        worker.start()
    doubles = []
    try:
        for round_ in range(ROUNDS):
            if start == "stale lock":
                stale = {"pid": dead_pid(), "host": socket.gethostname(), "user": "x", "since": "2026-01-01T00:00:00"}
                lock_path(target).write_text(json.dumps(stale), encoding="utf-8")
            ready.wait(timeout=60)
            reports = [results.get(timeout=60) for _ in range(TAKERS)]
            holders = [pid for _, pid, held in reports if held]
            if len(holders) != 1:
                doubles.append((round_, len(holders)))
            else:
                assert read_lock(target).pid == holders[0]  # the lock file names the one holder
            done.wait(timeout=60)
            done.wait(timeout=60)
            assert not lock_path(target).exists()  # the holder let go
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert doubles == [], f"rounds where not exactly one taker held the lock (round, holders): {doubles}"
