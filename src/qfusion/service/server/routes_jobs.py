"""The job routes: submit, list, read, wait for the result of, and cancel one's own jobs.

Another user's job answers exactly as a job that does not exist (404).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import time
from typing import Any, Literal

from qfusion._optional import import_optional
from qfusion.errors import QfusionError, ServiceError

fastapi = import_optional("fastapi", "the job service")
pydantic = import_optional("pydantic", "the job service")
from fastapi import APIRouter, Depends, Query  # noqa: E402  (optional dependency)
from fastapi.requests import Request  # noqa: E402
from fastapi.responses import JSONResponse, Response  # noqa: E402
from pydantic import BaseModel, Field  # noqa: E402

from qfusion.service.logs import log  # noqa: E402
from qfusion.service.server.admission import admit, needs_process  # noqa: E402
from qfusion.service.server.auth import current_user, service  # noqa: E402
from qfusion.service.server.jobspec import SubmissionError  # noqa: E402
from qfusion.service.server.metrics import LIVENESS_S  # noqa: E402
from qfusion.service.server.store import TERMINAL, QuotaError  # noqa: E402

router = APIRouter(tags=["jobs"])
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")  # ids are 32 hex digits; anything else of this shape is a 404


class JobRequest(BaseModel):
    """A job: circuits (OpenQASM 2/3 text or qfusion's JSON form) and what to do with them."""
    circuits: list[str | dict[str, Any]] = Field(
        default=[], description='OpenQASM strings, {"format": "qasm", "source": ...} or {"format": "json", '
                                '"circuit": {...}} (qfusion.service.client.wire); empty for qaoa')
    backend: str = Field("statevector", description="backend name, see GET /v1/backends")
    program: Literal["sampler", "estimator", "vqe", "qaoa"] = "sampler"
    shots: int = Field(1024, description="shots per circuit (sampler, qaoa's final sampling)")
    seed: int | None = Field(None, description="seed; circuit i uses seed + i (chosen by the server if absent)")
    parameters: dict[str, float] | list[dict[str, float]] | None = Field(
        None, description="values of input parameters by name: one object for all circuits, or one per circuit")
    options: dict[str, Any] = Field({}, description="program options: observables (estimator), observable "
                                    "(vqe), cost and reps (qaoa); optimizer (l-bfgs-b, cobyla, nelder-mead, "
                                    "powell, spsa), initial_point, maxiter (vqe, qaoa); shots (estimator, vqe, "
                                    "qaoa: absent for exact values)")
    name: str | None = Field(None, max_length=200, description="a label for the job (shown by the dashboard)")
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


def own_job(state, user: dict, job_id: str) -> dict:
    job = state.store.job(user["id"], job_id)
    if job is None:
        raise ServiceError(f"no job {job_id!r}", 404)
    return job


# The two routes every job takes read their request themselves (FastAPI's dependency and
# parameter machinery was a fifth of the server's CPU per job); openapi_extra documents them.
@router.post("/v1/jobs", status_code=201, response_model=None, responses={201: {"model": Job}},
             openapi_extra={"parameters": [_AUTHORIZATION], "requestBody": {
                 "required": True, "content": {"application/json": {"schema": JobRequest.model_json_schema()}}}})
async def submit(request: Request) -> Response:
    """Check and queue a job (422 malformed, 413 too large, 429 too many waiting, 409 a reused key)."""
    from starlette.concurrency import run_in_threadpool
    user = await current_user(request)
    return await run_in_threadpool(queue_job, service(request), await request.body(), user)


def queue_job(state, body: bytes, user: dict) -> Response:
    if state.store.active_jobs(user["id"]) >= user["max_queued"]:  # before anything is read
        raise QuotaError(f"you have {user['max_queued']} jobs queued or running, your quota is "
                         f"{user['max_queued']}; wait for some to finish or cancel some", status=429)
    server_limits = state.server_limits
    limits = dataclasses.replace(server_limits, max_qubits=min(user["max_qubits"], server_limits.max_qubits),
                                 max_shots=min(user["max_shots"], server_limits.max_shots),
                                 max_source_bytes=state.max_body_bytes)
    context = {"offered": offered_backends(state), "allowed": state.allowed, "limits": limits,
               "reasons": {name: runnable_here(state, name) for name in state.allowed}}
    if needs_process(body):  # off this process: its interpreter lock would stall every other request
        backend, key, spec, digest = state.admission.check(body, context, owner=user["id"])
    else:
        backend, key, spec, digest = admit(body, context)
    job = state.store.submit(user, backend=backend, program=spec.program, payload=spec.payload,
                             num_circuits=spec.num_circuits, num_qubits=spec.num_qubits, shots=spec.shots,
                             idempotency_key=key, request_hash=digest)
    state.metrics.submitted.labels(backend, spec.program).inc()
    recent = state.recent
    recent[job["id"]] = user["id"]
    if len(recent) > 100_000:
        for old in list(recent)[:50_000]:
            del recent[old]
    log(state.logger, "job.submitted", job_id=job["id"], user=user["name"], backend=backend,
        program=spec.program, num_qubits=spec.num_qubits, shots=spec.shots)
    if '"plan"' in spec.payload:  # submitted as backend="auto": the plan that chose the backend
        planned = json.loads(spec.payload).get("plan")
        if planned:
            job = dict(job, plan=planned)
    return JSONResponse(job, status_code=201)


def offered_backends(state) -> dict[str, int | None]:
    """``{backend: memory of the workers serving it (None: not known)}`` of the backends that take jobs:
    those a live worker serves, and those this host can run (jobs for them wait for a worker).
    A backend no live worker serves and this host cannot run (a GPU backend here without a GPU)
    is not offered. Read from the database at most once a second."""
    now = time.monotonic()
    cached = state.offered
    if cached is not None and now - cached[0] < 1.0:
        return cached[1]
    served = state.store.served_backends(LIVENESS_S)
    offered = {name: served.get(name) for name in state.allowed
               if name in served or runnable_here(state, name) is None}
    state.offered = (now, offered)
    return offered


def runnable_here(state, name: str) -> str | None:
    """Why backend ``name`` cannot run on this host (None: it can), asked once."""
    if name not in state.unavailable:
        from qfusion import backends as registry
        try:
            state.unavailable[name] = registry.get(name).unavailable_reason()
        except QfusionError as exc:
            state.unavailable[name] = str(exc)
    return state.unavailable[name]


def _job_id(job_id: str) -> str:
    if not _JOB_ID.match(job_id):
        raise SubmissionError("a job id is at most 64 letters, digits, '_' or '-' (ours are 32 hex digits)")
    return job_id


@router.get("/v1/jobs")
def list_jobs(request: Request, user: dict = Depends(current_user),
              state: Literal["QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED"] | None = None,
              limit: int = Query(100, ge=1, le=1000), before: float | None = None) -> dict:
    """The caller's jobs, newest first (``before``: created before this time, for paging)."""
    return {"jobs": service(request).store.jobs(user["id"], state=state, limit=limit, before=before)}


@router.get("/v1/jobs/{job_id}", response_model=None, responses={200: {"model": Job}})
def get_job(request: Request, job_id: str, user: dict = Depends(current_user)) -> dict:
    """One of the caller's jobs (404 for anyone else's); with its plan when it was submitted as ``auto``."""
    state = service(request)
    job = own_job(state, user, _job_id(job_id))
    planned = state.store.job_plan(user["id"], job["id"])
    return dict(job, plan=planned) if planned else job


@router.get("/v1/jobs/{job_id}/result", openapi_extra={"parameters": [
    {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "wait", "in": "query", "required": False, "description": "seconds to wait for the job to end",
     "schema": {"type": "number", "minimum": 0, "maximum": 60, "default": 0}}, _AUTHORIZATION]})
async def get_result(request: Request):
    """The result of a DONE job (200); 202 with the job while it has not ended; 409 if it failed."""
    from starlette.concurrency import run_in_threadpool
    state = service(request)
    user = await current_user(request)
    wait = _wait_seconds(request.query_params.get("wait", "0"))
    job_id = _job_id(request.path_params["job_id"])
    # A job submitted here moments ago by this user: wait first, and read only if the wait ran out.
    mine_here = wait > 0 and state.recent.get(job_id) == user["id"]
    found = await state.waiters.wait(job_id, wait) if mine_here else None
    if found is None:
        job, data = await run_in_threadpool(state.store.result, user["id"], job_id, raw=True)
        if job is None:
            raise ServiceError(f"no job {job_id!r}", 404)
        if job["state"] not in TERMINAL and wait > 0 and not mine_here:
            found = await state.waiters.wait(job_id, wait)  # the caller's job (checked just above)
    if found is not None:
        job, data = found
    if job["state"] in TERMINAL:
        state.metrics.finished(job)
    if job["state"] == "DONE":  # the stored JSON goes out as it is, not decoded and encoded again
        return Response(f'{{"job": {json.dumps(job)}, "result": {data}}}', media_type="application/json")
    if job["state"] in ("FAILED", "CANCELLED"):
        reason = f": {job['error']}" if job["error"] else ""
        return JSONResponse({"detail": f"job {job_id} is {job['state']}{reason}", "job": job}, status_code=409)
    return JSONResponse({"job": job}, status_code=202)


@router.post("/v1/jobs/{job_id}/cancel", response_model=None, responses={200: {"model": Job}})
def cancel(request: Request, job_id: str, user: dict = Depends(current_user)) -> dict:
    """Cancel a queued or running job (409 if it has already ended otherwise)."""
    state = service(request)
    own_job(state, user, _job_id(job_id))
    job = state.store.cancel(user["id"], job_id)
    if job["state"] in ("DONE", "FAILED"):
        raise ServiceError(f"job {job_id} is already {job['state']}", 409)
    log(state.logger, "job.cancelled", job_id=job_id, user=user["name"])
    return job
