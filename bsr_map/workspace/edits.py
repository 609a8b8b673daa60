"""Editing the directory: validated changes that can be undone and redone exactly.

An :class:`Edit` records, for each agency it touches, the record before and
after (None for "absent"), so applying and reverting are exact inverses. The
GUI wraps edits in a QUndoStack; the core knows nothing of Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bsr_map.directory.importing import _default_locator, country_names
from bsr_map.directory.location import check_location
from bsr_map.directory.model import directory_from_records, directory_records
from bsr_map.directory.schema import Problem, validate_record
from bsr_map.explore.model import ExploreModel


@dataclass
class Edit:
    """A change to some agencies: id -> record before and after (None when absent)."""

    text: str
    before: dict[str, dict | None] = field(default_factory=dict)
    after: dict[str, dict | None] = field(default_factory=dict)
    _orders: list[list[str]] = field(default_factory=list, repr=False)  # row order before each apply

    def apply(self, model: ExploreModel) -> None:
        """Make the change."""
        self._orders.append(list(model.directory["id"]))
        apply_records(model, self.after)

    def revert(self, model: ExploreModel) -> None:
        """Undo the change, rows back in their places."""
        apply_records(model, self.before, order=self._orders.pop() if self._orders else None)


def apply_records(model: ExploreModel, changes: dict[str, dict | None], order: list[str] | None = None) -> None:
    """Set (or, for None, remove) the given agencies in the model's directory.

    Rows keep their order; new rows go last, unless ``order`` gives every row's place.
    """
    records = {r["id"]: r for r in directory_records(model.directory)}
    order = list(order) if order is not None else list(records)
    for agency_id, record in changes.items():
        if record is None:
            records.pop(agency_id, None)
        else:
            if agency_id not in order:
                order.append(agency_id)
            records[agency_id] = record
    kept = [records[i] for i in order if i in records]
    directory = directory_from_records(kept)
    selected = model.selected_id
    model.set_directory(directory, model.source)
    if selected is not None and selected in records:
        model.select(selected)


@dataclass
class Checked:
    """A record as the form would save it, with what is wrong and what is doubtful."""

    record: dict
    problems: list[Problem]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_agency(raw: dict, model: ExploreModel, *, editing_id: str | None = None) -> Checked:
    """Validate a form's values with the importer's rules.

    Errors (missing name, unknown country or sector, malformed URL, e-mail,
    phone, coordinates out of range …) block saving; a point outside the
    region or outside the chosen country is a warning the user may accept.
    """
    record, problems = validate_record(raw, model.taxonomy, source="form", row=None)
    warnings: list[str] = []
    point, location = check_location(raw.get("lat"), raw.get("lon"), record["country"], _default_locator(),
                                     country_names())
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
    taken = set(model.directory["id"]) - {editing_id}
    if record["id"] in taken:
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


def duplicate_edit(record: dict, taken: set[str]) -> Edit:
    """Add a copy of an agency under a new id, named "… (copy)"."""
    copy = dict(record)
    base, n = f"{record['id']}-copy", 1
    copy["id"] = base
    while copy["id"] in taken:
        n += 1
        copy["id"] = f"{base}-{n}"
    copy["name"] = f"{record['name']} (copy)"
    return Edit(f"Duplicate “{record['name']}”", {copy["id"]: None}, {copy["id"]: copy})


def sectors_edit(records: list[dict], sectors: list[str]) -> Edit:
    """Give several agencies the same sectors."""
    after = {r["id"]: {**r, "sectors": list(sectors)} for r in records}
    return Edit(f"Set sectors of {len(records)} agencies", {r["id"]: r for r in records}, after)


def move_edit(record: dict, lon: float, lat: float) -> Edit:
    """Move an agency's location."""
    return Edit(f"Move “{record['name']}”", {record["id"]: record},
                {record["id"]: {**record, "lon": round(lon, 6), "lat": round(lat, 6)}})


def verify_edit(records: list[dict], today: dt.date | None = None) -> Edit:
    """Mark agencies as checked today ("Last verified")."""
    day = (today or dt.date.today()).isoformat()
    name = f"“{records[0]['name']}”" if len(records) == 1 else f"{len(records)} agencies"
    return Edit(f"Confirm {name} as verified", {r["id"]: r for r in records},
                {r["id"]: {**r, "last_verified": day} for r in records})


def records_by_id(model: ExploreModel, ids) -> list[dict]:
    """The current records (with lat and lon) of the given agencies, in directory order."""
    wanted = set(ids)
    return [r for r in directory_records(model.directory) if r["id"] in wanted]
