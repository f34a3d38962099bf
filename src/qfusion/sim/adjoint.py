"""State-vector steps for adjoint differentiation and Pauli algebra, on caller-owned arrays.

:mod:`qfusion.primitives.gradients` sweeps a state forward and back through a circuit; it
needs the simulator's kernels one piece at a time: a fixed run of gates (fused and cache
blocked once, then applied many times), a Pauli rotation, an overlap ``<a|P|b>`` and
``H|psi>`` for a Pauli sum. :mod:`qfusion.sim.gpu.adjoint` has the same functions on device
arrays, so the sweeps are written once (:class:`qfusion.primitives.AdjointTape`). The arrays may hold more index bits than the gates touch: a
state of ``n + 1`` bits is two ``n``-qubit states side by side, and every step acts on both.

>>> import numpy as np
>>> from qfusion.sim.plan import lower
>>> from qfusion.circuit import Circuit
>>> ops = list(lower(Circuit(2).h(0).cx(0, 1)).ops)
>>> state = np.zeros(4, complex); state[0] = 1
>>> apply_compiled(state, compile_gates(ops, 2))
>>> np.round(state.real, 6)
array([0.707107, 0.      , 0.      , 0.707107])
>>> round(pauli_overlap(state, state, 3, 0, 1.0).real, 12)  # <XX> of a Bell state
1.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qfusion.config import settings
from qfusion.errors import CircuitError
from qfusion.sim.fusion import BitSwap, fuse, restore_layout, schedule
from qfusion.sim.kernels import cpu_measure, cpu_pauli, cpu_sweep
from qfusion.sim.memory import check_state_fits
from qfusion.sim.plan import GateOp, gate_op

_PARALLEL_QUBITS = 14
_LOCAL_QUBITS = 14


@dataclass(frozen=True, eq=False)
class CompiledGates:
    """Fused, scheduled gates for states of ``state_qubits`` index bits; the layout ends restored.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> compiled = compile_gates(list(lower(Circuit(3).h(0).cx(0, 1).cx(1, 2)).ops), 3)
    >>> compiled.state_qubits, compiled.num_gates
    (3, 3)
    """
    state_qubits: int
    steps: tuple
    num_gates: int


def set_threads(state_qubits: int) -> None:
    """Small states run their kernels on one thread (threads would not even wake in time).

    >>> import numba
    >>> set_threads(4)                               # a 4-qubit state: one thread
    >>> numba.get_num_threads()
    1
    """
    import numba
    threads = settings().num_threads if state_qubits >= _PARALLEL_QUBITS else 1
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


def check_fits(num_qubits: int, copies: int) -> None:
    """Raise :class:`~qfusion.errors.CircuitTooLargeError` unless ``copies`` states fit in memory.

    >>> check_fits(10, copies=3)                     # 3 x 16 KiB: fits
    >>> check_fits(60, copies=2)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitTooLargeError: 60 qubits need 32.0 EiB as complex128 for the adjoint differentiation; ...
    """
    check_state_fits(num_qubits, np.complex128, copies=copies, what="adjoint differentiation")


def zero_state(num_qubits: int) -> np.ndarray:
    """``|0...0>`` as a new complex128 array.

    >>> zero_state(2).tolist()
    [(1+0j), 0j, 0j, 0j]
    """
    state = np.zeros(1 << num_qubits, dtype=np.complex128)
    state[0] = 1
    return state


def side_by_side(first: np.ndarray, second: np.ndarray):
    """``(both, first view, second view)``: the two states copied into one array of one more index bit.

    >>> both, first, second = side_by_side(zero_state(1), np.array([0, 1], dtype=complex))
    >>> both.tolist(), np.shares_memory(both, second)          # one array of one more index bit
    ([(1+0j), 0j, 0j, (1+0j)], True)
    """
    dim = len(first)
    both = np.empty(2 * dim, dtype=np.complex128)
    both[:dim], both[dim:] = first, second
    return both, both[:dim], both[dim:]


def copy(state: np.ndarray) -> np.ndarray:
    """An independent copy of ``state``.

    >>> state = zero_state(1)
    >>> other = copy(state)
    >>> other[0] = 0
    >>> state[0]
    np.complex128(1+0j)
    """
    return state.copy()


def to_host(state: np.ndarray) -> np.ndarray:
    """The state as a NumPy array (it already is one here).

    >>> state = zero_state(1)
    >>> to_host(state) is state
    True
    """
    return state


def maybe_inverse(ops: Sequence[GateOp], inverse: bool) -> list[GateOp]:
    """``ops``, or their adjoints in reverse order.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(1).s(0).h(0)).ops)
    >>> undo = maybe_inverse(ops, inverse=True)                  # H† first, then S†
    >>> bool(np.allclose(undo[1].matrix, np.diag([1, -1j]))), bool(np.allclose(undo[0].matrix, ops[1].matrix))
    (True, True)
    """
    if not inverse:
        return list(ops)
    return [GateOp(op.qubits, op.matrix.conj().T, op.kind) for op in reversed(ops)]


def compile_gates(ops: Sequence[GateOp], state_qubits: int, *, inverse: bool = False) -> CompiledGates:
    """Fuse and schedule ``ops`` (their adjoints in reverse order with ``inverse=True``).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(1).h(0).s(0)).ops)
    >>> state = zero_state(1)
    >>> apply_compiled(state, compile_gates(ops, 1))
    >>> apply_compiled(state, compile_gates(ops, 1, inverse=True))     # and back
    >>> state.round(12).tolist()
    [(1+0j), 0j]
    """
    ops = maybe_inverse(ops, inverse)
    if not ops:
        return CompiledGates(state_qubits, (), 0)
    fused = fuse(ops)
    plan = schedule(fused, state_qubits, min(state_qubits, _LOCAL_QUBITS), np.complex128)
    steps = tuple(plan.steps) + tuple(restore_layout(plan.layout))
    return CompiledGates(state_qubits, steps, len(ops))


def apply_compiled(state: np.ndarray, compiled: CompiledGates) -> None:
    """Apply compiled gates to ``state`` (``2**state_qubits`` complex128 amplitudes) in place.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> both, first, second = side_by_side(zero_state(1), np.array([0, 1], dtype=complex))
    >>> apply_compiled(both, compile_gates(list(lower(Circuit(1).x(0)).ops), 2))   # X on both halves
    >>> both.tolist()
    [0j, (1+0j), (1+0j), 0j]
    """
    for step in compiled.steps:
        if isinstance(step, BitSwap):
            cpu_sweep.swap_bit_positions(state, step.first, step.second)
        else:
            cpu_sweep.sweep(state, step.local_qubits, *step.arrays)


def apply_matrix(state: np.ndarray, matrix: np.ndarray, qubits: Sequence[int], state_qubits: int) -> None:
    """Apply any ``2^k x 2^k`` matrix (unitary or not) on ``qubits`` to ``state`` in place.

    >>> state = zero_state(2)
    >>> apply_matrix(state, np.array([[0, 0], [2, 0]]), [1], 2)     # not unitary: |0> -> 2|1> on qubit 1
    >>> state.tolist()
    [0j, 0j, (2+0j), 0j]
    """
    op = gate_op(np.asarray(matrix, dtype=complex), tuple(qubits), "dense")
    apply_compiled(state, compile_gates([op], state_qubits))


def check_masks(size: int, *masks) -> None:
    # the kernels index state[j ^ x] unchecked: a mask beyond the state would read out of bounds
    """Refuse Pauli masks that reach past a state of ``size`` amplitudes (the kernels do not check).

    >>> check_masks(4, 3, 1)
    >>> check_masks(4, 4)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: a Pauli mask reaches beyond a state of 4 amplitudes
    """
    if any(int(m) >= size or int(m) < 0 for m in masks):
        raise CircuitError(f"a Pauli mask reaches beyond a state of {size} amplitudes")


def pauli_rotate(state: np.ndarray, x: int, z: int, phase: complex, angle: float) -> None:
    """``state <- exp(-i angle/2 P) state`` for the Hermitian ``P = phase X^x Z^z``, in place.

    >>> state = zero_state(1)
    >>> pauli_rotate(state, 1, 0, 1.0, np.pi)          # exp(-i pi/2 X)|0> = -i|1>
    >>> state.round(12).tolist()
    [0j, -1j]
    """
    check_masks(len(state), x, z)
    cpu_pauli.pauli_rotation(state, int(x), int(z), complex(phase), math.cos(angle / 2), math.sin(angle / 2))


def pauli_overlap(bra: np.ndarray, ket: np.ndarray, x: int, z: int, phase: complex) -> complex:
    """``<bra| phase X^x Z^z |ket>``.

    >>> import numpy as np
    >>> plus = np.array([1, 1]) / np.sqrt(2) + 0j
    >>> round(pauli_overlap(plus, plus, 1, 0, 1.0).real, 12)
    1.0
    """
    check_masks(min(len(bra), len(ket)), x, z)
    return complex(phase) * complex(cpu_pauli.pauli_overlap(bra, ket, int(x), int(z)))


def grouped_terms(x_masks, z_masks, phased, size: int | None = None):
    """Terms sorted by X mask: ``(distinct x masks, group starts, z masks, coefficients)``.

    >>> groups, starts, z, coeffs = grouped_terms([1, 0, 1], [0, 1, 1], [0.5, 2.0, 1j])
    >>> groups.tolist(), starts.tolist(), z.tolist(), coeffs.tolist()      # x = 0 first, then x = 1
    ([0, 1], [0, 1, 3], [1, 0, 1], [(2+0j), (0.5+0j), 1j])
    """
    x_masks = np.asarray(x_masks).astype(np.int64).reshape(-1)
    z_masks = np.asarray(z_masks).astype(np.int64).reshape(-1)
    if size is not None and len(x_masks):
        check_masks(size, int(x_masks.max()), int(z_masks.max()), int(x_masks.min()), int(z_masks.min()))
    phased = np.asarray(phased, dtype=np.complex128).reshape(-1)
    order = np.argsort(x_masks, kind="stable")
    x_sorted = x_masks[order]
    starts = np.flatnonzero(np.concatenate([[True], x_sorted[1:] != x_sorted[:-1]])) if len(order) else \
        np.zeros(0, dtype=np.int64)
    groups = x_sorted[starts]
    starts = np.concatenate([starts, [len(order)]]).astype(np.int64)
    return groups, starts, z_masks[order], phased[order]


def apply_pauli_sum(state: np.ndarray, x_masks, z_masks, phased) -> np.ndarray:
    """``H|state>`` (a new array) for ``H = sum_t phased[t] X^x_t Z^z_t`` (``PauliSum.masks()``).

    >>> import numpy as np
    >>> out = apply_pauli_sum(np.array([1, 0], complex), [1], [0], [2.0])  # 2X|0> = 2|1>
    >>> out.real
    array([0., 2.])
    """
    out = np.empty_like(state)
    cpu_pauli.apply_pauli_sum(state, out, *grouped_terms(x_masks, z_masks, phased, len(state)))
    return out


def pauli_expectation(state: np.ndarray, x_masks, z_masks, phased) -> complex:
    """``<state|H|state>`` for ``H = sum_t phased[t] X^x_t Z^z_t``, one pass per distinct X mask.

    >>> import numpy as np
    >>> round(pauli_expectation(np.array([1, 1j]) / np.sqrt(2), [1], [1], [1j]).real, 12)  # <+i|Y|+i>
    1.0
    """
    state = np.ascontiguousarray(state, dtype=np.complex128)
    if len(np.asarray(x_masks).reshape(-1)) == 0:
        return 0j
    return complex(cpu_measure.pauli_expectations(state, *grouped_terms(x_masks, z_masks, phased, len(state))))
