"""A worker that tries to take one lock at the same moment as the others (see test_lock_takers)."""

from __future__ import annotations

import os

from bsr_map.util.file_lock import acquire_lock, release_lock


def take_lock_together(path: str, rounds: int, ready, results, done) -> None:
    """For each round: wait for every taker, try the lock, report, hold it until all have reported."""
    for round_ in range(rounds):
        ready.wait()
        holder = acquire_lock(path)
        results.put((round_, os.getpid(), holder is None))
        done.wait()
        if holder is None:
            release_lock(path)
        done.wait()
