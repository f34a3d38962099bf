"""``qfusion worker``: a process that pulls jobs for some backends, runs them and records the results.

Any number of workers, on this machine or others, share one database. Each claims a few
jobs at a time (``batch``) under leases and renews them by heartbeats from its control loop
while the jobs run, one after the other, in a child process (:mod:`~qfusion.service.worker.executor`);
outcomes are written as they come, several per transaction. SIGKILL loses nothing (the lease
expires and the job runs again, under a new attempt number); SIGTERM or SIGINT stops claiming,
lets the running job finish within ``grace_s`` seconds, and otherwise gives it back to the
queue before exiting.

A job may run for its owner's ``max_run_seconds`` (and at most the worker's ``max_run_s``);
one that runs longer is stopped (its process is killed) and FAILED with a message saying so,
and the worker goes on with a fresh process. A job cancelled while it runs is stopped the same
way within ``cancel_poll_s`` seconds. A job whose process dies (a crash, the out-of-memory
killer) runs once more and is FAILED the second time (poison jobs are quarantined).

Nothing stops the worker but a signal: a database that goes away is retried with backoff
(outcomes wait in memory meanwhile, their leases fenced as always), and an outcome the database
refuses to store (too large, malformed) FAILS its job with the reason.

>>> from qfusion.service.server.store import Store
>>> from qfusion.service.server.jobspec import SubmissionLimits, check_submission
>>> store = Store("sqlite://")
>>> user = store.create_user("ada")
>>> spec = check_submission({"circuits": ['OPENQASM 3; include "stdgates.inc"; qubit q; bit c; x q; c = measure q;'],
...                          "shots": 5}, SubmissionLimits())
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
from typing import Any

from qfusion.service.logs import log, setup_logging
from qfusion.service.server import leases
from qfusion.service.server.store import database_errors, first_line
from qfusion.service.worker.executor import Executor


class Worker:
    """Pull jobs for ``backends`` from ``store`` until stopped."""

    def __init__(self, store, backends, *, lease_s: float = 10.0, heartbeat_s: float = 2.0, poll_s: float = 0.05,
                 grace_s: float = 30.0, batch: int = 4, flush_s: float = 0.005, max_run_s: float | None = None,
                 worker_id: str | None = None, logger: logging.Logger | None = None, cancel_poll_s: float = 0.25,
                 memory_bytes: int | None = None):
        self.store = store
        self.backends = list(backends)
        self.lease_s, self.heartbeat_s, self.poll_s, self.grace_s = lease_s, heartbeat_s, poll_s, grace_s
        self.batch, self.flush_s, self.max_run_s, self.cancel_poll_s = batch, flush_s, max_run_s, cancel_poll_s
        self.memory_bytes = memory_bytes
        self.id = worker_id or f"w-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.logger = logger or logging.getLogger("qfusion.service.worker")
        self.stopping = threading.Event()
        self._last_sweep = self._last_beat = self._claimed_at = 0.0
        self._database_errors = database_errors()
        self._outage_since: float | None = None
        self._backoff = 0.1

    def stop(self, *_signal) -> None:
        """Stop claiming; the running job finishes (or is returned after ``grace_s``)."""
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    # -- the database, which may be away for a while -------------------------------------------
    def _try(self, what: str, call, *args, **kwargs):
        """``call(*args, **kwargs)``, or ``_AWAY`` when the database failed (logged once per outage)."""
        try:
            found = call(*args, **kwargs)
        except self._database_errors as exc:
            if self._outage_since is None:
                self._outage_since = time.monotonic()
                log(self.logger, "database.unavailable", logging.WARNING, worker_id=self.id, during=what,
                    error=first_line(exc))
            self._backoff = min(2.0, self._backoff * 2)
            return _AWAY
        if self._outage_since is not None:
            log(self.logger, "database.recovered", worker_id=self.id,
                seconds=round(time.monotonic() - self._outage_since, 3))
            self._outage_since = None
        self._backoff = 0.1
        return found

    def _until_done(self, what: str, call, *args) -> Any:
        """``call(*args)``, retried with backoff until the database answers or the worker is stopped."""
        while True:
            found = self._try(what, call, *args)
            if found is not _AWAY or self.stopping.wait(self._backoff):
                return found

    def run(self, max_jobs: int | None = None) -> int:
        """Work until stopped (or ``max_jobs`` jobs are done); returns the number of jobs run."""
        if self._until_done("register", leases.register_worker, self.store, self.id, self.backends,
                            self.memory_bytes) is _AWAY:
            return 0
        log(self.logger, "worker.started", worker_id=self.id, backends=self.backends, pid=os.getpid())
        done, idle = 0, self.poll_s / 8
        self._executor = Executor()
        try:
            while not self.stopping.is_set() and (max_jobs is None or done < max_jobs):
                try:
                    ran, idle = self._step(max_jobs, done, idle)
                except Exception:  # a bug must not end the worker: its leases expire, the jobs run again
                    self.logger.exception("worker.error")
                    self._executor.stop_job()
                    self.stopping.wait(1.0)
                    continue
                done += ran
        finally:
            self._executor.close()
            self._try("stop", leases.worker_stopped, self.store, self.id)
            log(self.logger, "worker.stopped", worker_id=self.id, jobs=done)
        return done

    def _step(self, max_jobs: int | None, done: int, idle: float) -> tuple[int, float]:
        """One round of the loop: sweep, claim, run what was claimed; ``(jobs ended, next idle wait)``."""
        if self._try("sweep", self._sweep) is _AWAY:
            self.stopping.wait(self._backoff)
            return 0, idle
        limit = self.batch if max_jobs is None else min(self.batch, max_jobs - done)
        self._claimed_at = time.monotonic()
        claimed = self._try("claim", leases.claim, self.store, self.id, self.backends, lease_s=self.lease_s,
                            limit=limit)
        if claimed is _AWAY:
            self.stopping.wait(self._backoff)
            return 0, idle
        if not claimed:
            self.stopping.wait(idle)
            return 0, min(self.poll_s, idle * 2)  # back off while the queue is empty
        return self._execute(claimed), self.poll_s / 8

    def _sweep(self) -> None:
        now = time.monotonic()
        if now - self._last_beat >= self.heartbeat_s:  # liveness, also while idle
            leases.heartbeat(self.store, self.id, [], lease_s=self.lease_s)
            self._last_beat = now
        if now - self._last_sweep >= 1.0:
            requeued = leases.requeue_expired(self.store)
            self._last_sweep = now
            if requeued:
                log(self.logger, "jobs.requeued", worker_id=self.id, count=requeued)

    def _time_limit(self, lease) -> float:
        limits = [v for v in (lease.time_limit_s, self.max_run_s) if v is not None]
        return min(limits) if limits else math.inf

    # -- running a batch ---------------------------------------------------------------------------
    def _execute(self, claimed: list) -> int:
        """Run a batch of claimed jobs in the executor, one at a time, recording outcomes as they
        come (several per transaction) and renewing the leases meanwhile; returns how many ended."""
        waiting, outcomes = list(claimed), []
        if time.monotonic() - self._claimed_at > self.lease_s / 4:  # reading a large claim took a good part
            self._beat(waiting)  # of the lease: renew it at once
        running = stop_deadline = None
        started = 0.0  # when ``running`` began
        recorded, flush_at, next_beat = 0, math.inf, time.monotonic() + self.heartbeat_s
        next_check = time.monotonic() + self.cancel_poll_s
        while True:
            if running is None and waiting and not self.stopping.is_set():
                if not self._executor.wait_ready(max(0.0, min(next_beat, next_check, time.monotonic() + 0.1)
                                                     - time.monotonic())):
                    # a fresh executor is still starting: keep the leases alive meanwhile, and drop
                    # the jobs cancelled while they wait (no executor to stop: they never ran)
                    now = time.monotonic()
                    if now >= next_check:
                        next_check = now + self.cancel_poll_s
                        waiting = self._still_ours(None, waiting)[1]
                    if now >= next_beat:
                        next_beat = now + self.heartbeat_s
                        self._beat(waiting)
                    continue
                running, started = waiting.pop(0), time.monotonic()
                log(self.logger, "job.started", job_id=running.job_id, attempt=running.attempt, worker_id=self.id,
                    program=running.program, backend=running.backend)
                self._executor.start(running.program, running.payload, running.backend)
                next_check = min(next_check, started + self.cancel_poll_s)
            if running is None and (not waiting or self.stopping.is_set()):
                break
            now = time.monotonic()
            if self.stopping.is_set() and stop_deadline is None:
                stop_deadline = now + self.grace_s
            if running is not None:  # always, here
                began = self._executor.started_at  # None while a fresh executor gets ready
                limit_at = math.inf if began is None else began + self._time_limit(running)
                deadline = min(limit_at, stop_deadline or math.inf, next_check)
                outcome = self._executor.outcome(max(0.0, min(deadline, flush_at, next_beat, now + 0.1) - now))
                now = time.monotonic()
                if outcome is not None:
                    if self._executor.crashed:
                        self._crashed(running, outcome[1])
                        recorded += 1
                    else:
                        outcomes.append((running, *outcome))
                    running = None
                    flush_at = min(flush_at, now + self.flush_s)
                elif now >= limit_at:
                    self._executor.stop_job()
                    limit = self._time_limit(running)
                    outcomes.append((running, "FAILED", f"the job ran longer than its time limit of {limit:g} s and "
                                     "was stopped; ask for a higher max-run-seconds quota, or split the job",
                                     now - started))
                    running = None
                    flush_at = now
                elif stop_deadline is not None and now >= stop_deadline:
                    self._executor.stop_job()  # the job goes back to the queue, below
                    waiting.insert(0, running)
                    break
                elif now >= next_check:
                    next_check = now + self.cancel_poll_s
                    running, waiting = self._still_ours(running, waiting)
            if now >= flush_at:
                flushed = self._flush(outcomes)
                if flushed is _AWAY:
                    flush_at = now + self._backoff
                else:
                    recorded += flushed
                    outcomes, flush_at = [], math.inf
            if now >= next_beat:
                next_beat = now + self.heartbeat_s
                self._beat(([running] if running else []) + waiting)
        recorded += self._flush_until_done(outcomes, stop_deadline)
        if waiting:  # stopping: give back what did not finish in time (or never started)
            given_back = self._until_done("release", leases.release_each, self.store, waiting, self.id)
            for lease in waiting:
                if given_back is not _AWAY and lease.job_id in given_back:
                    log(self.logger, "job.returned", job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id)
        return recorded

    def _flush_until_done(self, outcomes: list, deadline: float | None) -> int:
        """Record the last outcomes, retrying while the database is away (until ``grace_s`` after a stop:
        an outcome not recorded then is not lost, its job runs again once its lease expires)."""
        while True:
            flushed = self._flush(outcomes)
            if flushed is not _AWAY:
                return flushed
            if self.stopping.is_set():
                deadline = deadline or time.monotonic() + self.grace_s
                if time.monotonic() >= deadline:
                    log(self.logger, "jobs.not_recorded", logging.WARNING, worker_id=self.id, count=len(outcomes))
                    return 0
            time.sleep(self._backoff)

    def _still_ours(self, running, waiting: list):
        """``(running, waiting)`` less the jobs that were cancelled (or taken from this worker: its lease
        expired and the job was requeued or claimed again) since they were claimed. The executor of
        a running one is stopped at once, which frees the worker and its owner's concurrency slot;
        each such job gets a ``stopped`` event stamped when its executor was gone (or, for a job
        that had not started, when it was dropped), from which cancel-to-stop times are read."""
        pending = ([running] if running is not None else []) + list(waiting)
        found = self._try("cancel check", leases.owners, self.store, [lease.job_id for lease in pending])
        if found is _AWAY:
            return running, waiting
        lost = [lease for lease in pending if found.get(lease.job_id, (None,)) != ("RUNNING", lease.attempt, self.id)]
        if not lost:
            return running, waiting
        if running is not None and running in lost:
            self._executor.stop_job()
        gone = time.time()
        for lease in lost:
            log(self.logger, "job.stopped", job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id,
                state=found.get(lease.job_id, (None,))[0], started=lease is running)
        self._try("stopped", leases.stopped, self.store, lost, self.id, gone)
        return (None if running in lost else running), [lease for lease in waiting if lease not in lost]

    def _crashed(self, lease, why: str) -> None:
        state = self._until_done("crash", leases.crashed, self.store, lease, self.id, why)
        log(self.logger, "job.crashed", logging.WARNING, job_id=lease.job_id, attempt=lease.attempt,
            worker_id=self.id, error=why, state=None if state is _AWAY else state)

    def _beat(self, pending: list) -> None:
        """Renew the leases of ``pending`` jobs; say which were lost (another worker may run them)."""
        owned = self._try("heartbeat", leases.heartbeat, self.store, self.id, pending, lease_s=self.lease_s)
        if owned is _AWAY:
            return
        for lease in pending:
            if lease.job_id not in owned:
                log(self.logger, "job.lease_lost", logging.WARNING, job_id=lease.job_id,
                    attempt=lease.attempt, worker_id=self.id)

    def _flush(self, outcomes: list):
        """Record ``outcomes``; ``_AWAY`` while the database cannot be reached (they are kept)."""
        if not outcomes:
            return 0
        recorded = self._try("record", self._record, outcomes)
        if recorded is _AWAY:
            return _AWAY
        for (lease, state, value, seconds), (kept, stored) in zip(outcomes, recorded, strict=False):
            event = ("job.done" if stored == "DONE" else "job.failed") if kept else "job.discarded"
            fields = {"error": value} if state == "FAILED" else {}
            if stored != state:
                fields = {"error": "the result could not be stored"}
            log(self.logger, event, job_id=lease.job_id, attempt=lease.attempt, worker_id=self.id,
                seconds=round(seconds, 6), **fields)
        return len(outcomes)

    def _record(self, outcomes: list) -> list[tuple[bool, str]]:
        """Record outcomes together; if the database refuses the batch for a reason other than being
        away (a value it cannot store), one by one, and a result it refuses FAILS its job with why."""
        try:
            return [(kept, state) for kept, (_, state, _, _) in
                    zip(leases.record(self.store, self.id, [o[:3] for o in outcomes]), outcomes, strict=False)]
        except self._database_errors as exc:
            if _connection_lost(exc):
                raise
        out = []
        for lease, state, value, _ in outcomes:
            try:
                out.append((leases.record(self.store, self.id, [(lease, state, value)])[0], state))
            except self._database_errors as exc:
                if _connection_lost(exc):
                    raise
                if state == "FAILED":  # even the message: give up on this one (its lease expires)
                    out.append((False, state))
                    continue
                message = f"the job's result could not be stored: {first_line(exc)}"
                out.append((leases.fail(self.store, lease, self.id, message), "FAILED"))
        return out


_AWAY = object()  # what _try returns while the database cannot be reached


def _connection_lost(exc) -> bool:
    """Whether a database error means "cannot reach it" (retry later) rather than "refused this"."""
    from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
    if getattr(exc, "connection_invalidated", False) or isinstance(exc, OperationalError):
        return not _refused_value(exc)
    if isinstance(exc, DBAPIError):
        return False
    if isinstance(exc, SQLAlchemyError):
        return True  # pool timeouts and the like
    try:
        import psycopg
        if isinstance(exc, psycopg.OperationalError):
            return True
    except ImportError:
        pass
    return False


def _refused_value(exc) -> bool:
    """SQLite reports a value too large as an OperationalError-like DataError; tell them apart."""
    text = first_line(exc).lower()
    return "too big" in text or "too large" in text


def available_backends(names, logger: logging.Logger | None = None) -> list[str]:
    """Those of ``names`` that can run on this host (``Backend.unavailable_reason()`` is None): a
    worker advertises only what it can really run, so the server refuses the others at submission.

    >>> available_backends(["statevector", "no_such_backend", "density_matrix"])
    ['statevector', 'density_matrix']
    """
    from qfusion import backends as registry
    from qfusion.errors import QfusionError
    usable = []
    for name in names:
        try:
            why = registry.get(name).unavailable_reason()
        except QfusionError as exc:
            why = str(exc)
        if why is None:
            usable.append(name)
        elif logger is not None:
            log(logger, "backend.unavailable", logging.WARNING, backend=name, reason=why)
    return usable


def _open(database: str, logger, backoff: float = 0.2):
    """The store of ``database``, waiting with backoff while it cannot be reached (a worker started
    during an outage starts working when it ends); a database that does not exist is an error."""
    from qfusion.service.server.store import DatabaseUnavailable, Store
    logged = False
    while True:
        try:
            return Store(database, create=False)
        except DatabaseUnavailable as exc:
            if not logged:
                log(logger, "database.unavailable", logging.WARNING, during="start", error=str(exc))
                logged = True
            time.sleep(backoff)
            backoff = min(2.0, backoff * 2)


def main(database: str, backends, *, lease_s: float = 10.0, heartbeat_s: float = 2.0, grace_s: float = 30.0,
         max_run_s: float | None = None, log_level: str = "info") -> int:
    """Entry point of ``qfusion worker``: runs until SIGTERM/SIGINT; returns the number of jobs run."""
    from qfusion.errors import ServiceError
    from qfusion.sim.memory import available_bytes
    logger = setup_logging("worker", log_level)
    usable = available_backends(backends, logger)
    if not usable:
        raise ServiceError(f"none of the backends {', '.join(backends)} can run on this host (see the log); "
                           "start the worker with --backend NAME for one that can")
    worker = Worker(_open(database, logger), usable, lease_s=lease_s, heartbeat_s=heartbeat_s,
                    grace_s=grace_s, max_run_s=max_run_s, logger=logger, memory_bytes=available_bytes())
    worker.install_signal_handlers()
    return worker.run()
