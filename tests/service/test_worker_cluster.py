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
