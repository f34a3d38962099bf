"""The MPI-distributed state vector: one state split over 2**k ranks by its top k qubits.

Each rank holds ``2**(n-k)`` amplitudes: physical bit positions ``0 .. n-k-1`` are its *local*
qubits, positions ``n-k .. n-1`` are the bits of its rank (the *global* qubits). A gate that only
reads a global qubit (a diagonal, or a global control) runs on every rank with its matrix
restricted to that rank's global bits, with no communication. A gate that flips a global qubit
first needs that qubit local: the planner swaps it with the local qubit whose next such use is
furthest away (Belady's rule), and the swap is a pairwise exchange of half of each rank's
amplitudes with the partner rank that differs in that bit, done in chunks of at most
``chunk_amplitudes`` so the extra memory is two chunks (the QuEST-style pairwise scheme, with
the qubit map kept between gates as in Aer's chunked and cuStateVec's distributed index-bit
swaps). The plan (stages of local gates between exchanges) is made once per gate segment.
Local gates run through the same fused CPU sweeps as the single-process state vector.

Run under ``mpiexec -n 4 python script.py``; with one process (no ``mpiexec``) the whole state is
local and nothing is exchanged.

>>> from qfusion.circuit import Circuit
>>> state = simulate(Circuit(3).h(2).cx(2, 0))   # one process: one rank
>>> round(state.expectation_value("ZIZ"), 12), state.exchanges
(1.0, 0)
"""

from __future__ import annotations

import cmath
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.errors import BackendError, CircuitError, CircuitTooLargeError
from qfusion.sim.exchanges import Exchange, LocalGates, plan_exchanges, restoring_exchanges, restrict
from qfusion.sim.kernels import cpu_measure, cpu_sweep
from qfusion.sim.memory import available_bytes, format_bytes, state_bytes
from qfusion.sim.plan import GateOp, check_shots, expectation_result, lower, pauli_terms
from qfusion.sim.program import Executor, bits_value, place_bits, walk, zero_outcomes

DEFAULT_CHUNK_AMPLITUDES = 1 << 20


# -- the distributed run ------------------------------------------------------------------------

def _mpi():
    from qfusion._optional import import_optional
    return import_optional("mpi4py.MPI", "mpi")


def world():
    """``MPI.COMM_WORLD`` (mpi4py)."""
    return _mpi().COMM_WORLD


def abort_on_error(comm) -> None:
    """Make an uncaught exception on one rank abort every rank (instead of leaving the others blocked
    in a collective): print it, then ``comm.Abort(1)``. Installed once, for runs over several ranks."""
    import sys
    if comm.Get_size() == 1 or getattr(sys.excepthook, "_qfusion_abort", False):
        return
    previous = sys.excepthook

    def hook(kind, value, traceback):
        previous(kind, value, traceback)
        sys.stderr.flush()
        comm.Abort(1)

    hook._qfusion_abort = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def check_ranks(num_ranks: int, num_qubits: int) -> int:
    """The number of global qubits for ``num_ranks`` ranks; a clear error unless it is a power of two
    that leaves at least one local qubit."""
    if num_ranks < 1 or num_ranks & (num_ranks - 1):
        raise BackendError(f"the mpi backend needs a power-of-two number of ranks, got {num_ranks} "
                           f"(run under mpiexec -n 2, 4, 8, ...)")
    num_global = num_ranks.bit_length() - 1
    if num_qubits - num_global < 1:
        raise CircuitError(f"{num_qubits} qubits cannot be split over {num_ranks} ranks: each rank needs at "
                           f"least one local qubit (use at most {1 << max(num_qubits - 1, 0)} ranks)")
    return num_global


def check_rank_memory(num_qubits: int, num_global: int, dtype, chunk_amplitudes: int, ranks_here: int) -> int:
    """Raise :class:`CircuitTooLargeError` unless one rank's share (and its exchange buffers) fits in
    this node's memory divided by the ``ranks_here`` ranks on it; the bytes per rank."""
    local = num_qubits - num_global
    chunk = min(chunk_amplitudes, 1 << max(local - 1, 0))
    needed = state_bytes(local, dtype) + 2 * chunk * np.dtype(dtype).itemsize if local < 100 else float("inf")
    available = available_bytes() // max(ranks_here, 1)
    if needed > available:
        total = format_bytes(state_bytes(num_qubits, dtype)) if num_qubits < 100 else "more than any machine has"
        need_ranks = 1 << max(num_global, 0)
        while need_ranks < (1 << 62) and needed > available and local > 1:
            need_ranks <<= 1
            local -= 1
            needed = state_bytes(local, dtype) + 2 * min(chunk, 1 << max(local - 1, 0)) * np.dtype(dtype).itemsize
        single = np.dtype(dtype) == np.complex128 and num_qubits - num_global < 100 and \
            state_bytes(num_qubits - num_global, np.complex64) + 2 * chunk * 8 <= available
        raise CircuitTooLargeError(
            f"{num_qubits} qubits need {total} as {np.dtype(dtype).name}; each of the {1 << num_global} ranks "
            f"would hold {format_bytes(state_bytes(num_qubits - num_global, dtype))} but has "
            f"{format_bytes(available)} ({ranks_here} rank{'s' if ranks_here != 1 else ''} on this node); run on at least {need_ranks} "
            f"ranks of this size" + (", or use dtype=\"complex64\"" if single else ""))
    return int(needed)


