"""Settling a conflict field by field: the record a person chose from their version and the store's."""

from __future__ import annotations

from bsr_map.store.base import COMPARED_FIELDS, Conflict

MINE, THEIRS = "mine", "theirs"


def merge_record(conflict: Conflict, choices: dict[str, str] | str) -> dict | None:
    """The record a person settled on for one conflict.

    Parameters
    ----------
    conflict : Conflict
    choices : dict or str
        Field -> ``"mine"`` or ``"theirs"`` for the fields that differ (fields
        not named keep mine), or one of those words for the whole record.
        ``lat`` and ``lon`` go together: the choice for either moves both.

    Returns
    -------
    dict or None
        The merged record, or None when the settled outcome is that the agency
        is deleted (the chosen side deleted it).
    """
    if isinstance(choices, str):
        choices = dict.fromkeys(COMPARED_FIELDS, choices)
    if conflict.mine is None or conflict.theirs is None:
        # A deletion against a change: the whole record is the choice.
        side = choices.get("name", MINE)
        return conflict.mine if side == MINE else conflict.theirs
    merged = dict(conflict.mine)
    location = choices.get("lat") or choices.get("lon") or MINE
    for name in COMPARED_FIELDS:
        side = location if name in ("lat", "lon") else choices.get(name, MINE)
        if side == THEIRS:
            merged[name] = conflict.theirs.get(name)
    return merged
