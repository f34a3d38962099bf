"""The GPU state-vector simulator: the CPU simulator's plan, run by CUDA kernels (numba.cuda).

The circuit is lowered (:mod:`.plan`) and fused exactly as on the CPU. States of at least
``sweeps_from_qubits`` qubits run the lane-sweep plan of :mod:`.lanes` (fused gates packed
into sweeps; one read and one write of the state per sweep) in shared memory
(:mod:`.kernels.cuda_sweep`); smaller states, or plans the sweeps cannot hold, run one kernel
per fused gate (:mod:`.kernels.cuda_gates`). Measurement, reset, sampling (only counts come
back) and Pauli expectation values run on the device (:mod:`.kernels.cuda_measure`); shots of a
circuit with mid-circuit measurements run as a tree of branches, device copies of the state made
only where their outcomes part (as on the CPU: :class:`~qfusion.sim.program.BranchingExecutor`).

Without a CUDA GPU and driver every entry point raises :class:`~qfusion.errors.BackendError`;
importing this module works everywhere.

The plan is built on the host and needs no GPU: 14 Hadamards on 14 qubits take three sweeps
(each mixes at most 5 qubits in a 2^11-amplitude chunk, 32 KiB of shared memory), or two with
``sweep_qubits=13`` (2^13 amplitudes, 128 KiB: at most 7 qubits a sweep; H100/H200 allow up to
227 KiB a block), and three gates on 3 qubits two fused gates.

>>> from qfusion.circuit import Circuit
>>> from qfusion.sim.plan import lower
>>> wide = Circuit(14)
>>> for q in range(14):
...     _ = wide.h(q)
>>> [step[0] for step in gate_steps(list(lower(wide).ops), 14, np.complex128, GpuOptions())]
['sweep', 'sweep', 'sweep']
>>> len(gate_steps(list(lower(wide).ops), 14, np.complex128, GpuOptions(sweep_qubits=13)))
2
>>> [step[0] for step in gate_steps(list(lower(Circuit(3).h(0).cx(0, 1).t(2)).ops), 3, np.complex128,
...                                 GpuOptions())]
['dense', 'diagonal']
>>> if device_available():  # on a GPU machine
...     state = simulate(Circuit(2).h(0).cx(0, 1))
...     assert np.allclose(np.asarray(state)[[0, 3]], 2 ** -0.5)
"""

from __future__ import annotations

import cmath
from dataclasses import dataclass

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.errors import BackendError, CircuitTooLargeError
from qfusion.sim.fusion import MAX_DIAGONAL_QUBITS, MAX_FUSED_QUBITS, BitSwap, fuse, restore_layout
from qfusion.sim.kernels import cuda_gates, cuda_launch, cuda_measure, cuda_sweep
from qfusion.sim.lanes import LaneSweep, lane_schedule
from qfusion.sim.memory import fit_hint, fits, format_bytes, state_bytes
from qfusion.sim.plan import GateOp, Program, check_shots, expectation_result, lower, pauli_terms
from qfusion.sim.program import Executor, PureBranchingExecutor, Shots, bits_value, terminal_tail, walk
from qfusion.sim.statevector import StateVector, resolve_dtype

_RESERVE_BYTES = 256 << 20  # left free on the device for the plan, partial sums and the CUDA context
_HISTOGRAM_BITS = 20        # up to this many measured bits, counts are binned on the device


