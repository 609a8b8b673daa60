"""export-map passes what the command line chose to the page it composes."""

from __future__ import annotations

import bsr_map.export.map_export as map_export
from bsr_map.cli.main import main


def test_a_sector_filter_colours_the_exported_markers_by_those_sectors(tmp_path, monkeypatch):
    composed = []
    monkeypatch.setattr(
        map_export, "export_map", lambda path, agencies, basemap, taxonomy, options: composed.append(options)
    )
    assert main(["export-map", "-o", str(tmp_path / "m.pdf"), "--sectors", "maritime,logistics"]) == 0
    assert sorted(composed[0].sectors) == ["logistics", "maritime"]
    assert main(["export-map", "-o", str(tmp_path / "all.pdf")]) == 0
    assert tuple(composed[1].sectors) == ()  # no filter: each agency's primary sector
