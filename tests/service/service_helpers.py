"""Start the real job service (server and worker processes) on 127.0.0.1 for the tests."""

from __future__ import annotations

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
