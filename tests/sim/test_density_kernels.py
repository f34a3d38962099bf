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
