"""The MPS's compiled two-site update and its plan for commuting diagonal layers, against independent
references: the gate applied by einsum and split by NumPy's SVD, its NumPy twin, and the state vector."""

import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Circuit, circuit_unitary
from qfusion.circuit.unitary import apply_matrix
from qfusion.sim.fusion import fuse
from qfusion.sim.kernels import reference
from qfusion.sim.kernels.cpu_mps import two_site_update
from qfusion.sim.mps import route as mps_route
from qfusion.sim.mps import state as mps_state
from qfusion.sim.plan import lower, lower_instructions


def _random_tensors(rng, left, middle, right, dtype):
    def tensor(*shape):
        return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dtype)
    first, second = tensor(left, 2, middle), tensor(middle, 2, right)
    scale = np.linalg.norm(np.einsum("asm,mtb->astb", first, second))
    return first / np.sqrt(scale), second / np.sqrt(scale)


def _haar(rng, dim):
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    return q * (np.diag(r) / abs(np.diag(r)))


@pytest.mark.parametrize("dtype, tol", [(np.complex128, 1e-10), (np.complex64, 2e-5)])
@pytest.mark.parametrize("diagonal", [False, True])
@pytest.mark.parametrize("center_left", [False, True])
@pytest.mark.parametrize("left, middle, right", [(1, 1, 1), (3, 5, 2), (8, 6, 7)])
def test_two_site_update_without_truncation_is_the_gate_applied(dtype, tol, diagonal, center_left, left, middle,
                                                                right):
    rng = np.random.default_rng(left * 100 + middle * 10 + right)
    first, second = _random_tensors(rng, left, middle, right, dtype)
    gate = np.diag(np.exp(1j * rng.uniform(0, 6, 4))) if diagonal else _haar(rng, 4)
    gate = gate.astype(dtype)
    new_first, new_second, lost, total = two_site_update(first, second, gate, diagonal, 0, 0.0, center_left)
    # the block's index: (left, first site, second site, right), the first site the high bit of the gate's
    expected = np.einsum("jk,akb->ajb", gate, np.einsum("asm,mtb->astb", first, second).reshape(left, 4, right))
    got = np.einsum("asm,mtb->astb", new_first, new_second).reshape(left, 4, right)
    np.testing.assert_allclose(got * np.sqrt(total), expected, atol=tol)
    assert lost == 0 and total == pytest.approx(1.0, abs=tol)
    keep = new_first.shape[2]
    if center_left:  # the second tensor is right-orthonormal
        matrix = new_second.reshape(keep, -1)
    else:            # the first is left-orthonormal
        matrix = new_first.reshape(-1, keep).conj().T
    np.testing.assert_allclose(matrix @ matrix.conj().T, np.eye(keep), atol=tol)
    twin = reference.two_site_update(first, second, gate, diagonal, 0, 0.0, center_left)
    np.testing.assert_allclose(np.einsum("asm,mtb->astb", *twin[:2]), np.einsum("asm,mtb->astb", new_first, new_second),
                               atol=tol)


@pytest.mark.parametrize("center_left", [False, True])
def test_two_site_update_truncates_to_the_best_approximation(center_left):
    rng = np.random.default_rng(3)
    first, second = _random_tensors(rng, 6, 9, 6, np.complex128)
    gate = _haar(rng, 4)
    new_first, new_second, lost, total = two_site_update(first, second, gate, False, 5, 1e-16, center_left)
    block = np.einsum("jk,akb->ajb", gate, np.einsum("asm,mtb->astb", first, second).reshape(6, 4, 6)).reshape(12, 12)
    u, s, vh = np.linalg.svd(block)
    best = (u[:, :5] * s[:5]) @ vh[:5]  # Eckart-Young: the nearest rank-5 matrix
    assert new_first.shape == (6, 2, 5) and new_second.shape == (5, 2, 6)
    assert lost == pytest.approx(float((s[5:] ** 2).sum() / (s ** 2).sum()), rel=1e-10)
    assert total == pytest.approx(float((s ** 2).sum()), rel=1e-10)
    got = np.einsum("asm,mtb->astb", new_first, new_second).reshape(12, 12)
    np.testing.assert_allclose(got, best / np.linalg.norm(best), atol=1e-10)  # renormalised to norm 1
    twin = reference.two_site_update(first, second, gate, False, 5, 1e-16, center_left)
    assert twin[2] == pytest.approx(lost, rel=1e-10)


