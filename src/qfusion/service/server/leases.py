"""Workers' side of the queue: claim jobs under a lease, renew it, record the outcome exactly once.

A claim moves a job QUEUED -> RUNNING, bumps its ``attempt`` (the fencing token) and gives it
a lease that the worker renews by heartbeats. A worker that dies stops renewing; once the
lease has expired, :func:`requeue_expired` (run by the server and by every worker) puts the
job back in the queue, and the next claim gets a higher attempt number. Every write of an
outcome is conditional on ``state = 'RUNNING' AND attempt = <the worker's attempt>``, so a
worker that lost its lease (or whose job was cancelled) cannot record anything, and the
``results`` primary key holds at most one result per job.

Order is fair-share: each job carries a virtual finish time (``fair_key``) from its user's
clock (see :meth:`Store.submit`), so a user with a long backlog does not starve the others;
a user at their concurrency quota is skipped. On PostgreSQL the claim is ``SELECT ... FOR
UPDATE SKIP LOCKED`` (workers never wait for each other); on SQLite it is one ``UPDATE ...
RETURNING`` inside ``BEGIN IMMEDIATE``.

>>> from qfusion.service.server.store import Store
>>> store = Store("sqlite://")
>>> user = store.create_user("ada")
>>> job = store.submit(user, backend="statevector", program="sampler", payload={}, num_circuits=1,
...                    num_qubits=1, shots=1)
>>> [claimed] = claim(store, "w1", ["statevector"], lease_s=10)
>>> claimed.attempt, complete(store, claimed, "w1", {"ok": 1}), complete(store, claimed, "w1", {"ok": 2})
(1, True, False)
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass

from qfusion.service.server import schema
from qfusion.service.server.schema import jobs, sa

# Queued jobs in fair-share order, skipping users at their concurrency quota; the window gives
# each user's candidates a slot number so that one batch does not exceed the quota either.
# A job is "cheap" when its size says it runs in milliseconds (a sampler job of few qubits,
# circuits and shots); a batch is the first job plus the cheap jobs that follow it while every
# job before them is cheap too, so a short job is never claimed behind a long one (head-of-line
# blocking): a long job is claimed alone, and the short ones stay for the next claim.
_CANDIDATES = """
SELECT j.id, j.user_id, j.fair_key, j.created_at, u.max_concurrent,
       (SELECT COUNT(*) FROM jobs r WHERE r.user_id = j.user_id AND r.state = 'RUNNING') AS running,
       CASE WHEN j.program = 'sampler' AND j.num_qubits <= :cheap_qubits AND j.num_circuits <= :cheap_circuits
                 AND j.num_circuits * j.shots <= :cheap_shots THEN 1 ELSE 0 END AS cheap
FROM jobs j JOIN users u ON u.id = j.user_id
WHERE j.state = 'QUEUED' AND j.backend IN :backends
  AND (SELECT COUNT(*) FROM jobs r WHERE r.user_id = j.user_id AND r.state = 'RUNNING') < u.max_concurrent
ORDER BY j.fair_key, j.created_at
LIMIT :scan
"""
_CHOSEN = """
SELECT id FROM (
  SELECT id, fair_key, created_at,
         ROW_NUMBER() OVER (ORDER BY fair_key, created_at) AS position,
         MIN(cheap) OVER (ORDER BY fair_key, created_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS all_cheap
  FROM (
    SELECT id, fair_key, created_at, cheap, max_concurrent,
           running + ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY fair_key, created_at) AS slot
    FROM candidates) ranked
  WHERE slot <= max_concurrent) allowed