@dataclass(frozen=True)
class GpuOptions:
    """Launch and plan knobs. ``sweeps``: None = from ``sweeps_from_qubits`` qubits on.

    ``sweep_qubits``: the buffer bits of a sweep's chunk, which one thread block holds in dynamic
    shared memory. None: a 32 KiB chunk (11 for complex128, 12 for complex64 and float64, 13 for
    float32), which any GPU runs. Each bit more doubles the chunk and lets a sweep mix one qubit
    more, so a circuit takes fewer sweeps, at fewer blocks per multiprocessor; up to 227 KiB a
    block (13 for complex128, 14 for complex64, H100/H200) where the device allows it (a launch
    beyond the device's limit raises :class:`~qfusion.errors.BackendError`)."""
    threads_per_block: int = 256
    max_blocks: int = 1 << 16
    sweeps: bool | None = None
    sweeps_from_qubits: int = 12
    sweep_qubits: int | None = None
    sweep_mixed: int | None = None
    max_fused_qubits: int = MAX_FUSED_QUBITS
    max_diagonal_qubits: int = MAX_DIAGONAL_QUBITS


def _cuda():
    from numba import cuda
    return cuda


def device_available() -> bool:
    """Whether a CUDA GPU, its driver and libNVVM can be used (or numba's CUDA simulator is on)."""
    try:
        return bool(_cuda().is_available())
    except Exception:  # a broken driver install raises from deep inside numba
        return False


def cuda_simulator() -> bool:
    """Whether numba's CUDA simulator stands in for the GPU (``NUMBA_ENABLE_CUDASIM=1``).

    Asked of ``numba.cuda``'s own configuration: the numba-cuda package keeps one apart from
    ``numba.config``."""
    return bool(_cuda().config.ENABLE_CUDASIM)


def unavailable_reason() -> str:
    """Why :func:`device_available` is false, in the driver's or numba's words."""
    cuda = _cuda()
    try:
        cuda.current_context()
    except Exception as exc:  # the driver's own words: library missing, no device, ...
        return f"numba.cuda found no usable CUDA GPU and driver ({' '.join(str(exc).split())})"
    try:
        from numba.cuda.cudadrv import nvvm
        if not nvvm.is_available():
            return ("numba.cuda found the GPU but not libNVVM, the CUDA compiler it needs (set CUDA_HOME to a "
                    "CUDA toolkit, the folder holding nvvm/, or pip install \"numba-cuda[cu13]\")")
    except Exception as exc:
        return f"numba.cuda found the GPU but could not load libNVVM ({' '.join(str(exc).split())})"
    return "numba.cuda.is_available() is false"


def require_device(backend: str = "gpu", cpu_backend: str = "statevector") -> None:
    """Raise :class:`BackendError` saying why no GPU can be used for ``backend`` (and which CPU
    backend does the same work)."""
    if device_available():
        return
    raise BackendError(f"the {backend} backend needs an NVIDIA GPU with a CUDA driver: {unavailable_reason()}; "
                       f"run on a GPU machine, or use backend='{cpu_backend}' (CPU)")


def check_device_fits(num_qubits: int, dtype, copies: int = 1, batch: int = 1, what: str | None = None) -> int:
    """Raise :class:`CircuitTooLargeError` unless ``batch * copies`` states fit in the device's free memory.

    ``num_qubits`` counts index bits (a density matrix of n qubits is a vector of 2n); ``what``
    names the data in the message (default: "K state(s) of n qubits")."""
    needed = state_bytes(num_qubits, dtype) * copies * batch if num_qubits < 100 else float("inf")
    free = _cuda().current_context().get_memory_info().free
    if needed + _RESERVE_BYTES > free:
        need = format_bytes(needed) if needed != float("inf") else "more than any GPU has"
        what = what or f"{batch * copies} state(s) of {num_qubits} qubits"
        raise CircuitTooLargeError(
            f"{what}: {need} as {np.dtype(dtype).name} on the GPU; "
            f"{format_bytes(max(free - _RESERVE_BYTES, 0))} of device memory is free "
            f"({fit_hint(num_qubits, dtype, copies * batch, free - _RESERVE_BYTES)})")
    return int(needed)