def test_two_site_update_drops_values_under_the_threshold_and_reports_a_zero_norm():
    rng = np.random.default_rng(4)
    # a product state: one Schmidt value of weight 1, the others zero up to rounding
    first = np.zeros((1, 2, 1), dtype=complex)
    first[0, :, 0] = [0.6, 0.8]
    second = np.zeros((1, 2, 1), dtype=complex)
    second[0, :, 0] = [1, 0]
    new_first, new_second, lost, _ = two_site_update(first, second, np.eye(4, dtype=complex), False, 0, 1e-16, False)
    assert new_first.shape == (1, 2, 1) and new_second.shape == (1, 2, 1) and lost < 1e-30
    zero = np.zeros((1, 2, 1), dtype=complex)
    assert two_site_update(zero, zero, _haar(rng, 4), False, 0, 1e-16, False)[3] == 0.0


def _trotter(n, steps, rng):
    """Ising-like layers of commuting diagonal gates (rzz, cz, cp, a long-range rzz) between layers of rx."""
    c = Circuit(n)
    for step in range(steps):
        for q in range(n - 1):
            c.rzz(float(rng.uniform(-1, 1)), q, q + 1)
        c.cz(0, n - 1).cp(float(rng.uniform(0, 3)), 1, 2).rzz(0.4, 0, n // 2)
        for q in range(n):
            c.rx(float(rng.uniform(-1, 1)), q)
        if step % 2:
            c.rz(0.3, 1).h(3)
    return c


@pytest.mark.parametrize("n, steps, seed", [(6, 4, 0), (11, 5, 1)])
def test_commuting_diagonal_layers_reordered_match_the_state_vector(n, steps, seed):
    c = _trotter(n, steps, np.random.default_rng(seed))
    exact = np.asarray(qf.simulate(c))  # threshold 0: nothing dropped (1e-16 drops Schmidt values up to 1e-8)
    np.testing.assert_allclose(np.asarray(qf.simulate(c, backend="mps", truncation_threshold=0)), exact, atol=1e-10)
    single = qf.simulate(c, backend="mps", dtype=np.complex64, truncation_threshold=0)
    np.testing.assert_allclose(np.asarray(single), exact, atol=2e-5)


def test_the_numpy_path_without_scipy_gives_the_same_state(monkeypatch):
    c = _trotter(8, 3, np.random.default_rng(5))
    compiled = np.asarray(qf.simulate(c, backend="mps", truncation_threshold=0))
    monkeypatch.setattr(mps_state, "_compiled_update", lambda: False)
    np.testing.assert_allclose(np.asarray(qf.simulate(c, backend="mps", truncation_threshold=0)), compiled, atol=1e-10)
    np.testing.assert_allclose(compiled, np.asarray(qf.simulate(c)), atol=1e-10)


def _center_moves(plan) -> int:
    center, moves = 0, 0
    for step in plan.steps:
        if step.width == 1:
            continue
        first, last = step.start, step.start + step.width - 1
        target = min(max(center, first), last)
        moves += abs(target - center)
        center = first if step.center_left else last
    return moves


def test_a_trotterised_ising_chain_runs_as_sweeps_back_and_forth():
    n = 30
    c = Circuit(n)
    for _ in range(6):
        for q in range(n - 1):
            c.rzz(-0.2, q, q + 1)
        for q in range(n):
            c.rx(-0.2, q)
    plan = mps_route.route(lower_instructions(c, "mps"), tuple(range(n)))
    starts = [step.start for step in plan.steps if step.width == 2]
    assert starts[: 2 * (n - 1)] == list(range(n - 1)) + list(range(n - 2, -1, -1))
    assert _center_moves(plan) == 0  # each layer starts where the last one ended: no QR walks the center back


def test_fusion_keeping_diagonals_is_still_the_circuit():
    c = _trotter(5, 3, np.random.default_rng(6))
    fused = fuse(list(lower(c).ops), 2, 2, keep_diagonals=True)
    unitary = np.eye(2 ** 5, dtype=complex)
    for op in fused:
        unitary = apply_matrix(unitary, op.matrix, list(op.qubits), 5)
    np.testing.assert_allclose(unitary, circuit_unitary(c), atol=1e-12)
    assert any(op.kind == "diagonal" and len(op.qubits) == 2 for op in fused)
