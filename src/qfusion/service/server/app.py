"""The HTTP API of the job service (FastAPI; the OpenAPI document is served at ``/openapi.json``).

Every ``/v1`` route needs ``Authorization: Bearer <token>`` (a token of scope ``jobs``), and
``/metrics`` a token of scope ``metrics``; ``/health`` is open. A user sees only their own jobs
(another user's job id answers 404, as if it did not exist). Submissions are checked in full
before they are queued (``422`` malformed, ``413`` too large for the quota or the memory,
``429`` too many jobs waiting), and request bodies over the size limit are refused with 413
before they are read.

:func:`create_app` assembles the application: the routes of
:mod:`~qfusion.service.server.routes_jobs` and :mod:`~qfusion.service.server.routes_service` (each an
``APIRouter``) over one :class:`ServiceState`, the error handlers of
:mod:`~qfusion.service.server.errors`, the tokens of :mod:`~qfusion.service.server.auth`.

>>> from qfusion.service.server.store import Store
>>> app = create_app(Store("sqlite://"))
>>> sorted(p for p in app.openapi()["paths"] if p.startswith("/v1/jobs"))
['/v1/jobs', '/v1/jobs/{job_id}', '/v1/jobs/{job_id}/cancel', '/v1/jobs/{job_id}/result']
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from qfusion._optional import import_optional
from qfusion.service.logs import log
from qfusion.service.server import leases
from qfusion.service.server.admission import AdmissionPool
from qfusion.service.server.health import DatabaseCheck
from qfusion.service.server.jobspec import SubmissionLimits
from qfusion.service.server.longpoll import Waiters
from qfusion.service.server.metrics import Metrics
from qfusion.service.server.store import QuotaError

fastapi = import_optional("fastapi", "the job service")
from fastapi import FastAPI  # noqa: E402  (optional dependency)

from qfusion.service.server import errors, routes_jobs, routes_service  # noqa: E402  (they import fastapi)
from qfusion.service.server.auth import TOKEN_CACHE_S, TokenCache  # noqa: E402
from qfusion.service.server.routes_jobs import Job, JobRequest  # noqa: E402

MAX_BODY_BYTES = 8 * 2**20


@dataclass
class ServiceState:
    """What the routes share: the store and this process's caches, counters and waiters."""
    store: object
    allowed: list[str]
    server_limits: SubmissionLimits
    max_body_bytes: int
    logger: logging.Logger
    metrics: Metrics
    waiters: Waiters
    tokens: TokenCache
    admission: AdmissionPool
    health: DatabaseCheck
    recent: dict[str, int] = field(default_factory=dict)  # job id -> user id of jobs submitted here (bounded)
    qubits_of_backend: dict[str, int | None] = field(default_factory=dict)
    unavailable: dict[str, str | None] = field(default_factory=dict)  # backend -> why it cannot run on this host
    offered: tuple | None = None  # (when read, {backend: memory}) of the backends that take jobs


def create_app(store, *, backends: list[str] | None = None, max_body_bytes: int = MAX_BODY_BYTES,
               server_limits: SubmissionLimits = SubmissionLimits(), logger: logging.Logger | None = None,
               dashboard: bool = True, ui_secret: bytes | None = None) -> FastAPI:
    """The FastAPI application serving ``store``; ``backends`` limits which backends take jobs;
    ``dashboard``: serve the web dashboard under ``/ui/`` (sessions signed with ``ui_secret``)."""
    from qfusion import backends as registry
    allowed = backends or [name for name in registry.names() if not name.startswith("remote")]
    logger = logger or logging.getLogger("qfusion.service.server")
    state = ServiceState(store=store, allowed=allowed, server_limits=server_limits, max_body_bytes=max_body_bytes,
                         logger=logger, metrics=Metrics(store), waiters=Waiters(store), tokens=TokenCache(store),
                         admission=AdmissionPool(), health=DatabaseCheck(store))

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        loop = asyncio.get_running_loop()
        # Which backends can run on this host, asked before the first request: the question imports
        # every backend (seconds, holding the interpreter lock), which the first submission paid,
        # stalling every other request meanwhile.
        await loop.run_in_executor(None, lambda: [routes_jobs.runnable_here(state, name) for name in allowed])
        await loop.run_in_executor(None, state.health.start)
        tasks = [asyncio.create_task(state.waiters.run()), asyncio.create_task(_sweep(store, logger))]
        # the admission processes start now, not on the first heavy request (a spawn takes a second)
        warming = loop.run_in_executor(None, state.admission.warm)
        yield
        warming.cancel()
        for task in tasks:
            task.cancel()
        state.health.stop()
        state.admission.close()

    app = FastAPI(title="qfusion job service", version="1", lifespan=lifespan,
                  description="Queue circuits and hybrid programs (sampler, estimator, VQE, QAOA) on qfusion's "
                              "backends. Authenticate with 'Authorization: Bearer <token>' "
                              "(tokens from 'qfusion admin create-token').")
    app.state.service = state
    app.add_middleware(errors.BodyLimit, limit=max_body_bytes,
                       count=lambda method, status: state.metrics.requests.labels(method, str(status)).inc())
    errors.install(app, state.metrics, logger)
    app.include_router(routes_service.router)
    app.include_router(routes_jobs.router)
    if dashboard:
        from qfusion.service.server import ui
        ui.install(app, secret=ui_secret)
    return app


async def _sweep(store, logger, period_s: float = 1.0) -> None:
    """Put jobs of dead workers back in the queue, once a second."""
    from starlette.concurrency import run_in_threadpool
    while True:
        await asyncio.sleep(period_s)
        try:
            count = await run_in_threadpool(leases.requeue_expired, store)
        except Exception as exc:
            log(logger, "sweep.failed", logging.WARNING, error=errors.first_line(exc))
            continue
        if count:
            log(logger, "jobs.requeued", count=count)


__all__ = ["create_app", "ServiceState", "JobRequest", "Job", "QuotaError", "TOKEN_CACHE_S"]
