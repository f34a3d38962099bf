"""Density-matrix kernels against their NumPy twins."""

import numpy as np
import pytest

from qfusion.sim.kernels import cpu_density_reduce, reference_density


@pytest.mark.parametrize("positions", [[0], [3], [4, 1], [0, 2, 5]])
def test_reduced_density_matrix(positions):
    rng = np.random.default_rng(len(positions))
    state = rng.normal(size=64) + 1j * rng.normal(size=64)
    ours = cpu_density_reduce.reduced_density_matrix(state, np.array(positions, dtype=np.int64))
    np.testing.assert_allclose(ours, reference_density.reduced_density_matrix(state, positions), atol=1e-12)
    serial = cpu_density_reduce.reduced_density_matrix_serial(state, np.array(positions, dtype=np.int64))
    np.testing.assert_allclose(serial, ours, atol=1e-12)


def test_sample_one():
    rng = np.random.default_rng(2)
    state = rng.normal(size=64) + 1j * rng.normal(size=64)
    state[[3, 40, 63]] = 0
    total = float(np.sum(np.abs(state) ** 2))
    for threshold in [0.0, 0.3 * total, 0.999 * total, total * 1.01]:
        assert cpu_density_reduce.sample_one(state, threshold) == reference_density.sample_one(state, threshold)
