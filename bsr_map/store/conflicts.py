"""Settling a conflict field by field: the record a person chose from their version and the store's; and telling a conflict from a save made twice."""

from __future__ import annotations

from bsr_map.store.base import COMPARED_FIELDS, Conflict, fingerprint

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


def already_agreed(conflict: Conflict) -> bool:
    """True when both sides of ``conflict`` hold the same agency, or both have deleted it.

    That is no conflict to show anyone: it is a save whose answer was lost (the
    connection dropped after the commit, a sync killed before it could note
    what it sent) being made again, or two people making the same edit.
    """
    if conflict.mine is None or conflict.theirs is None:
        return conflict.mine is None and conflict.theirs is None
    return fingerprint(conflict.mine) == fingerprint(conflict.theirs)
