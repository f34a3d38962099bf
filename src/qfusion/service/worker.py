"""``qfusion worker``: a process that pulls jobs for some backends, runs them and records the results.

Any number of workers, on this machine or others, share one database. Each claims a few
jobs at a time (``batch``) under leases and renews them by heartbeats from its control loop
while the jobs run, one after the other, in a child process (:mod:`~qfusion.service.executor`);
outcomes are written as they come, several per transaction. SIGKILL loses nothing (the lease
expires and the job runs again, under a new attempt number); SIGTERM or SIGINT stops claiming,
lets the running job finish within ``grace_s`` seconds, and otherwise gives it back to the
queue before exiting.

A job may run for its owner's ``max_run_seconds`` (and at most the worker's ``max_run_s``);
one that runs longer is stopped (its process is killed) and FAILED with a message saying so,
and the worker goes on with a fresh process.

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

import logging
import math
import os
import signal
import threading
import time
import uuid

from qfusion.service import leases
from qfusion.service.executor import Executor
from qfusion.service.logs import log, setup_logging


class Worker:
    """Pull jobs for ``backends`` from ``store`` until stopped."""

    def __init__(self, store, backends, *, lease_s: float = 10.0, heartbeat_s: float = 2.0, poll_s: float = 0.05,
                 grace_s: float = 30.0, batch: int = 4, flush_s: float = 0.005, max_run_s: float | None = None,
                 worker_id: str | None = None, logger: logging.Logger | None = None):
        self.store = store
        self.backends = list(backends)
        self.lease_s, self.heartbeat_s, self.poll_s, self.grace_s = lease_s, heartbeat_s, poll_s, grace_s
        self.batch, self.flush_s, self.max_run_s = batch, flush_s, max_run_s
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
        self._executor = Executor()
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
            self._executor.close()
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

    def _time_limit(self, lease) -> float:
        limits = [v for v in (lease.time_limit_s, self.max_run_s) if v is not None]
        return min(limits) if limits else math.inf

    def _execute(self, claimed: list) -> int:
        """Run a batch of claimed jobs in the executor, one at a time, recording outcomes as they
        come (several per transaction) and renewing the leases meanwhile; returns how many ended."""
        waiting, outcomes = list(claimed), []
        running = started = stop_deadline = None
        recorded, flush_at, next_beat = 0, math.inf, time.monotonic() + self.heartbeat_s
        while True:
            if running is None and waiting and not self.stopping.is_set():
                if not self._executor.wait_ready(max(0.0, min(next_beat - time.monotonic(), 0.1))):
                    # a fresh executor is still starting: keep the leases alive meanwhile
                    if time.monotonic() >= next_beat:
                        next_beat = time.monotonic() + self.heartbeat_s
                        self._beat(waiting)
                    continue
                running, started = waiting.pop(0), time.monotonic()
                log(self.logger, "job.started", job_id=running.job_id, attempt=running.attempt, worker_id=self.id,
                    program=running.program, backend=running.backend)
                self._executor.start(running.program, running.payload, running.backend)
            if running is None:
                break
            now = time.monotonic()
            if self.stopping.is_set() and stop_deadline is None:
                stop_deadline = now + self.grace_s
            began = self._executor.started_at  # None while a fresh executor gets ready
            limit_at = math.inf if began is None else began + self._time_limit(running)
            deadline = min(limit_at, stop_deadline or math.inf)
            outcome = self._executor.outcome(max(0.0, min(deadline, flush_at, next_beat, now + 0.1) - now))
            now = time.monotonic()
            if outcome is not None:
                outcomes.append((running, *outcome))
                running = None
                flush_at = min(flush_at, now + self.flush_s)
            elif now >= limit_at:
                self._executor.stop_job()
                limit = self._time_limit(running)
                outcomes.append((running, "FAILED", f"the job ran longer than its time limit of {limit:g} s and "
                                 "was stopped; ask for a higher max-run-seconds quota, or split the job", now - started))
                running = None
                flush_at = now
            elif stop_deadline is not None and now >= stop_deadline:
                self._executor.stop_job()  # the job goes back to the queue, below
                waiting.insert(0, running)
                break
            if running is None and not waiting or now >= flush_at:
                recorded += self._flush(outcomes)
                outcomes, flush_at = [], math.inf
            if now >= next_beat:
                next_beat = now + self.heartbeat_s
                self._beat(([running] if running else []) + waiting)
        recorded += self._flush(outcomes)
        if waiting:  # stopping: give back what did not finish in time (or never started)
            leases.release_all(self.store, waiting, self.id)
            for lease in waiting:
                log(self.logger, "job.returned", job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id)
        return recorded

    def _beat(self, pending: list) -> None:
        """Renew the leases of ``pending`` jobs; say which were lost (another worker may run them)."""
        owned = leases.heartbeat(self.store, self.id, pending, lease_s=self.lease_s)
        for lease in pending:
            if lease.job_id not in owned:
                log(self.logger, "job.lease_lost", logging.WARNING, job_id=lease.job_id,
                    attempt=lease.attempt, worker_id=self.id)

    def _flush(self, outcomes: list) -> int:
        if not outcomes:
            return 0
        recorded = leases.record(self.store, self.id, [outcome[:3] for outcome in outcomes])
        for (lease, state, value, seconds), kept in zip(outcomes, recorded, strict=False):
            event = ("job.done" if state == "DONE" else "job.failed") if kept else "job.discarded"
            fields = {"error": value} if state == "FAILED" else {}
            log(self.logger, event, job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id,
                seconds=round(seconds, 6), **fields)
        return len(outcomes)


def main(database: str, backends, *, lease_s: float = 10.0, heartbeat_s: float = 2.0, grace_s: float = 30.0,
         max_run_s: float | None = None, log_level: str = "info") -> int:
    """Entry point of ``qfusion worker``: runs until SIGTERM/SIGINT; returns the number of jobs run."""
    from qfusion.service.store import Store
    logger = setup_logging("worker", log_level)
    worker = Worker(Store(database), backends, lease_s=lease_s, heartbeat_s=heartbeat_s, grace_s=grace_s,
                    max_run_s=max_run_s, logger=logger)
    worker.install_signal_handlers()
    return worker.run()
