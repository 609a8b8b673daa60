"""Editing the directory: validated changes that can be undone and redone exactly.

An :class:`Edit` records, for each agency it touches, the record before and
after (None for "absent"), so applying and reverting are exact inverses. The
workspace keeps them on its undo stack (:mod:`bsr_map.workspace.history`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bsr_map.directory.importing import _default_locator, country_names
from bsr_map.directory.location import check_location
from bsr_map.directory.schema import Problem, validate_record
from bsr_map.explore.model import ExploreModel


@dataclass
class Edit:
    """A change to some agencies: id -> record before and after (None when absent).

    Applying and reverting are exact inverses; reverting puts deleted rows
    back where they were.
    """

    text: str
    before: dict[str, dict | None] = field(default_factory=dict)
    after: dict[str, dict | None] = field(default_factory=dict)
    _orders: list[list[str] | None] = field(default_factory=list, repr=False)  # row order before each apply

    def apply(self, model: ExploreModel) -> None:
        """Make the change."""
        changes_rows = any(v is None for v in self.after.values()) or any(v is None for v in self.before.values())
        self._orders.append(list(model.directory["id"]) if changes_rows else None)
        model.apply_changes(self.after)

    def revert(self, model: ExploreModel) -> None:
        """Undo the change, rows back in their places."""
        order = self._orders.pop() if self._orders else None
        model.apply_changes(self.before, order=order)


@dataclass
class Checked:
    """A record as the form would save it, with what is wrong and what is doubtful."""

    record: dict
    problems: list[Problem]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        """True when nothing blocks saving the record."""
        return not self.problems


def check_agency(raw: dict, model: ExploreModel, *, editing_id: str | None = None) -> Checked:
    """Validate a form's values with the importer's rules.

    Errors (missing name, unknown country or sector, malformed URL, e-mail,
    phone, coordinates out of range …) block saving; a point outside the
    region or outside the chosen country is a warning the user may accept.
    """
    record, problems = validate_record(raw, model.taxonomy, source="form", row=None)
    warnings: list[str] = []
    point, location = check_location(
        raw.get("lat"), raw.get("lon"), record["country"], _default_locator(), country_names()
    )
    for column, message in location:
        if "missing" in message or "not a number" in message or "out of range" in message:
            problems.append(Problem("form", None, column, message))
        else:
            warnings.append(message)
    if point is None and not any(p.column in ("lat", "lon") for p in problems):
        from bsr_map.directory.location import parse_coordinate

        point = (parse_coordinate(raw.get("lon")), parse_coordinate(raw.get("lat")))
    if point is not None:
        record["lon"], record["lat"] = round(point[0], 6), round(point[1], 6)
    if record["id"] != editing_id and _exists(model, record["id"]):
        problems.append(Problem("form", None, "id", f"the id '{record['id']}' is already used by another agency"))
    return Checked(record, problems, warnings)


def add_edit(record: dict) -> Edit:
    """Add an agency."""
    return Edit(f"Add “{record['name']}”", {record["id"]: None}, {record["id"]: record})


def change_edit(before: dict, after: dict) -> Edit:
    """Replace an agency's record (its id may change)."""
    edit = Edit(f"Edit “{after['name']}”", {before["id"]: before}, {before["id"]: None})
    edit.before.setdefault(after["id"], None)
    edit.after[after["id"]] = after
    return edit


def delete_edit(records: list[dict]) -> Edit:
    """Delete agencies."""
    name = f"“{records[0]['name']}”" if len(records) == 1 else f"{len(records)} agencies"
    return Edit(f"Delete {name}", {r["id"]: r for r in records}, {r["id"]: None for r in records})


def duplicate_edit(record: dict, model: ExploreModel) -> Edit:
    """Add a copy of an agency under a new id, named "… (copy)"."""
    copy = dict(record)
    base, n = f"{record['id']}-copy", 1
    copy["id"] = base
    while _exists(model, copy["id"]):
        n += 1
        copy["id"] = f"{base}-{n}"
    copy["name"] = f"{record['name']} (copy)"
    return Edit(f"Duplicate “{record['name']}”", {copy["id"]: None}, {copy["id"]: copy})


def sectors_edit(records: list[dict], sectors: list[str]) -> Edit:
    """Give several agencies the same sectors."""
    after: dict[str, dict | None] = {r["id"]: {**r, "sectors": list(sectors)} for r in records}
    return Edit(f"Set sectors of {len(records)} agencies", {r["id"]: r for r in records}, after)


def move_edit(record: dict, lon: float, lat: float) -> Edit:
    """Move an agency's location."""
    return Edit(
        f"Move “{record['name']}”",
        {record["id"]: record},
        {record["id"]: {**record, "lon": round(lon, 6), "lat": round(lat, 6)}},
    )


def verify_edit(records: list[dict], today: dt.date | None = None) -> Edit:
    """Mark agencies as checked today ("Last verified")."""
    day = (today or dt.date.today()).isoformat()
    name = f"“{records[0]['name']}”" if len(records) == 1 else f"{len(records)} agencies"
    return Edit(
        f"Confirm {name} as verified",
        {r["id"]: r for r in records},
        {r["id"]: {**r, "last_verified": day} for r in records},
    )


def _exists(model: ExploreModel, agency_id: str) -> bool:
    try:
        model.row_of(agency_id)
    except KeyError:
        return False
    return True
