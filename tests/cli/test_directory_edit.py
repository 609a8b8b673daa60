"""``bsr-map directory edit``: scripted edits through the same workspace, checks and save path as the window."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pyogrio
import pytest

from bsr_map.cli.main import main
from bsr_map.store.base import records_by_id
from bsr_map.store.gpkg_store import GeoPackageStore
from bsr_map.store.offline import copy_source, take_offline
from bsr_map.workspace.document import Workspace
from tests.workspace.conftest import edit

AGENCY = "ee-invest-in-estonia"


@pytest.fixture
def gpkg(tmp_path):
    path = tmp_path / "directory.gpkg"
    workspace = Workspace()
    workspace.open(None)
    workspace.save_as(path)
    workspace.close()
    return path


def stored(path, agency_id=AGENCY):
    return records_by_id(GeoPackageStore(path).load().directory)[agency_id]


def test_set_fields_and_verified_today_are_saved_in_place(gpkg, capsys):
    with sqlite3.connect(gpkg) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    status = main(
        [
            "directory",
            "edit",
            str(gpkg),
            "--id",
            AGENCY,
            "--set",
            "phone=+372 666 0000",
            "--set",
            "sectors=ict; cleantech",
            "--verified-today",
        ]
    )
    assert status == 0 and f"Saved {AGENCY}" in capsys.readouterr().out
    record = stored(gpkg)
    assert record["phone"] == "+372 666 0000" and record["sectors"] == ["ict", "cleantech"]
    assert record["last_verified"] == dt.date.today().isoformat()
    assert "notes" in {row[0] for row in sqlite3.connect(gpkg).execute("SELECT name FROM sqlite_master")}
    assert [e.action for e in GeoPackageStore(gpkg).history(AGENCY)] == ["update"]


def test_several_agencies_at_once(gpkg):
    others = ["fi-business-finland", "lv-liaa"]
    assert main(["directory", "edit", str(gpkg), "--id", others[0], "--id", others[1], "--verified-today"]) == 0
    assert all(stored(gpkg, i)["last_verified"] == dt.date.today().isoformat() for i in others)


def test_a_bad_value_names_the_file_agency_and_field_and_saves_nothing(gpkg, capsys):
    before = gpkg.read_bytes()
    status = main(["directory", "edit", str(gpkg), "--id", AGENCY, "--set", "website=htp:/nonsense"])
    err = capsys.readouterr().err
    assert status == 1 and "directory.gpkg" in err and AGENCY in err and "website" in err
    assert "Nothing was saved" in err and gpkg.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "words", "status"),
    [
        (["--set", "colour=red"], "FIELD one of", 2),
        (["--set", "phone"], "FIELD=VALUE", 2),
        ([], "nothing to change", 2),
    ],
)
def test_usage_errors(gpkg, capsys, args, words, status):
    assert main(["directory", "edit", str(gpkg), "--id", AGENCY, *args]) == status
    assert words in capsys.readouterr().err


def test_an_unknown_agency_is_named(gpkg, capsys):
    assert main(["directory", "edit", str(gpkg), "--id", "xx-nobody", "--set", "phone=+372 1"]) == 1
    assert "no agency with id 'xx-nobody'" in capsys.readouterr().err


def test_files_that_are_not_stores_are_refused_with_the_way_to_import_them(tmp_path, capsys):
    from bsr_map.directory import load_directory, write_directory

    csv = write_directory(load_directory(), tmp_path / "agencies.csv")
    assert main(["directory", "edit", str(csv), "--id", AGENCY, "--set", "phone=+372 1"]) == 2
    assert "bsr-map directory import" in capsys.readouterr().err


def test_someone_saving_meanwhile_is_a_conflict_unless_preferred(gpkg, capsys, monkeypatch):
    original_open = Workspace.open

    def open_then_colleague_saves(self, location, **kwargs):
        opened = original_open(self, location, **kwargs)
        colleague = Workspace()
        original_open(colleague, location)
        edit(colleague, AGENCY, phone="+372 777 0000")
        colleague.save()
        return opened

    monkeypatch.setattr(Workspace, "open", open_then_colleague_saves)
    assert main(["directory", "edit", str(gpkg), "--id", AGENCY, "--set", "phone=+372 666 0000"]) == 1
    err = capsys.readouterr().err
    assert f"conflict: {AGENCY}" in err and "phone" in err and "--prefer" in err
    assert stored(gpkg)["phone"] == "+372 777 0000"  # the colleague's save stands
    assert (
        main(["directory", "edit", str(gpkg), "--id", AGENCY, "--set", "phone=+372 666 0000", "--prefer", "mine"]) == 0
    )
    assert stored(gpkg)["phone"] == "+372 666 0000"


def test_an_offline_copy_edited_from_the_command_line_stays_mergeable(gpkg, tmp_path):
    copy = take_offline(GeoPackageStore(gpkg), tmp_path / "fair.gpkg")
    assert main(["directory", "edit", str(copy), "--id", AGENCY, "--set", "description=Met at the fair."]) == 0
    assert copy_source(copy) == str(gpkg) and "bsr_map_sync" in {n for n, _ in pyogrio.list_layers(copy)}
    assert main(["directory", "sync", str(copy)]) == 0
    assert stored(gpkg)["description"] == "Met at the fair."
