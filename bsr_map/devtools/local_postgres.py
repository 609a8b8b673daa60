"""A local PostgreSQL + PostGIS server for trying the shared directory (and for the tests).

``./run-postgis`` (``python -m bsr_map.devtools.local_postgres``) creates a
database cluster in the user's data folder, starts it on 127.0.0.1, creates a
``bsr_map`` role with a random password (written to ``~/.pgpass``, never
printed), a ``bsr_map`` database with the directory schema and the bundled
agencies, and prints the URL to open. PostgreSQL refuses to run as root; as
root, the server runs as the ``postgres`` system user.
"""

from __future__ import annotations

import argparse
import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def find_bindir() -> Path | None:
    """The folder of PostgreSQL's server programs (``initdb``, ``pg_ctl``), newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]), reverse=True)
    if found:  # Debian's layout: every server program of one version together
        return Path(found[0]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """A PostgreSQL cluster in ``folder``, listening on 127.0.0.1:``port``."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = Path(folder), port
        self.data = self.folder / "data"
        self.bindir = find_bindir()
        if self.bindir is None:
            raise RuntimeError(
                "PostgreSQL's server programs are not installed (Debian: apt install postgresql "
                "postgresql-15-postgis-3); ./run-tests and ./run-postgis install them."
            )
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        """Create the cluster: local socket trusted for the owner, TCP needs a password."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        """Start the server and wait until it answers."""
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder}"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate`` is a crash, as when a server goes away)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the cluster's owner over the local socket."""
        return self._run(
            str(self.bindir / "psql"),
            "-h",
            str(self.folder),
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-qAt",
            "-c",
            sql,
        ).stdout

    def create_database(self, name: str, role: str, password: str) -> str:
        """A database owned by ``role`` (login with ``password``) with PostGIS; returns its URL (no password)."""
        quoted = password.replace("'", "''")
        self.psql(f"CREATE ROLE {role} LOGIN PASSWORD '{quoted}'")
        self.psql(f"CREATE DATABASE {name} OWNER {role}")
        self.psql("CREATE EXTENSION IF NOT EXISTS postgis", database=name)
        return f"postgresql://{role}@127.0.0.1:{self.port}/{name}"


def _write_pgpass(port: int, database: str, role: str, password: str) -> Path:
    path = Path.home() / ".pgpass"
    lines = path.read_text().splitlines() if path.exists() else []
    prefix = f"127.0.0.1:{port}:{database}:{role}:"
    lines = [line for line in lines if not line.startswith(prefix)] + [prefix + password.replace(":", "\\:")]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)  # libpq ignores a .pgpass others can read
    return path


def main(argv: list[str] | None = None) -> int:
    """Start (creating on first use) the local server and print the directory's URL."""
    parser = argparse.ArgumentParser(description="Start a local PostgreSQL + PostGIS with the bsr-map directory")
    parser.add_argument("--port", type=int, default=5433)
    parser.add_argument("--stop", action="store_true", help="stop the local server")
    args = parser.parse_args(argv)
    from bsr_map.util.paths import user_data_dir

    # As root the server runs as "postgres", which cannot enter root's home.
    folder = Path("/var/tmp/bsr-map-postgres") if os.geteuid() == 0 else user_data_dir() / "postgres"
    server = LocalServer(folder, args.port)
    if args.stop:
        server.stop()
        print("bsr-map: the local database server is stopped.")
        return 0
    fresh = not server.data.exists()
    if fresh:
        server.init()
    server.start()
    url = f"postgresql://bsr_map@127.0.0.1:{args.port}/bsr_map"
    if fresh:
        password = secrets.token_urlsafe(18)
        url = server.create_database("bsr_map", "bsr_map", password)
        _write_pgpass(args.port, "bsr_map", "bsr_map", password)
        from bsr_map.directory import load_directory
        from bsr_map.store import changes_between, open_store
        from bsr_map.store.base import Snapshot
        from bsr_map.store.postgis_store import PostgisStore

        store = open_store(url)
        assert isinstance(store, PostgisStore)
        store.create_schema()
        store.apply(changes_between(Snapshot(load_directory().iloc[:0], {}), load_directory()))
        store.close()
    time.sleep(0.2)
    print(
        f"bsr-map: a local PostGIS directory is running. Open it in the window with:\n\n  ./bsr-map {url}\n\n"
        f"or give it to any command as --directory {url}\n"
        f"(the password is in ~/.pgpass; stop the server with ./run-postgis --stop)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
