"""``qfusion serve``: the HTTP server (uvicorn) and, with ``--workers N``, N local worker processes.

The default database is one SQLite file under the user's data directory
(:func:`~qfusion.service.server.store.default_database`), created by ``qfusion serve`` if it is not
there, so ``qfusion serve`` works with nothing set up; ``--database postgresql://user@host/db`` uses PostgreSQL. SIGTERM
or Ctrl-C stops accepting requests, then stops the local workers gracefully (each finishes or
returns its running job). ``--processes N`` runs N HTTP server processes on one port (all state
is in the database, so any of them answers any request; the per-process Prometheus counters
are each process's own, the queue and worker gauges are read from the database).

>>> config = ServerConfig(port=0, workers=2)
>>> config.database.endswith("service.db"), config.host
(True, '127.0.0.1')
>>> worker_command(ServerConfig(max_run_s=60.0))[-2:]  # a local worker's cap on one job's run time
['--max-run-seconds', '60.0']
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, field

from qfusion._optional import import_optional
from qfusion.service.logs import log, setup_logging


def default_database() -> str:
    from qfusion.service.server.store import default_database as default
    return default()


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    database: str = field(default_factory=lambda: default_database())
    workers: int = 0
    processes: int = 1  # HTTP server processes sharing the port (each its own pool and waiters)
    backends: tuple[str, ...] = field(default=())
    max_body_bytes: int = 8 * 2**20
    lease_s: float = 10.0
    heartbeat_s: float = 2.0
    max_run_s: float | None = None  # the local workers' cap on a job's run time (the owner's quota also applies)
    header_timeout_s: float = 10.0  # a connection that has not sent a request's headers by then is closed
    log_level: str = "info"
    dashboard: bool = True  # the web dashboard under /ui/


def worker_command(config: ServerConfig) -> list[str]:
    """The command line of one local worker process."""
    command = [sys.executable, "-m", "qfusion.cli", "worker", "--database", config.database,
               "--lease", str(config.lease_s), "--heartbeat", str(config.heartbeat_s), "--log-level", config.log_level]
    for backend in config.backends:
        command += ["--backend", backend]
    if config.max_run_s is not None:
        command += ["--max-run-seconds", str(config.max_run_s)]
    return command


def start_workers(config: ServerConfig) -> list[subprocess.Popen]:
    return [subprocess.Popen(worker_command(config)) for _ in range(config.workers)]


def stop_workers(processes, timeout: float = 60.0) -> None:
    """SIGTERM each worker (it finishes or returns its job), then wait; SIGKILL only stragglers."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def app_from_environment():
    """The app of one server process of ``--processes N``, configured by ``QFUSION_SERVER_CONFIG``."""
    from qfusion.service.server.app import create_app
    from qfusion.service.server.store import Store
    values = json.loads(os.environ["QFUSION_SERVER_CONFIG"])
    config = ServerConfig(**{**values, "backends": tuple(values["backends"])})
    logger = setup_logging("server", config.log_level)
    return create_app(Store(config.database), backends=list(config.backends) or None,
                      max_body_bytes=config.max_body_bytes, logger=logger, dashboard=config.dashboard)


def _uvicorn_options(config: ServerConfig) -> dict:
    return {"host": config.host, "port": config.port, "log_config": None, "access_log": False,
            "http": "qfusion.service.server.http:HeaderTimeoutProtocol",
            "log_level": "warning", "lifespan": "on", "timeout_graceful_shutdown": 10, "backlog": 2048,
            "timeout_keep_alive": 75}


def serve(config: ServerConfig) -> int:
    """Run the server until SIGTERM/SIGINT; returns the exit code."""
    uvicorn = import_optional("uvicorn", "the job service")
    from qfusion.service.server.app import create_app
    from qfusion.service.server.store import Store
    logger = setup_logging("server", config.log_level)
    os.environ["QFUSION_HEADER_TIMEOUT_S"] = str(config.header_timeout_s)  # read by every server process
    store = Store(config.database)  # migrates before any worker or server process starts
    if config.processes > 1:
        os.environ["QFUSION_SERVER_CONFIG"] = json.dumps(asdict(config))
        # one dashboard secret for every server process, so a session works whichever one answers
        os.environ.setdefault("QFUSION_UI_SECRET", secrets.token_hex(32))
        processes = start_workers(config)
        log(logger, "server.started", host=config.host, port=config.port, processes=config.processes,
            workers=len(processes), pid=os.getpid())
        try:  # uvicorn's supervisor stops its server processes on SIGTERM/SIGINT, then returns
            uvicorn.run("qfusion.service.server.serve:app_from_environment", factory=True, workers=config.processes,
                        **_uvicorn_options(config))
        finally:
            stop_workers(processes)
            store.close()
            log(logger, "server.stopped")
        return 0
    app = create_app(store, backends=list(config.backends) or None, max_body_bytes=config.max_body_bytes,
                     logger=logger, dashboard=config.dashboard)
    server = uvicorn.Server(uvicorn.Config(app, **_uvicorn_options(config)))
    # uvicorn re-raises the signal it caught after shutting down; with these handlers in place that
    # re-raise is harmless, and the local workers are still stopped below.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: setattr(server, "should_exit", True))
    processes = start_workers(config)
    log(logger, "server.started", host=config.host, port=config.port, database=store.engine.url.render_as_string(
        hide_password=True), workers=len(processes), pid=os.getpid())
    try:
        server.run()
    finally:
        stop_workers(processes)
        store.close()
        log(logger, "server.stopped")
    return 0 if server.started else 1
