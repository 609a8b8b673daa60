"""Where the bundled geodata and resources live.

In a source checkout (and an editable install) they are the top-level
``geodata/`` and ``resources/`` folders; a built wheel carries them inside the
package as ``bsr_map/_bundled/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    inside = _PACKAGE / "_bundled" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def geodata_dir() -> Path:
    """Return the folder of the bundled geodata."""
    return _bundled("geodata")


def resources_dir() -> Path:
    """Return the folder of the bundled resources (fonts, icons, taxonomy)."""
    return _bundled("resources")
