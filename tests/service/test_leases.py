"""Claims, leases, fencing and fair share on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
import time

import pytest

from qfusion.errors import ServiceError
from qfusion.service import leases, schema
from qfusion.service.schema import sa
from qfusion.service.store import QuotaError, Quotas, Store


def _submit(store, user, n=1, backend="statevector"):
    return [store.submit(user, backend=backend, program="sampler", payload={"i": i}, num_circuits=1, num_qubits=1,
                         shots=1)["id"] for i in range(n)]


def test_concurrent_claims_hand_each_job_to_one_worker(database_url):
    store = Store(database_url)
    user = store.create_user("ada", Quotas(max_concurrent=1000))
    submitted = set(_submit(store, user, 60))
    claimed: list[str] = []
    lock = threading.Lock()

    def work(worker_id):
        own = Store(database_url)  # each worker its own pool, as separate processes have
        while True:
            got = leases.claim(own, worker_id, ["statevector"], lease_s=30, limit=2)
            if not got:
                return
            with lock:
                claimed.extend(lease.job_id for lease in got)
            for lease in got:
                assert leases.complete(own, lease, worker_id, {"by": worker_id})

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(claimed) == sorted(submitted)  # every job once, none twice
    with store.read() as c:
        done = c.execute(sa.select(schema.job_events.c.job_id).where(schema.job_events.c.event == "done")).scalars()
        assert sorted(done) == sorted(submitted)


def test_a_lost_lease_fences_the_old_attempt(database_url):
    store = Store(database_url)
    user = store.create_user("ada")
    [job_id] = _submit(store, user)
    [first] = leases.claim(store, "w1", ["statevector"], lease_s=0.05)
    time.sleep(0.1)
    assert leases.requeue_expired(store) == 1
    assert store.job(user["id"], job_id)["state"] == "QUEUED"
    [second] = leases.claim(store, "w2", ["statevector"], lease_s=30)
    assert (first.attempt, second.attempt) == (1, 2)
    assert leases.heartbeat(store, "w1", [first], lease_s=30) == set()  # the old worker learns it lost the job
    assert not leases.complete(store, first, "w1", {"stale": True})
    assert leases.complete(store, second, "w2", {"fresh": True})
    assert not leases.complete(store, second, "w2", {"again": True})
    job, data = store.result(user["id"], job_id)
    assert job["state"] == "DONE" and data == {"fresh": True} and job["attempt"] == 2


def test_a_mixed_batch_of_outcomes_is_recorded_once_each(database_url):
    store = Store(database_url)
    user = store.create_user("ada", Quotas(max_concurrent=10))
    _submit(store, user, 4)
    done, failed, stale, cancelled = leases.claim(store, "w", ["statevector"], lease_s=30, limit=4)
    stale = leases.Lease(stale.job_id, stale.attempt - 1, *list(vars(stale).values())[2:])  # an older attempt
    store.cancel(user["id"], cancelled.job_id)
    outcomes = [(done, "DONE", {"counts": {"0": 1}}), (failed, "FAILED", "x" * 5000), (stale, "DONE", {"old": 1}),
                (cancelled, "DONE", {"late": 1})]
    assert leases.record(store, "w", outcomes) == [True, True, False, False]
    assert leases.record(store, "w", outcomes[:2]) == [False, False]  # never twice
    assert store.result(user["id"], done.job_id)[1] == {"counts": {"0": 1}}
    job, data = store.result(user["id"], failed.job_id)
    assert job["state"] == "FAILED" and job["error"] == "x" * 4000 and data is None
    assert store.result(user["id"], stale.job_id)[0]["state"] == "RUNNING"
    assert store.result(user["id"], cancelled.job_id)[0]["state"] == "CANCELLED"
    with store.read() as c:
        stored = c.execute(sa.select(schema.results.c.job_id)).scalars().all()
        events = c.execute(sa.select(schema.job_events.c.job_id, schema.job_events.c.event)
                           .where(schema.job_events.c.event.in_(("done", "failed")))).all()
    assert stored == [done.job_id] and sorted(events) == sorted([(done.job_id, "done"), (failed.job_id, "failed")])


def test_jobs_that_keep_losing_workers_fail_with_a_reason(sqlite_url):
    store = Store(sqlite_url)
    user = store.create_user("ada")
    job_id = store.submit(user, backend="statevector", program="sampler", payload={}, num_circuits=1, num_qubits=1,
                          shots=1, max_attempts=2)["id"]
    for _ in range(2):
        leases.claim(store, "w", ["statevector"], lease_s=0.01)
        time.sleep(0.02)
        leases.requeue_expired(store)
    job = store.job(user["id"], job_id)
    assert job["state"] == "FAILED" and "stopped before finishing" in job["error"]


def test_returned_job_runs_again_and_cancelled_job_discards_its_result(sqlite_url):
    store = Store(sqlite_url)
    user = store.create_user("ada")
    first, second = _submit(store, user, 2)
    lease = leases.claim(store, "w", ["statevector"], lease_s=30)[0]
    assert leases.release(store, lease, "w")
    assert store.job(user["id"], lease.job_id)["state"] == "QUEUED"
    running = leases.claim(store, "w", ["statevector"], lease_s=30, limit=2)
    cancelled = store.cancel(user["id"], running[0].job_id)
    assert cancelled["state"] == "CANCELLED"
    assert not leases.complete(store, running[0], "w", {"late": 1})
    assert store.result(user["id"], running[0].job_id)[1] is None


def test_fair_share_serves_a_newcomer_before_a_backlog(database_url):
    store = Store(database_url)
    heavy = store.create_user("heavy", Quotas(max_concurrent=100))
    light = store.create_user("light", Quotas(max_concurrent=100))
    _submit(store, heavy, 20)
    light_jobs = set(_submit(store, light, 2))
    order = []
    while True:
        got = leases.claim(store, "w", ["statevector"], lease_s=30)
        if not got:
            break
        order.append(got[0].job_id)
    positions = sorted(order.index(job_id) for job_id in light_jobs)
    assert positions[1] <= 4, positions  # interleaved with the backlog, not after its 20 jobs


def test_concurrency_quota_holds_back_a_users_extra_jobs(database_url):
    store = Store(database_url)
    user = store.create_user("ada", Quotas(max_concurrent=2))
    other = store.create_user("bob")
    _submit(store, user, 5)
    [bobs] = _submit(store, other, 1)
    got = leases.claim(store, "w", ["statevector"], lease_s=30, limit=1)
    got += leases.claim(store, "w", ["statevector"], lease_s=30, limit=1)
    got += leases.claim(store, "w", ["statevector"], lease_s=30, limit=1)
    got += leases.claim(store, "w", ["statevector"], lease_s=30, limit=1)
    assert sum(lease.user_id == user["id"] for lease in got) == 2
    assert bobs in {lease.job_id for lease in got}


def test_a_batch_claim_keeps_the_concurrency_quota(database_url):
    store = Store(database_url)
    user = store.create_user("ada", Quotas(max_concurrent=3))
    other = store.create_user("bob", Quotas(max_concurrent=1))
    _submit(store, user, 6)
    _submit(store, other, 3)
    got = leases.claim(store, "w", ["statevector"], lease_s=30, limit=8)
    assert sorted(lease.user_id for lease in got) == [user["id"]] * 3 + [other["id"]]
    assert leases.claim(store, "w", ["statevector"], lease_s=30, limit=8) == []


def test_backends_are_claimed_separately(sqlite_url):
    store = Store(sqlite_url)
    user = store.create_user("ada")
    _submit(store, user, 1, backend="reference")
    assert leases.claim(store, "w", ["statevector"], lease_s=30) == []
    assert len(leases.claim(store, "w", ["reference", "statevector"], lease_s=30)) == 1


def test_queued_quota_and_idempotent_submission(sqlite_url):
    store = Store(sqlite_url)
    user = store.create_user("ada", Quotas(max_queued=2))
    job = store.submit(user, backend="statevector", program="sampler", payload={}, num_circuits=1, num_qubits=1,
                       shots=1, idempotency_key="k1")
    again = store.submit(user, backend="statevector", program="sampler", payload={}, num_circuits=1, num_qubits=1,
                         shots=1, idempotency_key="k1")
    assert again["id"] == job["id"]
    _submit(store, user, 1)
    with pytest.raises(QuotaError, match="quota is 2") as refused:
        _submit(store, user, 1)
    assert refused.value.status == 429


def test_migrations_are_versioned_and_a_newer_database_is_refused(sqlite_url):
    Store(sqlite_url)
    store = Store(sqlite_url)  # opening again applies nothing
    with store.write() as c:
        assert schema.migrate(c) == 0
        assert c.execute(sa.select(schema.schema_version.c.version)).scalar() == schema.SCHEMA_VERSION
        c.execute(schema.schema_version.update().values(version=schema.SCHEMA_VERSION + 1))
    with pytest.raises(ServiceError, match="newer than this qfusion"):
        Store(sqlite_url)


def test_tokens_are_stored_hashed(sqlite_url):
    store = Store(sqlite_url)
    store.create_user("ada")
    token = store.create_token("ada", "laptop")
    with store.read() as c:
        stored = c.execute(sa.select(schema.tokens.c.token_hash)).scalars().all()
    assert token not in stored and len(stored) == 1
    assert store.authenticate(token)["name"] == "ada"
    assert store.authenticate(token + "x") is None
    with pytest.raises(ServiceError, match="already exists"):
        store.create_user("ada")


def test_a_version_1_database_is_migrated_to_limits_and_token_expiry(database_url):
    store = Store(database_url)
    store.create_user("ada")
    token = store.create_token("ada")
    with store.write() as c:  # back to version 1: the columns of migration 2 did not exist
        for table, column in (("users", "max_run_seconds"), ("tokens", "expires_at"), ("tokens", "scope"),
                              ("jobs", "time_limit_s")):
            c.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        c.execute(schema.schema_version.update().values(version=1))
    store.close()
    migrated = Store(database_url)
    with migrated.read() as c:
        assert c.execute(sa.select(schema.schema_version.c.version)).scalar() == schema.SCHEMA_VERSION == 2
    user = migrated.authenticate(token)  # the old token still works, as a jobs token that never expires
    assert (user["name"], user["scope"], user["expires_at"], user["max_run_seconds"]) == ("ada", "jobs", None, 3600)
    job = migrated.submit(user, backend="null", program="sampler", payload={}, num_circuits=1, num_qubits=1, shots=1)
    [lease] = leases.claim(migrated, "w1", ["null"], lease_s=10)
    assert lease.job_id == job["id"] and lease.time_limit_s == 3600
