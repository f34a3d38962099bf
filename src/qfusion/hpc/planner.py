"""The workload planner: which registered backend runs a circuit best here, and why.

:func:`plan` reads the circuit's features (:mod:`.features`), asks every registered backend what it
can do (``Capabilities``, ``memory_estimate``, ``unavailable_reason``), estimates memory and time from
its representation with the calibrated :class:`~qfusion.hpc.cost.CostModel`, rejects what cannot run
(with the reason) and picks the fastest of the rest. ``print(plan)`` is the table.

>>> from qfusion.circuit import Circuit
>>> ghz = Circuit(120).h(0)
>>> for q in range(119):
...     _ = ghz.cx(q, q + 1)
>>> p = plan(ghz.measure_all(), shots=1000, resources=Resources(cores=2, memory_bytes=2**33))
>>> p.backend in ("mps", "stabilizer")
True
>>> p.candidate("statevector").reason
'the state vector needs 2^120 amplitudes (2.1e+37 B); 8.0 GiB is available'
>>> print(p)  # doctest: +ELLIPSIS
Plan for 120 qubits, depth 121, 120 gates (119 two-qubit, 100% Clifford), 0 noise channels, cut entanglement <= 1 bits; ...
backend              representation       memory       time  verdict
...
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qfusion.backends import get, names
from qfusion.errors import BackendError, CircuitTooLargeError
from qfusion.hpc.communication import CHUNK_AMPLITUDES
from qfusion.hpc.cost import CostModel, human_seconds, mps_bytes
from qfusion.hpc.features import CircuitFeatures, circuit_features, gate_ops, with_mps_bounds
from qfusion.hpc.resources import Resources
from qfusion.sim.exchanges import plan_exchanges
from qfusion.sim.memory import format_bytes

#: An MPS whose exact bond dimension is above this is not planned exactly (it would not be an MPS's job).
EXACT_BOND_LIMIT = 4096


@dataclass(frozen=True)
class Candidate:
    """One backend's estimate: ``seconds`` and ``memory_bytes`` (None: not estimated), and why not.

    >>> from qfusion.circuit import Circuit
    >>> candidate = plan(Circuit(2).h(0).cx(0, 1).measure_all(), shots=10).candidate("stabilizer")
    >>> candidate.backend, candidate.feasible
    ('stabilizer', True)
    """
    backend: str
    representation: str
    seconds: float | None
    memory_bytes: float | None
    reason: str | None = None   # None: it can run the circuit
    note: str = ""

    @property
    def feasible(self) -> bool:
        """Whether the backend can run the circuit (no reason against it).


        >>> from qfusion.circuit import Circuit
        >>> p = plan(Circuit(1).t(0).measure_all(), shots=10)
        >>> p.candidate("statevector").feasible, p.candidate("stabilizer").feasible
        (True, False)
        """
        return self.reason is None

    def row(self) -> str:
        """One line of the plan's table: backend, representation, memory, time, and the verdict.


        >>> from qfusion.circuit import Circuit
        >>> plan(Circuit(1).h(0).measure_all(), shots=10).candidate("statevector").row().split()[:2]
        ['statevector', 'statevector']
        """
        seconds = human_seconds(self.seconds) if self.seconds is not None else "-"
        memory = _bytes(self.memory_bytes) if self.memory_bytes is not None else "-"
        verdict = "ok" + (f" ({self.note})" if self.note else "") if self.reason is None else self.reason
        verdict = verdict if len(verdict) <= 110 else verdict[:107] + "..."
        return f"{self.backend:<20} {self.representation or '?':<16} {memory:>10} {seconds:>10}  {verdict}"


@dataclass(frozen=True)
class Plan:
    """The planner's choice (``backend``, its ``options``) and every candidate's estimate.

    >>> from qfusion.circuit import Circuit
    >>> p = plan(Circuit(2).h(0).t(1).cx(0, 1).measure_all(), shots=100)
    >>> p.backend, p.chosen.feasible
    ('statevector', True)
    """
    backend: str
    options: dict
    candidates: tuple[Candidate, ...]
    features: CircuitFeatures
    resources: Resources
    model_source: str
    reason: str = ""

    def candidate(self, name: str) -> Candidate:
        """The estimate of backend ``name``; a ``KeyError`` naming the candidates when there is none.


        >>> from qfusion.circuit import Circuit
        >>> plan(Circuit(1).h(0).measure_all(), shots=10).candidate("mps").backend
        'mps'
        """
        for one in self.candidates:
            if one.backend == name:
                return one
        raise KeyError(f"no candidate {name!r}; candidates: {[c.backend for c in self.candidates]}")

    @property
    def chosen(self) -> Candidate:
        """The chosen backend's estimate.


        >>> from qfusion.circuit import Circuit
        >>> p = plan(Circuit(1).h(0).measure_all(), shots=10)
        >>> p.chosen.backend == p.backend
        True
        """
        return self.candidate(self.backend)

    def to_dict(self) -> dict:
        """Plain data for result metadata and the job service's record.

        >>> from qfusion.circuit import Circuit
        >>> sorted(plan(Circuit(1).h(0).measure_all(), shots=10).to_dict())
        ['backend', 'candidates', 'cost_model', 'options', 'reason']
        """
        return {"backend": self.backend, "options": dict(self.options), "reason": self.reason,
                "cost_model": self.model_source,
                "candidates": [{"backend": c.backend, "representation": c.representation, "seconds": c.seconds,
                                "memory_bytes": c.memory_bytes, "rejected": c.reason} for c in self.candidates]}

    def __str__(self) -> str:
        f = self.features
        head = (f"Plan for {f.num_qubits} qubits, depth {f.depth}, {f.gates} gates ({f.two_qubit_gates} two-qubit, "
                f"{f.clifford_fraction:.0%} Clifford), {f.channels} noise channels"
                + (f", cut entanglement <= {f.max_cut_bits:.0f} bits" if f.max_cut_bits is not None else "")
                + f"; on {self.resources}")
        table = [f"{'backend':<20} {'representation':<16} {'memory':>10} {'time':>10}  verdict"]
        table += [c.row() for c in sorted(self.candidates, key=_order)]
        return "\n".join([head, *table, f"-> {self.backend}: {self.reason}"])

    def __repr__(self) -> str:
        chosen = self.chosen
        return (f"Plan(backend={self.backend!r}, seconds~{human_seconds(chosen.seconds or 0)}, "
                f"memory~{_bytes(chosen.memory_bytes or 0)}, rejected={sum(not c.feasible for c in self.candidates)})")


def _bytes(size: float) -> str:
    return format_bytes(size) if size < 2.0 ** 70 else f"{size:.2g} B"


def _order(candidate: Candidate):
    return (not candidate.feasible, candidate.seconds if candidate.seconds is not None else math.inf)


@dataclass(frozen=True)
class _Request:
    shots: int | None
    observables: object
    noise_model: object
    dtype: Any  # what numpy.dtype takes
    itemsize: int
    max_bond_dimension: int | None
    options: dict = field(default_factory=dict)


def plan(circuit, shots: int | None = 1024, observables=None, resources: Resources | None = None, *,
         noise_model=None, dtype=np.complex128, max_bond_dimension: int | None = None, model: CostModel | None = None,
         backends=None, memory_by_backend: dict | None = None, **options) -> Plan:
    """Plan ``circuit``: ``shots`` to sample (None: an exact final state or exact probabilities are
    wanted), ``observables`` whose expectation values are wanted, on ``resources`` (default: this
    machine). ``max_bond_dimension`` allows an approximate MPS; ``backends`` limits the candidates;
    ``memory_by_backend`` gives the memory a backend's own machines offer (the job service's workers
    advertise theirs), in place of ``resources.memory_bytes`` for that backend.
    Raises :class:`~qfusion.errors.CircuitTooLargeError` (listing each candidate's estimate) when
    nothing can run it; nothing is allocated.

    >>> from qfusion.circuit import Circuit
    >>> plan(Circuit(40).h(0).cx(0, 1).measure_all(), shots=100).backend in ("stabilizer", "mps")
    True
    """
    resources = resources or Resources.detect()
    model = model or CostModel.load()
    request = _Request(None if shots is None else int(shots), observables, noise_model, dtype,
                       np.dtype(dtype).itemsize, max_bond_dimension, dict(options))
    features = circuit_features(circuit, noise_model, route_mps=False)
    found = []
    for name in backends or names():
        memory = (memory_by_backend or {}).get(name)
        here = resources if memory is None else dataclasses.replace(resources, memory_bytes=int(memory))
        candidate, features = _estimate(name, circuit, features, request, here, model)
        if candidate is not None:
            found.append(candidate)
    candidates = tuple(found)
    feasible = sorted((c for c in candidates if c.feasible), key=_order)
    if not feasible:
        raise CircuitTooLargeError(_refusal(features, candidates, request))
    best = feasible[0]
    runner_up = f"; next {feasible[1].backend} ~{human_seconds(feasible[1].seconds)}" if len(feasible) > 1 else ""
    reason = (f"fastest of {len(feasible)} that can run it: ~{human_seconds(best.seconds)}, "
              f"{format_bytes(best.memory_bytes or 0)}{runner_up}")
    chosen_options = dict(options)
    if best.representation == "mps" and max_bond_dimension is not None:
        chosen_options["max_bond_dimension"] = max_bond_dimension
    return Plan(best.backend, chosen_options, candidates, features, resources, model.source, reason)


def _refusal(features: CircuitFeatures, candidates, request: _Request) -> str:
    lines = [f"no backend can run this {features.num_qubits}-qubit circuit here:"]
    sized = [c for c in candidates if c.representation]
    lines += [f"  {c.backend}: {c.reason}" + (f" (needs {_bytes(c.memory_bytes)})"
                                              if c.memory_bytes is not None and "needs" not in c.reason else "")
              for c in sized]
    unsized = [c.backend for c in candidates if not c.representation]
    if unsized:
        lines.append(f"  not sized (they declare no representation): {', '.join(unsized)}")
    hints = [c.backend for c in candidates if c.representation == "mps" and c.note]
    if hints and request.max_bond_dimension is None:
        lines.append(f"  an approximate MPS would fit: pass max_bond_dimension= (e.g. 64) to use {hints[0]!r}")
    return "\n".join(lines)


def _estimate(name, circuit, features, request: _Request, resources: Resources, model: CostModel):
    """``(candidate or None, features)``: the features gain the MPS bounds the first time an MPS needs them."""
    try:
        backend = get(name)
    except BackendError as exc:
        return Candidate(name, "", None, None, f"cannot be loaded: {exc}"), features
    caps = backend.capabilities
    representation = "stabilizer" if caps.clifford_only else caps.representation
    if representation == "planner":
        return None, features
    reject = _capability_mismatch(caps, representation, features, request)
    if reject:
        return Candidate(name, representation, None, None, reject), features
    unavailable = backend.unavailable_reason()
    if unavailable:
        return Candidate(name, representation, None, None, f"unavailable here: {unavailable}"), features
    estimator = _ESTIMATORS.get(representation.removeprefix("gpu_"))
    if estimator is None:
        return Candidate(name, representation, None, None,
                         "declares no representation the cost model can size; name it to run on it"), features
    if representation == "mps" and features.max_cut_bits is None:
        features = with_mps_bounds(features, gate_ops(circuit))
    return estimator(name, backend, representation, circuit, features, request, resources, model), features


def _capability_mismatch(caps, representation, features: CircuitFeatures, request: _Request) -> str | None:
    if caps.max_qubits is not None and features.num_qubits > caps.max_qubits:
        return f"takes at most {caps.max_qubits} qubits"
    if caps.clifford_only and not features.is_clifford:
        return f"Clifford circuits only; {1 - features.clifford_fraction:.0%} of the gates are not Clifford"
    if features.noisy and not caps.noise:
        return "runs no noise"
    if request.shots is not None and not caps.sampled:
        return "does not sample shots"
    if caps.dtypes and not caps.supports_dtype(request.dtype):
        return f"does not run {np.dtype(request.dtype).name}"
    unknown = [key for key in request.options if key not in caps.options]
    if unknown:
        return f"does not take the option(s) {', '.join(unknown)}"
    return None


def _memory_check(memory: float, resources: Resources, what: str) -> str | None:
    if memory > resources.memory_bytes:
        return f"{what} needs {format_bytes(memory)}; {format_bytes(resources.memory_bytes)} is available"
    return None


def _statevector(name, backend, representation, circuit, f: CircuitFeatures, request, resources, model):
    n = f.num_qubits
    memory = _as_float(backend.memory_estimate(circuit, dtype=request.dtype)) or 2.0 ** min(n, 1000) * request.itemsize
    if n > 60 or memory > resources.memory_bytes:
        return Candidate(name, representation, None, memory,
                         f"the state vector needs 2^{n} amplitudes ({memory:.2g} B); "
                         f"{format_bytes(resources.memory_bytes)} is available")
    if f.noisy and request.shots is None:
        return Candidate(name, representation, None, memory,
                         "noisy: gives trajectories, not the exact mixed state (ask for shots, or a density matrix)")
    trajectories = request.shots if f.noisy or f.mid_circuit else 1
    seconds = model.statevector_seconds(n, f.fused_gates, trajectories or 1)
    if representation.startswith("gpu_"):
        if resources.gpus < 1:
            return Candidate(name, representation, None, memory, "no GPU in the resources")
        seconds = model.gpu_overhead + seconds / model.gpu_speedup
    note = f"{trajectories} trajectories" if trajectories and trajectories > 1 else ""
    return Candidate(name, representation, seconds, memory, note=note)


def _distributed(name, backend, representation, circuit, f: CircuitFeatures, request, resources, model):
    """The ``mpi`` backend: the state vector split over ``resources.mpi_ranks`` ranks by its top qubits."""
    n, ranks = f.num_qubits, resources.mpi_ranks
    if ranks < 2:
        return Candidate(name, representation, None, None,
                         "one MPI rank here (run under mpiexec -n R, or plan with Resources(mpi_ranks=R))")
    if ranks & (ranks - 1):
        return Candidate(name, representation, None, None, f"needs a power-of-two number of ranks, got {ranks}")
    global_qubits = ranks.bit_length() - 1
    local = n - global_qubits
    if local < 1:
        return Candidate(name, representation, None, None, f"{ranks} ranks are too many for {n} qubits")
    per_rank = resources.rank_memory_bytes
    chunk = min(CHUNK_AMPLITUDES, 2 ** max(local - 1, 0))
    memory = 2.0 ** min(local, 1000) * request.itemsize + 2 * chunk * request.itemsize
    if local > 60 or memory > per_rank:
        return Candidate(name, representation, None, memory,
                         f"the state vector over {ranks} ranks needs 2^{local} amplitudes per rank ({_bytes(memory)}); "
                         f"{format_bytes(per_rank)} is available per rank")
    if f.noisy:
        return Candidate(name, representation, None, memory, "runs no noise")
    exchanges = plan_exchanges(gate_ops(circuit), n, global_qubits).num_exchanges
    messages = math.ceil(2 ** max(local - 1, 0) / CHUNK_AMPLITUDES)
    trajectories = request.shots if f.mid_circuit and request.shots else 1
    seconds = model.distributed_seconds(local, f.fused_gates, exchanges, messages,
                                        2.0 ** max(local - 1, 0) * request.itemsize, trajectories)
    return Candidate(name, representation, seconds, memory * ranks,
                     note=f"{ranks} ranks, {_bytes(memory)} and {exchanges} exchanges each")


def _density_matrix(name, backend, representation, circuit, f: CircuitFeatures, request, resources, model):
    n = f.num_qubits
    memory = (_as_float(backend.memory_estimate(circuit, dtype=request.dtype))
              or 2.0 ** min(2 * n, 1000) * request.itemsize)
    if n > 30 or memory > resources.memory_bytes:
        return Candidate(name, representation, None, memory,
                         f"the density matrix needs 4^{n} entries ({memory:.2g} B); "
                         f"{format_bytes(resources.memory_bytes)} is available")
    seconds = model.density_seconds(n, f.fused_gates + f.channels)
    if representation.startswith("gpu_"):
        if resources.gpus < 1:
            return Candidate(name, representation, None, memory, "no GPU in the resources")
        seconds = model.gpu_overhead + seconds / model.gpu_speedup
    return Candidate(name, representation, seconds, memory)


def _mps(name, backend, representation, circuit, f: CircuitFeatures, request, resources, model):
    exact_bits = f.max_cut_bits
    assert exact_bits is not None  # _estimate has computed it (with_mps_bounds)
    cap = float(request.max_bond_dimension) if request.max_bond_dimension is not None else math.inf
    needed = 2.0 ** min(exact_bits, 1000)
    shots = request.shots or 0
    if request.max_bond_dimension is None and needed > EXACT_BOND_LIMIT:
        approx = mps_bytes(f.cut_bits, 64.0, request.itemsize)
        return Candidate(name, representation, None, None,
                         f"an exact MPS needs bond dimension up to 2^{exact_bits:.0f} (the entanglement bound of the "
                         f"interaction graph); above {EXACT_BOND_LIMIT} it is not planned without max_bond_dimension=",
                         note="approximate" if approx <= resources.memory_bytes else "")
    if "max_bond_dimension" in backend.capabilities.options:
        memory = backend.memory_estimate(circuit, dtype=request.dtype, max_bond_dimension=request.max_bond_dimension)
    else:
        memory = mps_bytes(f.cut_bits, cap, request.itemsize)
    reject = _memory_check(memory, resources, "the MPS")
    if reject:
        return Candidate(name, representation, None, memory, reject)
    seconds = model.mps_seconds(f.mps_work, cap, f.num_qubits, shots) * (shots if f.mid_circuit else 1)
    note = f"approximate, bond <= {request.max_bond_dimension}" if needed > cap else "exact"
    return Candidate(name, representation, seconds, memory, note=note)


def _stabilizer(name, backend, representation, circuit, f: CircuitFeatures, request, resources, model):
    n = f.num_qubits
    memory = _as_float(backend.memory_estimate(circuit, dtype=request.dtype)) or 2.0 * n * n / 8 + 1024
    if request.observables is not None and not _pauli_observables(request.observables):
        return Candidate(name, representation, None, memory, "expectation values of Pauli sums only")
    reject = _memory_check(memory, resources, "the tableau")
    if reject:
        return Candidate(name, representation, None, memory, reject)
    return Candidate(name, representation, model.stabilizer_seconds(n, f.gates + f.channels, request.shots or 1),
                     memory)


def _pauli_observables(observables) -> bool:
    return isinstance(observables, str) or hasattr(observables, "to_list") or isinstance(observables, (list, tuple))


_ESTIMATORS = {"statevector": _statevector, "density_matrix": _density_matrix, "mps": _mps,
               "stabilizer": _stabilizer, "distributed_statevector": _distributed}


def _as_float(estimate) -> float | None:
    """A backend's memory estimate as a float (exact integers of 2^2000 bytes are infinite here)."""
    if estimate is None:
        return None
    try:
        return float(estimate)
    except OverflowError:
        return float("inf")