WHERE position = 1 OR all_cheap = 1
ORDER BY fair_key, created_at LIMIT :limit
"""
CHEAP = {"cheap_qubits": 14, "cheap_circuits": 16, "cheap_shots": 100_000}
MAX_CRASHES = 2  # a job that has crashed its executor this often is FAILED, not run again

_EVENT_COLUMNS = ("job_id", "attempt", "event", "worker_id", "at")
_RESULT_COLUMNS = ("job_id", "attempt", "worker_id", "data", "created_at")
_OWNED = "id = :id AND attempt = :attempt AND state = 'RUNNING' AND worker_id = :worker"


@dataclass(frozen=True)
class Lease:
    """A claimed job: what to run, and the attempt number that fences its outcome.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> lease.job_id == job["id"], lease.attempt, lease.backend, lease.payload
    (True, 1, 'statevector', {'shots': 5})
    """
    job_id: str
    attempt: int
    backend: str
    program: str
    payload: dict
    user_id: int
    time_limit_s: float | None = None  # the owner's max_run_seconds when the job was submitted


def claim(store, worker_id: str, backends, *, lease_s: float, limit: int = 1) -> list[Lease]:
    """Claim up to ``limit`` queued jobs for ``backends``, fairly between users.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> store.job(ada["id"], job["id"])["state"], claim(store, "w2", ["statevector"], lease_s=60)
    ('RUNNING', [])
    """
    if store.dialect == "sqlite" and not store.has_work(backends):  # idle polls take no write lock
        return []
    now = time.time()
    names = [f"backend{i}" for i in range(len(backends))]
    candidates = _CANDIDATES.replace(":backends", "(" + ", ".join(":" + n for n in names) + ")")
    update = ("UPDATE jobs SET state = 'RUNNING', attempt = attempt + 1, worker_id = :worker, "
              "lease_expires_at = :expires, started_at = COALESCE(started_at, :now) "
              f"WHERE id IN ({_CHOSEN}) RETURNING id, attempt, backend, program, payload, user_id, time_limit_s")
    parameters = {**dict(zip(names, backends, strict=False)), "limit": limit, "scan": 4 * limit, "worker": worker_id,
                  "expires": now + lease_s, "now": now, **CHEAP}
    if store.dialect == "postgresql":
        # One statement, which is its own transaction (no BEGIN and COMMIT round trips): the claim
        # and its events together.
        sql = (f"WITH candidates AS ({candidates} FOR UPDATE OF j SKIP LOCKED), claimed AS ({update}), "
               "logged AS (INSERT INTO job_events (job_id, attempt, event, worker_id, at) "
               "SELECT id, attempt, 'claimed', :worker, :now FROM claimed) SELECT * FROM claimed")
        with store.autocommit() as c:
            rows = c.exec_driver_sql(store.sql(sql), parameters).all()
    else:
        with store.write() as c:
            rows = c.exec_driver_sql(store.sql(f"WITH candidates AS ({candidates}) {update}"), parameters).all()
            _insert_rows(store, c, "job_events", _EVENT_COLUMNS,
                         [(r[0], r[1], "claimed", worker_id, now) for r in rows])
    claimed, unreadable = [], []
    for r in rows:
        try:
            claimed.append(Lease(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]))
        except (TypeError, ValueError) as exc:  # a row no server of this version wrote: fail it, not the worker
            unreadable.append((Lease(r[0], r[1], r[2], r[3], {}, r[5], r[6]), "FAILED",
                               f"internal error: the job's stored request cannot be read ({type(exc).__name__}); "
                               "submit it again"))
    if unreadable:
        record(store, worker_id, unreadable)
    return claimed


def _insert_rows(store, c, table: str, columns, rows) -> None:
    """One ``INSERT ... VALUES (...), (...)`` of ``rows`` (tuples in ``columns`` order): one statement,
    where the driver's ``executemany`` costs a round of its own per row."""
    if not rows:
        return
    values = ", ".join("(" + ", ".join(f":{name}{i}" for name in columns) + ")" for i in range(len(rows)))
    c.exec_driver_sql(store.sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}"),
                      {f"{name}{i}": value for i, row in enumerate(rows) for name, value in zip(columns, row, strict=False)})


def _key(lease: Lease, worker_id: str) -> dict:
    return {"id": lease.job_id, "attempt": lease.attempt, "worker": worker_id}


def _owned(lease: Lease, worker_id: str):
    return sa.and_(jobs.c.id == lease.job_id, jobs.c.attempt == lease.attempt, jobs.c.state == "RUNNING",
                   jobs.c.worker_id == worker_id)


def heartbeat(store, worker_id: str, leases, *, lease_s: float) -> set[str]:
    """Renew the leases still held and the worker's liveness; returns the job ids still owned.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> job = store.submit(store.create_user("ada"), backend="null", program="sampler", payload={},
    ...                    num_circuits=1, num_qubits=1, shots=1)
    >>> [lease] = claim(store, "w1", ["null"], lease_s=30)
    >>> heartbeat(store, "w1", [lease], lease_s=30) == {job["id"]}, heartbeat(store, "w2", [lease], lease_s=30)
    (True, set())
    >>> release(store, lease, "w1"), claim(store, "w2", ["null"], lease_s=30)[0].attempt
    (True, 2)
    """
    now = time.time()
    owned = set()
    with store.write() as c:
        for lease in leases:
            done = c.exec_driver_sql(store.sql(f"UPDATE jobs SET lease_expires_at = :expires WHERE {_OWNED}"),
                                     {"expires": now + lease_s, **_key(lease, worker_id)})
            if done.rowcount == 1:
                owned.add(lease.job_id)
        c.exec_driver_sql(store.sql("UPDATE workers SET last_seen = :now WHERE id = :worker"),
                          {"now": now, "worker": worker_id})
    return owned


