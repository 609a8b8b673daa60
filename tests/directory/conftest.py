from __future__ import annotations

import pytest

HEADER_EN = "id,name,type,country,city,lat,lon,sectors,website,email\n"


@pytest.fixture
def write_csv(tmp_path):
    """Write CSV text (or bytes) to a file and return its path."""

    def write(content, name="agencies.csv", encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write