def _launch(kernel, total: int, options: GpuOptions, *args, threads: int | None = None) -> None:
    threads = threads or options.threads_per_block
    blocks = max(1, min(-(-total // threads), options.max_blocks))
    kernel[blocks, threads](*args)


# -- plans: host arrays per step -----------------------------------------------------------

def gate_steps(ops: list[GateOp], num_qubits: int, dtype, options: GpuOptions) -> list[tuple]:
    """The device steps for ``ops`` on a state in qubit order, ending in qubit order:
    ``("sweep", arrays)``, ``("dense" | "diagonal" | "permutation", bits, k, ...)`` and ``("swap", first, second)``."""
    use_sweeps = options.sweeps if options.sweeps is not None else num_qubits >= options.sweeps_from_qubits
    if use_sweeps:
        active = min(sweep_qubits(dtype, options), num_qubits)
        planned = lane_schedule(ops, num_qubits, tuple(range(num_qubits)), dtype, active, options.sweep_mixed,
                                options.max_diagonal_qubits)
        if planned is not None and all(_fits_sweep_kernel(s, options) for s in planned[0]):
            sweeps, layout = planned
            return [_sweep_step(s, dtype) for s in sweeps] + [_swap_step(s) for s in restore_layout(layout)]
    return [_gate_step(op, dtype) for op in fuse(ops, options.max_fused_qubits, options.max_diagonal_qubits)]


def sweep_qubits(dtype, options: GpuOptions) -> int:
    """The buffer bits of a sweep's chunk of ``dtype`` under ``options`` (at most what 227 KiB holds)."""
    largest = cuda_sweep.max_active(dtype, cuda_sweep.MAX_SHARED_BYTES)
    return min(options.sweep_qubits or cuda_sweep.max_active(dtype), largest)


def _fits_sweep_kernel(sweep: LaneSweep, options: GpuOptions) -> bool:
    op_type, op_nbits = sweep.arrays[6], sweep.arrays[9]
    return not np.any((op_type == 2) & (op_nbits > cuda_sweep.max_wide_bits(options.threads_per_block)))


def _coefficients(values: np.ndarray, dtype) -> np.ndarray:
    """``values`` as ``dtype``; a real dtype (the density matrix's Pauli vector) keeps the real part."""
    return np.ascontiguousarray(values.real if np.dtype(dtype).kind == "f" else values, dtype=dtype)


def _sweep_step(sweep: LaneSweep, dtype) -> tuple:
    arrays = list(sweep.arrays)
    coef = _coefficients(arrays[15].astype(np.float64) + 1j * arrays[16], dtype)
    return ("sweep", np.int64(arrays[0])) + tuple(arrays[1:15]) + (coef, arrays[17])


def _swap_step(step: BitSwap) -> tuple:
    return ("swap", step.first, step.second)


def _gate_step(op: GateOp, dtype) -> tuple:
    bits = np.array(op.qubits, dtype=np.int64)
    k = len(bits)
    dim = 1 << k
    offsets = np.array([sum(1 << int(bits[j]) for j in range(k) if (a >> j) & 1) for a in range(dim)],
                       dtype=np.int64)
    if op.kind == "diagonal":
        return ("diagonal", bits, k, _coefficients(np.diagonal(op.matrix), dtype)[None, :])
    if op.kind == "permutation" and k > cuda_gates.MAX_DENSE_QUBITS:
        if k > cuda_gates.max_permutation_qubits(dtype):
            raise BackendError(f"the gpu backend applies permutation gates on at most "
                               f"{cuda_gates.max_permutation_qubits(dtype)} index bits; got one on {k} "
                               "(decompose it)")
        perm = np.argmax(np.abs(op.matrix), axis=0).astype(np.int64)
        phase = _coefficients(op.matrix[perm, np.arange(dim)], dtype)[None, :]
        return ("permutation", bits, k, offsets, perm, phase)
    if k > cuda_gates.max_dense_qubits(dtype):
        raise BackendError(f"the gpu backend applies dense gates on at most {cuda_gates.max_dense_qubits(dtype)} "
                           f"index bits; got one on {k} (decompose it)")
    return ("dense", bits, k, offsets, _coefficients(op.matrix.reshape(1, -1), dtype))


def upload(steps: list[tuple]) -> list[list]:
    """Each step's arguments with its arrays as device views: one host-to-device copy per array
    dtype for the whole plan, not one per array (a copy costs about as much as a small pass)."""
    cuda = _cuda()
    pools: dict[str, list[np.ndarray]] = {}
    for step in steps:
        for a in step[1:]:
            if isinstance(a, np.ndarray):
                pools.setdefault(a.dtype.str, []).append(np.ascontiguousarray(a).reshape(-1))
    device = {key: cuda.to_device(np.concatenate(parts)) for key, parts in pools.items()}
    used = dict.fromkeys(pools, 0)
    out = []
    for step in steps:
        args = [step[0]]
        for a in step[1:]:
            if isinstance(a, np.ndarray):
                key, start = a.dtype.str, used[a.dtype.str]
                view = device[key][start:start + a.size]
                args.append(view.reshape(a.shape) if a.ndim != 1 else view)
                used[key] = start + a.size
            else:
                args.append(a)
        out.append(args)
    return out


def run_steps(state, steps: list[tuple], options: GpuOptions) -> None:
    """Launch every step on the device array ``state`` (shape ``(batch, 2**n)``)."""
    if steps:
        launch_steps(state, steps, upload(steps), options)


def check_shared_memory(steps: list[tuple], dtype) -> None:
    """Raise :class:`BackendError` unless the device gives every sweep of ``steps`` its chunk of shared memory."""
    needed = max((cuda_sweep.shared_bytes(step[1], dtype) for step in steps if step[0] == "sweep"), default=0)
    if needed <= cuda_launch.PORTABLE_SHARED_BYTES:
        return
    limit = cuda_launch.shared_limit()
    if limit is not None and needed > limit:
        active = cuda_sweep.max_active(dtype, needed)
        raise BackendError(f"sweeps of 2^{active} {np.dtype(dtype).name} amplitudes need {format_bytes(needed)} of "
                           f"shared memory a block; this GPU allows {format_bytes(limit)} (use "
                           f"GpuOptions(sweep_qubits={cuda_sweep.max_active(dtype, limit)}) or fewer)")


def launch_steps(state, steps: list[tuple], device_steps: list[list], options: GpuOptions) -> None:
    """Launch ``steps`` whose arrays :func:`upload` has already put on the device (a plan run many times)."""
    total = state.shape[0] * state.shape[1]
    check_shared_memory(steps, state.dtype)
    for step, device_step in zip(steps, device_steps):
        kind, args = step[0], device_step[1:]
        if kind == "sweep":
            if state.shape[0] != 1:
                raise BackendError("sweeps run on one state at a time")
            kernel = cuda_sweep.sweep_kernel(state.dtype, cuda_sweep.needs_wide(step[7], step[10]))
            blocks = max(1, min(1 << len(step[2]), options.max_blocks))
            cuda_launch.launch(kernel, blocks, options.threads_per_block, cuda_sweep.shared_bytes(step[1], state.dtype),
                               state.reshape(state.shape[1]), *args)
        elif kind == "dense":
            _launch(cuda_gates.dense_kernel(state.dtype, step[2]), total >> step[2], options, state, *args)
        elif kind == "permutation":
            _launch(cuda_gates.permutation_kernel(state.dtype), total >> step[2], options, state, *args)
        elif kind == "diagonal":
            _launch(cuda_gates.diagonal_kernel, total, options, state, *args)
        else:
            _launch(cuda_gates.swap_bits_kernel, total, options, state, *args)


# -- states and execution ------------------------------------------------------------------

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

    def probabilities(self) -> np.ndarray:
        data = np.asarray(self)
        return data.real ** 2 + data.imag ** 2

    def sample(self, shots: int, seed=None) -> np.ndarray:
        """``shots`` basis-state indices drawn on the device, in random order."""
        keys = _sample_keys(self._flat(), int(shots), np.random.default_rng(seed), list(range(self.num_qubits)),
                            self.options)
        return keys.copy_to_host()

    def expectation_value(self, observable) -> float:
        """<psi|O|psi> for a Pauli label, ``(label, coeff)`` pairs or a PauliSum, computed on the device."""
        total = 0j
        for label, coeff in pauli_terms(observable, self.num_qubits):
            x = z = 0
            phase = 1.0 + 0.0j
            for q, char in enumerate(reversed(label)):
                x |= (char in "XY") << q
                z |= (char in "ZY") << q
                phase *= 1j if char == "Y" else 1
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
    cuda = _cuda()
    threads = cuda_measure.THREADS
    blocks = max(1, min(-(-flat.shape[0] // threads), options.max_blocks, 1024))
    partial = cuda.device_array((blocks, slots), dtype=np.float64)
    kernel[blocks, threads](flat, *args, partial)
    return partial.copy_to_host().sum(axis=0)


def pauli_overlap(bra, ket, x: int, z: int, options: GpuOptions) -> complex:
    """``<bra|X^x Z^z|ket>`` of two flat device arrays, reduced on the device."""
    re, im = _reduce(cuda_measure.pauli_overlap, bra, options, ket, np.int64(x), np.int64(z), slots=2)
    return complex(re, im)


def _probability_one(flat, position: int, options: GpuOptions) -> float:
    p_one = float(_reduce(cuda_measure.probability_of_one, flat, options, np.int64(position))[0])
    return min(max(p_one, 0.0), 1.0)


def _project(flat, position: int, outcome: int, probability: float, options: GpuOptions, reset: bool) -> None:
    _launch(cuda_measure.collapse, flat.shape[0] >> 1, options, flat, np.int64(position), np.int64(outcome),
            1.0 / np.sqrt(probability), reset)


def _measure(flat, position: int, rng, options: GpuOptions, reset: bool) -> int:
    p_one = _probability_one(flat, position, options)
    outcome = int(rng.random() < p_one)
    _project(flat, position, outcome, p_one if outcome else 1.0 - p_one, options, reset)
    return outcome


def _sample_keys(flat, shots: int, rng, positions: list[int], options: GpuOptions):
    """Device array of per-shot keys (key bit j = index bit ``positions[j]``)."""
    cuda = _cuda()
    size = flat.shape[0]
    num_blocks = min(size, 1 << 20)
    block_size = size // num_blocks
    norms = cuda.device_array(num_blocks, dtype=np.float64)
    _launch(cuda_measure.block_norms, num_blocks, options, flat, np.int64(block_size), norms)
    cumulative = np.concatenate(([0.0], np.cumsum(norms.copy_to_host())))
    keys = cuda.device_array(shots, dtype=np.int64)
    _launch(cuda_measure.sample_keys, shots, options, flat, np.int64(block_size), cuda.to_device(cumulative),
            cuda.to_device(rng.random(shots)), cuda.to_device(np.array(positions, dtype=np.int64)), keys)
    return keys


def _new_state(num_qubits: int, dtype, batch: int = 1, options: GpuOptions | None = None):
    check_device_fits(num_qubits, dtype, batch=batch)
    state = _cuda().device_array((batch, 1 << num_qubits), dtype=dtype)
    _launch(cuda_gates.basis_zero_kernel, batch << num_qubits, options or GpuOptions(), state)
    return state


class _Executor(Executor):
    """The GPU state vector's hooks for :func:`qfusion.sim.program.walk`: each segment's device steps
    (ending in qubit order), built and uploaded once per key into ``cache`` (shared by the shots
    or branches of one sampling), collapse on the device."""

    def __init__(self, state, num_qubits: int, rng, clbits: np.ndarray, dtype, options: GpuOptions,
                 cache: dict | None = None):
        self.state, self.flat, self.num_qubits = state, state.reshape(state.shape[1]), num_qubits
        self.rng, self.clbits, self.dtype, self.options = rng, clbits, dtype, options
        self.cache = {} if cache is None else cache
        self.segment = []

    def run_segment(self, ops: list[GateOp], key, keep_layout: bool) -> None:
        if not ops:
            return
        cached = self.cache.get(key)
        if cached is None:
            steps = gate_steps(ops, self.num_qubits, self.dtype, self.options)
            cached = self.cache[key] = (steps, upload(steps) if steps else [])
        if cached[0]:
            launch_steps(self.state, *cached, self.options)

    def collapse(self, qubit: int, reset: bool) -> int:
        return _measure(self.flat, qubit, self.rng, self.options, reset)


class _Branch(PureBranchingExecutor, _Executor):
    """The GPU state vector's hooks for many shots at once
    (:class:`~qfusion.sim.program.PureBranchingExecutor`): a branch is a device copy of the state;
    a branch's terminal outcomes are drawn on the device, and only its drawn indices come back."""

    def probability_one(self, qubit: int) -> float:
        return _probability_one(self.flat, qubit, self.options)

    def project(self, qubit: int, outcome: int, probability: float, reset: bool = False) -> None:
        _project(self.flat, qubit, outcome, probability, self.options, reset)

    def split(self, moving: np.ndarray) -> "_Branch":
        state = _cuda().device_array_like(self.state)
        state.copy_to_device(self.state)
        branch = _Branch(state, self.num_qubits, self.rng, self.clbits, self.dtype, self.options, self.cache)
        branch.start(self.shots, self.indices[moving], self.bits[moving])
        return branch

    def sample(self, count: int) -> np.ndarray:
        return _sample_keys(self.flat, count, self.rng, list(range(self.num_qubits)), self.options).copy_to_host()


def _execute(state, program: Program, rng, clbits: np.ndarray, dtype, options: GpuOptions, start: int = 0,
             cache: dict | None = None):
    walk(program.ops, _Executor(state, program.num_qubits, rng, clbits, dtype, options, cache), start)


def _prepare(circuit: Circuit, params, dtype, options):
    require_device()
    return lower(circuit, params), resolve_dtype(dtype), options or GpuOptions()


def simulate(circuit: Circuit, params=None, *, dtype=np.complex128, seed=None,
             options: GpuOptions | None = None) -> GpuStateVector:
    """The final state of ``circuit`` on the GPU (mid-circuit measurements collapse at random, seeded)."""
    program, dtype, options = _prepare(circuit, params, dtype, options)
    state = _new_state(program.num_qubits, dtype)
    _execute(state, program, np.random.default_rng(seed), np.zeros(program.num_clbits, dtype=np.uint8), dtype,
             options)
    if program.global_phase:
        phase = np.array([cmath.exp(1j * program.global_phase)], dtype=dtype)
        _launch(cuda_gates.scale_kernel, state.shape[1], options, state, _cuda().to_device(phase))
    return GpuStateVector(state, program.num_qubits, options)


def sample(circuit: Circuit, shots: int, *, params=None, seed=None, dtype=np.complex128, memory: bool = False,
           options: GpuOptions | None = None):
    """``(counts, memory list or None)`` for ``shots`` shots, drawn on the device.

    With mid-circuit measurements the shots run together and the state is copied on the device
    where their outcomes part (a tree of branches, as :func:`qfusion.sim.statevector.sample`);
    when those copies do not fit, each shot runs from the first non-unitary op on."""
    check_shots(shots)
    program, dtype, options = _prepare(circuit, params, dtype, options)
    rng = np.random.default_rng(seed)
    if program.terminal_measurements is None:
        sampler = _sample_branches if _branches_fit(program.num_qubits, dtype, int(shots)) else _sample_shots
        return _counts(sampler(program, int(shots), rng, dtype, options), program.num_clbits, memory)
    state = _new_state(program.num_qubits, dtype)
    _execute(state, program, rng, np.zeros(program.num_clbits, dtype=np.uint8), dtype, options)
    last = dict((clbit, qubit) for qubit, clbit in program.terminal_measurements)
    clbit_of_bit = np.array(sorted(last), dtype=np.int64)
    keys = _sample_keys(state.reshape(state.shape[1]), int(shots), rng, [last[c] for c in clbit_of_bit], options)
    if not memory and len(clbit_of_bit) <= _HISTOGRAM_BITS:
        bins = _cuda().to_device(np.zeros(1 << len(clbit_of_bit), dtype=np.int64))
        _launch(cuda_measure.histogram, int(shots), options, keys, bins)
        binned = bins.copy_to_host()
        found = np.nonzero(binned)[0]
        outcomes = _spread_keys(found, clbit_of_bit)
        return dict(sorted((_label(v, program.num_clbits), int(binned[k])) for v, k in zip(outcomes, found))), None
    return _counts(_spread_keys(keys.copy_to_host(), clbit_of_bit), program.num_clbits, memory)


def _label(outcome: int, num_clbits: int) -> str:
    return format(int(outcome), f"0{num_clbits}b") if num_clbits else ""


def _counts(outcomes: np.ndarray, num_clbits: int, memory: bool):
    values, inverse, counts = np.unique(outcomes, return_inverse=True, return_counts=True)
    labels = [_label(v, num_clbits) for v in values]
    shot_memory = [labels[i] for i in inverse.ravel()] if memory else None
    return {label: int(c) for label, c in zip(labels, counts)}, shot_memory


def _spread_keys(keys: np.ndarray, clbit_of_bit: np.ndarray) -> np.ndarray:
    outcomes = np.zeros(len(keys), dtype=np.int64)
    for j, clbit in enumerate(clbit_of_bit):
        outcomes |= ((keys >> j) & 1) << clbit
    return outcomes


def _branches_fit(num_qubits: int, dtype, shots: int) -> bool:
    """Whether the state and one device copy per level of splits fit (at most ``log2(shots)`` are alive)."""
    return fits(check_device_fits, num_qubits, dtype, copies=1 + shots.bit_length())


def _sample_branches(program: Program, shots: int, rng, dtype, options: GpuOptions) -> np.ndarray:
    """Every shot in one walk of ``program`` whose branches (device copies) part where outcomes do;
    outcomes in the terminal tail are drawn on the device from each branch's last state."""
    tree = Shots(program.ops, terminal_tail(program.ops), np.zeros(shots, dtype=np.int64))
    root = _Branch(_new_state(program.num_qubits, dtype, options=options), program.num_qubits, rng,
                   np.zeros(program.num_clbits, dtype=np.uint8), dtype, options)
    root.start(tree, np.arange(shots), np.zeros((shots, program.num_clbits), dtype=np.uint8))
    walk(program.ops, root)
    return tree.outcomes


def _sample_shots(program: Program, shots: int, rng, dtype, options: GpuOptions) -> np.ndarray:
    """Shots one by one from the first non-unitary op on, from a device copy of the state before it."""
    first = next(i for i, op in enumerate(program.ops) if not isinstance(op, GateOp))
    base = _new_state(program.num_qubits, dtype)
    run_steps(base, gate_steps(list(program.ops[:first]), program.num_qubits, dtype, options), options)
    check_device_fits(program.num_qubits, dtype, copies=2)
    state = _cuda().device_array_like(base)
    outcomes = np.zeros(shots, dtype=np.int64)
    cache: dict = {}
    for shot in range(shots):
        state.copy_to_device(base)
        clbits = np.zeros(program.num_clbits, dtype=np.uint8)
        _execute(state, program, rng, clbits, dtype, options, first, cache)
        outcomes[shot] = bits_value(clbits)
    return outcomes
