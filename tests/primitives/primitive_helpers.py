"""Random parameterised circuits and Pauli sums for the primitives' tests."""


from qfusion.circuit import Circuit, Parameter, standard_gate
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
    return PauliSum.from_list(list(zip(labels, rng.normal(size=num_terms), strict=False)), num_qubits)


def clifford_frame_circuit(general=False):
    """Four qubits: Clifford gates, rotations conjugated through them, a non-Clifford gate that ends
    the frame, and a final Clifford run; ``general`` adds a doubly-controlled ``ry`` (no Pauli rotation)."""
    t = [Parameter(f"t{i}") for i in range(4)]
    c = Circuit(4).x(0).h(1).s(2).sx(3).cx(0, 1).cz(1, 2).swap(2, 3).iswap(0, 3).ecr(1, 0)
    c.rz(t[0], 1).ry(2 * t[1], 3).h(0).cy(0, 2).rxx(t[2], 0, 2)
    c.t(1).ry(0.3, 2)  # not Clifford: the frame ends here
    if general:
        c.append(standard_gate("ry", t[3]).control(2), [0, 2, 1])
    c.sdg(0).cx(2, 0).rzz(t[3] - t[0], 0, 3).ryy(t[1], 1, 2).h(3)
    return c