def complete(store, lease: Lease, worker_id: str, data: dict) -> bool:
    """Record the job's result, once: False if the lease was lost or the job cancelled meanwhile.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> complete(store, lease, "w1", {"counts": {"0": 5}}), store.result(ada["id"], job["id"])[1]
    (True, {'counts': {'0': 5}})
    >>> complete(store, lease, "w1", {"counts": {"1": 5}})     # once only
    False
    """
    return record(store, worker_id, [(lease, "DONE", data)]) == [True]


def fail(store, lease: Lease, worker_id: str, error: str) -> bool:
    """Mark the job FAILED with ``error`` (a message for the user), if the lease is still held.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> fail(store, lease, "w1", "the circuit is too large"), store.job(ada["id"], job["id"])["error"]
    (True, 'the circuit is too large')
    """
    return record(store, worker_id, [(lease, "FAILED", error)]) == [True]


def record(store, worker_id: str, outcomes) -> list[bool]:
    """Record ``(lease, "DONE", data)`` and ``(lease, "FAILED", message)`` outcomes in one transaction.

    Returns, for each, whether it was recorded (False: the lease had been lost, or the job cancelled).

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> record(store, "w1", [(lease, "DONE", {"counts": {"0": 5}})]), store.job(ada["id"], job["id"])["state"]
    ([True], 'DONE')
    """
    now = time.time()
    if store.dialect == "postgresql":
        return _record_in_one_statement(store, worker_id, outcomes, now)
    done_ids: set[str] = set()
    with store.write() as c:
        finished = [(lease, value) for lease, state, value in outcomes if state == "DONE"]
        if finished:
            keys = {f"{what}{i}": value for i, (lease, _) in enumerate(finished)
                    for what, value in (("id", lease.job_id), ("attempt", lease.attempt))}
            which = " OR ".join(f"(id = :id{i} AND attempt = :attempt{i})" for i in range(len(finished)))
            done_ids = set(c.exec_driver_sql(store.sql(
                "UPDATE jobs SET state = 'DONE', finished_at = :now, lease_expires_at = NULL "
                f"WHERE ({which}) AND state = 'RUNNING' AND worker_id = :worker RETURNING id"),
                {**keys, "now": now, "worker": worker_id}).scalars())
            stored = [(lease.job_id, lease.attempt, worker_id, json.dumps(value), now) for lease, value in finished
                      if lease.job_id in done_ids]
            _insert_rows(store, c, "results", _RESULT_COLUMNS, stored)
        for lease, state, value in outcomes:
            if state == "FAILED" and c.exec_driver_sql(store.sql(
                    "UPDATE jobs SET state = 'FAILED', finished_at = :now, lease_expires_at = NULL, error = :error "
                    f"WHERE {_OWNED}"), {"now": now, "error": str(value)[:4000], **_key(lease, worker_id)}).rowcount == 1:
                done_ids.add(lease.job_id)
        events = [(lease.job_id, lease.attempt, state.lower(), worker_id, now) for lease, state, _ in outcomes
                  if lease.job_id in done_ids]
        _insert_rows(store, c, "job_events", _EVENT_COLUMNS, events)
    return [lease.job_id in done_ids for lease, _, _ in outcomes]


