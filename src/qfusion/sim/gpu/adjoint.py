"""The steps of adjoint differentiation on the GPU: :mod:`qfusion.sim.adjoint`'s functions on device arrays.

:class:`qfusion.primitives.AdjointTape` with ``backend="gpu"`` runs its forward and backward
sweeps through this module instead of the CPU one: the state, ``H|state>`` (the bra) and the
derivative vectors stay on the device, fixed runs of gates are planned once by the GPU
state-vector plan (:func:`qfusion.sim.gpu.steps.gate_steps`, uploaded once) and applied by the
kernels of :mod:`.kernels.cuda_gates` and :mod:`.kernels.cuda_lanes`, Pauli rotations and Pauli
sums by :mod:`.kernels.cuda_pauli`, overlaps by a device reduction. Only the gradient, a few
numbers per parameter, comes back. States are complex128, as on the CPU.

Planning needs no GPU: two fixed gates fuse into one dense step.

>>> from qfusion.circuit import Circuit
>>> from qfusion.sim.plan import lower
>>> [step[0] for step in compile_gates(list(lower(Circuit(1).h(0).t(0)).ops), 1, upload=False).steps]
['dense']
>>> if device_available():  # on a GPU machine
...     state = zero_state(1)
...     apply_compiled(state, compile_gates(list(lower(Circuit(1).h(0)).ops), 1))
...     assert abs(pauli_overlap(state, state, 1, 0, 1.0) - 1) < 1e-12  # <+|X|+>
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qfusion.sim.adjoint import check_masks, grouped_terms, maybe_inverse
from qfusion.sim.gpu import statevector as gpu
from qfusion.sim.gpu.device import GpuOptions, device_available, launch, numba_cuda
from qfusion.sim.kernels import cuda_pauli
from qfusion.sim.plan import GateOp, gate_op

__all__ = ["GpuCompiledGates", "apply_compiled", "apply_matrix", "apply_pauli_sum", "check_fits", "compile_gates",
           "copy", "device_available", "pauli_expectation", "pauli_overlap", "pauli_rotate", "set_threads",
           "side_by_side", "to_host", "zero_state"]

OPTIONS = GpuOptions()  # the launch configuration and plan knobs of every step here


@dataclass(frozen=True, eq=False)
class GpuCompiledGates:
    """Device steps for states of ``state_qubits`` index bits (ending in qubit order), and their
    arrays on the device (None until uploaded)."""
    state_qubits: int
    steps: tuple
    device_steps: tuple | None
    num_gates: int


def set_threads(state_qubits: int) -> None:
    """Nothing to set: the kernels' threads are the device's (the CPU module sizes its thread pool)."""


def check_fits(num_qubits: int, copies: int) -> None:
    """Raise unless there is a GPU and ``copies`` states fit in its free memory."""
    gpu.require_device()
    gpu.check_device_fits(num_qubits, np.complex128, copies=copies,
                          what=f"adjoint differentiation ({copies} states of {num_qubits} qubits)")


def zero_state(num_qubits: int):
    """``|0...0>`` as a new flat complex128 device array."""
    return gpu._new_state(num_qubits, np.complex128, options=OPTIONS).reshape(1 << num_qubits)


def side_by_side(first, second):
    """``(both, first view, second view)``: the two device states copied into one of one more index bit."""
    dim = first.shape[0]
    both = numba_cuda().device_array(2 * dim, dtype=np.complex128)
    both[:dim].copy_to_device(first)
    both[dim:].copy_to_device(second)
    return both, both[:dim], both[dim:]


def copy(state):
    out = numba_cuda().device_array_like(state)
    out.copy_to_device(state)
    return out


def to_host(state) -> np.ndarray:
    """The device state copied to the host."""
    return state.copy_to_host()


def compile_gates(ops: Sequence[GateOp], state_qubits: int, *, inverse: bool = False,
                  upload: bool = True) -> GpuCompiledGates:
    """Plan ``ops`` (their adjoints in reverse order with ``inverse=True``) for the device, and upload them."""
    ops = maybe_inverse(ops, inverse)
    steps = tuple(gpu.gate_steps(ops, state_qubits, np.complex128, OPTIONS)) if ops else ()
    device_steps = tuple(gpu.upload(list(steps))) if upload and steps else None
    return GpuCompiledGates(state_qubits, steps, device_steps, len(ops))


def apply_compiled(state, compiled: GpuCompiledGates) -> None:
    """Apply compiled gates to the flat device array ``state`` (``2**state_qubits`` amplitudes) in place."""
    if compiled.steps:
        gpu.launch_steps(state.reshape(1, state.shape[0]), list(compiled.steps), list(compiled.device_steps),
                         OPTIONS)


def apply_matrix(state, matrix: np.ndarray, qubits: Sequence[int], state_qubits: int) -> None:
    """Apply any ``2^k x 2^k`` matrix (unitary or not) on ``qubits`` to the device ``state`` in place."""
    op = gate_op(np.asarray(matrix, dtype=complex), tuple(qubits), "dense")
    apply_compiled(state, compile_gates([op], state_qubits))


def pauli_rotate(state, x: int, z: int, phase: complex, angle: float) -> None:
    """``state <- exp(-i angle/2 P) state`` for the Hermitian ``P = phase X^x Z^z``, in place."""
    check_masks(state.shape[0], x, z)
    factor = -1j * math.sin(angle / 2) * complex(phase)
    top = max(int(x).bit_length() - 1, 0)
    work = state.shape[0] >> (1 if x else 0)
    launch(cuda_pauli.pauli_rotation, work, OPTIONS, state, np.int64(x), np.int64(z), np.int64(top),
                np.complex128(factor), np.float64(math.cos(angle / 2)))


def pauli_overlap(bra, ket, x: int, z: int, phase: complex) -> complex:
    """``<bra| phase X^x Z^z |ket>`` of two device states, reduced on the device."""
    check_masks(min(bra.shape[0], ket.shape[0]), x, z)
    return complex(phase) * gpu.pauli_overlap(bra, ket, int(x), int(z), OPTIONS)


def apply_pauli_sum(state, x_masks, z_masks, phased):
    """``H|state>`` (a new device array) for ``H = sum_t phased[t] X^x_t Z^z_t`` (``PauliSum.masks()``)."""
    cuda = numba_cuda()
    groups, starts, z_sorted, coeffs = grouped_terms(x_masks, z_masks, phased, state.shape[0])
    if not len(groups):
        return cuda.to_device(np.zeros(state.shape[0], dtype=np.complex128))
    out = cuda.device_array_like(state)
    launch(cuda_pauli.apply_pauli_sum, state.shape[0], OPTIONS, state, out,
                *(cuda.to_device(np.ascontiguousarray(a)) for a in (groups, starts, z_sorted, coeffs)))
    return out


def pauli_expectation(state, x_masks, z_masks, phased) -> complex:
    """``<state|H|state>`` for ``H = sum_t phased[t] X^x_t Z^z_t``: ``H|state>`` and one overlap, on the device."""
    if len(np.asarray(x_masks).reshape(-1)) == 0:
        return 0j
    return pauli_overlap(state, apply_pauli_sum(state, x_masks, z_masks, phased), 0, 0, 1.0)
