"""``qfusion worker``: a process that pulls jobs for some backends, runs them and records the results.

Any number of workers, on this machine or others, share one database. Each claims a few
jobs at a time (``batch``) under leases and renews them by heartbeats from its control loop
while the jobs run, one after the other, in a second thread; outcomes are written as they
come, several per transaction. SIGKILL loses nothing (the lease expires and the job runs again, under a
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
                 grace_s: float = 30.0, batch: int = 4, flush_s: float = 0.005, worker_id: str | None = None,
                 logger: logging.Logger | None = None):
        self.store = store
        self.backends = list(backends)
        self.lease_s, self.heartbeat_s, self.poll_s, self.grace_s = lease_s, heartbeat_s, poll_s, grace_s
        self.batch, self.flush_s = batch, flush_s
        self.id = worker_id or f"w-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.logger = logger or logging.getLogger("qfusion.service.worker")
        self.stopping = threading.Event()
        self._last_sweep = self._last_beat = 0.0

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
                limit = self.batch if max_jobs is None else min(self.batch, max_jobs - done)
                claimed = leases.claim(self.store, self.id, self.backends, lease_s=self.lease_s, limit=limit)
                if not claimed:
                    self.stopping.wait(idle)
                    idle = min(self.poll_s, idle * 2)  # back off while the queue is empty
                    continue
                idle = self.poll_s / 8
                done += self._execute(claimed)
        finally:
            leases.worker_stopped(self.store, self.id)
            log(self.logger, "worker.stopped", worker_id=self.id, jobs=done)
        return done

    def _sweep(self) -> None:
        now = time.monotonic()
        if now - self._last_beat >= self.heartbeat_s:  # liveness, also while idle
            self._last_beat = now
            leases.heartbeat(self.store, self.id, [], lease_s=self.lease_s)
        if now - self._last_sweep >= 1.0:
            self._last_sweep = now
            requeued = leases.requeue_expired(self.store)
            if requeued:
                log(self.logger, "jobs.requeued", worker_id=self.id, count=requeued)

    def _run_all(self, claimed, outcomes: list) -> None:
        """The job thread: run the claimed jobs in turn (none new once stopping); outcomes appended."""
        for lease in claimed:
            if self.stopping.is_set():
                return
            log(self.logger, "job.started", job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id,
                program=lease.program, backend=lease.backend)
            start = time.perf_counter()
            try:
                outcome = (lease, "DONE", run_job(lease.program, lease.payload, lease.backend))
            except QfusionError as exc:
                outcome = (lease, "FAILED", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            except Exception as exc:  # a bug, not the user's input: say so, and keep the worker alive
                self.logger.exception("job.crashed", extra={"fields": {"job_id": lease.job_id}})
                outcome = (lease, "FAILED", f"internal error while running the job: {type(exc).__name__}: {exc}")
            outcomes.append(outcome + (time.perf_counter() - start,))

    def _execute(self, claimed: list) -> int:
        """Run a batch of claimed jobs, recording outcomes as they come and renewing the leases meanwhile."""
        outcomes: list = []
        future: concurrent.futures.Future = concurrent.futures.Future()

        def job_thread():
            try:
                self._run_all(claimed, outcomes)
                future.set_result(None)
            except BaseException as exc:  # noqa: BLE001 (handed to the control loop)
                future.set_exception(exc)

        # A daemon thread: a worker that gave its jobs back exits without waiting for a simulation.
        threading.Thread(target=job_thread, name="job", daemon=True).start()
        written, next_beat, stop_deadline = 0, time.monotonic() + self.heartbeat_s, None
        while True:
            timeout = min(self.flush_s, max(0.0, next_beat - time.monotonic()))
            if self.stopping.is_set():
                stop_deadline = stop_deadline or time.monotonic() + self.grace_s
                timeout = min(timeout, max(0.0, stop_deadline - time.monotonic()))
            try:
                future.result(timeout=timeout)
                finished = True
            except concurrent.futures.TimeoutError:
                finished = False
            written += self._flush(outcomes[written:])
            if finished:
                break
            if stop_deadline is not None and time.monotonic() >= stop_deadline:
                break
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + self.heartbeat_s
                pending = [lease for lease in claimed[written:]]
                owned = leases.heartbeat(self.store, self.id, pending, lease_s=self.lease_s)
                for lease in pending:
                    if lease.job_id not in owned:
                        log(self.logger, "job.lease_lost", logging.WARNING, job_id=lease.job_id,
                            attempt=lease.attempt, worker_id=self.id)
        left = claimed[written:]
        if left:  # stopping: give back what did not finish in time (or never started)
            leases.release_all(self.store, left, self.id)
            for lease in left:
                log(self.logger, "job.returned", job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id)
        return written

    def _flush(self, outcomes: list) -> int:
        if not outcomes:
            return 0
        recorded = leases.record(self.store, self.id, [outcome[:3] for outcome in outcomes])
        for (lease, state, value, seconds), kept in zip(outcomes, recorded):
            event = ("job.done" if state == "DONE" else "job.failed") if kept else "job.discarded"
            fields = {"error": value} if state == "FAILED" else {}
            log(self.logger, event, job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id,
                seconds=round(seconds, 6), **fields)
        return len(outcomes)


def main(database: str, backends, *, lease_s: float = 10.0, heartbeat_s: float = 2.0, grace_s: float = 30.0,
         log_level: str = "info") -> int:
    """Entry point of ``qfusion worker``: runs until SIGTERM/SIGINT; returns the number of jobs run."""
    from qfusion.service.store import Store
    logger = setup_logging("worker", log_level)
    worker = Worker(Store(database), backends, lease_s=lease_s, heartbeat_s=heartbeat_s, grace_s=grace_s,
                    logger=logger)
    worker.install_signal_handlers()
    return worker.run()
