"""A worker that runs mpi jobs over ``mpiexec`` ranks (``--mpi-ranks``) and sends many-circuit sampler jobs
to a Dask scheduler (``--dask``), against a real server, worker and MPI/Dask processes."""

from __future__ import annotations

import numpy as np
import pytest

import qfusion as qf
from qfusion.service.server.store import Store

pytest.importorskip("fastapi")


def _ghz(num_qubits: int) -> qf.Circuit:
    c = qf.Circuit(num_qubits).h(num_qubits - 1)
    for q in range(num_qubits - 1):
        c.cx(num_qubits - 1, q)
    return c.measure_all()


@pytest.mark.slow
def test_mpi_jobs_run_on_the_workers_ranks(make_service, sqlite_url):
    pytest.importorskip("mpi4py")
    store = Store(sqlite_url)
    store.create_user("ada")
    token = store.create_token("ada")
    service = make_service(sqlite_url)
    service.start_server()
    service.start_worker("--backend", "mpi", "--mpi-ranks", "2")
    client = qf.Client(service.url, token)
    result = client.run(_ghz(6), backend="mpi", shots=300, seed=4).result(timeout=300)
    assert set(result.counts) == {"000000", "111111"} and sum(result.counts.values()) == 300
    assert result.counts == qf.run(_ghz(6), backend="mpi", shots=300, seed=4).counts  # the same draw, 1 rank
    raw = store.result(store.user("ada")["id"], client.jobs()[0]["id"])[1]
    assert raw["results"][0]["ranks"] == 2


def _ranks() -> list[int]:
    """Live processes that are ranks of a service mpi job (``python -m qfusion.service.worker.cluster``)."""
    from pathlib import Path

    from service_helpers import alive
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"qfusion.service.worker.cluster" in command and b"-m" in command and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_mpi_ranks_stop_when_their_job_is_cancelled_or_their_worker_killed(make_service, sqlite_url):
    pytest.importorskip("mpi4py")
    from service_helpers import alive, wait_until
    from test_hostile import long_circuit
    store = Store(sqlite_url)
    store.create_user("ada")
    token = store.create_token("ada")
    service = make_service(sqlite_url)
    service.start_server()
    worker = service.start_worker("--backend", "mpi", "--mpi-ranks", "2")
    client = qf.Client(service.url, token)
    before = set(_ranks())  # (another test's, if any)
    job = client.submit(long_circuit(20, 2000), backend="mpi", shots=10, seed=1)
    ranks = wait_until(lambda: [p for p in _ranks() if p not in before and len(_ranks()) - len(before) >= 2],
                       timeout=120)
    job.cancel()
    wait_until(lambda: not any(alive(p) for p in ranks), timeout=15)  # not left to run to the end
    second = client.submit(long_circuit(20, 2000), backend="mpi", shots=10, seed=2)
    ranks = wait_until(lambda: [p for p in _ranks() if p not in before and len(_ranks()) - len(before) >= 2],
                       timeout=120)
    worker.kill()  # as SIGKILL: the worker stops nothing itself
    worker.wait(10)
    wait_until(lambda: not any(alive(p) for p in ranks), timeout=15)
    second.cancel()


@pytest.mark.slow
def test_sampler_jobs_of_many_circuits_go_to_the_dask_cluster(make_service, sqlite_url):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  host="127.0.0.1") as cluster:
        store = Store(sqlite_url)
        store.create_user("ada")
        token = store.create_token("ada")
        service = make_service(sqlite_url)
        service.start_server()
        service.start_worker("--backend", "statevector", "--dask", cluster.scheduler_address)
        rng = np.random.default_rng(3)
        circuits = [qf.Circuit(3).ry(float(rng.uniform(0, 3)), 0).cx(0, 1).cx(1, 2).measure_all() for _ in range(4)]
        job = qf.Client(service.url, token).run(circuits, backend="statevector", shots=200, seed=10)
        results = job.result(timeout=300)
        for index, (circuit, got) in enumerate(zip(circuits, results, strict=True)):
            assert got.counts == qf.run(circuit, shots=200, seed=10 + index).counts
        raw = store.result(store.user("ada")["id"], job.id)[1]
        assert raw.get("cluster") is True
        with distributed.Client(cluster) as dask:  # the work really ran on the cluster's worker
            assert any("_run_chunk" in str(key) or "qfusion-map" in str(key)
                       for key in dask.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes)))


def test_worker_refuses_a_rank_count_that_is_not_a_power_of_two(tmp_path):
    from qfusion.cli import main
    assert main(["worker", "--database", str(tmp_path / "x.db"), "--mpi-ranks", "3"]) != 0
