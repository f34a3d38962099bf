"""qf.hpc.map on a real Dask LocalCluster of two worker processes: the same results as a local run with
the same seeds, a worker killed mid-batch loses nothing, a circuit that fits no worker is refused first."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import BackendError, CircuitTooLargeError

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with qf.hpc.Cluster(n_workers=2, threads_per_worker=1, memory_limit="1GiB") as made:
        yield made


def _random_circuit(num_qubits: int, seed: int) -> qf.Circuit:
    rng = np.random.default_rng(seed)
    c = qf.Circuit(num_qubits)
    for _ in range(3):
        for q in range(num_qubits):
            c.ry(float(rng.uniform(0, 6)), q)
        for q in range(num_qubits - 1):
            c.cx(q, q + 1)
    return c.measure_all()


def test_results_equal_a_local_run_with_the_same_seeds(cluster):
    circuits = [_random_circuit(5, s) for s in range(40)]
    remote = qf.hpc.map(circuits, shots=200, seed=7, cluster=cluster)
    local = qf.hpc.map(circuits, shots=200, seed=7)
    assert [r.counts for r in remote] == [r.counts for r in local]
    # and each equals the backend run directly with the item's spawned seed
    seeds = [int(child.generate_state(1, np.uint32)[0]) for child in np.random.SeedSequence(7).spawn(40)]
    direct = [qf.run(c, shots=200, seed=s).counts for c, s in zip(circuits, seeds, strict=True)]
    assert [r.counts for r in remote] == direct
    explicit = qf.hpc.map(circuits[:5], shots=200, seeds=[10, 11, 12, 13, 14], cluster=cluster)
    assert [r.counts for r in explicit] == [qf.run(c, shots=200, seed=10 + i).counts for i, c in enumerate(circuits[:5])]


def test_parameter_sets_of_one_circuit(cluster):
    theta = qf.Parameter("theta")
    c = qf.Circuit(2).ry(theta, 0).cx(0, 1)
    params = np.linspace(0, np.pi, 37).reshape(-1, 1)
    values = qf.hpc.map(params, circuit=c, observable="ZZ", cluster=cluster, chunk_size=5)
    np.testing.assert_allclose(values, np.ones(37), atol=1e-12)  # ZZ = 1 on cos|00> + sin|11>
    xx = qf.hpc.map(params, circuit=c, observable=qf.PauliSum.from_list([("XX", 1.0)]), cluster=cluster)
    np.testing.assert_allclose(xx, np.sin(params[:, 0]), atol=1e-12)  # closed form <XX> = sin(theta)
    states = qf.hpc.map(params[:3], circuit=c, cluster=cluster)
    np.testing.assert_allclose(np.abs(states[2]) ** 2, [np.cos(params[2, 0] / 2) ** 2, 0, 0,
                                                         np.sin(params[2, 0] / 2) ** 2], atol=1e-12)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_task(cluster):
    circuits = [_random_circuit(12, s) for s in range(300)]
    local = qf.hpc.map(circuits, shots=50, seed=3)
    pids = list(cluster.client.run(os.getpid).values())

    def kill_one() -> None:
        time.sleep(1.0)
        os.kill(pids[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_one)
    killer.start()
    start = time.monotonic()
    remote = qf.hpc.map(circuits, shots=50, seed=3, cluster=cluster, chunk_size=4)
    killer.join()
    assert time.monotonic() - start > 1.0, "the batch ended before the worker was killed; make it longer"
    assert [r.counts for r in remote] == [r.counts for r in local]
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)  # that worker really died (the nanny started another)


def test_a_circuit_that_fits_no_worker_is_refused_before_submission(cluster):
    big = qf.Circuit(32).h(0).measure_all()
    before = len(cluster.client.who_has())
    with pytest.raises(CircuitTooLargeError, match=r"needs 64.0 GiB .* largest worker may use 1.0 GiB"):
        qf.hpc.map([qf.Circuit(2).h(0).measure_all(), big], shots=10, cluster=cluster)
    assert len(cluster.client.who_has()) == before


def test_bad_input_is_refused():
    with pytest.raises(BackendError, match="circuits, or parameter sets"):
        qf.hpc.map([[0.1, 0.2]], shots=10)
    assert qf.hpc.map([], shots=10) == []


def test_workers_as_threads_of_this_process():
    """processes=False is Dask's own option (it used to clash with the one qfusion passed: a TypeError)."""
    circuits = [_random_circuit(4, s) for s in range(4)]
    with qf.hpc.Cluster(n_workers=1, processes=False, memory_limit="1GiB") as threads:
        remote = qf.hpc.map(circuits, shots=100, seed=3, cluster=threads)
    assert [r.counts for r in remote] == [r.counts for r in qf.hpc.map(circuits, shots=100, seed=3)]


def test_from_config_makes_a_batch_system_cluster(tmp_path):
    pytest.importorskip("dask_jobqueue")
    config = tmp_path / "slurm.yaml"
    config.write_text("kind: slurm\ncores: 8\nmemory: 32GB\nqueue: quantum\nwalltime: '01:00:00'\n")
    with qf.hpc.Cluster.from_config(config, jobs=0) as made:
        script = made.job_script()
    assert "#SBATCH -p quantum" in script and "#SBATCH --mem=30G" in script and "#SBATCH -t 01:00:00" in script
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: kubernetes\n")
    with pytest.raises(BackendError, match="kind must be one of slurm"):
        qf.hpc.Cluster.from_config(bad)


def _square(x: int) -> int:
    return x * x


def test_cluster_is_a_concurrent_futures_style_executor(cluster):
    assert list(cluster.map(_square, range(10))) == [x * x for x in range(10)]
    assert cluster.submit(_square, 7).result() == 49


def test_the_estimator_runs_parameter_sets_on_an_executor(cluster):
    from concurrent.futures import ThreadPoolExecutor
    theta, phi = qf.Parameter("theta"), qf.Parameter("phi")
    c = qf.Circuit(3).ry(theta, 0).cx(0, 1).rx(phi, 2).cz(1, 2)
    observables = [qf.PauliSum.from_list([("ZZI", 1.0), ("XIX", 0.5)]), qf.PauliSum.from_list([("IYZ", 2.0)])]
    params = np.random.default_rng(2).uniform(0, 3, size=(40, 2))
    local = qf.Estimator().run(c, [[o] for o in observables], params).values
    with ThreadPoolExecutor(2) as pool:
        pooled = qf.Estimator(executor=pool).run(c, [[o] for o in observables], params)
    remote = qf.Estimator(executor=cluster).run(c, [[o] for o in observables], params)
    np.testing.assert_allclose(pooled.values, local, atol=1e-12)
    np.testing.assert_allclose(remote.values, local, atol=1e-12)
    assert remote.metadata["tasks"] > 1
    with pytest.raises(BackendError, match="exact estimates"):
        qf.Estimator(executor=cluster, shots=100).run(c, observables[0], params[:2])


def test_a_quantum_kernel_simulates_its_states_on_the_cluster(cluster):
    from qfusion.qml import FidelityKernel, ZZFeatureMap
    X = np.random.default_rng(4).uniform(0, 2, size=(30, 3))
    here = FidelityKernel(ZZFeatureMap(3)).evaluate(X)
    there = FidelityKernel(ZZFeatureMap(3), executor=cluster).evaluate(X)
    np.testing.assert_allclose(there, here, atol=1e-12)
