"""Edits and their undo: exact inverses; validation with the importer's rules; crash recovery copies."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from bsr_map.directory import load_directory, load_taxonomy
from bsr_map.directory.model import directory_records
from bsr_map.explore.model import ExploreModel
from bsr_map.workspace.edits import (
    add_edit,
    change_edit,
    check_agency,
    delete_edit,
    duplicate_edit,
    move_edit,
    sectors_edit,
    verify_edit,
)
from bsr_map.workspace.recovery import discard_recovery, pending_recovery, write_recovery


@pytest.fixture
def model():
    return ExploreModel(load_directory(), load_taxonomy())


def snapshot(model):
    return directory_records(model.directory)


def new_agency(model, **changes):
    raw = {
        "name": "Invest Lappeenranta",
        "type": "city_agency",
        "country": "FI",
        "city": "Lappeenranta",
        "lat": "61.0587",
        "lon": "28.1887",
        "sectors": ["cleantech"],
        "website": "https://example.fi",
    }
    raw.update(changes)
    return check_agency(raw, model)


def test_undo_and_redo_sequences_give_back_exactly_the_data(model):
    states = [snapshot(model)]
    edits = []
    checked = new_agency(model)
    assert checked.ok, checked.problems
    edits.append(add_edit(checked.record))
    (oulu,) = model.records(["fi-businessoulu"])
    edits.append(change_edit(oulu, {**oulu, "name": "BusinessOulu (renamed)"}))
    edits.append(delete_edit(model.records(["de-gtai", "pl-paih"])))
    edits.append(duplicate_edit(model.records(["lv-liaa"])[0], model))
    edits.append(sectors_edit(model.records(["se-kista-science-city", "ee-tehnopol"]), ["ict", "creative"]))
    edits.append(move_edit(model.records(["dk-invest-in-denmark"])[0], 12.60, 55.70))
    edits.append(verify_edit(model.records(["no-siva"]), dt.date(2026, 11, 21)))
    for edit in edits:
        edit.apply(model)
        states.append(snapshot(model))
    assert len(model.directory) == 67 + 1 - 2 + 1
    for i in range(len(edits) - 1, -1, -1):  # undo everything
        edits[i].revert(model)
        assert snapshot(model) == states[i]
    for i, edit in enumerate(edits):  # and redo it
        edit.apply(model)
        assert snapshot(model) == states[i + 1]


def test_the_form_uses_the_importers_rules(model):
    bad = new_agency(model, name="", website="htp:/x", email="a@@b", sectors=["mining"])
    assert {p.column for p in bad.problems} == {"name", "website", "email", "sectors"}
    elsewhere = new_agency(model, lat="59.33", lon="18.07")  # Stockholm, said to be in Finland
    assert elsewhere.ok and "lies in Sweden" in elsewhere.warnings[0]
    taken = new_agency(model, id="fi-businessoulu")
    assert "already used" in taken.problems[0].message
    assert check_agency({**model.records(["fi-businessoulu"])[0]}, model, editing_id="fi-businessoulu").ok


def test_recovery_copy_is_offered_only_when_its_process_is_gone(tmp_path, monkeypatch, model):
    monkeypatch.setenv("BSR_MAP_SETTINGS_DIR", str(tmp_path))
    entry = {"id": "pl-paih", "record": None, "original": model.record("pl-paih"), "version": None}
    write_recovery("/data/directory.gpkg", [entry], 67)
    assert pending_recovery() is None  # written by this live process
    code = (
        "from bsr_map.workspace.recovery import write_recovery; "
        "write_recovery('/data/directory.gpkg', [{'id': 'x', 'record': None, 'original': None, 'version': None}], 5)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "BSR_MAP_SETTINGS_DIR": str(tmp_path)})
    recovery = pending_recovery()
    assert recovery is not None and recovery.count == 5 and recovery.source == "/data/directory.gpkg"
    assert recovery.entries[0]["id"] == "x"
    discard_recovery(recovery)
    assert pending_recovery() is None
    discard_recovery()  # this process's own copy (written without a name)
    assert not list(tmp_path.glob("recovery/unsaved-*.json"))
