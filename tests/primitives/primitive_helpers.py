"""Random parameterised circuits and Pauli sums for the primitives' tests."""

import numpy as np

from qfusion.circuit import Circuit, Parameter
from qfusion.circuit.parameter import apply
from qfusion.observables import PauliSum

ONE_QUBIT = ["rx", "ry", "rz", "p"]
TWO_QUBIT = ["crx", "cry", "crz", "cp", "rxx", "ryy", "rzz"]


def random_circuit(num_qubits, layers, num_params, rng, expressions=True):
    """Layers of random rotations (angles: parameters, 2*p, p + q, cos(p), fixed numbers) and CNOTs."""
    params = [Parameter(f"t{i}") for i in range(num_params)]
    c = Circuit(num_qubits)
    for q in range(num_qubits):
        c.h(q)
    for _ in range(layers):
        for q in range(num_qubits):
            p = params[rng.integers(num_params)]
            forms = [p, 2 * p, p + params[0], apply("cos", p), 0.5 * p - 0.25] if expressions else [p]
            angle = forms[rng.integers(len(forms))]
            kind = rng.integers(3)
            if kind == 0:
                getattr(c, ONE_QUBIT[rng.integers(len(ONE_QUBIT))])(angle, q)
            elif kind == 1 and num_qubits > 1:
                getattr(c, TWO_QUBIT[rng.integers(len(TWO_QUBIT))])(angle, q, (q + 1) % num_qubits)
            else:
                c.u(angle, float(rng.normal()), p, q)
        for q in range(num_qubits - 1):
            c.cx(q, q + 1)
    return c


def random_pauli_sum(num_qubits, num_terms, rng):
    labels = ["".join(rng.choice(list("IXYZ"), num_qubits)) for _ in range(num_terms)]
    return PauliSum.from_list(list(zip(labels, rng.normal(size=num_terms))), num_qubits)
