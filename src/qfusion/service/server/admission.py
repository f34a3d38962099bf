"""Admission off the event loop: a submission is read and checked in a small pool of processes,
under a time budget, so that parsing a heavy circuit never delays ``/health`` or anyone else's
request (a thread would hold the interpreter's lock for the whole parse).

Cheap requests (JSON-form circuits, or a little OpenQASM without loops, gate or subroutine
definitions) are checked in the server's own thread pool: a round trip to a process costs more
than they do. A check that runs past its budget is stopped (the process is replaced) and the
job refused with 413.

>>> needs_process({"circuits": ['OPENQASM 3; qubit q; for int i in [0:9] { x q; }']})
True
>>> needs_process({"circuits": [{"format": "json", "circuit": {"num_qubits": 1, "instructions": []}}]})
False
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import re
import threading

from qfusion.service.server.jobspec import SubmissionError

_HEAVY_QASM = re.compile(r"\b(?:for|while|gate|def|box|include)\b")
INLINE_QASM_CHARS = 4096


def needs_process(body: dict) -> bool:
    """Whether checking ``body`` could take long: OpenQASM over a few KB, or with loops or definitions."""
    sources = []
    for item in body.get("circuits") or ():
        if isinstance(item, str):
            sources.append(item)
        elif isinstance(item, dict) and isinstance(item.get("source"), str):
            sources.append(item["source"])
    total = sum(len(s) for s in sources)
    return total > INLINE_QASM_CHARS or any(_HEAVY_QASM.search(s) for s in sources)


def check_in_child(body: dict, limits, backend: str, backend_qubits, memory_bytes):
    """Runs in a pool process: ``("ok", spec)`` or ``("refused", message, status)`` (exceptions with
    a status do not survive pickling intact, so the outcome travels as data)."""
    from qfusion.errors import QfusionError, ServiceError
    from qfusion.service.server.jobspec import check_submission
    try:
        return ("ok", check_submission(body, limits, backend, backend_qubits, memory_bytes))
    except ServiceError as exc:
        return ("refused", str(exc), exc.status or 422)
    except QfusionError as exc:
        return ("refused", str(exc), 422)
    except RecursionError:
        return ("refused", "the circuit is nested too deeply to read", 422)


def _warm() -> bool:
    import qfusion.qasm  # noqa: F401  (imported once per process, before the first job)
    import qfusion.service.server.jobspec  # noqa: F401
    return True


class AdmissionPool:
    """``processes`` spawned processes that check submissions, each within ``budget_s`` seconds."""

    def __init__(self, processes: int = 2, budget_s: float = 60.0):
        self.processes, self.budget_s = processes, budget_s
        self._lock = threading.Lock()
        self._pool = None

    def _get(self):
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    self.processes, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    def warm(self) -> None:
        """Start the processes now (a spawned interpreter takes a second to import qfusion)."""
        pool = self._get()
        for future in [pool.submit(_warm) for _ in range(self.processes)]:
            future.result(timeout=120)

    def check(self, body: dict, limits, backend: str, backend_qubits, memory_bytes):
        """The checked :class:`~qfusion.service.server.jobspec.Spec` of ``body`` (blocking: call it from
        a thread); :class:`SubmissionError` when refused or over the time budget."""
        pool = self._get()
        future = pool.submit(check_in_child, body, limits, backend, backend_qubits, memory_bytes)
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
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
