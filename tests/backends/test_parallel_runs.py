"""``qf.run(list, max_workers=..., executor=...)`` and ``Sampler.run`` the same (issue 12): the
results equal a serial run's exactly (each circuit's seed is spawned from the caller's), whatever
runs them (threads, a process pool, a backend instance shipped by pickle); frequencies checked
against Qiskit's exact probabilities."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import qfusion as qf
from qfusion.backends.reference import ReferenceBackend
from qfusion.errors import BackendError, QfusionError

SHOTS = 2000


def unmeasured():
    return [qf.Circuit(3).h(0).cx(0, 1).ry(0.3 * (k + 1), 2).cx(2, 0).rx(0.7 * k, 1) for k in range(6)]


def circuits():
    return [c.measure_all() for c in unmeasured()]


def serial(backend="statevector", **kw):
    return [r.counts for r in qf.run(circuits(), shots=SHOTS, backend=backend, seed=11, **kw)]


def test_threads_equal_a_serial_run_and_qiskit():
    parallel = [r.counts for r in qf.run(circuits(), shots=SHOTS, seed=11, max_workers=3)]
    assert parallel == serial()
    qiskit = pytest.importorskip("qiskit")
    from qiskit.quantum_info import Statevector
    assert qiskit
    for circuit, counts in zip(unmeasured(), parallel, strict=True):
        for key, p in Statevector(qf.interop.to_qiskit(circuit)).probabilities_dict().items():
            assert abs(counts.get(key, 0) / SHOTS - p) < 5 * np.sqrt(p * (1 - p) / SHOTS) + 1e-9


def test_a_thread_pool_executor_and_a_noisy_device():
    with ThreadPoolExecutor(2) as pool:
        got = [r.counts for r in qf.run(circuits(), shots=SHOTS, backend="trapped_ion", seed=11, executor=pool)]
    assert got == serial("trapped_ion")


def test_a_process_pool_with_params_per_circuit():
    theta = qf.Parameter("theta")
    template = qf.Circuit(2).ry(theta, 0).cx(0, 1).measure_all()
    values = [[0.1], [1.2], [2.5], [np.pi]]
    expected = [r.counts for r in qf.run([template] * 4, shots=SHOTS, seed=5, params=values)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        got = [r.counts for r in qf.run([template] * 4, shots=SHOTS, seed=5, params=values, executor=pool)]
    assert got == expected
    assert got[-1] == {"11": SHOTS}
    for (t,), counts in zip(values, got, strict=True):
        p = np.sin(t / 2) ** 2
        assert abs(counts.get("11", 0) / SHOTS - p) < 5 * np.sqrt(p * (1 - p) / SHOTS) + 1e-9


def test_an_unregistered_backend_instance_goes_by_pickle():
    backend = ReferenceBackend()
    expected = [r.counts for r in qf.run(circuits()[:3], shots=100, backend=backend, seed=2)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        got = [r.counts for r in qf.run(circuits()[:3], shots=100, backend=backend, seed=2, executor=pool)]
    assert got == expected


def test_a_failing_circuit_raises_its_own_error():
    bad = qf.Circuit(1).rx(qf.Parameter("phi"), 0).measure_all()
    with pytest.raises(QfusionError, match="phi"):
        qf.run([circuits()[0], bad], shots=10, max_workers=2)


@pytest.mark.parametrize("kwargs, message", [
    ({"max_workers": 0}, "max_workers must be a positive integer, got 0"),
    ({"max_workers": True}, "max_workers must be a positive integer"),
    ({"max_workers": 2, "executor": ThreadPoolExecutor(1)}, "not both"),
    ({"executor": "threads"}, "an object with submit"),
])
def test_bad_parallel_arguments(kwargs, message):
    with pytest.raises(BackendError, match=message):
        qf.run(circuits(), shots=10, **kwargs)


def test_one_circuit_with_max_workers_is_refused():
    with pytest.raises(BackendError, match="run a list of circuits in parallel; give qf.run a list"):
        qf.run(circuits()[0], shots=10, max_workers=2)


def test_sampler_lists_in_parallel_equal_serial():
    sampler = qf.Sampler(seed=4)
    expected = [r.counts for r in sampler.run(circuits(), shots=SHOTS)]
    assert [r.counts for r in sampler.run(circuits(), shots=SHOTS, max_workers=3)] == expected
    with ThreadPoolExecutor(2) as pool:
        assert [r.counts for r in sampler.run(circuits(), shots=SHOTS, executor=pool)] == expected
    with pytest.raises(BackendError, match="max_workers must be"):
        sampler.run(circuits(), shots=10, max_workers=-1)


def test_sampler_broadcast_over_params_in_parallel():
    theta = qf.Parameter("theta")
    c = qf.Circuit(1).rx(theta, 0).measure_all()
    rows = [[0.0], [np.pi], [np.pi / 2]]
    expected = qf.Sampler(seed=9).run(c, params=rows, shots=SHOTS).counts
    got = qf.Sampler(seed=9).run(c, params=rows, shots=SHOTS, max_workers=2).counts
    assert list(got) == list(expected)
    assert got[0] == {"0": SHOTS} and got[1] == {"1": SHOTS}
