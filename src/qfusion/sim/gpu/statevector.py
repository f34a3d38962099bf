"""The GPU state-vector simulator: the CPU simulator's run interface, on the device.

:class:`GpuStateVectorRun` is a :class:`~qfusion.sim.statevector.StateVectorRun` whose data is
a device array: gates run as the device steps of :mod:`.steps` (the CPU plan, uploaded once per
segment), measurement, reset, sampling (only the drawn indices, or for terminal measurements
only the counts, come back) and Pauli expectation values run on the device
(:mod:`qfusion.sim.kernels.cuda_measure`). How shots are sampled — terminal draws, a tree of
branches, shot by shot — is the CPU's own :func:`qfusion.sim.statevector.sample_program`, written
once; this module answers where the GPU draws its shots (:meth:`GpuStateVectorRun.sample_keys`).

Without a CUDA GPU and driver every entry point raises :class:`~qfusion.errors.BackendError`;
importing this module works everywhere.

>>> from qfusion.circuit import Circuit
>>> issubclass(GpuStateVectorRun, StateVectorRun)
True
>>> if device_available():  # on a GPU machine
...     state = simulate(Circuit(2).h(0).cx(0, 1))
...     assert np.allclose(np.asarray(state)[[0, 3]], 2 ** -0.5)
"""

from __future__ import annotations

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.observables import pauli_masks
from qfusion.sim.gpu.device import (
    RESERVE_BYTES,
    GpuOptions,
    check_device_fits,
    cuda_simulator,
    device_available,
    launch,
    numba_cuda,
    require_device,
    unavailable_reason,
)
from qfusion.sim.gpu.steps import (
    _sweep_step,
    check_shared_memory,
    gate_steps,
    launch_steps,
    run_steps,
    sweep_qubits,
    upload,
)
from qfusion.sim.kernels import cuda_gates, cuda_measure
from qfusion.sim.memory import fits
from qfusion.sim.plan import (
    GateOp,
    Program,
    check_shots,
    expectation_result,
    lower,
    marginal_probabilities,
    pauli_terms,
)
from qfusion.sim.statevector import StateVector, StateVectorRun, final_state, resolve_dtype, sample_program

_RESERVE_BYTES = RESERVE_BYTES
_HISTOGRAM_BITS = 20        # up to this many measured bits, counts are binned on the device

__all__ = ["GpuOptions", "GpuStateVector", "GpuStateVectorRun", "check_device_fits", "check_shared_memory",
           "cuda_simulator", "device_available", "gate_steps", "launch_steps", "pauli_overlap", "require_device",
           "run_steps", "sample", "simulate", "sweep_qubits", "unavailable_reason", "upload", "_sweep_step"]


class GpuStateVector:
    """A state held on the GPU; ``numpy.asarray(state)`` copies it to the host (bit i = qubit i).

    >>> GpuStateVector.__name__
    'GpuStateVector'
    """

    def __init__(self, device_data, num_qubits: int, options: GpuOptions):
        self.device_data = device_data  # shape (1, 2**num_qubits)
        self.num_qubits = num_qubits
        self.options = options

    @property
    def dtype(self):
        return np.dtype(self.device_data.dtype)

    def __array__(self, dtype=None, copy=None):
        data = self.device_data.copy_to_host().reshape(-1)
        return data if dtype is None else data.astype(dtype)

    @property
    def data(self) -> np.ndarray:
        """The amplitudes copied to the host."""
        return np.asarray(self)

    def probabilities(self, qubits=None) -> np.ndarray:
        """``|amplitude|**2`` of every basis state (or the marginal over ``qubits``), on the host."""
        data = np.asarray(self)
        return marginal_probabilities(data.real ** 2 + data.imag ** 2, self.num_qubits, qubits)

    def sample(self, shots: int, seed=None) -> np.ndarray:
        """``shots`` basis-state indices drawn on the device, in random order."""
        keys = _sample_keys(self._flat(), int(shots), np.random.default_rng(seed), list(range(self.num_qubits)),
                            self.options)
        return keys.copy_to_host()

    def expectation_value(self, observable) -> float:
        """<psi|O|psi> for a Pauli label, ``(label, coeff)`` pairs or a PauliSum, computed on the device."""
        total = 0j
        for label, coeff in pauli_terms(observable, self.num_qubits):
            x, z, phase = pauli_masks(label)
            total += complex(coeff) * phase * pauli_overlap(self._flat(), self._flat(), x, z, self.options)
        return expectation_result(total)

    def to_statevector(self) -> StateVector:
        """The state copied to the host as a CPU :class:`~qfusion.sim.statevector.StateVector`."""
        return StateVector(np.asarray(self), self.num_qubits)

    def _flat(self):
        return self.device_data.reshape(self.device_data.shape[1])

    def __repr__(self) -> str:
        return "Gpu" + repr(self.to_statevector())


