"""The service's own routes: ``/health`` (open), ``/metrics`` (a ``metrics`` token) and ``/v1/backends``."""

from __future__ import annotations

from qfusion._optional import import_optional

import_optional("fastapi", "the job service")
from fastapi import APIRouter, Depends  # noqa: E402  (optional dependency)
from fastapi.requests import Request  # noqa: E402
from fastapi.responses import JSONResponse, Response  # noqa: E402

from qfusion.service.server.auth import current_user, metrics_reader, service  # noqa: E402

router = APIRouter()


@router.get("/health", tags=["service"])
async def health(request: Request) -> Response:
    """Whether the server and its database answer (without the database's own error text: the route is open).

    It is answered on the event loop from the database check that a thread of its own makes every
    quarter second (:class:`~qfusion.service.server.health.DatabaseCheck`), so that it stays fast
    however busy the server's thread pool is; the answer is at most that old."""
    state = service(request)
    check = state.health
    if check.running:
        ok = check.ok()
    else:  # the app runs without its lifespan (a test client): ask now
        from starlette.concurrency import run_in_threadpool
        ok = await run_in_threadpool(check.ping_now)
    if not ok:
        return JSONResponse({"status": "unavailable", "database": state.store.dialect}, status_code=503,
                            headers={"Retry-After": "1"})
    return JSONResponse({"status": "ok", "database": state.store.dialect})


@router.get("/metrics", tags=["service"], response_class=Response)
def prometheus_metrics(request: Request, _reader: dict = Depends(metrics_reader)) -> Response:
    """Prometheus metrics: queue length per backend, job latency, worker liveness.

    Needs a token of scope ``metrics`` (``qfusion admin create-token NAME --scope metrics``;
    in Prometheus, ``authorization: {credentials_file: ...}``): the queue and the workers
    are the whole service's, not one user's.
    """
    body, content_type = service(request).metrics.render()
    return Response(body, media_type=content_type)


@router.get("/v1/backends", tags=["jobs"])
def list_backends(request: Request, user: dict = Depends(current_user)) -> dict:
    """Backends that take jobs, and the caller's quotas."""
    from qfusion.service.server.routes_jobs import offered_backends
    return {"backends": list(offered_backends(service(request))),
            "quotas": {k: user[k] for k in ("max_qubits", "max_shots", "max_queued", "max_concurrent")}}
