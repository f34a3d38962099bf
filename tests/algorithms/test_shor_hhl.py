"""Shor's modular multipliers against integer arithmetic, factoring end to end; HHL against numpy.linalg.solve."""

import numpy as np
import pytest

from qfusion.algorithms.arithmetic import MultiplierLayout, controlled_modular_multiplication
from qfusion.algorithms.hhl import hhl
from qfusion.algorithms.shor import order_from_phase, shor
from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.sim import simulate


def test_controlled_multiplication_by_7_mod_15_on_every_input():
    layout = MultiplierLayout.for_modulus(15)
    multiplier = controlled_modular_multiplication(7, 15, layout)
    for x in range(15):
        for control in (0, 1):
            c = Circuit(layout.num_qubits)
            if control:
                c.x(layout.control)
            for j, q in enumerate(layout.x):
                if (x >> j) & 1:
                    c.x(q)
            state = np.asarray(simulate(c.compose(multiplier)))
            index = int(np.argmax(np.abs(state)))
            assert abs(abs(state[index]) - 1) < 1e-9
            assert layout.read(index, layout.x) == (7 * x % 15 if control else x)
            assert layout.read(index, layout.b) == 0 and not (index >> layout.ancilla) & 1
    assert "unitary" not in multiplier.count_ops()  # built from gates, not a permutation matrix


@pytest.mark.parametrize("number, base", [(15, 7), (15, 2), (21, 2), (21, None)])
def test_shor_factors(number, base):
    result = shor(number, base=base, seed=5)
    p, q = result.factors
    assert p * q == number and 1 < p < number
    assert pow(result.base, result.order, number) == 1  # the order the circuit found is the order


@pytest.mark.slow
def test_shor_factors_35():
    result = shor(35, seed=2)
    assert result.factors == (5, 7)


def test_continued_fractions_and_refusals():
    assert order_from_phase(int(5 / 6 * 2 ** 10 + 0.5), 10, 2, 21) == 6
    with pytest.raises(CircuitError, match="prime"):
        shor(13)
    assert shor(27).method.startswith("classical") and shor(27).factors == (3, 9)


@pytest.mark.parametrize("seed", range(3))
def test_hhl_matches_numpy_solve(seed):
    rng = np.random.default_rng(seed)
    dim = 2 if seed == 0 else 4
    q, _ = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    eigenvalues = rng.uniform(0.5, 2.0, dim) * rng.choice([-1, 1], dim)
    a = (q * eigenvalues) @ q.conj().T
    b = rng.normal(size=dim) + 1j * rng.normal(size=dim)
    result = hhl(a, b, num_clock_qubits=7)
    x = np.linalg.solve(a, b)
    assert result.fidelity > 0.99
    assert abs(np.vdot(x / np.linalg.norm(x), result.solution)) ** 2 > 0.99
    assert 0 < result.success_probability <= 1


def test_hhl_is_exact_when_eigenvalues_fall_on_the_clock():
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    a = (q * np.array([0.5, 1.0, -1.5, 2.0])) @ q.T
    b = rng.normal(size=4)
    result = hhl(a, b, num_clock_qubits=5)
    np.testing.assert_allclose(result.solution_vector, np.linalg.solve(a, b), atol=1e-10)
    with pytest.raises(CircuitError, match="Hermitian"):
        hhl([[1, 2], [0, 1]], [1, 0])
