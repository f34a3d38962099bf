"""``qfusion worker``: a process that pulls jobs for some backends, runs them and records the results.

Any number of workers, on this machine or others, share one database. Each claims one job
at a time under a lease and renews it by heartbeats from its control loop while the job runs
in a second thread. SIGKILL loses nothing (the lease expires and the job runs again, under a
new attempt number); SIGTERM or SIGINT stops claiming, lets the running job finish within
``grace_s`` seconds, and otherwise gives it back to the queue before exiting.

>>> from qfusion.service.store import Store
>>> from qfusion.service.jobspec import Limits, check_submission
>>> store = Store("sqlite://")
>>> user = store.create_user("ada")
>>> spec = check_submission({"circuits": ['OPENQASM 3; include "stdgates.inc"; qubit q; bit c; x q; c = measure q;'],
...                          "shots": 5}, Limits())
>>> job = store.submit(user, backend="statevector", program=spec.program, payload=spec.payload, num_circuits=1,
...                    num_qubits=1, shots=5)
>>> Worker(store, ["statevector"]).run(max_jobs=1)
1
>>> store.result(user["id"], job["id"])[1]["results"][0]["counts"]
{'1': 5}
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import signal
import threading
import time
import uuid

from qfusion.errors import QfusionError
from qfusion.service import leases
from qfusion.service.logs import log, setup_logging
from qfusion.service.programs import run_job


class Worker:
    """Pull jobs for ``backends`` from ``store`` until stopped."""

    def __init__(self, store, backends, *, lease_s: float = 10.0, heartbeat_s: float = 2.0, poll_s: float = 0.05,
                 grace_s: float = 30.0, worker_id: str | None = None, logger: logging.Logger | None = None):
        self.store = store
        self.backends = list(backends)
        self.lease_s, self.heartbeat_s, self.poll_s, self.grace_s = lease_s, heartbeat_s, poll_s, grace_s
        self.id = worker_id or f"w-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.logger = logger or logging.getLogger("qfusion.service.worker")
        self.stopping = threading.Event()
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="job")
        self._last_sweep = 0.0

    def stop(self, *_signal) -> None:
        """Stop claiming; the running job finishes (or is returned after ``grace_s``)."""
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run(self, max_jobs: int | None = None) -> int:
        """Work until stopped (or ``max_jobs`` jobs are done); returns the number of jobs run."""
        leases.register_worker(self.store, self.id, self.backends)
        log(self.logger, "worker.started", worker_id=self.id, backends=self.backends, pid=os.getpid())
        done, idle = 0, self.poll_s / 8
        try:
            while not self.stopping.is_set() and (max_jobs is None or done < max_jobs):
                self._sweep()
                claimed = leases.claim(self.store, self.id, self.backends, lease_s=self.lease_s)
                if not claimed:
                    self.stopping.wait(idle)
                    idle = min(self.poll_s, idle * 2)  # back off while the queue is empty
                    continue
                idle = self.poll_s / 8
                self._execute(claimed[0])
                done += 1
        finally:
            leases.worker_stopped(self.store, self.id)
            self._executor.shutdown(wait=False, cancel_futures=True)
            log(self.logger, "worker.stopped", worker_id=self.id, jobs=done)
        return done

    def _sweep(self) -> None:
        now = time.monotonic()
        if now - self._last_sweep >= 1.0:
            self._last_sweep = now
            requeued = leases.requeue_expired(self.store)
            if requeued:
                log(self.logger, "jobs.requeued", worker_id=self.id, count=requeued)

    def _execute(self, lease: leases.Lease) -> None:
        log(self.logger, "job.started", job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id,
            program=lease.program, backend=lease.backend)
        start = time.perf_counter()
        future = self._executor.submit(run_job, lease.program, lease.payload, lease.backend)
        next_beat = time.monotonic() + self.heartbeat_s
        stop_deadline = None
        while True:
            timeout = max(0.0, next_beat - time.monotonic())
            if self.stopping.is_set():
                stop_deadline = stop_deadline or time.monotonic() + self.grace_s
                timeout = min(timeout, max(0.0, stop_deadline - time.monotonic()))
            try:
                data = future.result(timeout=timeout)
                break
            except concurrent.futures.TimeoutError:
                if stop_deadline is not None and time.monotonic() >= stop_deadline:
                    leases.release(self.store, lease, self.id)
                    log(self.logger, "job.returned", job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id)
                    return
                if time.monotonic() >= next_beat:
                    next_beat = time.monotonic() + self.heartbeat_s
                    if not leases.heartbeat(self.store, self.id, [lease], lease_s=self.lease_s):
                        log(self.logger, "job.lease_lost", logging.WARNING, job_id=lease.job_id,
                            attempt=lease.attempt, worker_id=self.id)
            except QfusionError as exc:
                self._fail(lease, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                return
            except Exception as exc:  # a bug, not the user's input: say so, and keep the worker alive
                self._fail(lease, f"internal error while running the job: {type(exc).__name__}: {exc}")
                self.logger.exception("job.crashed", extra={"fields": {"job_id": lease.job_id}})
                return
        recorded = leases.complete(self.store, lease, self.id, data)
        log(self.logger, "job.done" if recorded else "job.discarded", job_id=lease.job_id, attempt=lease.attempt,
            worker_id=self.id, seconds=round(time.perf_counter() - start, 6))

    def _fail(self, lease: leases.Lease, message: str) -> None:
        leases.fail(self.store, lease, self.id, message)
        log(self.logger, "job.failed", job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id, error=message)


def main(database: str, backends, *, lease_s: float = 10.0, heartbeat_s: float = 2.0, grace_s: float = 30.0,
         log_level: str = "info") -> int:
    """Entry point of ``qfusion worker``: runs until SIGTERM/SIGINT; returns the number of jobs run."""
    from qfusion.service.store import Store
    logger = setup_logging("worker", log_level)
    worker = Worker(Store(database), backends, lease_s=lease_s, heartbeat_s=heartbeat_s, grace_s=grace_s,
                    logger=logger)
    worker.install_signal_handlers()
    return worker.run()
