#!/usr/bin/env python3
"""A throw-away PostgreSQL server for the job-service tests; needs only python3 (and apt, once).

    python3 .ci/postgres.py start    # install Debian's postgresql if needed, start, print the URL
    python3 .ci/postgres.py stop

The server runs as the ``postgres`` user (when started by root) with its own data directory
under the temp folder, listening on 127.0.0.1 only, on a free port kept in that directory. It
trades durability for speed (fsync off): it is for tests. ``start`` is idempotent: a server
already running is reused, and a second start costs a ``pg_ctl status``.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = Path(tempfile.gettempdir()) / f"qfusion-postgres-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]}"
DATA = HOME / "data"
PORT_FILE = HOME / "port"


class Unavailable(Exception):
    """PostgreSQL cannot be installed or started here (the reason is the message)."""


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def ensure_installed() -> Path:
    """The directory of PostgreSQL's programs, installing Debian's ``postgresql`` package if missing."""
    binaries = _binaries()
    if binaries:
        return binaries
    if shutil.which("apt-get") is None:
        raise Unavailable("PostgreSQL is not installed and apt-get is not available to install it")
    if os.geteuid() != 0:
        raise Unavailable("PostgreSQL is not installed; installing it needs root (apt-get install postgresql)")
    print("installing PostgreSQL (apt-get install postgresql)", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    if subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], **quiet)
        if subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], **quiet).returncode != 0:
            raise Unavailable("apt-get install postgresql failed")
    binaries = _binaries()
    if binaries is None:
        raise Unavailable("apt-get installed postgresql but no pg_ctl was found under /usr/lib/postgresql")
    return binaries


def _as_owner(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def url(database: str = "postgres") -> str:
    return f"postgresql://postgres@127.0.0.1:{PORT_FILE.read_text().strip()}/{database}"


def running(binaries: Path | None = None) -> bool:
    binaries = binaries or _binaries()
    if binaries is None or not PORT_FILE.exists() or not (DATA / "PG_VERSION").exists():
        return False
    return _as_owner([str(binaries / "pg_ctl"), "status", "-D", str(DATA)]).returncode == 0


@contextlib.contextmanager
def _locked():
    """One starter at a time (parallel test processes may all ask for the server)."""
    HOME.mkdir(parents=True, exist_ok=True)
    with open(str(HOME) + ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def start() -> tuple[str, bool]:
    """Start the server (or find it running); returns (URL of the ``postgres`` database, whether started now)."""
    binaries = ensure_installed()
    with _locked():
        if running(binaries):
            return url(), False
        return _start(binaries), True


def _start(binaries: Path) -> str:
    if os.geteuid() == 0:
        shutil.chown(HOME, "postgres", "postgres")
    if not (DATA / "PG_VERSION").exists():
        shutil.rmtree(DATA, ignore_errors=True)
        done = _as_owner([str(binaries / "initdb"), "-D", str(DATA), "-U", "postgres", "-A", "trust",
                          "--no-sync", "-E", "UTF8"])
        if done.returncode != 0:
            raise Unavailable(f"initdb failed: {done.stderr.strip()[-500:]}")
    port = _free_port()
    PORT_FILE.write_text(str(port))
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={HOME} "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "
               "-c shared_buffers=64MB")
    done = _as_owner([str(binaries / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(DATA),
                      "-l", str(HOME / "server.log"), "-o", options])
    if done.returncode != 0:
        log = (HOME / "server.log").read_text()[-800:] if (HOME / "server.log").exists() else ""
        raise Unavailable(f"PostgreSQL did not start: {done.stderr.strip()[-300:]} {log}")
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    return url()


def stop() -> None:
    binaries = _binaries()
    if binaries is not None and running(binaries):
        _as_owner([str(binaries / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(DATA)])


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "start"
    try:
        if action == "start":
            print(start()[0])
        elif action == "stop":
            stop()
        else:
            print("usage: python3 .ci/postgres.py start|stop", file=sys.stderr)
            return 2
    except Unavailable as exc:
        print(f"postgres: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
