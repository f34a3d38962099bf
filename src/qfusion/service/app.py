"""The HTTP API of the job service (FastAPI; the OpenAPI document is served at ``/openapi.json``).

Every ``/v1`` route needs ``Authorization: Bearer <token>`` (a token of scope ``jobs``), and
``/metrics`` a token of scope ``metrics``; ``/health`` is open. A user sees only their own jobs
(another user's job id answers 404, as if it did not exist). Submissions are checked in full
before they are queued (``422`` malformed, ``413`` too large for the quota or the memory,
``429`` too many jobs waiting), and request bodies over the size limit are refused with 413
before they are read.

>>> from qfusion.service.store import Store
>>> app = create_app(Store("sqlite://"))
>>> sorted(p for p in app.openapi()["paths"] if p.startswith("/v1/jobs"))
['/v1/jobs', '/v1/jobs/{job_id}', '/v1/jobs/{job_id}/cancel', '/v1/jobs/{job_id}/result']
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from typing import Any, Literal, Union

from qfusion._optional import import_optional
from qfusion.errors import QfusionError, ServiceError
from qfusion.service import leases
from qfusion.service.jobspec import Limits, SubmissionError, check_submission
from qfusion.service.logs import log
from qfusion.service.longpoll import Waiters
from qfusion.service.metrics import Metrics
from qfusion.service.store import TERMINAL, QuotaError, hash_token

fastapi = import_optional("fastapi", "the job service")
pydantic = import_optional("pydantic", "the job service")
from fastapi import Depends, FastAPI, Header, Query  # noqa: E402  (optional dependency)
from fastapi.requests import Request  # noqa: E402
from fastapi.responses import JSONResponse, Response  # noqa: E402
from pydantic import BaseModel, Field  # noqa: E402

MAX_BODY_BYTES = 8 * 2**20
TOKEN_CACHE_S = 5.0  # a revoked token stops working within this many seconds (an expired one at once)


class JobRequest(BaseModel):
    """A job: circuits (OpenQASM 2/3 text or qfusion's JSON form) and what to do with them."""
    circuits: list[Union[str, dict[str, Any]]] = Field(
        default=[], description='OpenQASM strings, {"format": "qasm", "source": ...} or {"format": "json", '
                                '"circuit": {...}} (qfusion.service.wire); empty for qaoa')
    backend: str = Field("statevector", description="backend name, see GET /v1/backends")
    program: Literal["sampler", "estimator", "vqe", "qaoa"] = "sampler"
    shots: int = Field(1024, description="shots per circuit (sampler, qaoa's final sampling)")
    seed: int | None = Field(None, description="seed; circuit i uses seed + i (chosen by the server if absent)")
    parameters: Union[dict[str, float], list[dict[str, float]], None] = Field(
        None, description="values of input parameters by name: one object for all circuits, or one per circuit")
    options: dict[str, Any] = Field({}, description="program options: observables (estimator), observable "
                                    "(vqe), cost and reps (qaoa); optimizer (l-bfgs-b, cobyla, nelder-mead, "
                                    "powell, spsa), initial_point, maxiter (vqe, qaoa); shots (estimator, vqe, "
                                    "qaoa: absent for exact values)")
    idempotency_key: str | None = Field(None, max_length=100, description="retrying with the same key returns "
                                        "the same job instead of a second one")


class Job(BaseModel):
    id: str
    state: Literal["QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED"]
    backend: str
    program: str
    num_circuits: int
    num_qubits: int
    shots: int
    attempt: int = Field(description="how many times a worker has started the job")
    created_at: float
    started_at: float | None
    finished_at: float | None
    error: str | None


_AUTHORIZATION = {"name": "authorization", "in": "header", "required": True, "description": "Bearer <token>",
                  "schema": {"type": "string"}}


def _wait_seconds(text: str) -> float:
    """The ``wait`` query parameter: seconds from 0 to 60."""
    try:
        wait = float(text)
    except ValueError:
        wait = math.nan
    if not 0 <= wait <= 60:
        raise ServiceError(f"wait: seconds from 0 to 60, got {text!r}", 422)
    return wait


class _BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413 (declared or streamed)."""

    def __init__(self, app, limit: int, count=None):
        self.app, self.limit, self.count = app, limit, count

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.count is not None:
            send = self._counting(scope["method"], send)
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                return await self._refuse(send)
        # Read the whole body first (it is small, or refused): no route ever sees a partial one.
        chunks, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.limit:
                return await self._refuse(send)
            more = message.get("more_body", False)
        await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}],
                                      receive), send)

    def _counting(self, method: str, send):
        async def counted(message):
            if message["type"] == "http.response.start":
                self.count(method, message["status"])
            await send(message)
        return counted

    async def _refuse(self, send):
        response = JSONResponse({"detail": f"the request body is larger than the limit of {self.limit:,} bytes"},
                                status_code=413)
        await response({"type": "http"}, None, send)


def _replay(messages, then=None):
    async def receive():
        if messages:
            return messages.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}
    return receive


def create_app(store, *, backends: list[str] | None = None, max_body_bytes: int = MAX_BODY_BYTES,
               server_limits: Limits = Limits(), logger: logging.Logger | None = None) -> FastAPI:
    """The FastAPI application serving ``store``; ``backends`` limits which backends take jobs."""
    from qfusion import backends as registry
    allowed = backends or [name for name in registry.names() if not name.startswith("remote")]
    logger = logger or logging.getLogger("qfusion.service.server")
    metrics = Metrics(store)
    waiters = Waiters(store)
    token_cache: dict[str, tuple[float, dict]] = {}
    recent: dict[str, int] = {}  # job id -> user id of jobs submitted to this process (bounded)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        tasks = [asyncio.create_task(waiters.run()), asyncio.create_task(_sweep(store, logger))]
        yield
        for task in tasks:
            task.cancel()

    app = FastAPI(title="qfusion job service", version="1", lifespan=lifespan,
                  description="Queue circuits and hybrid programs (sampler, estimator, VQE, QAOA) on qfusion's "
                              "backends. Authenticate with 'Authorization: Bearer <token>' "
                              "(tokens from 'qfusion admin create-token').")
    app.add_middleware(_BodyLimit, limit=max_body_bytes,
                       count=lambda method, status: metrics.requests.labels(method, str(status)).inc())

    @app.exception_handler(fastapi.exceptions.RequestValidationError)
    async def _invalid(_request, exc):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        message = f"{where}: {first.get('msg', 'invalid request')}" if where else first.get("msg", "invalid request")
        metrics.rejected.labels("422").inc()
        return JSONResponse({"detail": message}, status_code=422)

    @app.exception_handler(ServiceError)
    async def _service_error(_request, exc):
        status = exc.status or 400
        metrics.rejected.labels(str(status)).inc()
        return JSONResponse({"detail": str(exc)}, status_code=status)

    from sqlalchemy.exc import DBAPIError

    @app.exception_handler(DBAPIError)
    async def _database_away(_request, exc):  # the client retries a 503
        log(logger, "database.error", logging.WARNING, error=str(exc.orig).strip().splitlines()[0][:300])
        metrics.rejected.labels("503").inc()
        return JSONResponse({"detail": "the job database is unavailable just now; retry shortly"}, status_code=503)

    async def token_user(authorization: str | None, scope: str) -> dict:
        # async, so that a cached token costs no hop to the thread pool
        if not authorization or not authorization.startswith("Bearer "):
            raise ServiceError("missing API token: send 'Authorization: Bearer <token>'", 401)
        token = authorization[7:].strip()
        key = hash_token(token)
        cached = token_cache.get(key)
        if cached and cached[0] > time.monotonic() and (cached[1]["expires_at"] or math.inf) > time.time():
            user = cached[1]
        else:
            from starlette.concurrency import run_in_threadpool
            user = await run_in_threadpool(store.authenticate, token)
            if user is None:
                raise ServiceError("invalid, revoked or expired API token", 401)
            if len(token_cache) > 10_000:
                token_cache.clear()
            token_cache[key] = (time.monotonic() + TOKEN_CACHE_S, user)
        if user["scope"] != scope:
            raise ServiceError(f"this token's scope is {user['scope']!r}; this request needs a {scope!r} token "
                               f"('qfusion admin create-token NAME --scope {scope}')", 403)
        return user

    async def current_user(authorization: str | None = Header(None, description="Bearer <token>")) -> dict:
        return await token_user(authorization, "jobs")

    async def metrics_reader(authorization: str | None = Header(None, description="Bearer <metrics token>")):
        return await token_user(authorization, "metrics")

    qubits_of_backend: dict[str, int | None] = {}

    def backend_qubits(name: str) -> int | None:
        """How many qubits backend ``name`` has, when it says (a device's size, ``max_qubits``)."""
        if name not in qubits_of_backend:
            try:
                backend = registry.get(name)
            except QfusionError:
                backend = None
            qubits_of_backend[name] = (getattr(backend, "max_qubits", None)
                                       or getattr(getattr(backend, "device", None), "num_qubits", None))
        return qubits_of_backend[name]

    def own_job(user: dict, job_id: str) -> dict:
        job = store.job(user["id"], job_id)
        if job is None:
            raise ServiceError(f"no job {job_id!r}", 404)
        return job

    @app.get("/health", tags=["service"])
    def health() -> dict:
        """Whether the server and its database answer."""
        try:
            store.ping()
        except Exception as exc:
            return JSONResponse({"status": "unavailable", "database": str(exc).splitlines()[0]}, status_code=503)
        return {"status": "ok", "database": store.dialect}

    @app.get("/metrics", tags=["service"], response_class=Response)
    def prometheus_metrics(_reader: dict = Depends(metrics_reader)) -> Response:
        """Prometheus metrics: queue length per backend, job latency, worker liveness.

        Needs a token of scope ``metrics`` (``qfusion admin create-token NAME --scope metrics``;
        in Prometheus, ``authorization: {credentials_file: ...}``): the queue and the workers
        are the whole service's, not one user's.
        """
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    @app.get("/v1/backends", tags=["jobs"])
    def list_backends(user: dict = Depends(current_user)) -> dict:
        """Backends that take jobs, and the caller's quotas."""
        return {"backends": allowed, "quotas": {k: user[k] for k in ("max_qubits", "max_shots", "max_queued",
                                                                       "max_concurrent")}}

    # The two routes every job takes read their request themselves (FastAPI's dependency and
    # parameter machinery was a fifth of the server's CPU per job); openapi_extra documents them.
    @app.post("/v1/jobs", tags=["jobs"], status_code=201, response_model=None, responses={201: {"model": Job}},
              openapi_extra={"parameters": [_AUTHORIZATION], "requestBody": {
                  "required": True, "content": {"application/json": {"schema": JobRequest.model_json_schema()}}}})
    async def submit(request: Request) -> Response:
        """Check and queue a job (422 malformed, 413 too large, 429 too many waiting)."""
        from starlette.concurrency import run_in_threadpool
        user = await current_user(request.headers.get("authorization"))
        try:
            job_request = JobRequest.model_validate_json(await request.body())
        except pydantic.ValidationError as exc:
            raise fastapi.exceptions.RequestValidationError(exc.errors()) from None
        return await run_in_threadpool(queue_job, job_request, user)

    def queue_job(request: JobRequest, user: dict) -> Response:
        if request.backend not in allowed:
            raise SubmissionError(f"unknown backend {request.backend!r}; this service runs {', '.join(allowed)}")
        limits = Limits(max_qubits=min(user["max_qubits"], server_limits.max_qubits),
                        max_shots=min(user["max_shots"], server_limits.max_shots),
                        max_circuits=server_limits.max_circuits, max_operations=server_limits.max_operations,
                        max_source_bytes=max_body_bytes)
        try:
            spec = check_submission(request.model_dump(), limits, request.backend, backend_qubits(request.backend))
        except QfusionError as exc:
            if isinstance(exc, ServiceError):
                raise
            raise SubmissionError(str(exc)) from None
        except RecursionError:
            raise SubmissionError("the circuit is nested too deeply to read") from None
        backend_name, planned = request.backend, None
        if backend_name == "auto":  # planned now, queued for the chosen backend, the plan kept with the job
            from qfusion.service.planning import plan_job
            backend_name, planned = plan_job(spec.payload, allowed)
            spec.payload["plan"] = planned
        job = store.submit(user, backend=backend_name, program=spec.program, payload=spec.payload,
                           num_circuits=spec.num_circuits, num_qubits=spec.num_qubits, shots=spec.shots,
                           idempotency_key=request.idempotency_key)
        metrics.submitted.labels(backend_name, spec.program).inc()
        recent[job["id"]] = user["id"]
        if len(recent) > 100_000:
            for key in list(recent)[:50_000]:
                del recent[key]
        log(logger, "job.submitted", job_id=job["id"], user=user["name"], backend=backend_name,
            program=spec.program, num_qubits=spec.num_qubits, shots=spec.shots)
        return JSONResponse(dict(job, plan=planned) if planned else job, status_code=201)

    @app.get("/v1/jobs", tags=["jobs"])
    def list_jobs(user: dict = Depends(current_user),
                  state: Literal["QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED"] | None = None,
                  limit: int = Query(100, ge=1, le=1000), before: float | None = None) -> dict:
        """The caller's jobs, newest first (``before``: created before this time, for paging)."""
        return {"jobs": store.jobs(user["id"], state=state, limit=limit, before=before)}

    @app.get("/v1/jobs/{job_id}", tags=["jobs"], response_model=None, responses={200: {"model": Job}})
    def get_job(job_id: str, user: dict = Depends(current_user)) -> dict:
        """One of the caller's jobs (404 for anyone else's); with its plan when it was submitted as ``auto``."""
        job = own_job(user, job_id)
        planned = store.job_plan(user["id"], job_id)
        return dict(job, plan=planned) if planned else job

    @app.get("/v1/jobs/{job_id}/result", tags=["jobs"], openapi_extra={"parameters": [
        {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "wait", "in": "query", "required": False, "description": "seconds to wait for the job to end",
         "schema": {"type": "number", "minimum": 0, "maximum": 60, "default": 0}}, _AUTHORIZATION]})
    async def get_result(request: Request):
        """The result of a DONE job (200); 202 with the job while it has not ended; 409 if it failed."""
        from starlette.concurrency import run_in_threadpool
        user = await current_user(request.headers.get("authorization"))
        job_id, wait = request.path_params["job_id"], _wait_seconds(request.query_params.get("wait", "0"))
        # A job submitted here moments ago by this user: wait first, and read only if the wait ran out.
        mine_here = wait > 0 and recent.get(job_id) == user["id"]
        found = await waiters.wait(job_id, wait) if mine_here else None
        if found is None:
            job, data = await run_in_threadpool(store.result, user["id"], job_id, raw=True)
            if job is None:
                raise ServiceError(f"no job {job_id!r}", 404)
            if job["state"] not in TERMINAL and wait > 0 and not mine_here:
                found = await waiters.wait(job_id, wait)  # the caller's job (checked just above)
        if found is not None:
            job, data = found
        if job["state"] in TERMINAL:
            metrics.finished(job)
        if job["state"] == "DONE":  # the stored JSON goes out as it is, not decoded and encoded again
            return Response(f'{{"job": {json.dumps(job)}, "result": {data}}}', media_type="application/json")
        if job["state"] in ("FAILED", "CANCELLED"):
            reason = f": {job['error']}" if job["error"] else ""
            return JSONResponse({"detail": f"job {job_id} is {job['state']}{reason}", "job": job}, status_code=409)
        return JSONResponse({"job": job}, status_code=202)

    @app.post("/v1/jobs/{job_id}/cancel", tags=["jobs"], response_model=None, responses={200: {"model": Job}})
    def cancel(job_id: str, user: dict = Depends(current_user)) -> dict:
        """Cancel a queued or running job (409 if it has already ended otherwise)."""
        own_job(user, job_id)
        job = store.cancel(user["id"], job_id)
        if job["state"] in ("DONE", "FAILED"):
            raise ServiceError(f"job {job_id} is already {job['state']}", 409)
        log(logger, "job.cancelled", job_id=job_id, user=user["name"])
        return job

    return app


async def _sweep(store, logger, period_s: float = 1.0) -> None:
    """Put jobs of dead workers back in the queue, once a second."""
    from starlette.concurrency import run_in_threadpool
    while True:
        await asyncio.sleep(period_s)
        try:
            count = await run_in_threadpool(leases.requeue_expired, store)
        except Exception as exc:
            log(logger, "sweep.failed", logging.WARNING, error=str(exc).splitlines()[0])
            continue
        if count:
            log(logger, "jobs.requeued", count=count)


__all__ = ["create_app", "JobRequest", "Job", "QuotaError"]
