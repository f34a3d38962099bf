"""The communication cost model of the ``mpi`` backend: exchanges, bytes and time, before running.

For a circuit and a machine (ranks, memory per rank, link bandwidth and latency, and the local
rate of one gate over one amplitude), :func:`estimate_distributed` plans the circuit exactly as
the ``mpi`` backend will (:func:`qfusion.sim.exchanges.plan_exchanges`), so the number of
exchanges is the one the run will make, and prices each exchange as half of a rank's amplitudes
sent and received at once (pairwise ``Sendrecv``) in chunks that each pay the latency. Local
work is priced per gate and amplitude, from a rate measured on one process of the machine
(``bench/bench_distributed.py`` measures both rates here).

>>> from qfusion.circuit import Circuit
>>> machine = MachineModel(ranks=4, bandwidth=10e9, latency=2e-6, gate_amplitude_time=1e-9)
>>> estimate = estimate_distributed(Circuit(30).h(29).cx(29, 0), machine)
>>> estimate.exchanges, estimate.bytes_per_rank // 2**20
(2, 4096)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qfusion.sim.exchanges import plan_exchanges
from qfusion.sim.memory import format_bytes, state_bytes
from qfusion.sim.plan import GateOp, lower

CHUNK_AMPLITUDES = 1 << 20


@dataclass(frozen=True)
class MachineModel:
    """A distributed machine: ``ranks`` (a power of two), bytes per second of one rank's link each way,
    seconds per message, and seconds for one gate on one amplitude on one rank.

    >>> MachineModel(ranks=2, bandwidth=25e9, latency=2e-6, gate_amplitude_time=1e-9).ranks
    2
    """
    ranks: int
    bandwidth: float
    latency: float
    gate_amplitude_time: float
    memory_per_rank: int | None = None
    name: str = ""


@dataclass(frozen=True)
class DistributedEstimate:
    """What a distributed run of a circuit costs on a :class:`MachineModel` (per rank; all ranks alike).

    >>> from qfusion.circuit import Circuit
    >>> machine = MachineModel(ranks=2, bandwidth=1e10, latency=1e-6, gate_amplitude_time=1e-9)
    >>> estimate = estimate_distributed(Circuit(20).h(0).cz(0, 19), machine)  # cz only reads qubit 19
    >>> estimate.exchanges, estimate.fits
    (0, True)
    """
    num_qubits: int
    ranks: int
    exchanges: int
    messages_per_rank: int
    bytes_per_rank: int
    exchange_time: float
    compute_time: float
    fits: bool

    @property
    def time(self) -> float:
        """Exchange plus compute time (s).


        >>> from qfusion.circuit import Circuit
        >>> machine = MachineModel(ranks=2, bandwidth=1e10, latency=1e-6, gate_amplitude_time=1e-9)
        >>> estimate = estimate_distributed(Circuit(20).h(19), machine)
        >>> estimate.time == estimate.exchange_time + estimate.compute_time, estimate.exchanges
        (True, 2)
        """
        return self.exchange_time + self.compute_time

    def __repr__(self) -> str:
        return (f"DistributedEstimate({self.num_qubits} qubits on {self.ranks} ranks: {self.exchanges} exchanges, "
                f"{format_bytes(self.bytes_per_rank)} sent per rank, {self.time:.3g} s "
                f"= {self.exchange_time:.3g} s exchanging + {self.compute_time:.3g} s computing"
                f"{'' if self.fits else '; does NOT fit in memory'})")


def estimate_distributed(circuit, machine: MachineModel, *, dtype=np.complex128,
                         chunk_amplitudes: int = CHUNK_AMPLITUDES) -> DistributedEstimate:
    """The exchanges (exact: the backend's own plan), bytes and time of ``circuit`` on ``machine``.

    >>> from qfusion.circuit import Circuit
    >>> machine = MachineModel(ranks=4, bandwidth=1e10, latency=1e-6, gate_amplitude_time=1e-9)
    >>> estimate = estimate_distributed(Circuit(24).h(23).h(22), machine)
    >>> estimate.ranks, estimate.exchanges, estimate.bytes_per_rank // 2**20
    (4, 6, 192)
    """
    if machine.ranks < 1 or machine.ranks & (machine.ranks - 1):
        raise ValueError(f"ranks must be a power of two, got {machine.ranks}")
    program = lower(circuit)
    num_global = machine.ranks.bit_length() - 1
    local = program.num_qubits - num_global
    gates = [op for op in program.ops if isinstance(op, GateOp)]
    plan = plan_exchanges(gates, program.num_qubits, num_global)
    half_bytes = state_bytes(max(local - 1, 0), dtype)
    messages = math.ceil((1 << max(local - 1, 0)) / chunk_amplitudes)
    exchange_time = plan.num_exchanges * (messages * machine.latency + half_bytes / machine.bandwidth)
    compute_time = len(gates) * (1 << local) * machine.gate_amplitude_time
    needed = state_bytes(local, dtype) + 2 * min(chunk_amplitudes, 1 << max(local - 1, 0)) * np.dtype(dtype).itemsize
    fits = machine.memory_per_rank is None or needed <= machine.memory_per_rank
    return DistributedEstimate(program.num_qubits, machine.ranks, plan.num_exchanges, messages * plan.num_exchanges,
                               half_bytes * plan.num_exchanges, exchange_time, compute_time, fits)
