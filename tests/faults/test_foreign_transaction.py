"""Another program holds the GeoPackage in an SQLite write transaction (QGIS editing it, say)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from bsr_map.store import geopackage_sql
from bsr_map.workspace.document import Workspace, WorkspaceError
from tests.faults.savers import edit_field

AGENCY = "ee-invest-in-estonia"


def descriptions(path):
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT id, description FROM agencies"))


def test_a_save_waits_then_says_the_file_is_busy_and_by_what_and_writes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "shared.gpkg"
    workspace = Workspace()
    workspace.open(None)
    workspace.save_as(path)
    before = descriptions(path)
    other = subprocess.Popen(  # QGIS's part: a write transaction that stays open until told to commit
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sqlite3, sys
            conn = sqlite3.connect({str(path)!r}, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE qgis_edits (note TEXT)")
            conn.execute("INSERT INTO qgis_edits VALUES ('made in QGIS')")
            print("writing", flush=True)
            sys.stdin.readline()
            conn.execute("COMMIT")
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "writing"
        monkeypatch.setattr(geopackage_sql, "BUSY_TIMEOUT_S", 0.5)
        edit_field(workspace, AGENCY, "description", "Edited in bsr-map.")
        with pytest.raises(WorkspaceError, match=r"busy.*python.*process \d+.*Nothing was saved"):
            workspace.save()
        assert workspace.is_dirty  # the edit is still there, to be saved later
        other.stdin.write("commit\n")
        other.stdin.flush()
        assert other.wait(timeout=30) == 0
    finally:
        other.kill()
    assert descriptions(path) == before  # bsr-map wrote nothing
    with sqlite3.connect(path) as conn:  # and the other program's commit is kept
        assert conn.execute("SELECT note FROM qgis_edits").fetchall() == [("made in QGIS",)]
    assert workspace.save().saved  # once the other program has finished, the same edit saves
    assert descriptions(path)[AGENCY] == "Edited in bsr-map."
    workspace.close()
