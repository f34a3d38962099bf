"""Start the real job service (server and worker processes) on 127.0.0.1 for the tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(extra=None) -> dict:
    env = dict(os.environ, **(extra or {}))
    env.pop("QFUSION_DEBUG", None)
    env.setdefault("QFUSION_NUM_THREADS", "1")
    return env


class Service:
    """A server process and any number of worker processes sharing one database."""

    def __init__(self, database: str, log_dir: Path, *, lease_s: float = 2.0, heartbeat_s: float = 0.4,
                 max_body_bytes: int | None = None, env: dict | None = None):
        self.database, self.log_dir = database, Path(log_dir)
        self.lease_s, self.heartbeat_s, self.max_body_bytes, self.env = lease_s, heartbeat_s, max_body_bytes, env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self._logs = 0

    def _log(self, name: str):
        self._logs += 1
        return open(self.log_dir / f"{name}-{self._logs}.log", "w")

    def start_server(self, timeout: float = 60.0) -> None:
        command = [sys.executable, "-m", "qfusion.cli", "serve", "--port", str(self.port), "--database",
                   self.database, "--lease", str(self.lease_s)]
        if self.max_body_bytes:
            command += ["--max-body-bytes", str(self.max_body_bytes)]
        self.server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self._log("server"),
                                       env=_env(self.env),
                                       cwd=self.log_dir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.server.poll() is None, f"the server exited: {self.logs('server')}"
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server did not answer /health in time")

    def start_worker(self, *extra: str, own_group: bool = False) -> subprocess.Popen:
        """A worker process; ``own_group``: in a process group of its own (with its executor), as a
        service manager would start it."""
        command = [sys.executable, "-m", "qfusion.cli", "worker", "--database", self.database, "--lease",
                   str(self.lease_s), "--heartbeat", str(self.heartbeat_s), *extra]
        worker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self._log("worker"), env=_env(self.env),
                                  cwd=self.log_dir, start_new_session=own_group)
        self.workers.append(worker)
        return worker

    def kill_server(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.kill()
            self.server.wait(30)

    def logs(self, prefix: str = "") -> str:
        return "\n".join(path.read_text()[-3000:] for path in sorted(self.log_dir.glob(f"{prefix}*.log")))

    def stop(self) -> None:
        processes = [p for p in self.workers + [self.server] if p is not None and p.poll() is None]
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (a worker's executor)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Outage:
    """A TCP proxy to a database server that can be cut: while it is down, new connections are
    refused and open ones reset, as when the database server stops."""

    def __init__(self, target_host: str, target_port: int):
        import threading
        self.target = (target_host, target_port)
        self.port = free_port()
        self._down = threading.Event()
        self._stop = threading.Event()
        self._pairs: list = []
        self._lock = threading.Lock()
        self._listener = None
        self._open_listener()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _open_listener(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(256)
        listener.settimeout(0.1)
        self._listener = listener

    def _accept(self):
        import threading
        while not self._stop.is_set():
            listener = self._listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)  # (the connect's timeout would end a connection idle for 5 s, as no database does)
            with self._lock:
                self._pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.close()
            except OSError:
                pass

    def down(self):
        """Stop the database: refuse new connections, reset the open ones."""
        listener, self._listener = self._listener, None
        listener.close()
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for s in pair:  # shutdown wakes the pump blocked in recv (a bare close would not): both ends see the end
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def up(self):
        self._open_listener()

    def close(self):
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
        self.down() if self._listener is not None else None


@contextlib.contextmanager
def database_behind_outage(postgres_server: str):
    """A new database on the PostgreSQL server at ``postgres_server``, reached through an
    :class:`Outage` proxy; yields ``(url through the proxy, url of the same database direct, the
    outage)`` and drops the database afterwards."""
    import uuid

    import psycopg
    name = f"qf_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    host_port = postgres_server.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    outage = Outage(host, int(port))
    url = postgres_server.replace(host_port, f"127.0.0.1:{outage.port}").rsplit("/", 1)[0] + "/" + name
    try:
        yield url, postgres_server.rsplit("/", 1)[0] + "/" + name, outage
    finally:
        outage.close()
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
