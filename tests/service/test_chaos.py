"""The chaos test of issue 13, on PostgreSQL: today's (200 jobs from 20 clients, 5 worker SIGKILLs, a
server restart) plus a 5 s database outage, two poison jobs and ten cancels of running jobs.

0 jobs lost, 0 recorded twice, every worker that was not killed alive at the end, every cancelled
job's executor stopped, the poison jobs quarantined. The figures (cancel-to-stop times, /health
latencies) are printed for bench/RESULTS.md; a test asserts no timing.
"""

from __future__ import annotations

import collections
import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pytest
from service_helpers import alive, children, database_behind_outage, wait_until

import qfusion as qf
from qfusion.service.server import schema
from qfusion.service.server.schema import sa
from qfusion.service.server.store import Quotas, Store

NUM_JOBS, NUM_CLIENTS, KILLS, CANCELS, POISON = 200, 20, 5, 10, 2


def circuit_of(index: int) -> qf.Circuit:
    rng = np.random.default_rng(index)
    circuit = qf.Circuit(6)
    for _ in range(30):
        a, b = (int(q) for q in rng.choice(6, 2, replace=False))
        circuit.h(a) if rng.integers(2) else circuit.cx(a, b)
        circuit.rx(float(rng.uniform(-3, 3)), b)
    return circuit.measure_all()


def long_job(client, seed: int):
    """A job that runs for many seconds (cancelled, or killed as poison, long before it ends)."""
    circuit = qf.Circuit(20)
    for layer in range(1500):
        for q in range(layer % 2, 19, 2):
            circuit.cx(q, q + 1)
        circuit.rx(0.1 * layer + seed, layer % 20)
    return client.submit(qf.qasm.dumps(circuit.measure_all(), version=3), shots=10, seed=seed)


def _worker_running(store, job_id: str):
    """The pid of the worker process holding job ``job_id`` RUNNING, if any."""
    with store.read() as c:
        return c.execute(sa.select(schema.workers.c.pid).join(
            schema.jobs, schema.jobs.c.worker_id == schema.workers.c.id).where(
            schema.jobs.c.id == job_id, schema.jobs.c.state == "RUNNING")).scalar()


def _state(store, job_id: str) -> str:
    with store.read() as c:
        return c.execute(sa.select(schema.jobs.c.state).where(schema.jobs.c.id == job_id)).scalar()


@pytest.mark.slow
def test_chaos_with_an_outage_poison_jobs_and_cancels_loses_nothing(postgres_server, make_service):
    with database_behind_outage(postgres_server) as (url, direct, outage):
        _chaos(url, outage, make_service, direct)


