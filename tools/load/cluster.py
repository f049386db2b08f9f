"""PostgreSQL clusters the load tool may restart: by default a private one it
makes itself, or a shared Debian cluster named on the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tools.harness import LOOPBACK


def postgresql_bin() -> Path:
    """The newest server binaries Debian installed (initdb, pg_ctl)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name),
    )
    if not found:
        raise SystemExit("PostgreSQL's server is missing: apt-get install postgresql")
    return found[-1].parent


class PrivateCluster:
    """A throwaway PostgreSQL cluster: initdb in a temporary folder, served by
    pg_ctl on 127.0.0.1:`port` only (its socket in that folder too), deleted
    by stop(). Restarting it cuts no one but the run itself.

    initdb refuses to run as root: as root, the cluster belongs to the
    `postgres` user Debian's package created.
    """

    def __init__(self, port: int):
        self.port = port
        self.bin = postgresql_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-private-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgresql.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    @property
    def name(self) -> str:
        return f"private cluster on port {self.port}"

    def url(self, database: str) -> str:
        return f"postgres://postgres@{LOOPBACK}:{self.port}/{database}"

    def _pg(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            )

    def start(self) -> None:
        self._pg(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-sync",
        )
        self._pg(
            "pg_ctl",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log),
            "--options",
            f"-p {self.port} -c listen_addresses={LOOPBACK} -k {self.folder}",
            "--wait",
            "start",
        )

    def restart(self) -> None:
        """Stop (fast: open connections are cut) and start again, as a
        restart of the server would."""
        self._pg(
            "pg_ctl",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log),
            "-m",
            "fast",
            "--wait",
            "restart",
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg("pg_ctl", "--pgdata", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


class SharedCluster:
    """A Debian cluster (pg_ctlcluster), asked for by name: restarting it
    cuts everything else that uses it."""

    def __init__(self, name: str):
        versions = sorted(Path("/etc/postgresql").iterdir(), key=lambda p: int(p.name))
        self.version = versions[-1].name
        self.cluster = name

    @property
    def name(self) -> str:
        return f"shared cluster {self.version}/{self.cluster}"

    def restart(self) -> None:
        subprocess.run(
            [
                "pg_ctlcluster",
                "--skip-systemctl-redirect",
                self.version,
                self.cluster,
                "restart",
            ],
            check=True,
            capture_output=True,
        )
