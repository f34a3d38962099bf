"""Compiled kernels against their NumPy twins on random encodings."""

import numpy as np
import pytest

from qfusion.circuit import STANDARD_GATES, Circuit
from qfusion.sim import lanes
from qfusion.sim.fusion import BitSwap, fuse, mixing_qubits, restore_layout, schedule
from qfusion.sim.kernels import cpu_lanes, cpu_measure, cpu_sweep, reference
from qfusion.sim.plan import lower


def random_state(n, rng, dtype=np.complex128):
    state = rng.normal(size=1 << n) + 1j * rng.normal(size=1 << n)
    return (state / np.linalg.norm(state)).astype(dtype)


def random_circuit(n, depth, rng):
    names = [g for g, spec in STANDARD_GATES.items() if spec.num_qubits <= n]
    c = Circuit(n)
    for _ in range(depth):
        spec = STANDARD_GATES[rng.choice(names)]
        qubits = [int(q) for q in rng.choice(n, spec.num_qubits, replace=False)]
        c.append(spec.name, qubits, [*rng.uniform(-np.pi, np.pi, spec.num_params)])
    return c


@pytest.mark.parametrize("local_qubits", [2, 3, 5])
def test_sweep_matches_twin(local_qubits):
    rng = np.random.default_rng(local_qubits)
    n = 6
    for _ in range(10):
        ops = fuse(list(lower(random_circuit(n, 30, rng)).ops), 3)
        plan = schedule(ops, n, local_qubits, np.complex128, tuple(rng.permutation(n)))
        fast = random_state(n, rng)
        slow = fast.copy()
        for step in plan.steps:
            if isinstance(step, BitSwap):
                cpu_sweep.swap_bit_positions(fast, step.first, step.second)
                reference.swap_bit_positions(slow, step.first, step.second)
            else:
                cpu_sweep.sweep(fast, step.local_qubits, *step.arrays)
                reference.sweep(slow, step.local_qubits, *step.arrays)
            np.testing.assert_allclose(fast, slow, atol=1e-12)


def test_a_controlled_gate_in_a_sweep_is_a_matrix_over_its_target_alone():
    """Controls on lane bits select blocks of a one-qubit matrix (before: a dense op on every bit of the gate)."""
    from qfusion.circuit.unitary import circuit_unitary
    c = Circuit(8)
    for q in range(4, 8):
        c.h(q)
    c.ccx(0, 1, 7).mcx([0, 1, 2, 3, 5], 6)
    (packed,) = lanes.pack(fuse(list(lower(c).ops), 1), 8, 4)
    step = lanes.encode(packed, 8, 8, np.complex128)
    op_type, op_nbits, op_nsel = step.arrays[6], step.arrays[9], step.arrays[11]
    assert op_type.tolist()[-2:] == [2, 2] and op_nbits.tolist()[-2:] == [1, 1] and op_nsel.tolist()[-2:] == [2, 5]
    state = random_state(8, np.random.default_rng(3))
    fast, slow = state.copy(), state.copy()
    cpu_lanes.sweep(fast.view(np.float64), *step.arrays)
    reference.lanes_sweep(slow.view(np.float64), *step.arrays)
    np.testing.assert_allclose(fast, circuit_unitary(c) @ state, atol=1e-12)
    np.testing.assert_allclose(slow, fast, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("active, mixed", [(5, 1), (6, 2), (7, 3)])
def test_lanes_sweep_matches_twin(active, mixed, dtype):
    rng = np.random.default_rng(active + mixed)
    n = 8
    types = set()
    for _ in range(6):
        ops = fuse(list(lower(random_circuit(n, 40, rng)).ops), 1)
        ops = [op for op in ops if len(mixing_qubits(op)) <= mixed]
        moved, _ = lanes.rename_swaps(ops, tuple(int(p) for p in rng.permutation(n)))
        fast = random_state(n, rng).astype(dtype)
        slow = fast.copy()
        real = np.finfo(dtype).dtype
        for packed in lanes.pack(moved, n, mixed):
            step = lanes.encode(packed, n, active, dtype)
            types.update(step.arrays[6].tolist())
            cpu_lanes.sweep(fast.view(real), *step.arrays)
            reference.lanes_sweep(slow.view(real), *step.arrays)
            np.testing.assert_allclose(fast, slow, atol=1e-5 if dtype == np.complex64 else 1e-12)
    assert {0, 1, 2} <= types  # one-qubit, diagonal and dense ops all ran
    if mixed >= 2:
        assert 4 in types  # and two-qubit ones


def test_restore_layout_puts_every_qubit_back():
    rng = np.random.default_rng(1)
    n = 7
    for _ in range(50):
        layout = tuple(int(p) for p in rng.permutation(n))
        index = np.arange(1 << n)
        physical = np.zeros_like(index)
        for q, p in enumerate(layout):
            physical |= ((index >> q) & 1) << p
        state = np.zeros(1 << n, dtype=complex)
        state[physical] = index  # amplitude of logical index i sits at its physical index
        passes = restore_layout(layout)
        assert len(passes) <= 2
        for step in passes:
            cpu_sweep.swap_bit_positions(state, step.first, step.second)
        np.testing.assert_array_equal(state.real, index)


def test_measurement_kernels_match_twins():
    rng = np.random.default_rng(3)
    state = random_state(8, rng)
    for position in range(8):
        assert cpu_measure.probability_of_one(state, position) == pytest.approx(
            reference.probability_of_one(state, position), abs=1e-12)
    x_masks = np.array([0, 5, 130], dtype=np.int64)
    starts = np.array([0, 2, 3, 5], dtype=np.int64)
    z_masks = np.array([3, 9, 5, 130, 1], dtype=np.int64)
    coeffs = rng.normal(size=5) + 1j * rng.normal(size=5)
    assert cpu_measure.pauli_expectations(state, x_masks, starts, z_masks, coeffs) == pytest.approx(
        reference.pauli_expectations(state, x_masks, starts, z_masks, coeffs), abs=1e-12)


def test_collapse_keeps_outcome_and_renormalises():
    rng = np.random.default_rng(4)
    state = random_state(5, rng)
    p_one = cpu_measure.probability_of_one(state, 2)
    index = np.arange(32)
    expected = np.where((index >> 2) & 1, state, 0) / np.sqrt(p_one)
    cpu_measure.collapse(state, 2, 1, 1 / np.sqrt(p_one), False)
    np.testing.assert_allclose(state, expected, atol=1e-12)


@pytest.mark.parametrize("super_bits", [1, 3, 18])
def test_pauli_expectations_match_twin_for_every_superblock_size(super_bits, monkeypatch):
    monkeypatch.setattr(cpu_measure, "_SUPERBLOCK_BITS", super_bits)
    rng = np.random.default_rng(super_bits)
    for n in (1, 4, 9):
        state = random_state(n, rng)
        x_masks = np.unique(np.concatenate([[0], rng.integers(0, 2 ** n, 5)])).astype(np.int64)
        starts = np.linspace(0, 14, len(x_masks) + 1).astype(np.int64)
        z_masks = rng.integers(0, 2 ** n, 14).astype(np.int64)
        coeffs = rng.normal(size=14) + 1j * rng.normal(size=14)
        expected = reference.pauli_expectations(state, x_masks, starts, z_masks, coeffs)
        assert cpu_measure.pauli_expectations(state, x_masks, starts, z_masks, coeffs) == pytest.approx(expected,
                                                                                                       abs=1e-10)
