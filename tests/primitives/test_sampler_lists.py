"""``Sampler.run(list)`` (issue 12): one result per circuit, iterable as Qiskit's pub results;
frequencies checked against Qiskit's exact probabilities."""

import numpy as np
import pytest

import qfusion as qf
from qfusion.interop import to_qiskit


def test_sampler_results_go_circuit_by_circuit():
    qiskit = pytest.importorskip("qiskit")
    from qiskit.quantum_info import Statevector
    circuits = [qf.Circuit(2).h(0).cx(0, 1).ry(0.5, 0), qf.Circuit(1).rx(1.1, 0), qf.Circuit(3).h(0).h(2)]
    result = qf.Sampler(seed=2).run([c.copy().measure_all() for c in circuits], shots=4000)
    assert len(result) == 3
    for circuit, one in zip(circuits, result, strict=True):
        expected = Statevector(to_qiskit(circuit)).probabilities_dict()
        for key, p in expected.items():
            assert abs(one.counts.get(key, 0) / 4000 - p) < 5 * np.sqrt(p * (1 - p) / 4000) + 1e-9
    assert result[1].counts == result.counts[1]
    assert qiskit
    with pytest.raises(IndexError):
        qf.Sampler().run(circuits[0].copy().measure_all(), shots=10)[0]
