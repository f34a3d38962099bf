"""Admission off the event loop: a submission is read and checked in a small pool of processes,
under a time budget, so that parsing a heavy circuit never delays ``/health`` or anyone else's
request (a thread would hold the interpreter's lock for the whole parse).

Cheap requests (under 64 KB, with no OpenQASM loops, gate or subroutine definitions) are
checked in the server's own thread pool: a round trip to a process costs more
than they do. A check that runs past its budget is stopped (the process is replaced) and the
job refused with 413.

>>> needs_process(b'{"circuits": ["OPENQASM 3; qubit q; x q;"]}')
False
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import json
import multiprocessing
import os
import re
import threading
import time

from qfusion.errors import QfusionError
from qfusion.service.server.jobspec import SubmissionError

_HEAVY = re.compile(rb"\b(?:for|while|gate|def|box)\b")
INLINE_BODY_BYTES = 64 * 1024


def needs_process(body: bytes) -> bool:
    """Whether checking the raw request ``body`` could take long: over 64 KB (JSON of that size costs
    tens of milliseconds to validate and convert), or OpenQASM with loops or definitions. Read from the
    bytes, without decoding them.

    >>> needs_process(b'{"circuits": ["OPENQASM 3; qubit q; for int i in [0:9] { x q; }"]}')
    True
    >>> needs_process(b'{"circuits": [{"format": "json", "circuit": {"num_qubits": 1, "instructions": []}}]}')
    False
    """
    return len(body) > INLINE_BODY_BYTES or _HEAVY.search(body) is not None


_QUBITS: dict[str, int | None] = {}


def backend_qubits(name: str) -> int | None:
    """How many qubits backend ``name`` has, when it says (a device's size, ``max_qubits``).

    >>> backend_qubits("superconducting"), backend_qubits("statevector"), backend_qubits("no_such_backend")
    (27, None, None)
    """
    if name not in _QUBITS:
        from qfusion import backends as registry
        try:
            backend = registry.get(name)
        except QfusionError:
            backend = None
        _QUBITS[name] = (getattr(backend, "max_qubits", None)
                         or getattr(getattr(backend, "device", None), "num_qubits", None))
    return _QUBITS[name]


def _validation_message(exc) -> str:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    return f"{where}: {first.get('msg', 'invalid request')}" if where else first.get("msg", "invalid request")


def admit(body: bytes, context: dict):
    """Everything a submission's admission costs, from its raw bytes: strict validation, the string
    checks, the backend (among ``context["offered"]``), :func:`check_submission` and the request's
    hash. Returns ``(backend, idempotency_key, spec, request_hash)``; raises :class:`SubmissionError`."""
    import pydantic

    from qfusion.service.server.jobspec import check_submission, check_text
    from qfusion.service.server.routes_jobs import JobRequest
    try:
        request = JobRequest.model_validate_json(body, strict=True)
    except pydantic.ValidationError as exc:
        raise SubmissionError(_validation_message(exc)) from None
    if request.idempotency_key is not None:
        check_text(request.idempotency_key, "idempotency_key", 100, key=True)
    check_text(request.backend, "backend", 100, key=True)
    if request.name is not None:
        check_text(request.name, "name", 200)
    offered = context["offered"]
    if request.backend not in offered:
        raise SubmissionError(_not_offered(request.backend, offered, context["allowed"], context["reasons"]))
    dumped = request.model_dump()
    backend, planned = request.backend, None
    try:
        if backend == "auto":  # checked against the limits, planned among the offered backends, queued for the choice
            from qfusion.service.server.planning import plan_job
            checked = check_submission(dumped, context["limits"], "auto")
            backend, planned = plan_job(checked.payload, [name for name in offered if name != "auto"], offered)
        spec = check_submission(dumped, context["limits"], backend, backend_qubits(backend), offered[backend])
    except QfusionError as exc:
        if isinstance(exc, SubmissionError):
            raise
        raise SubmissionError(str(exc), getattr(exc, "status", None) or 422) from None
    except RecursionError:
        raise SubmissionError("the circuit is nested too deeply to read") from None
    # A retry resends the same bytes: their hash tells a retry from another request under the same key.
    digest = hashlib.sha256(body).hexdigest()
    payload = dict(spec.payload, name=request.name) if request.name else spec.payload  # the dashboard's label
    if planned is not None:
        payload = dict(payload, plan=planned)
    # The payload travels back (from a pool process) and into the database as JSON text, encoded once.
    return backend, request.idempotency_key, dataclasses.replace(spec, payload=json.dumps(payload)), digest


def _not_offered(name: str, offered, allowed, reasons) -> str:
    if name in allowed:
        why = reasons.get(name) or "no worker serves it"
        return (f"backend {name!r} cannot run on this service just now ({why}); backends that take jobs: "
                f"{', '.join(offered) or 'none'}")
    import difflib
    close = difflib.get_close_matches(str(name), list(allowed) + list(offered), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown backend {name!r}{hint}; this service runs {', '.join(offered) or 'no backend just now'}"


def check_in_child(body: bytes, context: dict):
    """Runs in a pool process: ``("ok", admitted)`` or ``("refused", message, status)`` (exceptions with
    a status do not survive pickling intact, so the outcome travels as data)."""
    from qfusion.errors import ServiceError
    try:
        return ("ok", admit(body, context))
    except ServiceError as exc:
        return ("refused", str(exc), exc.status or 422)


def _follow_parent(parent: int) -> None:
    """In each admission process: exit when the server that started it is gone (even if it was
    SIGKILLed), so that no orphan holds the server's stderr or memory."""
    import os

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _warm() -> bool:
    import qfusion.qasm  # noqa: F401  (imported once per process, before the first job)
    import qfusion.service.server.routes_jobs  # noqa: F401
    return True


class AdmissionBusy(SubmissionError):
    """The admission processes are taken (429 for a user with a check in flight already, 503 when all
    are busy), with ``Retry-After``: the client waits and sends the same request again.

    >>> busy = AdmissionBusy("every admission process is busy; try again", 503)
    >>> busy.status, busy.retry_after
    (503, 1)
    """

    retry_after = 1


class AdmissionPool:
    """``processes`` spawned processes that check submissions, each within ``budget_s`` seconds.

    A check is handed to a process only when one is free (so its budget counts its own work, not
    the wait behind others), and a user has at most ``per_user`` checks in flight: one user sending
    heavy submissions in parallel waits for their own, and cannot take every process from the rest.
    """

    def __init__(self, processes: int = 2, budget_s: float = 60.0, per_user: int = 1, wait_s: float = 30.0):
        self.processes, self.budget_s, self.per_user, self.wait_s = processes, budget_s, per_user, wait_s
        self._lock = threading.Lock()
        self._pool = None
        self._free = threading.BoundedSemaphore(processes)
        self._in_flight: dict[object, int] = {}

    def _get(self):
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    self.processes, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_follow_parent, initargs=(os.getpid(),))
            return self._pool

    def warm(self) -> None:
        """Start the processes now (a spawned interpreter takes a second to import qfusion)."""
        pool = self._get()
        for future in [pool.submit(_warm) for _ in range(self.processes)]:
            future.result(timeout=120)

    def check(self, body: bytes, context: dict, owner: object = None):
        """:func:`admit` of ``body`` in a pool process for user ``owner`` (blocking: call it from a
        thread); :class:`SubmissionError` when refused or over the time budget, :class:`AdmissionBusy`
        while the owner has :attr:`per_user` checks in flight or no process frees up in ``wait_s``."""
        with self._lock:
            if self._in_flight.get(owner, 0) >= self.per_user:
                raise AdmissionBusy(f"your previous submission of this size is still being checked (at most "
                                    f"{self.per_user} at once); send the next when it is answered", status=429)
            self._in_flight[owner] = self._in_flight.get(owner, 0) + 1
        try:
            if not self._free.acquire(timeout=self.wait_s):
                raise AdmissionBusy("every admission process is busy; retry shortly", status=503)
            try:
                return self._check(body, context)
            finally:
                self._free.release()
        finally:
            with self._lock:
                self._in_flight[owner] -= 1
                if not self._in_flight[owner]:
                    del self._in_flight[owner]

    def _check(self, body: bytes, context: dict):
        pool = self._get()
        future = pool.submit(check_in_child, body, context)
        try:
            outcome = future.result(timeout=self.budget_s)
        except concurrent.futures.TimeoutError:
            self._replace(pool)
            raise SubmissionError(f"the job took longer than {self.budget_s:g} s to check and was refused; "
                                  "send smaller circuits (fewer loop iterations or operations)", status=413) from None
        except concurrent.futures.process.BrokenProcessPool:
            self._replace(pool)
            raise SubmissionError("the job could not be checked just now; retry", status=503) from None
        if outcome[0] == "ok":
            return outcome[1]
        raise SubmissionError(outcome[1], status=outcome[2])

    def _replace(self, pool) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the processes now (a check still running is abandoned with the server)."""
        with self._lock:
            pool = self._pool
        if pool is not None:
            self._replace(pool)
