"""The MPS backend at 100 qubits against closed forms that share no code with it:

- a Trotterised transverse-field Ising chain (rxx couplings, rz field) is a free-fermion circuit: by the
  Jordan-Wigner map every gate rotates two Majorana operators, so the Majorana covariance matrix (2n x 2n)
  gives <Z_j>, <X_j X_j+1> and, by Wick's theorem, <Z_i Z_j> exactly at any width;
- QAOA p=1 on a triangle-free graph has the closed form of Wang, Hadfield, Jiang and Rieffel (PRA 97, 022304,
  2018): <Z_u Z_v> = -sin(4 beta) sin(gamma) (cos^d gamma + cos^e gamma) / 2 for an edge whose ends have d + 1
  and e + 1 neighbours; on a ring (long-range edge 0 -- n-1) and on a 3-regular prism graph, whose edges are
  mostly non-adjacent on the line, so the swap networks are what is tested;
- the GHZ state: its amplitudes, Z...Z and X...X parities and perfect samples.

Each closed form is first checked against the state vector at a width it can hold.
"""

import math

import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Circuit

# -- free fermions ----------------------------------------------------------------------------


def tfim(n, steps, dt=0.1, h=1.0, j=1.0):
    """First-order Trotter steps of H = -J sum X_q X_q+1 - h sum Z_q from |0...0>."""
    c = Circuit(n)
    for _ in range(steps):
        for q in range(n - 1):
            c.rxx(-2 * j * dt, q, q + 1)
        for q in range(n):
            c.rz(-2 * h * dt, q)
    return c


def majorana_covariance(circuit):
    """Gamma[a, b] = i <c_a c_b> (a != b) after ``circuit`` (rz and nearest-neighbour rxx only) from |0...0>.

    c_2q = Z_0..Z_q-1 X_q and c_2q+1 = Z_0..Z_q-1 Y_q, so Z_q = -i c_2q c_2q+1 and X_q X_q+1 = -i c_2q+1 c_2q+2:
    exp(-i theta/2 (-i c_a c_b)) = exp(-theta/2 c_a c_b) maps c_a -> cos c_a - sin c_b, c_b -> sin c_a + cos c_b."""
    n = circuit.num_qubits
    gamma = np.zeros((2 * n, 2 * n))
    for q in range(n):  # the vacuum: Z_q = 1
        gamma[2 * q, 2 * q + 1], gamma[2 * q + 1, 2 * q] = -1.0, 1.0
    for inst in circuit.instructions:
        name, qubits, (theta,) = inst.operation.name, inst.qubits, inst.operation.params
        if name == "rz":
            a = 2 * qubits[0]
        elif name == "rxx" and abs(qubits[1] - qubits[0]) == 1:
            a = 2 * min(qubits) + 1
        else:
            raise ValueError(f"not a free-fermion gate here: {name} on {qubits}")
        b = a + 1
        cos, sin = math.cos(float(theta)), math.sin(float(theta))
        rotation = np.array([[cos, -sin], [sin, cos]])  # gamma -> R gamma R^T, R the identity off rows a, b
        gamma[[a, b], :] = rotation @ gamma[[a, b], :]
        gamma[:, [a, b]] = gamma[:, [a, b]] @ rotation.T
    return gamma


def two_point(gamma, a, b):
    """<c_a c_b>: 1 for a == b, -i Gamma[a, b] otherwise."""
    return 1.0 if a == b else -1j * gamma[a, b]


def free_fermion_values(gamma, n):
    z = {q: -gamma[2 * q, 2 * q + 1] for q in range(n)}
    xx = {q: -gamma[2 * q + 1, 2 * q + 2] for q in range(n - 1)}

    def zz(p, q):  # (-i)^2 <c_a c_b c_c c_d> by Wick
        a, b, c, d = 2 * p, 2 * p + 1, 2 * q, 2 * q + 1
        wick = (two_point(gamma, a, b) * two_point(gamma, c, d) - two_point(gamma, a, c) * two_point(gamma, b, d)
                + two_point(gamma, a, d) * two_point(gamma, b, c))
        return float(np.real(-wick))
    return z, xx, zz


def label(n, paulis):
    chars = ["I"] * n
    for qubit, pauli in paulis.items():
        chars[n - 1 - qubit] = pauli
    return "".join(chars)


def test_the_free_fermion_closed_form_agrees_with_the_state_vector():
    n = 8
    c = tfim(n, 6, dt=0.2, h=0.7)
    z, xx, zz = free_fermion_values(majorana_covariance(c), n)
    sv = qf.simulate(c)
    for q in range(n):
        assert z[q] == pytest.approx(sv.expectation_value(label(n, {q: "Z"})), abs=1e-12)
    for q in range(n - 1):
        assert xx[q] == pytest.approx(sv.expectation_value(label(n, {q: "X", q + 1: "X"})), abs=1e-12)
    for p, q in [(0, 7), (2, 5), (1, 2)]:
        assert zz(p, q) == pytest.approx(sv.expectation_value(label(n, {p: "Z", q: "Z"})), abs=1e-12)


