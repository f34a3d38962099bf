"""Kernels against independent computations: qiskit Statevector fidelities, qiskit-machine-learning's
FidelityStatevectorKernel, NumPy reduced density matrices, and shots."""

import numpy as np
import pytest
from qiskit.circuit.library import zz_feature_map
from qiskit.quantum_info import Statevector, partial_trace

from qfusion.errors import DataError
from qfusion.qml import (
    DataReuploading,
    FidelityKernel,
    IQPEmbedding,
    ProjectedKernel,
    ZZFeatureMap,
    reduced_density_matrices,
)

RNG = np.random.default_rng(11)


def _qiskit_states(X, reps=2):
    circuit = zz_feature_map(X.shape[1], reps=reps)
    params = sorted(circuit.parameters, key=lambda p: p.index)
    return [Statevector(circuit.assign_parameters(dict(zip(params, x, strict=True)))) for x in X]


def test_fidelity_kernel_equals_qiskit_statevector_overlaps():
    X, Y = RNG.uniform(0, 2 * np.pi, (5, 3)), RNG.uniform(0, 2 * np.pi, (4, 3))
    kernel = FidelityKernel(ZZFeatureMap(3), backend="statevector")
    sx, sy = _qiskit_states(X), _qiskit_states(Y)
    expected = np.array([[abs(a.inner(b)) ** 2 for b in sy] for a in sx])
    np.testing.assert_allclose(kernel.evaluate(X, Y), expected, atol=1e-10)
    gram = kernel.evaluate(X)
    np.testing.assert_allclose(gram, np.array([[abs(a.inner(b)) ** 2 for b in sx] for a in sx]), atol=1e-10)
    assert np.array_equal(gram, gram.T) and kernel.num_circuits == 0


def test_fidelity_kernel_equals_qiskit_machine_learning():
    from qiskit_machine_learning.kernels import FidelityStatevectorKernel
    X = RNG.uniform(0, 2 * np.pi, (6, 2))
    reference = FidelityStatevectorKernel(feature_map=zz_feature_map(2, reps=2)).evaluate(X)
    np.testing.assert_allclose(FidelityKernel(ZZFeatureMap(2)).evaluate(X), reference, atol=1e-10)


def test_shots_use_compute_uncompute_circuits_and_agree():
    X = RNG.uniform(0, 2 * np.pi, (4, 2))
    exact = FidelityKernel(ZZFeatureMap(2)).evaluate(X)
    sampled = FidelityKernel(ZZFeatureMap(2), shots=4000, seed=1)
    K = sampled.evaluate(X)
    assert sampled.num_circuits == 6  # N (N - 1) / 2: the diagonal is 1 and K symmetric
    assert np.all(np.abs(K - exact) < 5 * np.sqrt(exact * (1 - exact) / 4000) + 1e-3)
    sampled.evaluate(X[:2], X)
    assert sampled.num_circuits == 8


def test_projected_kernel_equals_numpy_reduced_density_matrices():
    X = RNG.uniform(0, np.pi, (4, 3))
    gamma = 0.7
    states = [Statevector(s) for s in IQPEmbedding(3).states(X)]
    rho = [[partial_trace(s, [k for k in range(3) if k != q]).data for q in range(3)] for s in states]
    expected = np.array([[np.exp(-gamma * sum(np.linalg.norm(a[q] - b[q]) ** 2 for q in range(3)))
                          for b in rho] for a in rho])
    np.testing.assert_allclose(ProjectedKernel(IQPEmbedding(3), gamma=gamma).evaluate(X), expected, atol=1e-10)
    ours = reduced_density_matrices(IQPEmbedding(3).states(X), 3)
    np.testing.assert_allclose(ours[1, 2], rho[1][2], atol=1e-12)


def test_projected_kernel_with_shots_is_close():
    X = RNG.uniform(0, np.pi, (3, 2))
    exact = ProjectedKernel(IQPEmbedding(2)).evaluate(X)
    sampled = ProjectedKernel(IQPEmbedding(2), shots=4000, seed=2).evaluate(X)
    assert np.max(np.abs(sampled - exact)) < 0.1


def test_kernel_target_alignment_gradient_and_training():
    from qfusion.qml.batched import BatchedCircuit
    from qfusion.qml.kernels import _alignment_and_gradient
    fm = DataReuploading(2, reps=1)
    X = RNG.uniform(-1, 1, (6, 2))
    y = np.array([0, 0, 0, 1, 1, 1])
    target = np.where(y[:, None] == y[None, :], 1.0, -1.0)
    plan = BatchedCircuit(fm.circuit)
    w = fm.initial_weights(seed=0)
    names = [p.name for p in fm.weights]
    value, grad = _alignment_and_gradient(*plan.jacobian(fm.columns(X, w), names), target)

    def alignment(v):
        K = FidelityKernel(fm, weights=v).evaluate(X)
        return np.sum(K * target) / (np.linalg.norm(K) * np.linalg.norm(target))
    assert abs(value - alignment(w)) < 1e-12
    fd = [(alignment(w + e) - alignment(w - e)) / 2e-6 for e in np.eye(len(w)) * 1e-6]
    np.testing.assert_allclose(grad, fd, atol=1e-7)
    kernel = FidelityKernel(fm, weights=w)
    history = kernel.align(X, y, maxiter=15)
    assert history[-1] > history[0]


def test_nystroem_approximation_improves_with_landmarks():
    X = RNG.uniform(0, 2 * np.pi, (16, 2))
    kernel = FidelityKernel(ZZFeatureMap(2, reps=1))
    exact = kernel.evaluate(X)
    errors = []
    for m in (4, 16):
        F = kernel.nystroem(X, m, seed=0).transform(X)
        errors.append(np.linalg.norm(F @ F.T - exact))
    assert errors[1] < 1e-8 < errors[0]


def test_kernel_bad_input():
    kernel = FidelityKernel(ZZFeatureMap(2))
    with pytest.raises(DataError, match="takes 2 features"):
        kernel.evaluate(np.zeros((3, 3)))
    with pytest.raises(DataError, match="NaN"):
        kernel.evaluate([[0.0, np.nan]])
    with pytest.raises(DataError, match="feature_map"):
        FidelityKernel("zz")
    with pytest.raises(DataError, match="two classes"):
        FidelityKernel(DataReuploading(2, reps=1)).align(np.zeros((2, 2)), [1, 1])
