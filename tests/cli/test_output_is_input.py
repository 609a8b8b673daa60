"""No command writes over a file it reads: exit 2, a message, the file unchanged."""

from __future__ import annotations

import hashlib
import os

import pytest

from bsr_map.cli.main import main
from bsr_map.workspace.document import Workspace


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    workspace = Workspace()
    workspace.open(None)
    workspace.save_copy(folder / "agencies.csv")
    workspace.save_as(folder / "shared.gpkg")
    workspace.close()
    return folder


COMMANDS = {
    "export-directory over its CSV": "export-directory -o {d}/agencies.csv --directory {d}/agencies.csv --countries FI",
    "directory export over its GeoPackage": "directory export -o {d}/shared.gpkg --directory {d}/shared.gpkg",
    "directory import over its file": "directory import {d}/agencies.csv -o {d}/agencies.csv",
    "take-offline over the store": "directory take-offline {d}/shared.gpkg -o {d}/shared.gpkg",
    "export-map over its directory": "export-map -o {d}/agencies.csv --directory {d}/agencies.csv",
    "export-brochure over its directory": "export-brochure -o {d}/agencies.csv --directory {d}/agencies.csv",
    "a screenshot over the file shown": "gui {d}/agencies.csv --screenshot {d}/agencies.csv",
    "through a symbolic link": "export-directory -o {d}/link.csv --directory {d}/agencies.csv",
    "through a hard link": "export-directory -o {d}/hard.csv --directory {d}/agencies.csv",
    "through another spelling": "export-directory -o {d}/../{d.name}/./agencies.csv --directory {d}/agencies.csv",
}


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_refuses_to_write_over_what_it_reads(files, capsys, command):
    if not (files / "link.csv").exists():
        (files / "link.csv").symlink_to(files / "agencies.csv")
        os.link(files / "agencies.csv", files / "hard.csv")
    before = digests(files)
    argv = COMMANDS[command].format(d=files).split()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "also the file the command reads" in err and "nothing is lost" in err
    assert digests(files) == before


def test_a_different_output_is_written(files, tmp_path):
    assert main(["export-directory", "-o", str(tmp_path / "fi.csv"), "--directory", str(files / "agencies.csv")]) == 0
    assert (tmp_path / "fi.csv").stat().st_size > 0