@dataclass
class DistributedRun:
    """Mutable state of one distributed execution: this rank's amplitudes and the qubit map."""
    comm: Any
    data: np.ndarray
    num_qubits: int
    num_global: int
    layout: tuple[int, ...]
    chunk_amplitudes: int = DEFAULT_CHUNK_AMPLITUDES
    cache: dict = field(default_factory=dict)
    exchanges: int = 0
    bytes_sent: int = 0

    @property
    def rank(self) -> int:
        return self.comm.Get_rank()

    @property
    def num_local(self) -> int:
        return self.num_qubits - self.num_global

    def global_bit(self, position: int) -> int:
        return (self.rank >> (position - self.num_local)) & 1

    # gates
    def run_gates(self, ops, key=None) -> None:
        if not ops:
            return
        cached = self.cache.get(key) if key is not None else None
        if cached is None or cached[0] != self.layout:
            plan = plan_exchanges(list(ops), self.num_qubits, self.num_global, self.layout)
            cached = (self.layout, plan)
            if key is not None:
                self.cache[key] = cached
        plan = cached[1]
        for index, step in enumerate(plan.steps):
            if isinstance(step, Exchange):
                self.exchange(step.local, step.global_position)
            elif isinstance(step, LocalGates):
                self._run_local(step, (key, index))
            else:
                _swap_local_bits(self.data, step[1], step[2])
        self.layout = plan.final_layout

    def _run_local(self, stage: LocalGates, key) -> None:
        local_ops = []
        phase = 1.0 + 0.0j
        for op in stage.ops:
            restricted = restrict(op, stage.layout, self.num_local, self.rank)
            if isinstance(restricted, GateOp):
                local_ops.append(restricted)
            else:
                phase *= restricted
        if local_ops:
            apply_local_gates(self.data, self.num_local, local_ops, self.cache, ("local", key, self.rank))
        if phase != 1.0:
            self.data *= phase

    def exchange(self, local: int, global_position: int) -> None:
        """Swap bit positions ``local`` and ``global_position``: half of the amplitudes go to the partner."""
        bit = global_position - self.num_local
        mine = self.global_bit(global_position)
        partner = self.rank ^ (1 << bit)
        half = self.data.reshape(-1, 2, 1 << local)[:, 1 - mine, :]
        self._swap_with(partner, half)
        self.exchanges += 1

    def _swap_with(self, partner: int, view: np.ndarray) -> None:
        """Exchange ``view`` (rows of a 2-d view of the state) with the same view on ``partner``, in chunks."""
        rows, width = view.shape
        if width >= self.chunk_amplitudes:  # each row is contiguous and at least a chunk: row by row
            for row in view:
                self._swap_flat(partner, row)
            return
        rows_per_chunk = max(1, self.chunk_amplitudes // width)
        send = np.empty((min(rows_per_chunk, rows), width), dtype=view.dtype)
        receive = np.empty_like(send)
        for start in range(0, rows, rows_per_chunk):
            count = min(rows, start + rows_per_chunk) - start
            send[:count] = view[start:start + count]
            self.comm.Sendrecv(send[:count], dest=partner, sendtag=7, recvbuf=receive[:count], source=partner,
                               recvtag=7)
            view[start:start + count] = receive[:count]
            self.bytes_sent += send[:count].nbytes

    def _swap_flat(self, partner: int, flat: np.ndarray) -> None:
        step = self.chunk_amplitudes
        receive = np.empty(min(step, flat.size), dtype=flat.dtype)
        for start in range(0, flat.size, step):
            part = flat[start:start + step]
            self.comm.Sendrecv(part.copy(), dest=partner, sendtag=8, recvbuf=receive[:part.size], source=partner,
                               recvtag=8)
            part[:] = receive[:part.size]
            self.bytes_sent += part.nbytes

    # measurement
    def probability_one(self, qubit: int) -> float:
        position = self.layout[qubit]
        if position < self.num_local:
            local = cpu_measure.probability_of_one(self.data, position)
        else:
            local = _norm(self.data) if self.global_bit(position) else 0.0
        return min(max(self.comm.allreduce(float(local)), 0.0), 1.0)

    def project(self, qubit: int, outcome: int, probability: float, reset: bool) -> None:
        position = self.layout[qubit]
        scale = 1.0 / np.sqrt(probability)
        if position < self.num_local:
            cpu_measure.collapse(self.data, position, outcome, scale, reset)
            return
        if self.global_bit(position) != outcome:
            self.data[:] = 0
        else:
            self.data *= scale
        if reset and outcome:  # the kept half moves to bit 0: every rank swaps all with its partner
            partner = self.rank ^ (1 << (position - self.num_local))
            self._swap_flat(partner, self.data)

    def measure(self, qubit: int, rng: np.random.Generator, reset: bool) -> int:
        p_one = self.probability_one(qubit)
        outcome = int(rng.random() < p_one) if self.rank == 0 else 0
        outcome = self.comm.bcast(outcome, root=0)
        self.project(qubit, outcome, p_one if outcome else 1.0 - p_one, reset)
        return outcome

    def restore(self) -> None:
        """Put every qubit back at its own position (so rank-major order is index order)."""
        if self.layout == tuple(range(self.num_qubits)):
            return
        layout = list(self.layout)
        for step in restoring_exchanges(layout, self.num_local):
            if isinstance(step, Exchange):
                self.exchange(step.local, step.global_position)
            else:
                _swap_local_bits(self.data, step[1], step[2])
        self.layout = tuple(layout)


def apply_local_gates(data: np.ndarray, num_local: int, ops: list[GateOp], cache: dict, key) -> None:
    """Run ``ops`` (on local bit positions) on one rank's amplitudes with the fused CPU sweeps
    (the single-process state vector's run, over this rank's share)."""
    from qfusion.sim.statevector import SimulatorOptions, StateVectorRun
    run = StateVectorRun(data, num_local, np.random.default_rng(0), np.zeros(0, dtype=np.uint8), SimulatorOptions(),
                         cache=cache)
    run.run_gates(ops, key, keep_layout=False)


def _swap_local_bits(data: np.ndarray, first: int, second: int) -> None:
    cpu_sweep.swap_bit_positions(data, np.array([first], dtype=np.int64), np.array([second], dtype=np.int64))


def _norm(data: np.ndarray) -> float:
    return float(np.vdot(data, data).real)


class _DistributedExecutor(Executor):
    """The hooks of :func:`qfusion.sim.program.walk` for a distributed run (outcomes agreed by rank 0)."""

    def __init__(self, run: DistributedRun, rng: np.random.Generator, num_clbits: int):
        self.run, self.rng = run, rng
        self.clbits = np.zeros(num_clbits, dtype=np.uint8)
        self.segment = []

    def run_segment(self, ops, key, keep_layout: bool) -> None:
        self.run.run_gates(ops, key)

    def collapse(self, qubit: int, reset: bool) -> int:
        return self.run.measure(qubit, self.rng, reset)


# -- the public face ------------------------------------------------------------------------------

class DistributedStateVector:
    """A state split over MPI ranks. ``expectation_value``, ``probabilities`` and ``sample`` are
    collective (every rank must call them, and every rank gets the same answer);
    ``numpy.asarray(state)`` gathers the whole vector on every rank (small states only)."""

    def __init__(self, run: DistributedRun):
        run.restore()
        self._run = run
        self.num_qubits = run.num_qubits

    @property
    def comm(self):
        return self._run.comm

    @property
    def local_data(self) -> np.ndarray:
        """This rank's amplitudes: global indices ``rank * 2**num_local_qubits + i``."""
        return self._run.data

    @property
    def num_local_qubits(self) -> int:
        return self._run.num_local

    @property
    def dtype(self):
        return self._run.data.dtype

    @property
    def exchanges(self) -> int:
        """Pairwise exchanges this run made (every rank makes the same number)."""
        return self._run.exchanges

    def __array__(self, dtype=None, copy=None):
        full = self._gather(self._run.data)
        return full if dtype is None else full.astype(dtype)

    def _gather(self, local: np.ndarray) -> np.ndarray:
        size = self.comm.Get_size()
        full = np.empty(local.size * size, dtype=local.dtype)
        self.comm.Allgather(np.ascontiguousarray(local), full)
        return full

    def probabilities(self, qubits=None) -> np.ndarray:
        """``|amplitude|**2`` of every basis state in qubit order (or the marginal over ``qubits``,
        listed little-endian), on every rank."""
        data = self._run.data
        local = data.real ** 2 + data.imag ** 2
        if qubits is None:
            return self._gather(local)
        qubits = list(qubits)
        indices = np.arange(local.size, dtype=np.int64) + (self.comm.Get_rank() << self.num_local_qubits)
        keys = np.zeros(local.size, dtype=np.int64)
        for bit, qubit in enumerate(qubits):
            keys |= ((indices >> qubit) & 1) << bit
        marginal = np.bincount(keys, weights=local, minlength=1 << len(qubits))
        return self.comm.allreduce(marginal)

    def sample(self, shots: int, seed=None) -> np.ndarray:
        """``shots`` basis-state indices drawn from the state, identical on every rank."""
        return sample_indices(self._run, int(shots), np.random.default_rng(seed))

    def expectation_value(self, observable) -> float:
        """<psi|O|psi> for a Pauli label, ``(label, coeff)`` pairs or a PauliSum; collective."""
        terms = pauli_terms(observable, self.num_qubits)
        return expectation_result(pauli_expectation(self._run, terms))

    def __repr__(self) -> str:
        return (f"DistributedStateVector(num_qubits={self.num_qubits}, ranks={self.comm.Get_size()}, "
                f"local_qubits={self.num_local_qubits}, dtype={self.dtype})")


def sample_indices(run: DistributedRun, shots: int, rng: np.random.Generator) -> np.ndarray:
    """Inverse-CDF sampling over the whole vector in index order (rank-major, qubits in place): each rank
    draws the uniforms that fall in its share; all ranks use the same uniforms and get the same indices."""
    comm = run.comm
    blocks = min(256, run.data.size)
    norms = cpu_measure.block_norms(run.data, blocks)
    totals = np.array(comm.allgather(float(norms.sum())))
    offsets = np.concatenate(([0.0], np.cumsum(totals)))
    uniforms = np.sort(rng.random(shots)) * offsets[-1]
    rank = comm.Get_rank()
    low, high = np.searchsorted(uniforms, [offsets[rank], offsets[rank + 1]], side="left")
    if rank == comm.Get_size() - 1:
        high = shots
    mine = uniforms[low:high] - offsets[rank]
    starts = np.concatenate(([0.0], np.cumsum(norms)))
    first = np.searchsorted(mine, starts[1:-1], side="left")
    first_uniform = np.concatenate(([0], first, [mine.size])).astype(np.int64)
    local = cpu_measure.sample_sorted(run.data, blocks, starts[:-1].copy(), np.ascontiguousarray(mine),
                                      first_uniform)
    local = local + (rank << run.num_local)
    indices = np.concatenate(comm.allgather(local)).astype(np.int64)
    rng.shuffle(indices)
    return indices


def pauli_expectation(run: DistributedRun, terms) -> complex:
    """sum_t c_t <psi|P_t|psi>; a term that flips global qubits pairs each rank with the rank that differs
    in those bits (chunked exchanges of the partner's amplitudes)."""
    local_value = 0.0 + 0.0j
    rank, num_local = run.rank, run.num_local
    local_mask = (1 << num_local) - 1
    for label, coeff in terms:
        x = z = 0
        phase = complex(coeff)
        for q, char in enumerate(reversed(label)):
            bit = 1 << run.layout[q]
            if char in "XY":
                x |= bit
            if char in "ZY":
                z |= bit
            if char == "Y":
                phase *= 1j
        sign = -1.0 if bin((rank << num_local) & z).count("1") % 2 else 1.0
        x_local, x_global, z_local = x & local_mask, x >> num_local, z & local_mask
        if x_global == 0:
            value = cpu_measure.pauli_expectations(run.data, np.array([x_local], dtype=np.int64),
                                                   np.array([0, 1], dtype=np.int64),
                                                   np.array([z_local], dtype=np.int64),
                                                   np.array([1.0 + 0.0j]))
            local_value += phase * sign * complex(value)
        else:
            local_value += phase * sign * _cross_rank_term(run, rank ^ x_global, x_local, z_local)
    return complex(run.comm.allreduce(local_value))


def _cross_rank_term(run: DistributedRun, partner: int, x_local: int, z_local: int) -> complex:
    """sum_i conj(partner[i ^ x]) (-1)^|i & z| mine[i] over aligned chunks; both ranks walk the same chunks."""
    data = run.data
    size = data.size
    chunk = min(size, run.chunk_amplitudes)
    high, low = x_local & ~(chunk - 1), x_local & (chunk - 1)
    offsets = np.arange(chunk, dtype=np.int64)
    permuted = offsets ^ low
    receive = np.empty(chunk, dtype=data.dtype)
    total = 0.0 + 0.0j
    for start in range(0, size, chunk):
        source = start ^ high
        run.comm.Sendrecv(np.ascontiguousarray(data[source:source + chunk]), dest=partner, sendtag=9,
                          recvbuf=receive, source=partner, recvtag=9)
        signs = 1 - 2 * (_parity((start + offsets) & z_local))
        total += complex(np.sum(np.conj(receive[permuted]) * signs * data[start:start + chunk]))
    return total


def _parity(values: np.ndarray) -> np.ndarray:
    return (np.bitwise_count(values) & 1).astype(np.int64)


# -- entry points -------------------------------------------------------------------------------------

def _start(circuit: Circuit, params, dtype, comm, chunk_amplitudes):
    from qfusion.sim.statevector import resolve_dtype
    comm = comm if comm is not None else world()
    dtype = resolve_dtype(dtype)
    num_global = check_ranks(comm.Get_size(), circuit.num_qubits)
    ranks_here = comm.Split_type(_mpi().COMM_TYPE_SHARED).Get_size()
    check_rank_memory(circuit.num_qubits, num_global, dtype, chunk_amplitudes, ranks_here)
    program = lower(circuit, params)
    local = circuit.num_qubits - num_global
    data = np.zeros(1 << local, dtype=dtype)
    if comm.Get_rank() == 0:
        data[0] = 1
    run = DistributedRun(comm, data, circuit.num_qubits, num_global, tuple(range(circuit.num_qubits)),
                         chunk_amplitudes)
    return program, run


def simulate(circuit: Circuit, params=None, *, dtype=np.complex128, seed=None, comm=None,
             chunk_amplitudes: int = DEFAULT_CHUNK_AMPLITUDES) -> DistributedStateVector:
    """The final state of ``circuit`` over the ranks of ``comm`` (default ``MPI.COMM_WORLD``); collective."""
    program, run = _start(circuit, params, dtype, comm, chunk_amplitudes)
    walk(program.ops, _DistributedExecutor(run, np.random.default_rng(seed), program.num_clbits))
    if program.global_phase:
        run.data *= cmath.exp(1j * program.global_phase)
    return DistributedStateVector(run)


def sample(circuit: Circuit, shots: int, *, params=None, seed=None, dtype=np.complex128, memory: bool = False,
           comm=None, chunk_amplitudes: int = DEFAULT_CHUNK_AMPLITUDES):
    """``(counts, memory or None, metadata)`` of ``shots`` shots, the same on every rank; collective.

    Circuits whose measurements are all terminal are simulated once and sampled; others run shot by shot
    (every rank in step, outcomes agreed by rank 0)."""
    check_shots(shots)
    program, run = _start(circuit, params, dtype, comm, chunk_amplitudes)
    rng = np.random.default_rng(seed)
    shots = int(shots)
    if program.terminal_measurements is not None:
        walk(program.ops, _DistributedExecutor(run, rng, program.num_clbits))
        run.restore()
        outcomes = zero_outcomes(shots, program.num_clbits)
        if program.terminal_measurements:
            indices = sample_indices(run, shots, rng)
            for qubit, clbit in program.terminal_measurements:
                outcomes = place_bits(outcomes, (indices >> qubit) & 1, clbit)
    else:
        outcomes = zero_outcomes(shots, program.num_clbits)
        initial = run.data.copy()
        for shot in range(shots):
            run.data[:] = initial
            run.layout = tuple(range(run.num_qubits))
            executor = _DistributedExecutor(run, rng, program.num_clbits)
            walk(program.ops, executor)
            outcomes[shot] = bits_value(executor.clbits)
    values, inverse, counts = np.unique(outcomes, return_inverse=True, return_counts=True)
    labels = [format(int(v), f"0{program.num_clbits}b") if program.num_clbits else "" for v in values]
    result = {label: int(c) for label, c in zip(labels, counts, strict=True)}
    metadata = {"ranks": run.comm.Get_size(), "local_qubits": run.num_local, "exchanges": run.exchanges,
                "bytes_sent_per_rank": run.bytes_sent}
    return result, ([labels[i] for i in inverse.ravel()] if memory else None), metadata


__all__ = ["DistributedStateVector", "abort_on_error", "check_rank_memory", "check_ranks", "sample", "simulate"]
