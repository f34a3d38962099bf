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
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qfusion.backends import get as get_backend
from qfusion.circuit import Circuit, Measure
from qfusion.errors import BackendError, CircuitError
from qfusion.primitives.broadcast import broadcast
from qfusion.primitives.circuits import parameter_values, unitary_part

_NEGLIGIBLE = 1e-14


@dataclass(frozen=True)
class SamplerResult:
    """``counts`` (with shots) or ``probabilities`` (exact, ``shots=None``): object arrays of
    ``{bitstring: value}`` dicts in the broadcast shape, classical bit 0 rightmost."""
    counts: np.ndarray | None
    probabilities: np.ndarray
    shots: int | None
    metadata: dict[str, Any] = field(default_factory=dict)


class Sampler:
    """Sample circuits on ``backend``; a circuit without measurements is measured on every qubit.

    ``mitigation``: counts-level techniques of :mod:`qfusion.mitigation` (readout mitigation, Pauli
    twirling, dynamical decoupling; any object with ``sampler_runner``); then ``probabilities`` are
    the mitigated quasi-probabilities (they may be negative unless projected) and ``counts`` them
    times the shots.
    """

    def __init__(self, backend="statevector", *, shots: int | None = 1024, seed=None, mitigation=None, **options):
        self.mitigation = list(mitigation or [])
        for technique in self.mitigation:
            if not hasattr(technique, "sampler_runner"):
                raise CircuitError(f"mitigation= takes error-mitigation techniques (qfusion.mitigation), "
                                   f"got {technique!r}")
        self.backend = get_backend(backend)
        self.shots = shots
        self.seed = seed
        self.options = options

    def run(self, circuits, params=None, *, shots: int | None = -1, seed=-1) -> SamplerResult:
        """Run every circuit at every parameter set (broadcast); ``shots=None`` gives exact probabilities."""
        start = time.perf_counter()
        shots = self.shots if shots == -1 else shots
        seed = self.seed if isinstance(seed, int) and seed == -1 else seed
        if shots is not None and (int(shots) != shots or shots < 1):
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
                counts[position] = dict(sorted(quasi.items()))
                probabilities[position] = {k: v / shots for k, v in counts[position].items()}
                spent[0] += circuits_run
                spent[1] += shots_run
            else:
                result = self.backend.run(bound, shots=int(shots), seed=int(rng.integers(2 ** 32)), **self.options)
                counts[position] = dict(sorted(result.counts.items()))
                probabilities[position] = {k: v / shots for k, v in counts[position].items()}
        metadata = {"backend": self.backend.name, "shots": shots, "time_taken": time.perf_counter() - start}
        if runner is not None:
            metadata.update(techniques=[repr(t) for t in self.mitigation], circuits_executed=spent[0],
                            shots_executed=spent[1])
        return SamplerResult(None if shots is None else counts, probabilities, shots, metadata)

    def _exact(self, circuit: Circuit) -> dict[str, float]:
        measured = {inst.qubits[0]: inst.clbits[0] for inst in circuit.instructions
                    if isinstance(inst.operation, Measure)}
        try:
            state = np.asarray(self.backend.simulate(unitary_part(circuit), **self.options))
        except NotImplementedError:
            raise BackendError(f"backend {self.backend.name!r} does not return states; give the Sampler "
                               f"shots=...") from None
        probs = np.real(np.diag(state)) if state.ndim == 2 else np.abs(state) ** 2
        index = np.flatnonzero(probs > _NEGLIGIBLE)
        outcome = np.zeros(len(index), dtype=np.int64)
        for qubit, clbit in measured.items():
            outcome |= ((index >> qubit) & 1) << clbit
        out: dict[str, float] = {}
        for o, p in zip(outcome, probs[index]):
            key = format(int(o), f"0{circuit.num_clbits}b") if circuit.num_clbits else ""
            out[key] = out.get(key, 0.0) + float(p)
        return dict(sorted(out.items()))
