"""Density-matrix kernels against their NumPy twins."""

import numpy as np
import pytest

from qfusion.sim.kernels import cpu_density, cpu_density_reduce, reference_density


def random_density_matrix(n, rng):
    a = rng.normal(size=(1 << n, 1 << n)) + 1j * rng.normal(size=(1 << n, 1 << n))
    rho = a @ a.conj().T
    return (rho / np.trace(rho)).reshape(-1)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_measurement_kernels(n):
    rng = np.random.default_rng(n)
    rho = random_density_matrix(n, rng)
    for q in range(n):
        assert abs(cpu_density.probability_of_one(rho, n, q) - reference_density.probability_of_one(rho, n, q)) < 1e-12
        a, b = rho.copy(), rho.copy()
        cpu_density.collapse(a, n, q, 1, 2.5)
        reference_density.collapse(b, n, q, 1, 2.5)
        np.testing.assert_allclose(a, b, atol=1e-14)
    np.testing.assert_allclose(cpu_density.diagonal(rho, n), reference_density.diagonal(rho, n))


@pytest.mark.parametrize("n", [1, 2, 4])
def test_pauli_expectations(n):
    rng = np.random.default_rng(10 + n)
    rho = random_density_matrix(n, rng)
    x_masks = np.array([0, 1, (1 << n) - 1], dtype=np.int64)
    starts = np.array([0, 2, 3, 5], dtype=np.int64)
    z_masks = rng.integers(0, 1 << n, size=5).astype(np.int64)
    coeffs = rng.normal(size=5) + 1j * rng.normal(size=5)
    ours = cpu_density.pauli_expectations(rho, n, x_masks, starts, z_masks, coeffs)
    assert abs(ours - reference_density.pauli_expectations(rho, n, x_masks, starts, z_masks, coeffs)) < 1e-12


@pytest.mark.parametrize("positions", [[0], [3], [4, 1], [0, 2, 5]])
def test_reduced_density_matrix(positions):
    rng = np.random.default_rng(len(positions))
    state = rng.normal(size=64) + 1j * rng.normal(size=64)
    ours = cpu_density_reduce.reduced_density_matrix(state, np.array(positions, dtype=np.int64))
    np.testing.assert_allclose(ours, reference_density.reduced_density_matrix(state, positions), atol=1e-12)
    serial = cpu_density_reduce.reduced_density_matrix_serial(state, np.array(positions, dtype=np.int64))
    np.testing.assert_allclose(serial, ours, atol=1e-12)
