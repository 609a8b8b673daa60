"""Workers for the fault tests: each is a separate bsr-map process doing what a user's window does."""

from __future__ import annotations

import sys
import time

from bsr_map.workspace.document import Workspace, WorkspaceError
from bsr_map.workspace.edits import change_edit


def bundled_geopackage(path) -> str:
    """Save the bundled directory as a GeoPackage store at ``path`` (the shared file of a fault test)."""
    setup = Workspace()
    setup.open(None)
    setup.save_as(path)
    setup.close()
    return str(path)


def edit_field(workspace: Workspace, agency_id: str, field: str, value: str) -> None:
    """Change one field of one agency, as the form does."""
    record = workspace.model.record(agency_id)
    workspace.push(change_edit(record, {**record, field: value}))


def save_at_the_same_moment(location: str, jobs, start, results) -> None:
    """For each job (agency, field, value): open the file, edit, wait for the other saver, save, report.

    Both savers take the lock over (as two offices would when told the other
    has it open), so nothing but the store's own rules keeps their saves apart.
    """
    while (job := jobs.get()) is not None:
        agency_id, field, value = job
        workspace = Workspace()
        workspace.open(location, take_over_lock=lambda _holder: True)
        edit_field(workspace, agency_id, field, value)
        start.wait()
        try:
            outcome = workspace.save()  # a conflict is settled by nobody: the save is refused
            results.put((value, "saved" if outcome.saved else "conflict", outcome.message))
        except WorkspaceError as exc:
            results.put((value, "error", str(exc)))
        finally:
            workspace.close()


def save_in_a_loop(location: str, agency_id: str, copy: str = "") -> None:
    """Save ever new values of one agency's description, printing each value once its save returned.

    With ``copy``, each edit is saved as a copy at that path instead (a new
    file renamed over the old one), the other way a save writes.
    Run as ``python -m tests.faults.savers LOCATION AGENCY [COPY]`` and killed at a random moment.
    """
    workspace = Workspace()
    workspace.open(location, take_over_lock=lambda _holder: True)
    counter = 0
    print("ready", flush=True)
    while True:
        counter += 1
        edit_field(workspace, agency_id, "description", f"Saved {counter} times.")
        if copy:
            workspace.save_copy(copy)
        else:
            workspace.save()
        print(counter, flush=True)


if __name__ == "__main__":
    save_in_a_loop(*sys.argv[1:])


def edit_and_wait(location: str, agency_id: str, value: str, then: str, ready, go) -> None:
    """A window with one unsaved edit written aside (as its timer does); on ``go``: save, or close without saving.

    Reports on the ``ready`` queue. The window that the test kills (``then`` is
    "be killed") touches nothing shared after that report, so that its death
    leaves no lock of the queue or event held.
    """
    workspace = Workspace()
    workspace.open(location or None, take_over_lock=lambda _holder: True)
    edit_field(workspace, agency_id, "description", value)
    workspace.write_recovery()
    ready.put(then)
    if then == "be killed":
        time.sleep(600)
    go.wait()
    if then == "save":
        workspace.save()
    else:  # closed, and told to drop the edit, as the window asks
        workspace.discard_recovery()
    workspace.close()
