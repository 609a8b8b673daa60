"""The shared store from the command line: create, fill, take offline, merge back, list, restore, export."""

from __future__ import annotations

import csv

from bsr_map.cli.main import main
from bsr_map.store.base import records_by_id
from bsr_map.store.gpkg_store import GeoPackageStore
from bsr_map.store.offline import offline_changes


def test_init_take_offline_edit_sync_and_export_from_the_database(pg_server, pg_url, tmp_path, capsys):
    assert main(["directory", "init-db", pg_url, "--import", "bundled"]) == 0
    assert "67 agencies added" in capsys.readouterr().out
    copy = tmp_path / "fair.gpkg"
    assert main(["directory", "take-offline", pg_url, "-o", str(copy), "--countries", "EE"]) == 0
    offline = GeoPackageStore(copy)
    snapshot = offline.load()
    assert set(snapshot.directory.country) == {"EE"} and len(snapshot.directory) >= 3
    records = records_by_id(snapshot.directory)
    agency = sorted(records)[0]
    records[agency] = {**records[agency], "phone": "+372 600 0000"}
    from bsr_map.directory.model import directory_from_records
    from bsr_map.store import changes_between

    offline.apply(changes_between(snapshot, directory_from_records(list(records.values()))))
    assert main(["directory", "sync", str(copy)]) == 0  # the copy knows where it came from
    assert "Merged 1 changes" in capsys.readouterr().out and not offline_changes(copy)

    out = tmp_path / "ee.csv"
    assert main(["export-directory", "-o", str(out), "--directory", pg_url, "--countries", "EE"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert {r["id"]: r["phone"] for r in rows}[agency] == "+372 600 0000"

    capsys.readouterr()
    assert main(["directory", "history", pg_url, agency]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[2] for line in lines] == ["insert", "update"]
    assert all(line.split("\t")[1] == pg_server.role for line in lines)  # who: the database login


def test_sync_reports_conflicts_and_saves_nothing(pg_url, tmp_path, capsys):
    assert main(["directory", "init-db", pg_url, "--import", "bundled"]) == 0
    copy = tmp_path / "fair.gpkg"
    assert main(["directory", "take-offline", pg_url, "-o", str(copy)]) == 0
    from bsr_map.directory.model import directory_from_records
    from bsr_map.store import changes_between, open_store

    for store, phone in ((GeoPackageStore(copy), "+48 11 111 1111"), (open_store(pg_url), "+48 22 222 2222")):
        snap = store.load()
        records = records_by_id(snap.directory)
        records["pl-absl"] = {**records["pl-absl"], "phone": phone}
        store.apply(changes_between(snap, directory_from_records(list(records.values()))))
    capsys.readouterr()
    assert main(["directory", "sync", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "conflict: pl-absl" in err and "phone" in err and "Nothing was saved" in err
    assert records_by_id(open_store(pg_url).load().directory)["pl-absl"]["phone"] == "+48 22 222 2222"
    assert main(["directory", "sync", str(copy), "--prefer", "theirs"]) == 0
    assert records_by_id(GeoPackageStore(copy).load().directory)["pl-absl"]["phone"] == "+48 22 222 2222"
