from __future__ import annotations

import pytest

from bsr_map.directory import load_directory, load_taxonomy


@pytest.fixture(scope="module")
def directory():
    """The bundled directory."""
    return load_directory()


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()
