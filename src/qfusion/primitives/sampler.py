"""The Sampler: counts (or exact probabilities) of measured circuits, broadcast over parameter sets.

>>> import numpy as np
>>> from qfusion.circuit import Circuit, Parameter
>>> t = Parameter("t")
>>> c = Circuit(1).rx(t, 0).measure_all()
>>> result = Sampler(seed=3).run(c, params=[[0.0], [np.pi]], shots=100)
>>> result.counts[0], result.counts[1]
({'0': 100}, {'1': 100})
>>> Sampler(shots=None).run(Circuit(2).x(0).measure_all()).probabilities[()]
{'01': 1.0}
>>> [r.counts for r in Sampler(seed=1).run([Circuit(1).x(0).measure_all(), Circuit(1).measure_all()], shots=5)]
[{'1': 5}, {'0': 5}]
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qfusion.backends import Result
from qfusion.backends import get as get_backend
from qfusion.backends.base import check_primitive_options, check_seed
from qfusion.circuit import Circuit, Measure
from qfusion.errors import BackendError, CircuitError
from qfusion.primitives.broadcast import DEFAULT, broadcast, mitigation_list
from qfusion.primitives.circuits import parameter_values, unitary_part
from qfusion.sim.program import place_bits, zero_outcomes

_NEGLIGIBLE = 1e-14


@dataclass(frozen=True)
class SamplerResult:
    """``counts`` (with shots) or ``probabilities`` (exact, ``shots=None``): object arrays of
    ``{bitstring: value}`` dicts in the broadcast shape, classical bit 0 rightmost.

    >>> result = Sampler(seed=1).run(Circuit(1).x(0).measure_all(), shots=10)
    >>> result.counts.item(), result.shots
    ({'1': 10}, 10)
    """
    counts: np.ndarray | None
    probabilities: np.ndarray
    shots: int | None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.probabilities) if np.ndim(self.probabilities) else 1

    def __getitem__(self, index) -> SamplerResult:
        """The result of one entry of the broadcast shape (for a list of circuits, circuit ``index``),
        so ``for r in sampler.run([c1, c2])`` goes circuit by circuit as Qiskit's pubs do."""
        if not np.ndim(self.probabilities):
            raise IndexError("a single circuit's result has no entries; read .counts or .probabilities")
        counts = None if self.counts is None else self.counts[index]
        return SamplerResult(counts, self.probabilities[index], self.shots, self.metadata)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class Sampler:
    """Sample circuits on ``backend``; a circuit without measurements is measured on every qubit.

    ``mitigation``: counts-level techniques of :mod:`qfusion.mitigation` (readout mitigation, Pauli
    twirling, dynamical decoupling; any object with ``sampler_runner``); then ``probabilities`` are
    the mitigated quasi-probabilities (they may be negative unless projected) and ``counts`` them
    times the shots.

    >>> bell = Circuit(2).h(0).cx(0, 1).measure_all()
    >>> Sampler(shots=None).run(bell).probabilities.item()
    {'00': 0.4999999999999999, '11': 0.4999999999999999}
    """

    def __init__(self, backend="statevector", *, shots: int | None = 1024, seed=None, mitigation=None, **options):
        self.mitigation = mitigation_list(mitigation, "sampler_runner")
        self.backend = get_backend(backend)
        check_primitive_options(self.backend, options)
        self.shots = shots
        self.seed = seed
        self.options = options

    def run(self, circuits, params=None, *, shots: int | None = DEFAULT, seed=DEFAULT,
            max_workers: int | None = None, executor=None) -> SamplerResult:
        """Run every circuit at every parameter set (broadcast); ``shots=None`` gives exact probabilities.
        ``max_workers`` threads or a ``concurrent.futures`` ``executor`` run the sampled entries in
        parallel, with the counts of a serial run (each entry's seed is drawn in order first).

        >>> circuits = [Circuit(1).measure_all(), Circuit(1).x(0).measure_all()]
        >>> [c for c in Sampler(seed=2).run(circuits, shots=4).counts]
        [{'0': 4}, {'1': 4}]
        >>> [c for c in Sampler(seed=2).run(circuits, shots=4, max_workers=2).counts]
        [{'0': 4}, {'1': 4}]
        """
        from qfusion.backends.parallel import check_parallel, run_many
        check_parallel(max_workers, executor)
        start = time.perf_counter()
        shots = self.shots if shots is DEFAULT else shots
        seed = self.seed if seed is DEFAULT else seed
        check_seed(seed)
        if shots is not None and (isinstance(shots, (bool, np.bool_)) or int(shots) != shots or shots < 1):
            raise CircuitError(f"shots must be None (exact) or a positive integer, got {shots!r}")
        plan = broadcast(circuits, None, params, lambda v: True)
        if self.mitigation and shots is None:
            raise CircuitError("mitigation needs shots; give the Sampler shots=...")
        runner = (self.mitigation[0].sampler_runner(self.mitigation, self.backend, seed=seed, options=self.options)
                  if self.mitigation else None)
        spent = [0, 0]
        rng = np.random.default_rng(seed)
        counts = np.empty(plan.shape, dtype=object)
        probabilities = np.empty(plan.shape, dtype=object)
        pending: list = []  # (position, bound circuit, seed) of the plain sampled entries, run together at the end
        for position in np.ndindex(plan.shape):
            circuit = plan.circuits[plan.circuit_index[position]]
            if not circuit.has_measurements:
                circuit = circuit.copy().measure_all()
            row = plan.parameter_rows[plan.parameter_index[position]]
            bound = circuit.bind(parameter_values(circuit, row)) if circuit.parameters else circuit
            if shots is None:
                probabilities[position] = self._exact(bound)
            elif runner is not None:
                quasi, circuits_run, shots_run = runner(bound, int(shots))
                row_counts = dict(sorted(quasi.items()))
                counts[position] = row_counts
                probabilities[position] = {k: v / shots for k, v in row_counts.items()}
                spent[0] += circuits_run
                spent[1] += shots_run
            else:
                pending.append((position, bound, int(rng.integers(2 ** 32))))
        if pending:
            assert shots is not None   # exact entries are not pending
            results = run_many(self.backend, [b for _, b, _ in pending], int(shots), [s for _, _, s in pending],
                               options=self.options, max_workers=max_workers, executor=executor)
            for (position, _, _), result in zip(pending, results, strict=True):
                row_counts = dict(sorted(result.counts.items()))
                counts[position] = row_counts
                probabilities[position] = {k: v / shots for k, v in row_counts.items()}
        metadata: dict[str, Any] = {"backend": self.backend.name, "shots": shots, "time_taken": time.perf_counter() - start}
        if runner is not None:
            metadata.update(techniques=[repr(t) for t in self.mitigation], circuits_executed=spent[0],
                            shots_executed=spent[1])
        return SamplerResult(None if shots is None else counts, probabilities, shots, metadata)

    def _exact(self, circuit: Circuit) -> dict[str, float]:
        # a clbit holds its last measurement; one qubit may be read into several clbits
        measured = {inst.clbits[0]: inst.qubits[0] for inst in circuit.instructions
                    if isinstance(inst.operation, Measure)}
        try:
            state = np.asarray(self.backend.simulate(unitary_part(circuit), **self.options))
        except NotImplementedError:
            raise BackendError(f"backend {self.backend.name!r} does not return states; give the Sampler "
                               f"shots=...") from None
        probs = np.real(np.diag(state)) if state.ndim == 2 else np.abs(state) ** 2
        index = np.flatnonzero(probs > _NEGLIGIBLE)
        outcome = zero_outcomes(len(index), circuit.num_clbits)
        for clbit, qubit in measured.items():
            outcome = place_bits(outcome, (index >> qubit) & 1, clbit)
        out: dict[str, float] = {}
        for o, p in zip(outcome, probs[index], strict=False):
            key = Result.bitstring(o, circuit.num_clbits)
            out[key] = out.get(key, 0.0) + float(p)
        return dict(sorted(out.items()))
