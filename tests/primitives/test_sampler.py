"""The Sampler against Qiskit's exact probabilities."""

import numpy as np
from primitive_helpers import random_circuit
from qiskit.quantum_info import Statevector

from qfusion.interop.qiskit import to_qiskit
from qfusion.primitives import Sampler


def test_exact_and_sampled_distributions_match_qiskit():
    rng = np.random.default_rng(5)
    circuit = random_circuit(3, 2, 2, rng)
    params = rng.normal(size=(2, 2))
    exact = Sampler(shots=None).run(circuit.copy().measure_all(), params)
    sampled = Sampler(shots=20000, seed=2).run(circuit, params)  # measured on every qubit when it measures none
    for i, row in enumerate(params):
        bound = circuit.bind(dict(zip(circuit.parameters, row, strict=False)))
        reference = Statevector(to_qiskit(bound)).probabilities_dict()
        for key, p in reference.items():
            assert abs(exact.probabilities[i].get(key, 0.0) - p) < 1e-10
            assert abs(sampled.probabilities[i].get(key, 0.0) - p) < 5 * np.sqrt(p * (1 - p) / 20000) + 1e-9
        assert sum(sampled.counts[i].values()) == 20000
