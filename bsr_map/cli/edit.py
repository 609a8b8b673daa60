"""``bsr-map directory edit``: change agencies from a script, through the same workspace as the window.

The edit is validated with the form's rules, applied through a
:class:`~bsr_map.workspace.document.Workspace` (the same lock, versions and
conflict rules as the window) and saved through the store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from bsr_map.directory.schema import FIELD_NAMES, LIST_FIELDS

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EDITABLE = (*FIELD_NAMES, "lat", "lon")


def add_parser(actions) -> None:
    """Register ``directory edit`` on the ``directory`` subcommand's subparsers."""
    edit = actions.add_parser(
        "edit",
        help="change agencies in a GeoPackage or shared directory (validated; conflicts refused unless --prefer)",
        description="Set fields of one or more agencies and save, with the same checks, lock and conflict rules "
        "as the window. List fields (sectors, services, languages) take values separated by ';'.",
    )
    edit.add_argument("location", help="a .gpkg directory (or offline copy) or a postgresql:// URL")
    edit.add_argument(
        "--id",
        dest="ids",
        action="append",
        required=True,
        metavar="ID",
        help="the agency to change (repeat for several)",
    )
    edit.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help=f"a new value; FIELD is one of {', '.join(EDITABLE)}",
    )
    edit.add_argument("--verified-today", action="store_true", help="set last_verified to today")
    edit.add_argument(
        "--prefer",
        choices=("mine", "theirs"),
        help="when someone else changed the same agency since: keep this edit (mine) or theirs; "
        "without it nothing is saved and the conflict is listed",
    )


def _parse_sets(sets: list[str]) -> dict[str, str]:
    values = {}
    for item in sets:
        name, equals, value = item.partition("=")
        name = name.strip()
        if not equals or name not in EDITABLE:
            raise ValueError(f"--set {item!r}: use FIELD=VALUE with FIELD one of {', '.join(EDITABLE)}")
        values[name] = value
    return values


def run(args: argparse.Namespace) -> int:
    """Apply ``--set`` to each ``--id`` and save; return the exit status."""
    from bsr_map.cli.store import ask_password_on_terminal
    from bsr_map.store.conflicts import merge_record
    from bsr_map.workspace.document import Workspace, WorkspaceError
    from bsr_map.workspace.edits import Edit, check_agency
    from bsr_map.workspace.sources import Source

    try:
        values = _parse_sets(args.sets)
    except ValueError as exc:
        print(f"bsr-map: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.verified_today:
        values["last_verified"] = dt.date.today().isoformat()
    if not values:
        print("bsr-map: error: nothing to change: give --set FIELD=VALUE or --verified-today", file=sys.stderr)
        return EXIT_USAGE
    source = Source.of(args.location)
    if not source.is_store:
        print(
            f"bsr-map: error: {source.name} is not a directory store; import it into one first: "
            f"bsr-map directory import {args.location} -o directory.gpkg",
            file=sys.stderr,
        )
        return EXIT_USAGE
    workspace = Workspace()
    try:
        workspace.open(args.location, ask_password=ask_password_on_terminal)
        if workspace.read_only:
            holder = workspace.lock_holder.describe() if workspace.lock_holder else "another bsr-map"
            print(
                f"bsr-map: error: {source.name} is being edited by {holder}; nothing was changed. "
                "Save and close it there, then run again.",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        before, after, failed = {}, {}, False
        for agency_id in dict.fromkeys(args.ids):
            try:
                record = workspace.model.record(agency_id)
            except KeyError:
                print(f"{source.name}: no agency with id '{agency_id}'", file=sys.stderr)
                failed = True
                continue
            raw = {**record, **values}
            for name in LIST_FIELDS:
                if name in values:
                    raw[name] = values[name]
            checked = check_agency(raw, workspace.model, editing_id=agency_id)
            for problem in checked.problems:
                print(f"{source.name}: agency '{agency_id}': {problem.column}: {problem.message}", file=sys.stderr)
            for warning in checked.warnings:
                print(f"warning: {source.name}: agency '{agency_id}': {warning}", file=sys.stderr)
            failed |= not checked.ok
            before[agency_id], after[agency_id] = record, checked.record
        if failed:
            print("Nothing was saved.", file=sys.stderr)
            return EXIT_PROBLEMS
        changed = [i for i in after if after[i] != before[i]]
        if not changed:
            print(f"Nothing to change: the agencies already have these values in {source.name}")
            return EXIT_OK
        workspace.push(
            Edit(f"Edit {len(changed)} agencies", {i: before[i] for i in changed}, {i: after[i] for i in changed})
        )

        def settle(conflicts, where):
            for conflict in conflicts:
                fields = ", ".join(conflict.differing_fields())
                who = f" by {conflict.theirs_by}" if conflict.theirs_by else ""
                print(
                    f"conflict: {conflict.agency_id}: changed in {where}{who} since it was read ({fields})",
                    file=sys.stderr,
                )
            if args.prefer is None:
                return None
            return {c.agency_id: merge_record(c, args.prefer) for c in conflicts}

        outcome = workspace.save(settle)
    except WorkspaceError as exc:
        print(f"bsr-map: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        workspace.close()
    if not outcome.saved:
        print("Nothing was saved: run again with --prefer mine or --prefer theirs.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Saved {', '.join(changed)} in {source.name}")
    return EXIT_OK
