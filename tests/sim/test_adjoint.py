"""The Pauli kernels and the adjoint-sweep helpers against their NumPy twins and dense matrices."""

import numpy as np
import pytest

from qfusion.circuit import Circuit
from qfusion.circuit.unitary import circuit_unitary
from qfusion.observables import PauliSum
from qfusion.sim import adjoint
from qfusion.sim.kernels import cpu_pauli, reference
from qfusion.sim.plan import lower


def random_state(n, rng):
    state = rng.normal(size=1 << n) + 1j * rng.normal(size=1 << n)
    return state / np.linalg.norm(state)


@pytest.mark.parametrize("seed", range(4))
def test_pauli_kernels_match_twins(seed):
    rng = np.random.default_rng(seed)
    n = 5
    x, z = int(rng.integers(1 << n)), int(rng.integers(1 << n))
    phase = 1j ** bin(x & z).count("1")  # Hermitian
    a, b = random_state(n, rng), random_state(n, rng)
    fast, slow = a.copy(), a.copy()
    cpu_pauli.pauli_rotation(fast, x, z, phase, np.cos(0.3), np.sin(0.3))
    reference.pauli_rotation(slow, x, z, phase, np.cos(0.3), np.sin(0.3))
    np.testing.assert_allclose(fast, slow, atol=1e-13)
    assert abs(cpu_pauli.pauli_overlap(a, b, x, z) - reference.pauli_overlap(a, b, x, z)) < 1e-12
    zs = np.array([z, 3, 1], dtype=np.int64)
    coeffs = rng.normal(size=3) + 0j
    out_fast, out_slow = np.empty_like(a), np.empty_like(a)
    cpu_pauli.apply_pauli_sum(a, out_fast, np.array([0, x]), np.array([0, 1, 3]), zs[[2, 0, 1]],
                              coeffs[[2, 0, 1]])
    reference.apply_pauli_sum(a, out_slow, np.array([0, x]), np.array([0, 1, 3]), zs[[2, 0, 1]],
                              coeffs[[2, 0, 1]])
    np.testing.assert_allclose(out_fast, out_slow, atol=1e-13)


def test_pauli_sum_helpers_match_dense_matrix():
    rng = np.random.default_rng(7)
    H = PauliSum.from_list([("XYZI", 0.5), ("ZZII", -1.0), ("IYIY", 0.25), ("XIIX", 2.0)])
    psi = random_state(4, rng)
    dense = H.to_matrix()
    np.testing.assert_allclose(adjoint.apply_pauli_sum(psi, *H.masks()), dense @ psi, atol=1e-12)
    assert abs(adjoint.pauli_expectation(psi, *H.masks()) - np.vdot(psi, dense @ psi)) < 1e-12


def test_pauli_rotation_is_the_matrix_exponential():
    rng = np.random.default_rng(3)
    psi = random_state(3, rng)
    P = PauliSum.from_label("YXZ")
    x, z, m = P.masks()
    state = psi.copy()
    adjoint.pauli_rotate(state, int(x[0]), int(z[0]), complex(m[0]), 0.7)
    expected = np.cos(0.35) * psi - 1j * np.sin(0.35) * (P.to_matrix() @ psi)
    np.testing.assert_allclose(state, expected, atol=1e-13)


def test_compiled_gates_forward_and_inverse_on_a_stacked_state():
    rng = np.random.default_rng(11)
    c = Circuit(4).h(0).cx(0, 3).ry(0.4, 2).swap(1, 2).cz(3, 1).rzz(0.2, 0, 2).ccx(0, 1, 3)
    ops = list(lower(c).ops)
    psi = random_state(4, rng)
    state = psi.copy()
    adjoint.apply_compiled(state, adjoint.compile_gates(ops, 4))
    np.testing.assert_allclose(state, circuit_unitary(c) @ psi, atol=1e-12)
    both = np.concatenate([state, 2 * state])  # two states side by side: bit 4 selects
    adjoint.apply_compiled(both, adjoint.compile_gates(ops, 5, inverse=True))
    np.testing.assert_allclose(both, np.concatenate([psi, 2 * psi]), atol=1e-12)