def _reduce(kernel, flat, options: GpuOptions, *args, slots: int = 1) -> np.ndarray:
    cuda = numba_cuda()
    threads = cuda_measure.THREADS
    blocks = max(1, min(-(-flat.shape[0] // threads), options.max_blocks, 1024))
    partial = cuda.device_array((blocks, slots), dtype=np.float64)
    kernel[blocks, threads](flat, *args, partial)
    return partial.copy_to_host().sum(axis=0)


def pauli_overlap(bra, ket, x: int, z: int, options: GpuOptions) -> complex:
    """``<bra|X^x Z^z|ket>`` of two flat device arrays, reduced on the device."""
    re, im = _reduce(cuda_measure.pauli_overlap, bra, options, ket, np.int64(x), np.int64(z), slots=2)
    return complex(re, im)


def _sample_keys(flat, shots: int, rng, positions: list[int], options: GpuOptions):
    """Device array of per-shot keys (key bit j = index bit ``positions[j]``)."""
    cuda = numba_cuda()
    size = flat.shape[0]
    num_blocks = min(size, 1 << 20)
    block_size = size // num_blocks
    norms = cuda.device_array(num_blocks, dtype=np.float64)
    launch(cuda_measure.block_norms, num_blocks, options, flat, np.int64(block_size), norms)
    cumulative = np.concatenate(([0.0], np.cumsum(norms.copy_to_host())))
    keys = cuda.device_array(shots, dtype=np.int64)
    launch(cuda_measure.sample_keys, shots, options, flat, np.int64(block_size), cuda.to_device(cumulative),
            cuda.to_device(rng.random(shots)), cuda.to_device(np.array(positions, dtype=np.int64)), keys)
    return keys


def _new_state(num_qubits: int, dtype, batch: int = 1, options: GpuOptions | None = None):
    check_device_fits(num_qubits, dtype, batch=batch)
    state = numba_cuda().device_array((batch, 1 << num_qubits), dtype=dtype)
    launch(cuda_gates.basis_zero_kernel, batch << num_qubits, options or GpuOptions(), state)
    return state


class GpuStateVectorRun(StateVectorRun):
    """A run whose data is a device array of shape ``(1, 2**n)``: each segment's device steps
    (ending in qubit order, so the layout stays the identity) built and uploaded once per key into
    ``cache`` (shared by the shots or branches of one sampling); collapse and draws on the device."""

    def run_gates(self, ops: list[GateOp], key, keep_layout: bool) -> None:
        if not ops:
            return
        cached = self.cache.get(key)
        if cached is None:
            steps = gate_steps(ops, self.num_qubits, self.data.dtype, self.options)
            cached = (steps, upload(steps) if steps else [])
            if key is not None:
                self.cache[key] = cached
        if cached[0]:
            launch_steps(self.data, *cached, self.options)

    def _flat(self):
        return self.data.reshape(self.data.shape[1])

    def probability_one(self, qubit: int) -> float:
        flat = self._flat()
        p_one = float(_reduce(cuda_measure.probability_of_one, flat, self.options, np.int64(qubit))[0])
        return min(max(p_one, 0.0), 1.0)

    def project(self, qubit: int, outcome: int, probability: float, reset: bool = False) -> None:
        flat = self._flat()
        launch(cuda_measure.collapse, flat.shape[0] >> 1, self.options, flat, np.int64(qubit), np.int64(outcome),
               1.0 / np.sqrt(probability), reset)

    def sample_indices(self, shots: int) -> np.ndarray:
        return _sample_keys(self._flat(), shots, self.rng, list(range(self.num_qubits)), self.options).copy_to_host()

    def sample_keys(self, qubits: list[int], shots: int, memory: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """Keys drawn on the device; up to ``_HISTOGRAM_BITS`` measured bits and no per-shot memory,
        binned there too, so only the counts come back."""
        keys = _sample_keys(self._flat(), shots, self.rng, qubits, self.options)
        if memory or len(qubits) > _HISTOGRAM_BITS:
            return keys.copy_to_host(), None
        bins = numba_cuda().to_device(np.zeros(1 << len(qubits), dtype=np.int64))
        launch(cuda_measure.histogram, shots, self.options, keys, bins)
        binned = bins.copy_to_host()
        found = np.nonzero(binned)[0]
        return found, binned[found]

    def branch(self) -> GpuStateVectorRun:
        """An independent device copy of the data."""
        data = numba_cuda().device_array_like(self.data)
        data.copy_to_device(self.data)
        return GpuStateVectorRun(data, self.num_qubits, self.rng, self.clbits, self.options, self.layout, self.cache)

    def fork(self) -> GpuStateVectorRun:
        """A copy of the data in one device buffer kept for the forks (overwritten by the next shot)."""
        buffer = self.cache.get("fork buffer")
        if buffer is None:
            buffer = self.cache["fork buffer"] = numba_cuda().device_array_like(self.data)
        buffer.copy_to_device(self.data)
        return GpuStateVectorRun(buffer, self.num_qubits, self.rng, np.zeros_like(self.clbits), self.options,
                                 self.layout, self.cache)

    def branches_fit(self, shots: int) -> bool:
        return _branches_fit(self.num_qubits, self.data.dtype, shots)

    def forks_fit(self) -> bool:
        return fits(check_device_fits, self.num_qubits, self.data.dtype, copies=2)

    def scale(self, factor: complex) -> None:
        phase = numba_cuda().to_device(np.array([factor], dtype=self.data.dtype))
        launch(cuda_gates.scale_kernel, self.data.shape[1], self.options, self.data, phase)

    def state(self) -> GpuStateVector:
        return GpuStateVector(self.data, self.num_qubits, self.options)


def _branches_fit(num_qubits: int, dtype, shots: int) -> bool:
    """Whether the state and one device copy per level of splits fit (at most ``log2(shots)`` are alive)."""
    return fits(check_device_fits, num_qubits, dtype, copies=1 + shots.bit_length())


def new_run(program: Program, rng, dtype, options: GpuOptions) -> GpuStateVectorRun:
    """A device run of ``program`` from ``|0...0>``."""
    return GpuStateVectorRun(_new_state(program.num_qubits, dtype, options=options), program.num_qubits, rng,
                             np.zeros(program.num_clbits, dtype=np.uint8), options)


def _prepare(circuit: Circuit, params, dtype, options):
    require_device()
    return lower(circuit, params), resolve_dtype(dtype), options or GpuOptions()


def simulate(circuit: Circuit, params=None, *, dtype=np.complex128, seed=None,
             options: GpuOptions | None = None) -> GpuStateVector:
    """The final state of ``circuit`` on the GPU (mid-circuit measurements collapse at random, seeded)."""
    program, dtype, options = _prepare(circuit, params, dtype, options)
    return final_state(new_run(program, np.random.default_rng(seed), dtype, options), program)


def sample(circuit: Circuit, shots: int, *, params=None, seed=None, dtype=np.complex128, memory: bool = False,
           options: GpuOptions | None = None):
    """``(counts, memory list or None)`` for ``shots`` shots, drawn on the device, by the CPU's
    :func:`~qfusion.sim.statevector.sample_program` over a :class:`GpuStateVectorRun`."""
    check_shots(shots)
    program, dtype, options = _prepare(circuit, params, dtype, options)
    return sample_program(program, int(shots), lambda rng: new_run(program, rng, dtype, options),
                          np.random.default_rng(seed), memory)
