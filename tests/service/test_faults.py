"""Nothing is lost: 200 jobs from 20 clients while workers are SIGKILLed and the server restarts.

Every job must end DONE with the counts a direct ``qf.run`` gives for the same seed, and
every job's result must be recorded exactly once, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import collections
import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import qfusion as qf
from qfusion.service.server import schema
from qfusion.service.server.schema import sa
from qfusion.service.server.store import Quotas, Store

NUM_JOBS, NUM_CLIENTS, KILLS = 200, 20, 5


def job_circuits(index: int) -> list:
    """Job ``index``'s circuits: random 8-qubit circuits; every 10th job holds more of them (longer)."""
    rng = np.random.default_rng(index)
    circuits = []
    for _ in range(6 if index % 10 == 0 else 1):
        circuit = qf.Circuit(8)
        for _ in range(40):
            kind = rng.integers(4)
            a, b = (int(q) for q in rng.choice(8, 2, replace=False))
            if kind == 0:
                circuit.h(a)
            elif kind == 1:
                circuit.rx(float(rng.uniform(-3, 3)), a)
            elif kind == 2:
                circuit.cx(a, b)
            else:
                circuit.rzz(float(rng.uniform(-3, 3)), a, b)
        circuits.append(circuit.measure_all())
    return circuits


@pytest.mark.slow
def test_every_job_is_done_once_despite_killed_workers_and_a_server_restart(database_url, make_service):
    store = Store(database_url)
    tokens = []
    for u in range(4):
        store.create_user(f"user{u}", Quotas(max_queued=1000, max_concurrent=100))
        tokens += [store.create_token(f"user{u}") for _ in range(NUM_CLIENTS // 4)]
    service = make_service(database_url, lease_s=1.5, heartbeat_s=0.3)
    service.start_server()
    for _ in range(3):
        service.start_worker()
    submitted: dict[int, str] = {}
    results: dict[int, list] = {}
    chaos_log: list[str] = []

    def client(number: int):
        pace = random.Random(number)
        with qf.Client(service.url, tokens[number], retry_s=60) as c:
            mine = list(range(number, NUM_JOBS, NUM_CLIENTS))
            jobs = []
            for index in mine:
                time.sleep(pace.uniform(0.0, 1.2))
                job = c.run(job_circuits(index), shots=300, seed=index)
                submitted[index] = job.id
                jobs.append((index, job))
            for index, job in jobs:
                out = job.result(timeout=240)
                results[index] = out if isinstance(out, list) else [out]

    def chaos():
        pace = random.Random(99)
        for kill in range(KILLS):
            time.sleep(pace.uniform(0.8, 2.0))
            victim = _busy_worker(store, service, timeout=2.0) or pace.choice(
                [w for w in service.workers if w.poll() is None])
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
            chaos_log.append(f"killed worker {victim.pid}")
            service.start_worker()
            if kill == 2:
                service.kill_server()
                chaos_log.append("killed the server")
                service.start_server()
                chaos_log.append("restarted the server")

    chaos_thread = threading.Thread(target=chaos)
    chaos_thread.start()
    with ThreadPoolExecutor(NUM_CLIENTS) as pool:
        for future in [pool.submit(client, n) for n in range(NUM_CLIENTS)]:
            future.result()
    chaos_thread.join(120)
    assert chaos_log.count("restarted the server") == 1 and len(chaos_log) == KILLS + 2

    assert sorted(results) == list(range(NUM_JOBS))
    for index in range(NUM_JOBS):
        expected = [qf.run(c, shots=300, seed=index + i).counts for i, c in enumerate(job_circuits(index))]
        assert [r.counts for r in results[index]] == expected, f"job {index}"

    ids = set(submitted.values())
    with store.read() as c:
        jobs = {row.id: row for row in c.execute(sa.select(schema.jobs))}
        stored = c.execute(sa.select(schema.results.c.job_id)).scalars().all()
        events = c.execute(sa.select(schema.job_events.c.job_id, schema.job_events.c.event)).all()
    assert set(jobs) == ids and len(ids) == NUM_JOBS  # retried submissions made no second job
    assert all(row.state == "DONE" for row in jobs.values())
    assert sorted(stored) == sorted(ids)  # one result per job
    done = collections.Counter(job_id for job_id, event in events if event == "done")
    assert set(done.values()) == {1} and set(done) == ids  # recorded exactly once
    rerun = [row.id for row in jobs.values() if row.attempt >= 2]
    assert rerun, "no job was running when its worker was killed; the test did not test re-runs"
    requeued = {job_id for job_id, event in events if event == "requeued"}
    assert set(rerun) <= requeued | {job_id for job_id, event in events if event == "returned"}


def _busy_worker(store, service, timeout: float):
    """A live worker process that holds a RUNNING job right now, if one shows up within ``timeout``."""
    by_pid = {w.pid: w for w in service.workers if w.poll() is None}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.read() as c:
            busy = c.execute(sa.select(schema.workers.c.pid).join(
                schema.jobs, schema.jobs.c.worker_id == schema.workers.c.id).where(
                schema.jobs.c.state == "RUNNING")).scalars().all()
        for pid in busy:
            if pid in by_pid:
                return by_pid[pid]
        time.sleep(0.01)
    return None
