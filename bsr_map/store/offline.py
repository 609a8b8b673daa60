"""Offline copies for trade fairs: a GeoPackage snapshot of the shared directory, merged back later.

The snapshot is an ordinary directory GeoPackage (it opens in bsr-map and in
any GIS) with one more table, ``bsr_map_sync``: for each agency, the version
it had in the shared store and a fingerprint of its content when the copy was
taken, plus where the copy came from. Merging back compares each agency with
its fingerprint to find what was edited offline, and saves those edits to the
shared store against the versions recorded in the copy: the same conflict
rules as two people editing online.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bsr_map.store.base import (
    ChangeSet,
    Conflict,
    ConflictError,
    DirectoryStore,
    Snapshot,
    StoreError,
    fingerprint,
    records_by_id,
)
from bsr_map.store.conflicts import already_agreed
from bsr_map.store.gpkg_store import GeoPackageStore, current_user
from bsr_map.util.atomic import SaveError

SYNC_LAYER = "bsr_map_sync"


@dataclass
class SyncReport:
    """What merging an offline copy did."""

    sent: list[str] = field(default_factory=list)  # ids saved to the shared store
    kept_theirs: list[str] = field(default_factory=list)  # conflicts resolved in the store's favour
    conflicts: list[Conflict] = field(default_factory=list)  # left for a person to decide (nothing was saved)
    copy_error: str = ""  # the merge reached the store but the copy could not be refreshed
    merged_before: list[str] = field(default_factory=list)  # edits an earlier, interrupted sync had saved

    @property
    def ok(self) -> bool:
        """True when nothing is left for a person to decide."""
        return not self.conflicts


def take_offline(store: DirectoryStore, path: str | Path, agency_ids: list[str] | None = None) -> Path:
    """Write a GeoPackage snapshot of ``store`` (or of ``agency_ids`` only) to ``path``.

    Returns
    -------
    Path
    """
    snapshot = store.load()
    directory = snapshot.directory
    if agency_ids is not None:
        directory = directory[directory["id"].isin(set(agency_ids))]
    _write_copy(Path(path), Snapshot(directory, snapshot.versions), store.location)
    return Path(path)


def _write_copy(path: Path, snapshot: Snapshot, source: str) -> None:
    import pyogrio

    from bsr_map.directory.writers import write_gpkg_layer
    from bsr_map.util.atomic import atomic_write

    records = records_by_id(snapshot.directory)
    taken = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    sync = pd.DataFrame(
        {
            "agency_id": list(records),
            "version": [snapshot.versions[i] for i in records],
            "fingerprint": [fingerprint(r) for r in records.values()],
            "source": source,
            "taken_at": taken,
            "taken_by": current_user(),
        },
        columns=["agency_id", "version", "fingerprint", "source", "taken_at", "taken_by"],
    )

    def write(tmp: Path) -> None:
        write_gpkg_layer(snapshot.directory, tmp)
        pyogrio.write_dataframe(sync, tmp, layer=SYNC_LAYER, driver="GPKG")

    atomic_write(path, write)


def copy_source(path: str | Path) -> str | None:
    """Where an offline copy was taken from (the store's location), or None for an ordinary file."""
    import pyogrio

    if SYNC_LAYER not in [name for name, _ in pyogrio.list_layers(path)]:
        return None
    frame = pyogrio.read_dataframe(path, layer=SYNC_LAYER, max_features=1)
    return str(frame["source"].iloc[0]) if len(frame) else None


def offline_changes(path: str | Path) -> ChangeSet:
    """The edits made in an offline copy since it was taken, each against the store's version then."""
    import pyogrio

    path = Path(path)
    if SYNC_LAYER not in [name for name, _ in pyogrio.list_layers(path)]:
        raise StoreError(f"{path.name} is not an offline copy (it has no {SYNC_LAYER} table).")
    sync = pyogrio.read_dataframe(path, layer=SYNC_LAYER)
    base = {r.agency_id: (str(r.version), r.fingerprint) for r in sync.itertuples()}
    now = records_by_id(GeoPackageStore(path).load().directory)
    changes = ChangeSet()
    for agency_id, record in now.items():
        if agency_id not in base:
            changes.upserts.append((record, None))
        elif fingerprint(record) != base[agency_id][1]:
            changes.upserts.append((record, base[agency_id][0]))
    changes.deletes = [(agency_id, version) for agency_id, (version, _) in base.items() if agency_id not in now]
    return changes


def sync(
    path: str | Path,
    store: DirectoryStore,
    *,
    prefer: str | None = None,
    settled: dict[str, dict | None] | None = None,
    seen: Sequence[Conflict] = (),
) -> SyncReport:
    """Merge the edits of the offline copy at ``path`` into ``store``, then refresh the copy.

    Parameters
    ----------
    path : str or Path
        The offline copy.
    store : DirectoryStore
        The shared store it was taken from.
    prefer : {None, "mine", "theirs"}
        What to do with agencies changed both offline and in the store:
        None reports them and saves nothing; "mine" saves the offline
        version over the store's; "theirs" keeps the store's.
    settled, seen : dict and list of Conflict
        The conflicts a person was shown (``seen``) and, per agency id, the
        record they settled on (None: the agency is deleted). Each is saved
        against the store's version they saw: if the agency changed again
        meanwhile, or another conflict turned up, nothing is saved and the
        report lists the conflicts anew.

    Returns
    -------
    SyncReport
        ``copy_error`` says why the copy could not be refreshed after a merge
        that did reach the store (the store then holds the edits).
    """
    if prefer not in (None, "mine", "theirs"):
        raise ValueError("prefer must be None, 'mine' or 'theirs'")
    changes = offline_changes(path)
    report = SyncReport()
    if settled is not None:
        changes, report.kept_theirs = _settled(changes, list(seen), settled)
    if changes:
        try:
            store.apply(changes)
        except ConflictError as error:
            agreed = {c.agency_id for c in error.conflicts if already_agreed(c)}
            if agreed:  # a sync killed after its commit, run again: those edits are in the store already
                report.merged_before = sorted(agreed)
                changes = _without(changes, agreed)
                error = ConflictError([c for c in error.conflicts if c.agency_id not in agreed])
                if not error.conflicts:
                    return _finish(path, store, changes, report, apply=True)
            if prefer is None or settled is not None:
                report.conflicts, report.kept_theirs = error.conflicts, []
                return report
            changes = _resolved(changes, error.conflicts, prefer)
            report.kept_theirs = [c.agency_id for c in error.conflicts] if prefer == "theirs" else []
            if changes:
                try:
                    store.apply(changes)
                except ConflictError as again:  # changed once more meanwhile
                    report.conflicts, report.kept_theirs = again.conflicts, []
                    return report
    return _finish(path, store, changes, report, apply=False)


def _without(changes: ChangeSet, agency_ids: set[str]) -> ChangeSet:
    kept = ChangeSet()
    kept.upserts = [(record, base) for record, base in changes.upserts if record["id"] not in agency_ids]
    kept.deletes = [(agency_id, base) for agency_id, base in changes.deletes if agency_id not in agency_ids]
    return kept


def _finish(path, store: DirectoryStore, changes: ChangeSet, report: SyncReport, *, apply: bool) -> SyncReport:
    """Send ``changes`` (when ``apply``), note what was sent and refresh the copy from the store."""
    if apply and changes:
        try:
            store.apply(changes)
        except ConflictError as again:
            report.conflicts, report.kept_theirs = again.conflicts, []
            return report
    report.sent = [r["id"] for r, _ in changes.upserts] + [i for i, _ in changes.deletes]
    try:
        snapshot = store.load()
        copied = set(records_by_id(GeoPackageStore(path).load().directory)) | set(report.sent)
        directory = snapshot.directory[snapshot.directory["id"].isin(copied)]
        _write_copy(Path(path), Snapshot(directory, snapshot.versions), store.location)
    except (StoreError, SaveError, OSError) as exc:
        report.copy_error = str(exc)
    return report


def _resolved(changes: ChangeSet, conflicts: list[Conflict], prefer: str) -> ChangeSet:
    """``changes`` with each conflict settled: against the store's current version, or dropped."""
    by_id = {c.agency_id: c for c in conflicts}
    resolved = ChangeSet()
    for record, base in changes.upserts:
        conflict = by_id.get(record["id"])
        if conflict is None:
            resolved.upserts.append((record, base))
        elif prefer == "mine":
            resolved.upserts.append((record, conflict.theirs_version if conflict.theirs is not None else None))
    for agency_id, base in changes.deletes:
        conflict = by_id.get(agency_id)
        if conflict is None:
            resolved.deletes.append((agency_id, base))
        elif prefer == "mine" and conflict.theirs is not None:
            resolved.deletes.append((agency_id, conflict.theirs_version or ""))
    return resolved


def _settled(changes: ChangeSet, seen: list[Conflict], settled: dict[str, dict | None]) -> tuple[ChangeSet, list]:
    """``changes`` with each seen conflict replaced by the settled record, against the version that was seen."""
    by_id = {c.agency_id: c for c in seen}
    result, kept_theirs = ChangeSet(), []
    result.upserts = [(record, base) for record, base in changes.upserts if record["id"] not in by_id]
    result.deletes = [(agency_id, base) for agency_id, base in changes.deletes if agency_id not in by_id]
    for agency_id, conflict in by_id.items():
        outcome = settled.get(agency_id, conflict.theirs)
        same_as_theirs = (outcome is None and conflict.theirs is None) or (
            outcome is not None and conflict.theirs is not None and fingerprint(outcome) == fingerprint(conflict.theirs)
        )
        if same_as_theirs:
            kept_theirs.append(agency_id)
        elif outcome is None:
            result.deletes.append((agency_id, conflict.theirs_version or ""))
        else:
            result.upserts.append((outcome, conflict.theirs_version if conflict.theirs is not None else None))
    return result, kept_theirs
