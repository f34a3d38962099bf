"""What the dashboard's pages show, read from the service's store (one or two queries a page).

Every query that reads jobs takes the signed-in user's id: another user's job is not found.
"""

from __future__ import annotations

import json
import statistics
import time

from qfusion._optional import import_optional
from qfusion.service.server import schema

sa = import_optional("sqlalchemy", "the job service")

STATES = ("QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED")
PAGE_SIZE = 50
_LIST_COLUMNS = ("id", "state", "backend", "program", "num_circuits", "num_qubits", "shots", "attempt",
                 "created_at", "started_at", "finished_at")


def job_page(store, user_id: int, *, state: str | None, backend: str | None, before: float | None,
             page_size: int = PAGE_SIZE) -> tuple[list[dict], float | None]:
    """One page of the user's jobs, newest first, and the ``before`` of the next page (None: last page).

    The name is read from the payload's JSON only for the rows shown (uses the (user, created) index).

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada, bob = store.create_user("ada"), store.create_user("bob")
    >>> bell = store.submit(ada, backend="statevector", program="sampler", payload={"name": "bell"}, num_circuits=1,
    ...                     num_qubits=2, shots=1)
    >>> other = store.submit(ada, backend="mps", program="sampler", payload={}, num_circuits=1, num_qubits=2, shots=1)
    >>> rows, next_before = job_page(store, ada["id"], state=None, backend=None, before=None)
    >>> [(row["backend"], row["name"]) for row in rows], next_before            # newest first, one page
    ([('mps', ''), ('statevector', 'bell')], None)
    >>> job_page(store, bob["id"], state=None, backend=None, before=None)       # another user's jobs: none
    ([], None)
    """
    jobs = schema.jobs
    query = sa.select(*[jobs.c[name] for name in _LIST_COLUMNS], jobs.c.payload).where(jobs.c.user_id == user_id)
    if state:
        query = query.where(jobs.c.state == state)
    if backend:
        query = query.where(jobs.c.backend == backend)
    if before is not None:
        query = query.where(jobs.c.created_at < before)
    query = query.order_by(jobs.c.created_at.desc()).limit(page_size + 1)
    with store.read() as c:
        rows = [dict(row) for row in c.execute(query).mappings()]
    more = len(rows) > page_size
    rows = rows[:page_size]
    for row in rows:
        row["name"] = job_name(row.pop("payload"))
    return rows, (rows[-1]["created_at"] if more and rows else None)


def job_name(payload_text: str | None) -> str:
    """The ``name`` a submission gave its job (```` without one), from the payload's JSON text.

    >>> job_name('{"shots": 10, "name": "bell pair"}'), job_name('{"shots": 10}'), job_name(None)
    ('bell pair', '', '')
    """
    if not payload_text or '"name"' not in payload_text:
        return ""
    try:
        return str(json.loads(payload_text).get("name") or "")
    except (ValueError, AttributeError):
        return ""


def job_states(store, user_id: int, job_ids: list[str]) -> dict[str, dict]:
    """``{id: {state, attempt, finished_at, error}}`` of the user's jobs among ``job_ids`` (live updates).

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada, bob = store.create_user("ada"), store.create_user("bob")
    >>> bell = store.submit(ada, backend="statevector", program="sampler", payload={"name": "bell"}, num_circuits=1,
    ...                     num_qubits=2, shots=1)
    >>> other = store.submit(ada, backend="mps", program="sampler", payload={}, num_circuits=1, num_qubits=2, shots=1)
    >>> job_states(store, ada["id"], [bell["id"]])[bell["id"]]["state"], job_states(store, bob["id"], [bell["id"]])
    ('QUEUED', {})
    """
    if not job_ids:
        return {}
    jobs = schema.jobs
    query = (sa.select(jobs.c.id, jobs.c.state, jobs.c.attempt, jobs.c.started_at, jobs.c.finished_at, jobs.c.error)
             .where(jobs.c.user_id == user_id, jobs.c.id.in_(job_ids[:200])))
    with store.read() as c:
        return {row["id"]: {k: row[k] for k in ("state", "attempt", "started_at", "finished_at", "error")}
                for row in c.execute(query).mappings()}


def job_detail(store, user_id: int, job_id: str) -> dict | None:
    """The user's job with its payload, result (decoded) and event history; None if not theirs.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada, bob = store.create_user("ada"), store.create_user("bob")
    >>> bell = store.submit(ada, backend="statevector", program="sampler", payload={"name": "bell"}, num_circuits=1,
    ...                     num_qubits=2, shots=1)
    >>> other = store.submit(ada, backend="mps", program="sampler", payload={}, num_circuits=1, num_qubits=2, shots=1)
    >>> detail = job_detail(store, ada["id"], bell["id"])
    >>> detail["state"], detail["payload"], detail["result"], job_detail(store, bob["id"], bell["id"])
    ('QUEUED', {'name': 'bell'}, None, None)
    """
    jobs, results, events = schema.jobs, schema.results, schema.job_events
    query = (sa.select(jobs, results.c.data.label("result_data"))
             .select_from(jobs.outerjoin(results, results.c.job_id == jobs.c.id))
             .where(jobs.c.id == job_id, jobs.c.user_id == user_id))
    with store.read() as c:
        row = c.execute(query).mappings().first()
        if row is None:
            return None
        history = [dict(e) for e in c.execute(sa.select(events.c.event, events.c.attempt, events.c.worker_id,
                                                        events.c.at).where(events.c.job_id == job_id)
                                              .order_by(events.c.id)).mappings()]
    job = dict(row)
    job["payload"] = _loads(job.get("payload")) or {}
    job["result"] = _loads(job.pop("result_data"))
    job["name"] = str(job["payload"].get("name") or "")
    job["events"] = [{"event": "submitted", "attempt": 0, "worker_id": None, "at": job["created_at"]}] + history
    return job


