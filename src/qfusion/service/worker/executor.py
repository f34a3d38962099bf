"""The process a worker runs its jobs in, so that a job over its time limit can be stopped.

A thread cannot be stopped from outside, a process can: the worker hands each job to a
child process (a fresh interpreter, ``python -m qfusion.service.worker.executor``, so it shares no
database connection with the worker and needs no ``__main__`` guard in the worker's script)
and waits for the outcome while it renews leases and records results. A
job that runs past its time limit is stopped by killing the child; a new child takes the
next job, and the worker carries on. A child that dies by itself (a crash, the kernel's
out-of-memory killer) fails its job with a message that says so. If the worker dies (even by
SIGKILL), the child dies with it at once, also in the middle of a job: the kernel signals it
(``PR_SET_PDEATHSIG`` on Linux) and a watchdog thread sees its parent change elsewhere, so no
orphan goes on running a job whose lease another worker takes over. The processes a job starts
itself (``mpiexec`` and its ranks) are stopped with it the same way.

>>> payload = {"circuits": ['OPENQASM 3; include "stdgates.inc"; qubit q; bit c; x q; c = measure q;'],
...            "shots": 3, "seed": 1, "options": {}, "parameters": None}
>>> with Executor() as executor:
...     executor.start("sampler", payload, "statevector")
...     state, data, seconds = executor.outcome(timeout=120)
>>> state, data["results"][0]["counts"]
('DONE', {'1': 3})
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from multiprocessing.connection import Connection

from qfusion.service.worker.lifetime import follow

logger = logging.getLogger("qfusion.service.worker")
_READY = ("ready",)


def run_one(program: str, payload: dict, backend: str) -> tuple[str, object]:
    """``("DONE", result)`` or ``("FAILED", message for the user)`` of one job; never raises."""
    from qfusion.errors import QfusionError
    from qfusion.service.worker.cluster import mpi_ranks, run_over_mpiexec
    from qfusion.service.worker.programs import run_job
    try:
        if backend == "mpi" and mpi_ranks() > 1:  # this worker runs mpi jobs over mpiexec ranks
            return "DONE", run_over_mpiexec(program, payload, mpi_ranks())
        return "DONE", run_job(program, payload, backend)
    except QfusionError as exc:
        return "FAILED", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    except Exception as exc:  # a bug, not the user's input: say so, and keep serving
        logger.exception("job.crashed")
        return "FAILED", f"internal error while running the job: {type(exc).__name__}: {exc}"


# A larger result would strain the worker and the database: the job FAILS (QFUSION_MAX_RESULT_BYTES sets it).
MAX_RESULT_BYTES = int(os.environ.get("QFUSION_MAX_RESULT_BYTES", 64 * 2**20))


def _bounded(value) -> tuple[str, object]:
    """``("DONE", value)``, or FAILED when its JSON is over :data:`MAX_RESULT_BYTES` (the child
    measures it, so the worker never holds a result of gigabytes)."""
    import json
    try:
        size = len(json.dumps(value))
    except (TypeError, ValueError) as exc:
        return "FAILED", f"internal error: the result is not JSON ({exc})"
    if size > MAX_RESULT_BYTES:
        return "FAILED", (f"the result is {size / 2**20:,.0f} MiB, over the limit of {MAX_RESULT_BYTES / 2**20:,.0f} "
                          "MiB; ask for fewer shots, circuits or classical bits")
    return "DONE", value


_WARM_UP = {"circuits": [{"format": "json", "circuit": {"num_qubits": 2, "num_clbits": 2, "instructions": [
    {"name": "h", "qubits": [0]}, {"name": "cx", "qubits": [0, 1]}, {"name": "measure", "qubits": [0], "clbits": [0]},
    {"name": "measure", "qubits": [1], "clbits": [1]}]}}], "shots": 2, "seed": 0, "options": {}, "parameters": None}


def _serve(connection, parent: int | None = None) -> None:
    """The child: run each job it is sent, answer its outcome; exit when the worker's end closes,
    or at once when the worker process ``parent`` dies.

    It first imports and compiles what a small job needs, then says it is ready: a job's time
    limit counts from then, not from the start of a fresh process.
    """
    # Ctrl-C, or a service manager's SIGTERM, reaches the whole group: the worker decides whether
    # the job finishes or goes back (and kills this process if it must).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if parent is not None:
        follow(parent)
    run_one("sampler", _WARM_UP, "statevector")
    connection.send(_READY)
    while True:
        try:
            program, payload, backend = connection.recv()
        except (EOFError, OSError):
            return
        start = time.perf_counter()
        state, value = run_one(program, payload, backend)
        if state == "DONE":
            state, value = _bounded(value)
        try:
            connection.send((state, value, time.perf_counter() - start))
        except OSError:  # the worker is gone
            return


class Executor:
    """A child process that runs one job at a time: :meth:`start`, then :meth:`outcome`."""

    def __init__(self):
        self._process = None
        self._connection = None
        self._launch()

    def _launch(self) -> None:
        self._ready = False
        self.started_at: float | None = None
        self.crashed = False  # whether the last outcome was the child dying (not the job's own failure)
        self._pending: tuple[str, dict, str] | None = None  # a job for this child once it is ready
        ours, theirs = socket.socketpair()
        self._process = subprocess.Popen([sys.executable, "-m", "qfusion.service.worker.executor", str(theirs.fileno()),
                                          str(os.getpid())], pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        theirs.close()
        self._connection = Connection(ours.detach())

    @property
    def ready(self) -> bool:
        """Whether the child has said it is ready (a job sent before then would wait in the socket,
        and a large one would block :meth:`start` while the child still imports)."""
        return self._ready

    def wait_ready(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for the child to be ready (a child that died is started again)."""
        if not self._ready:
            self.outcome(timeout)
        return self._ready

    def start(self, program: str, payload: dict, backend: str) -> None:
        """Hand the child one job; :attr:`started_at` is when it began (None while a new child gets ready)."""
        try:
            self._connection.send((program, payload, backend))
        except OSError:  # the child died before it got the job (not the job's doing): a new one takes it
            self._relaunch()  # once ready (sending now could block the worker while the child imports)
            self._pending = (program, payload, backend)
        self.started_at = time.monotonic() if self._ready else None

    def outcome(self, timeout: float):
        """``(state, result or message, seconds)`` once the job has ended, or None if ``timeout`` passed first.

        A child that died meanwhile gives a FAILED outcome, and a new child is started.
        """
        until = time.monotonic() + timeout
        try:
            while self._connection.poll(max(0.0, until - time.monotonic())):
                message = self._connection.recv()
                if message != _READY:
                    self.crashed = False
                    return message
                self._ready = True
                if self._pending is not None:
                    job, self._pending = self._pending, None
                    self._connection.send(job)
                self.started_at = self.started_at or time.monotonic()
            return None
        except (EOFError, OSError):
            try:
                code = self._process.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            self._relaunch()
            self.crashed = True
            why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return ("FAILED", f"the job stopped the process running it ({why}); it may need more memory than "
                              "the worker has: try fewer qubits or shots", 0.0)

    def stop_job(self) -> None:
        """Stop the running job (kill the child) and start a new child for the next one."""
        self._kill()
        self._relaunch()

    def _relaunch(self) -> None:
        self._connection.close()
        self._launch()

    def _kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(10)

    def close(self) -> None:
        """Stop the child (at once: whatever it was running has been given back or recorded)."""
        self._connection.close()
        self._kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]) if len(sys.argv) > 2 else None)
