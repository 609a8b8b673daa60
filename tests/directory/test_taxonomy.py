"""The sector, service and type vocabularies kept as data under resources/."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bsr_map.directory.taxonomy import load_taxonomy


def test_sectors_have_label_colour_and_a_real_svg_icon():
    sectors = list(load_taxonomy().sectors)
    assert len(sectors) == 13
    for sector in sectors:
        assert sector.label and re.fullmatch(r"#[0-9A-Fa-f]{6}", sector.color)
        root = ET.parse(sector.icon_path()).getroot()
        assert root.tag.endswith("svg") and root.get("viewBox") == "0 0 24 24"
    assert len({s.color.lower() for s in sectors}) == 13


def test_lookups_accept_codes_labels_and_loose_spelling():
    taxonomy = load_taxonomy()
    assert taxonomy.sectors.code_for("ict") == "ict"
    assert taxonomy.sectors.code_for("ICT & digital") == "ict"
    assert taxonomy.sectors.code_for("Life Sciences and Health") == "life_sciences"
    assert taxonomy.agency_types.code_for("Economic zone or science park") == "economic_zone"
    assert taxonomy.services.code_for("Soft landing") == "soft_landing"
    assert taxonomy.sectors.code_for("mining") is None


def test_schema_document_lists_every_field_and_sector():
    from pathlib import Path

    from bsr_map.directory.readers import COLUMN_ALIASES
    from bsr_map.directory.schema import FIELDS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "directory-schema.md").read_text(encoding="utf-8")
    for field in FIELDS:
        assert f"| `{field.name}` |" in doc
    for sector in load_taxonomy().sectors:
        assert f"| `{sector.code}` | {sector.label} |" in doc
    assert set(COLUMN_ALIASES) == {f.name for f in FIELDS} | {"lat", "lon"}