def _loads(text):
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def device_status(store, *, alive_s: float = 30.0) -> dict[str, dict]:
    """Per backend: workers alive, queued and running jobs, and the median wait of the last 200 started jobs.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada, bob = store.create_user("ada"), store.create_user("bob")
    >>> bell = store.submit(ada, backend="statevector", program="sampler", payload={"name": "bell"}, num_circuits=1,
    ...                     num_qubits=2, shots=1)
    >>> other = store.submit(ada, backend="mps", program="sampler", payload={}, num_circuits=1, num_qubits=2, shots=1)
    >>> from qfusion.service.server.leases import register_worker
    >>> register_worker(store, "w1", ["statevector"])
    >>> device_status(store)
    {'statevector': {'workers': 1, 'queued': 1, 'running': 0, 'wait_s': None}, 'mps': {'workers': 0, 'queued': 1, 'running': 0, 'wait_s': None}}
    """
    now = time.time()
    status: dict[str, dict] = {}
    for worker in store.workers():
        if worker.get("state") != "running" or now - float(worker.get("last_seen") or 0) > alive_s:
            continue
        for name in str(worker.get("backends") or "").split(","):
            if name:
                status.setdefault(name, {"workers": 0, "queued": 0, "running": 0, "wait_s": None})["workers"] += 1
    for (backend, state), count in store.queue_lengths().items():
        entry = status.setdefault(backend, {"workers": 0, "queued": 0, "running": 0, "wait_s": None})
        entry["queued" if state == "QUEUED" else "running"] = count
    jobs = schema.jobs
    for backend, entry in status.items():
        query = (sa.select(jobs.c.started_at - jobs.c.created_at).where(jobs.c.backend == backend,
                                                                         jobs.c.started_at.is_not(None))
                 .order_by(jobs.c.created_at.desc()).limit(200))
        with store.read() as c:
            waits = [float(w) for (w,) in c.execute(query) if w is not None]
        entry["wait_s"] = statistics.median(waits) if waits else None
    return status


def admin_overview(store) -> dict:
    """Users with quotas and usage (jobs per state), their tokens (never the tokens themselves), and workers.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada, bob = store.create_user("ada"), store.create_user("bob")
    >>> bell = store.submit(ada, backend="statevector", program="sampler", payload={"name": "bell"}, num_circuits=1,
    ...                     num_qubits=2, shots=1)
    >>> other = store.submit(ada, backend="mps", program="sampler", payload={}, num_circuits=1, num_qubits=2, shots=1)
    >>> overview = admin_overview(store)
    >>> sorted(overview), [user["name"] for user in overview["users"]]
    (['leases', 'users', 'workers'], ['ada', 'bob'])
    """
    users, tokens, jobs = schema.users, schema.tokens, schema.jobs
    with store.read() as c:
        people = [dict(u) for u in c.execute(sa.select(users).order_by(users.c.name)).mappings()]
        usage: dict[int, dict[str, int]] = {}
        for user_id, state, count in c.execute(sa.select(jobs.c.user_id, jobs.c.state, sa.func.count())
                                               .group_by(jobs.c.user_id, jobs.c.state)):
            usage.setdefault(user_id, {})[state] = count
        shots: dict[int, int] = dict(c.execute(sa.select(jobs.c.user_id, sa.func.sum(jobs.c.shots * jobs.c.num_circuits))
                                               .where(jobs.c.state == "DONE").group_by(jobs.c.user_id)).all())
        token_rows = [dict(t) for t in c.execute(sa.select(tokens.c.id, tokens.c.user_id, tokens.c.label, tokens.c.scope,
                                                           tokens.c.created_at, tokens.c.expires_at, tokens.c.revoked)
                                                 .order_by(tokens.c.id)).mappings()]
        leases = [dict(j) for j in c.execute(sa.select(jobs.c.id, jobs.c.worker_id, jobs.c.lease_expires_at,
                                                       jobs.c.attempt, jobs.c.backend)
                                             .where(jobs.c.state == "RUNNING")).mappings()]
    for person in people:
        person["usage"] = usage.get(person["id"], {})
        person["shots_done"] = int(shots.get(person["id"]) or 0)
        person["tokens"] = [t for t in token_rows if t["user_id"] == person["id"]]
    # fair share: the user whose virtual finish time is smallest is served next
    order = sorted(people, key=lambda p: p.get("virtual_finish") or 0.0)
    for rank, person in enumerate(order, 1):
        person["fair_share_rank"] = rank
    return {"users": people, "workers": store.workers(), "leases": leases}
