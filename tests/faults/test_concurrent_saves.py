"""Two bsr-map processes saving one GeoPackage at the same moment: never a silent loss."""

from __future__ import annotations

import pytest

from bsr_map.store import open_store
from bsr_map.store.base import records_by_id
from tests.faults.savers import bundled_geopackage, save_at_the_same_moment

TRIALS = 12  # per case; 24 overlapping pairs of saves in all
AGENCIES = ("ee-invest-in-estonia", "fi-business-finland")


@pytest.fixture
def shared(tmp_path):
    return bundled_geopackage(tmp_path / "shared.gpkg")


def stored(location):
    store = open_store(location)
    try:
        return records_by_id(store.load().directory)
    finally:
        store.close()


@pytest.mark.parametrize("case", ["different agencies", "same agency"])
def test_overlapping_saves_both_land_or_one_is_told_of_the_conflict(spawn, shared, case):
    jobs = [spawn.Queue(), spawn.Queue()]
    start, results = spawn.Barrier(2), spawn.Queue()
    savers = [spawn.Process(target=save_at_the_same_moment, args=(shared, q, start, results)) for q in jobs]
    for saver in savers:
        saver.start()
    losses, conflicts = [], 0
    try:
        for trial in range(TRIALS):
            targets = AGENCIES if case == "different agencies" else (AGENCIES[0], AGENCIES[0])
            for n, (queue, agency_id) in enumerate(zip(jobs, targets, strict=True)):
                queue.put((agency_id, "description", f"Trial {trial}, saver {n}."))
            reports = [results.get(timeout=120) for _ in jobs]
            now = stored(shared)
            in_file = {now[a]["description"] for a in AGENCIES}
            for value, status, message in reports:
                assert status in ("saved", "conflict"), message
                if status == "saved" and value not in in_file:
                    losses.append((trial, value))
                conflicts += status == "conflict"
            if case == "different agencies":
                assert all(status == "saved" for _, status, _ in reports), reports
            else:
                assert sorted(status for _, status, _ in reports) == ["conflict", "saved"], reports
    finally:
        for queue in jobs:
            queue.put(None)
        for saver in savers:
            saver.join(timeout=60)
            if saver.is_alive():
                saver.kill()
    assert losses == [], f"told 'saved' but not in the file: {losses}"
    assert conflicts == (TRIALS if case == "same agency" else 0)