def _record_in_one_statement(store, worker_id: str, outcomes, now: float) -> list[bool]:
    """:func:`record` on PostgreSQL: the fenced update, the results and the events in one statement
    (its own transaction, with no BEGIN and COMMIT round trips)."""
    if not outcomes:
        return []
    parameters = {"now": now, "worker": worker_id}
    rows = []
    for i, (lease, state, value) in enumerate(outcomes):
        rows.append(f"(:id{i}, CAST(:attempt{i} AS INTEGER), CAST(:state{i} AS VARCHAR(12)), CAST(:data{i} AS TEXT), "
                    f"CAST(:error{i} AS TEXT))")
        parameters.update({f"id{i}": lease.job_id, f"attempt{i}": lease.attempt, f"state{i}": state,
                           f"data{i}": json.dumps(value) if state == "DONE" else None,
                           f"error{i}": None if state == "DONE" else str(value)[:4000]})
    sql = (f"WITH outcome (id, attempt, state, data, error) AS (VALUES {', '.join(rows)}), "
           "done AS (UPDATE jobs SET state = o.state, finished_at = :now, lease_expires_at = NULL, error = o.error "
           "FROM outcome o WHERE jobs.id = o.id AND jobs.attempt = o.attempt AND jobs.state = 'RUNNING' "
           "AND jobs.worker_id = :worker RETURNING jobs.id, jobs.attempt, o.state, o.data), "
           "stored AS (INSERT INTO results (job_id, attempt, worker_id, data, created_at) "
           "SELECT id, attempt, :worker, data, :now FROM done WHERE state = 'DONE'), "
           "logged AS (INSERT INTO job_events (job_id, attempt, event, worker_id, at) "
           "SELECT id, attempt, LOWER(state), :worker, :now FROM done) SELECT id FROM done")
    with store.autocommit() as c:
        done_ids = set(c.exec_driver_sql(store.sql(sql), parameters).scalars())
    return [lease.job_id in done_ids for lease, _, _ in outcomes]


def crashed(store, lease: Lease, worker_id: str, why: str) -> str | None:
    """The job's executor died while running it (a crash, the out-of-memory killer): run it again,
    or, once it has crashed :data:`MAX_CRASHES` times, FAIL it (a poison job is quarantined, not
    requeued to crash the next executor). Returns the job's new state (None: the lease was lost).

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> job = store.submit(store.create_user("ada"), backend="null", program="sampler", payload={},
    ...                    num_circuits=1, num_qubits=1, shots=1)
    >>> [lease] = claim(store, "w1", ["null"], lease_s=30)
    >>> crashed(store, lease, "w1", "killed by signal 9")
    'QUEUED'
    >>> [lease] = claim(store, "w1", ["null"], lease_s=30)
    >>> crashed(store, lease, "w1", "killed by signal 9"), store.job(1, job["id"])["error"][:40]
    ('FAILED', 'the job crashed the process running it 2')
    """
    now = time.time()
    message = (f"the job crashed the process running it {MAX_CRASHES} times ({why}); it is not run again. "
               "It may need more memory than a worker has: try fewer qubits, shots or classical bits")
    with store.write() as c:
        row = c.exec_driver_sql(store.sql(
            "UPDATE jobs SET crashes = crashes + 1, worker_id = NULL, lease_expires_at = NULL, "
            "state = CASE WHEN crashes + 1 >= :most THEN 'FAILED' ELSE 'QUEUED' END, "
            "finished_at = CASE WHEN crashes + 1 >= :most THEN :now ELSE NULL END, "
            "error = CASE WHEN crashes + 1 >= :most THEN :error ELSE NULL END, "
            f"max_attempts = max_attempts + 1 WHERE {_OWNED} RETURNING state"),
            {"most": MAX_CRASHES, "now": now, "error": message, **_key(lease, worker_id)}).first()
        if row is None:
            return None
        _insert_rows(store, c, "job_events", _EVENT_COLUMNS,
                     [(lease.job_id, lease.attempt, "crashed", worker_id, now)])
        if row[0] == "FAILED":
            _insert_rows(store, c, "job_events", _EVENT_COLUMNS,
                         [(lease.job_id, lease.attempt, "failed", worker_id, now)])
    return row[0]


def owners(store, job_ids) -> dict[str, tuple[str, int, str | None]]:
    """``{job id: (state, attempt, worker id)}`` of ``job_ids``: whether a worker still holds the
    attempt it claimed (one read; a worker asks it often, to stop cancelled jobs).

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> owners(store, [job["id"]])[job["id"]]
    ('RUNNING', 1, 'w1')
    """
    job_ids = list(job_ids)
    if not job_ids:
        return {}
    names = {f"j{i}": job_id for i, job_id in enumerate(job_ids)}
    rows = store.rows(f"SELECT id, state, attempt, worker_id FROM jobs WHERE id IN ({', '.join(':' + n for n in names)})",
                      names)
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def stopped(store, lost, worker_id: str, at: float) -> None:
    """Note that ``worker_id`` stopped working on the ``lost`` leases at ``at`` (its executor was
    gone by then): a ``stopped`` event each, for the job's history and cancel-to-stop times.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> import time
    >>> stopped(store, [lease], "w1", time.time())
    >>> store.rows("SELECT event FROM job_events WHERE job_id = :id ORDER BY at", {"id": job["id"]})[-1]
    ('stopped',)
    """
    with store.write() as c:
        _insert_rows(store, c, "job_events", _EVENT_COLUMNS,
                     [(lease.job_id, lease.attempt, "stopped", worker_id, at) for lease in lost])


