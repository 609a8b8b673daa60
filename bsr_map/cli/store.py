"""``bsr-map directory`` subcommands of the shared store: init-db, take-offline, sync, deleted, restore, history."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from bsr_map.store.base import ConflictError, StoreError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
ACTIONS = ("init-db", "take-offline", "sync", "deleted", "restore", "history")


def ask_password_on_terminal(location: str) -> str | None:
    """Ask for the database password at the terminal (never echoed, never stored); None without a terminal."""
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {location}: ")


def open_location(location: str):
    """The store at ``location`` (URL or .gpkg), asking for a password at the terminal when needed."""
    from bsr_map.store import open_store

    return open_store(location, ask_password=ask_password_on_terminal)


def read_location(source, *, encoding: str | None = None):
    """Read a directory file (:func:`~bsr_map.directory.read_directory`, in ``encoding`` if given) or a database's directory.

    A database's directory is valid by its constraints: it comes back as an
    import result without problems, named by its URL without the password.

    Raises
    ------
    bsr_map.directory.readers.DirectoryReadError
        The file cannot be read, or the database cannot be reached.
    """
    from bsr_map.directory import read_directory
    from bsr_map.directory.importing import ImportResult
    from bsr_map.directory.readers import DirectoryReadError
    from bsr_map.store.postgis_store import is_database_url

    if not is_database_url(str(source)):
        return read_directory(source, encoding=encoding)
    try:
        store = open_location(str(source))
        try:
            directory = store.load().directory
        finally:
            store.close()
    except StoreError as exc:
        raise DirectoryReadError(str(exc)) from None
    return ImportResult(store.location, directory, [], len(directory))


def add_parsers(actions) -> None:
    """Register the store's actions on the ``directory`` subcommand's subparsers."""
    from bsr_map.cli.filter_args import add_filter_arguments

    init = actions.add_parser("init-db", help="create the directory's tables in a PostGIS database")
    init.add_argument(
        "url", help="postgresql://user@host:port/database (password from PGPASSWORD, .pgpass or a prompt)"
    )
    init.add_argument(
        "--import",
        dest="import_file",
        metavar="FILE",
        help="add the agencies of this directory file ('bundled' for the bundled directory)",
    )
    offline = actions.add_parser("take-offline", help="write a GeoPackage snapshot of a shared directory")
    offline.add_argument("source", help="the shared directory: a postgresql:// URL or a .gpkg file")
    offline.add_argument("-o", "--output", type=Path, required=True, help="the offline copy (.gpkg)")
    add_filter_arguments(offline, directory=False)  # the source is the first argument
    synced = actions.add_parser("sync", help="merge the edits of an offline copy back into the shared directory")
    synced.add_argument("copy", type=Path, help="the offline copy (.gpkg)")
    synced.add_argument("--to", dest="target", help="the shared directory (default: where the copy was taken from)")
    synced.add_argument(
        "--prefer",
        choices=("mine", "theirs"),
        help="for agencies changed in both places: keep the copy's (mine) or the shared one "
        "(theirs); without it such agencies are listed and nothing is saved",
    )
    deleted = actions.add_parser("deleted", help="list the deleted agencies of a shared directory")
    deleted.add_argument("location")
    restore = actions.add_parser("restore", help="bring deleted agencies back")
    restore.add_argument("location")
    restore.add_argument("ids", nargs="+")
    history = actions.add_parser("history", help="who changed what and when")
    history.add_argument("location")
    history.add_argument("id", nargs="?")


def run(args: argparse.Namespace) -> int:
    """Run one of :data:`ACTIONS`; return the exit status."""
    try:
        return _run(args)
    except ConflictError as exc:
        print(f"bsr-map: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except StoreError as exc:
        print(f"bsr-map: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS


def _run(args: argparse.Namespace) -> int:
    from bsr_map.store import changes_between
    from bsr_map.store.base import Snapshot

    if args.action == "init-db":
        from bsr_map.store.postgis_store import PostgisStore, is_database_url

        if not is_database_url(args.url):
            print("bsr-map: error: init-db needs a postgresql:// URL", file=sys.stderr)
            return EXIT_USAGE
        store = PostgisStore(args.url, ask_password=ask_password_on_terminal)
        store.create_schema()
        added = 0
        if args.import_file:
            from bsr_map.directory import load_directory

            directory = load_directory(None if args.import_file == "bundled" else args.import_file)
            current = store.load()
            new = directory[~directory["id"].isin(set(current.versions))]
            store.apply(changes_between(Snapshot(new.iloc[:0], {}), new))
            added = len(new)
        print(f"The directory's tables are ready in {store.location}" + (f"; {added} agencies added" if added else ""))
        store.close()
        return EXIT_OK
    if args.action == "take-offline":
        from bsr_map.cli.filter_args import filter_state_from_args
        from bsr_map.directory import load_taxonomy
        from bsr_map.explore.filtering import AgencyIndex
        from bsr_map.store.offline import take_offline

        if args.output.suffix.lower() != ".gpkg":
            print("bsr-map: error: an offline copy is a GeoPackage: name it .gpkg", file=sys.stderr)
            return EXIT_USAGE
        store = open_location(args.source)
        taxonomy = load_taxonomy()
        directory = store.load().directory
        ids = None
        state = filter_state_from_args(args, taxonomy)
        if not state.is_empty:
            mask = AgencyIndex.build(directory, taxonomy.sectors.codes).mask(state)
            ids = list(directory["id"][mask])
        take_offline(store, args.output, ids)
        print(
            f"Wrote an offline copy of {len(directory) if ids is None else len(ids)} agencies from "
            f"{store.location} to {args.output}"
        )
        store.close()
        return EXIT_OK
    if args.action == "sync":
        from bsr_map.store.offline import copy_source, sync

        target = args.target or copy_source(args.copy)
        if target is None:
            print(
                f"bsr-map: error: {args.copy} is not an offline copy; name the shared directory with --to",
                file=sys.stderr,
            )
            return EXIT_USAGE
        store = open_location(target)
        report = sync(args.copy, store, prefer=args.prefer)
        store.close()
        if not report.ok:
            for conflict in report.conflicts:
                fields = ", ".join(conflict.differing_fields())
                who = f" by {conflict.theirs_by}" if conflict.theirs_by else ""
                print(f"conflict: {conflict.agency_id}: changed in both places{who} ({fields})", file=sys.stderr)
            print(
                f"Nothing was saved: {len(report.conflicts)} agencies changed both offline and in {store.location}. "
                "Run again with --prefer mine or --prefer theirs, or merge them in the window.",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        kept = f"; kept the shared version of {len(report.kept_theirs)}" if report.kept_theirs else ""
        if report.copy_error:
            print(
                f"Merged {len(report.sent)} changes from {args.copy} into {store.location}{kept}, but the copy "
                f"could not be brought up to date ({report.copy_error}); take a new offline copy before editing "
                "offline again.",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        print(f"Merged {len(report.sent)} changes from {args.copy} into {store.location}{kept}; the copy is up to date")
        return EXIT_OK
    store = open_location(args.location)
    try:
        if args.action == "deleted":
            for item in store.deleted():
                print(f"{item.record['id']}\t{item.record['name']}\tdeleted {item.deleted_at} by {item.deleted_by}")
        elif args.action == "restore":
            store.restore(args.ids)
            print(f"Restored {', '.join(args.ids)} in {store.location}")
        else:
            for entry in store.history(args.id):
                print(
                    f"{entry.changed_at}\t{entry.changed_by}\t{entry.action}\t{entry.agency_id}\tversion {entry.version}"
                )
    finally:
        store.close()
    return EXIT_OK