def _chaos(url, outage, make_service, direct):
    store = Store(direct)  # the test's own reads: not through the outage
    tokens = []
    for u in range(4):
        store.create_user(f"user{u}", Quotas(max_queued=1000, max_concurrent=100))
        tokens += [store.create_token(f"user{u}") for _ in range(NUM_CLIENTS // 4)]
    store.create_user("hostile", Quotas(max_concurrent=100))
    hostile = qf.Client("http://unused", store.create_token("hostile"), retry_s=90)
    service = make_service(url, lease_s=2.0, heartbeat_s=0.4)
    service.start_server()
    for _ in range(3):
        service.start_worker("--backend", "statevector")
    hostile.url = service.url
    results: dict[int, qf.Result] = {}
    health: list[float] = []
    health_errors = collections.Counter()
    done = threading.Event()
    log: list[str] = []

    def client(number: int):
        pace = random.Random(number)
        with qf.Client(service.url, tokens[number], retry_s=90) as c:
            jobs = []
            for index in range(number, NUM_JOBS, NUM_CLIENTS):
                time.sleep(pace.uniform(0.0, 1.5))
                jobs.append((index, c.run(circuit_of(index), shots=200, seed=index)))
            for index, job in jobs:
                results[index] = job.result(timeout=300)

    def probe():
        while not done.is_set():
            start = time.perf_counter()
            try:
                status = httpx.get(f"{service.url}/health", timeout=10).status_code
                if status == 200:
                    health.append(time.perf_counter() - start)
                else:
                    health_errors[status] += 1
            except httpx.HTTPError:
                health_errors["unreachable"] += 1  # the server restart
            time.sleep(0.05)

    def chaos():
        pace = random.Random(7)
        for kill in range(KILLS):
            time.sleep(pace.uniform(1.0, 2.5))
            busy = [w for w in service.workers if w.poll() is None]
            victim = pace.choice(busy)
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
            log.append("kill")
            service.start_worker("--backend", "statevector")
            if kill == 1:
                service.kill_server()
                service.start_server()
                log.append("restart")
            if kill == 3:
                outage.down()
                time.sleep(5.0)
                outage.up()
                log.append("outage")

    def started(job_id: str, attempt: int) -> bool:
        """Whether a worker has handed attempt ``attempt`` of the job to a ready executor (its log says)."""
        needle = f'"job.started", "job_id": "{job_id}", "attempt": {attempt},'
        return any(needle in path.read_text() for path in service.log_dir.glob("worker*.log"))

    def poison_killer(job_ids):
        """As the out-of-memory killer would: the executor running a poison job dies, each time it runs."""
        killed: set[tuple[str, int]] = set()
        user_id = store.user("hostile")["id"]
        while not done.is_set():
            try:
                if all(_state(store, j) in ("FAILED", "DONE") for j in job_ids):
                    return
                for job_id in job_ids:
                    pid = _worker_running(store, job_id)
                    attempt = store.job(user_id, job_id)["attempt"]
                    if pid and (job_id, attempt) not in killed and started(job_id, attempt):
                        time.sleep(0.5)
                        for child in children(pid):
                            signal_child(child)
                        killed.add((job_id, attempt))
            except Exception:
                pass
            time.sleep(0.2)

    def signal_child(pid):
        try:
            import os
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    stop_times: list[float] = []

    def running_in_executor(job) -> bool:
        """Whether the job's current attempt has been handed to a worker's (ready) executor."""
        pid = _worker_running(store, job.id)
        attempt = store.job(store.user("hostile")["id"], job.id)["attempt"]
        return bool(pid and children(pid) and started(job.id, attempt))

    def canceller(jobs):
        for job in jobs:
            # (a job cancelled while it waits for an executor to start is dropped: no executor to stop)
            wait_until(lambda j=job: running_in_executor(j), timeout=240, interval=0.1)
            pid = _worker_running(store, job.id)
            executors = children(pid) if pid else []
            job.cancel()  # (retried while the server restarts or its database is away)
            start = time.monotonic()  # the job is CANCELLED in the database from here
            wait_until(lambda e=executors: not any(alive(x) for x in e), timeout=30, interval=0.01)
            stop_times.append(time.monotonic() - start)

    threads = [threading.Thread(target=probe)]
    poison = [long_job(hostile, 100 + i) for i in range(POISON)]
    threads.append(threading.Thread(target=poison_killer, args=([j.id for j in poison],)))
    cancelled = [long_job(hostile, i) for i in range(CANCELS)]
    threads.append(threading.Thread(target=canceller, args=(cancelled,)))
    threads.append(threading.Thread(target=chaos))
    for thread in threads:
        thread.start()
    with ThreadPoolExecutor(NUM_CLIENTS) as pool:
        for future in [pool.submit(client, n) for n in range(NUM_CLIENTS)]:
            future.result()
    for thread in threads[1:]:
        thread.join(300)
    done.set()
    threads[0].join(30)

    assert log.count("kill") == KILLS and "restart" in log and "outage" in log
    assert sorted(results) == list(range(NUM_JOBS))
    for index in range(NUM_JOBS):
        assert results[index].counts == qf.run(circuit_of(index), shots=200, seed=index).counts, index
    quarantined = [store.job(store.user("hostile")["id"], j.id) for j in poison]
    assert all(j["state"] == "FAILED" and "crashed" in j["error"] for j in quarantined), quarantined
    assert all(_state(store, j.id) == "CANCELLED" for j in cancelled) and len(stop_times) == CANCELS
    with store.read() as c:
        events = c.execute(sa.select(schema.job_events.c.job_id, schema.job_events.c.event)).all()
        stored = c.execute(sa.select(schema.results.c.job_id)).scalars().all()
    done_events = collections.Counter(job_id for job_id, event in events if event == "done")
    assert set(done_events.values()) == {1} and len(done_events) == NUM_JOBS  # recorded once each
    assert len(stored) == len(set(stored)) == NUM_JOBS
    survivors = [w for w in service.workers if w.returncode is None]
    assert len(survivors) == 3 and all(w.poll() is None for w in survivors)
    # The worker's own stamp: from the cancel's commit to the moment its executor was gone (a worker
    # killed by the chaos meanwhile stamps nothing: its executor died with it).
    stamped = []
    with store.read() as c:
        for job in cancelled:
            rows = c.execute(sa.select(schema.job_events.c.event, schema.job_events.c.at).where(
                schema.job_events.c.job_id == job.id).order_by(schema.job_events.c.id)).all()
            at = {event: when for event, when in rows}
            if "stopped" in at and "cancelled" in at:
                stamped.append(at["stopped"] - at["cancelled"])
    latencies = np.array(health) * 1000
    if stamped:
        print(f"\nchaos figures: cancel-to-stopped stamped by the worker for {len(stamped)} of {CANCELS}: "
              f"median {np.median(stamped):.3f} s, max {max(stamped):.3f} s")
    print(f"\nchaos figures: cancel-to-executor-stopped max {max(stop_times):.3f} s, median "
          f"{np.median(stop_times):.3f} s; /health {len(latencies)} answers, p50 {np.percentile(latencies, 50):.1f} ms, "
          f"p99 {np.percentile(latencies, 99):.1f} ms, max {latencies.max():.1f} ms; not 200: {dict(health_errors)}")