def release(store, lease: Lease, worker_id: str) -> bool:
    """Give a claimed job back to the queue (graceful shutdown); it does not count as a lost attempt.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> release(store, lease, "w1"), store.job(ada["id"], job["id"])["state"]
    (True, 'QUEUED')
    """
    return release_all(store, [lease], worker_id) == 1


def release_all(store, given_back, worker_id: str) -> int:
    """:func:`release` for several leases in one transaction; returns how many were still held.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> release_all(store, [lease], "w1"), release_all(store, [lease], "w1")     # the second: no longer held
    (1, 0)
    """
    return len(release_each(store, given_back, worker_id))


def release_each(store, given_back, worker_id: str) -> set[str]:
    """:func:`release_all`, returning the ids of the jobs given back (not those cancelled meanwhile).

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={"shots": 5}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> [lease] = claim(store, "w1", ["statevector"], lease_s=60)
    >>> release_each(store, [lease], "w1") == {job["id"]}
    True
    """
    now = time.time()
    count = set()
    with store.write() as c:
        for lease in given_back:
            done = c.execute(jobs.update().where(_owned(lease, worker_id))
                             .values(state="QUEUED", worker_id=None, lease_expires_at=None,
                                     max_attempts=jobs.c.max_attempts + 1))
            if done.rowcount == 1:
                count.add(lease.job_id)
                c.execute(schema.job_events.insert().values(job_id=lease.job_id, attempt=lease.attempt,
                                                            event="returned", worker_id=worker_id, at=now))
    return count


def requeue_expired(store) -> int:
    """Put jobs whose lease expired back in the queue (or fail those out of attempts); returns how many.

    >>> import time
    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
    ...                    num_qubits=1, shots=5)
    >>> _ = claim(store, "w1", ["statevector"], lease_s=0.01)
    >>> time.sleep(0.05)                                          # the worker went silent
    >>> requeue_expired(store), store.job(ada["id"], job["id"])["state"]
    (1, 'QUEUED')
    """
    if not store.has_expired_leases():  # a read: no write lock while all is well
        return 0
    now = time.time()
    expired = sa.and_(jobs.c.state == "RUNNING", jobs.c.lease_expires_at < now)
    with store.write() as c:
        again = c.execute(jobs.update().where(expired, jobs.c.attempt < jobs.c.max_attempts)
                          .values(state="QUEUED", worker_id=None, lease_expires_at=None)
                          .returning(jobs.c.id, jobs.c.attempt)).all()
        given_up = c.execute(jobs.update().where(expired).values(
            state="FAILED", finished_at=now, lease_expires_at=None,
            error="the job's worker stopped before finishing it on every attempt; it may crash the worker "
                  "(too large for the memory?); try fewer qubits or shots").returning(jobs.c.id, jobs.c.attempt)).all()
        events = [{"job_id": i, "attempt": a, "event": "requeued", "worker_id": None, "at": now} for i, a in again]
        events += [{"job_id": i, "attempt": a, "event": "failed", "worker_id": None, "at": now} for i, a in given_up]
        if events:
            c.execute(schema.job_events.insert(), events)
    return len(again) + len(given_up)


def register_worker(store, worker_id: str, backends, memory_bytes: int | None = None) -> None:
    """Say that worker ``worker_id`` serves ``backends`` with ``memory_bytes`` for its jobs (the
    server admits jobs by what live workers advertise).

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> register_worker(store, "w1", ["statevector", "density_matrix"], memory_bytes=2**33)
    >>> store.served_backends(liveness_s=60)
    {'statevector': 8589934592, 'density_matrix': 8589934592}
    """
    now = time.time()
    with store.write() as c:
        c.execute(schema.workers.insert().values(id=worker_id, hostname=socket.gethostname(), pid=os.getpid(),
                                                 backends=",".join(backends), started_at=now, last_seen=now,
                                                 state="running", memory_bytes=memory_bytes))


def worker_stopped(store, worker_id: str) -> None:
    """Mark worker ``worker_id`` stopped (a graceful exit: its backends are no longer served).

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> register_worker(store, "w1", ["statevector"])
    >>> worker_stopped(store, "w1")
    >>> [w["state"] for w in store.workers()]
    ['stopped']
    """
    with store.write() as c:
        c.execute(schema.workers.update().where(schema.workers.c.id == worker_id)
                  .values(state="stopped", last_seen=time.time()))