def test_100_qubit_trotterised_ising_chain_matches_free_fermions():
    n = 100
    c = tfim(n, 20)
    z, xx, zz = free_fermion_values(majorana_covariance(c), n)
    state = qf.simulate(c, backend="mps", max_bond_dimension=64)
    assert state.fidelity_lower_bound > 1 - 1e-8  # chi = 64 holds this chain essentially exactly
    # an error of the state by angle a moves an expectation of a norm-1 observable by at most 2 sin(a)
    tolerance = 2 * math.sqrt(1 - state.fidelity_lower_bound) + 1e-9
    for q in (0, 1, 37, 50, 98, 99):
        assert state.expectation_value(label(n, {q: "Z"})) == pytest.approx(z[q], abs=tolerance)
    for q in (0, 49, 98):
        assert state.expectation_value(label(n, {q: "X", q + 1: "X"})) == pytest.approx(xx[q], abs=tolerance)
    for p, q in [(10, 11), (20, 30), (0, 99)]:
        assert state.expectation_value(label(n, {p: "Z", q: "Z"})) == pytest.approx(zz(p, q), abs=tolerance)
    assert abs(z[50] - 1) > 0.05  # the field did turn the spins: the comparison is not of trivial values


# -- QAOA p = 1 -------------------------------------------------------------------------------


def qaoa_p1(n, edges, gamma, beta):
    """|+>^n, exp(-i gamma C) with C = sum (1 - Z_u Z_v)/2 (rzz(-gamma) up to a global phase), exp(-i beta sum X)."""
    c = Circuit(n)
    for q in range(n):
        c.h(q)
    for u, v in edges:
        c.rzz(-gamma, u, v)
    for q in range(n):
        c.rx(2 * beta, q)
    return c


def zz_closed_form(gamma, beta, d, e):
    """<Z_u Z_v> of an edge in no triangle, its ends with d + 1 and e + 1 neighbours (Wang et al. 2018)."""
    return -0.5 * math.sin(4 * beta) * math.sin(gamma) * (math.cos(gamma) ** d + math.cos(gamma) ** e)


def ring(n):
    return [(q, q + 1) for q in range(n - 1)] + [(0, n - 1)]


def prism(rungs):
    """The circular ladder C_rungs x K_2 (3-regular, triangle-free for rungs >= 4); vertex (i, side) is qubit
    2 i + side, so the rungs are neighbours on the line, the rails two apart, and the wrap-around edges span it."""
    edges = [(2 * i, 2 * i + 1) for i in range(rungs)]
    for i in range(rungs):
        j = (i + 1) % rungs
        for side in (0, 1):
            edges.append(tuple(sorted((2 * i + side, 2 * j + side))))
    return edges


@pytest.mark.parametrize("graph, degree", [(ring, 2), (prism, 3)])
def test_qaoa_closed_form_agrees_with_the_state_vector(graph, degree):
    edges = graph(10) if graph is ring else graph(5)
    c = qaoa_p1(10, edges, 0.7, 0.3)
    sv = qf.simulate(c)
    expected = zz_closed_form(0.7, 0.3, degree - 1, degree - 1)
    for u, v in edges:
        assert sv.expectation_value(label(10, {u: "Z", v: "Z"})) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("graph, degree, size", [(ring, 2, 100), (prism, 3, 50)])
def test_100_qubit_qaoa_with_long_range_edges_matches_the_closed_form(graph, degree, size):
    edges = graph(size)
    n = 2 * size if graph is prism else size
    gamma, beta = 0.9, 0.35
    c = qaoa_p1(n, edges, gamma, beta)
    state = qf.simulate(c, backend="mps")  # exact: no bond cap, threshold 1e-16
    assert state.fidelity_lower_bound > 1 - 1e-10
    expected = zz_closed_form(gamma, beta, degree - 1, degree - 1)
    rng = np.random.default_rng(5)
    chosen = [edges[i] for i in rng.choice(len(edges), 8, replace=False)] + [e for e in edges if e[1] - e[0] > 2]
    for u, v in chosen:
        assert state.expectation_value(label(n, {u: "Z", v: "Z"})) == pytest.approx(expected, abs=1e-9), (u, v)
    # a single-qubit Z vanishes by the Z2 symmetry of the cost and mixer
    assert state.expectation_value(label(n, {n // 2: "Z"})) == pytest.approx(0.0, abs=1e-9)


# -- GHZ --------------------------------------------------------------------------------------


def test_100_qubit_ghz_amplitudes_parities_and_samples():
    n = 100
    c = Circuit(n).h(0)
    for q in range(n - 1):
        c.cx(q, q + 1)
    c.cx(0, n - 1)  # a long-range gate that leaves the state as it is: the swap network must undo itself
    c.cx(0, n - 1)
    state = qf.simulate(c, backend="mps")
    assert state.amplitude("0" * n) == pytest.approx(1 / math.sqrt(2), abs=1e-12)
    assert state.amplitude("1" * n) == pytest.approx(1 / math.sqrt(2), abs=1e-12)
    assert state.amplitude("01" * 50) == pytest.approx(0, abs=1e-12)
    assert state.expectation_value("Z" * n) == pytest.approx(1, abs=1e-12)
    assert state.expectation_value("X" * n) == pytest.approx(1, abs=1e-12)
    assert state.expectation_value("Y" * n) == pytest.approx(round(math.cos(n * math.pi / 2)), abs=1e-12)
    assert state.expectation_value("Z" + "I" * (n - 1)) == pytest.approx(0, abs=1e-12)
    draws = state.sample(4000, seed=2)
    assert set(draws.tolist()) == {0, (1 << n) - 1}  # perfect samples: only the two branches
    counts = qf.run(c.copy().measure_all(), shots=4000, backend="mps", seed=3).counts
    assert set(counts) == {"0" * n, "1" * n}
    assert counts["0" * n] / 4000 == pytest.approx(0.5, abs=0.04)  # 5 sigma is 0.04
