"""How mitigated expectation values are measured: one executor, three stages.

The circuit is compiled once (on an emulated QPU: transpiled to native gates at the chosen
optimisation level). *Estimate-level* techniques (ZNE, PEC, CDR) turn it into variants (folded,
Pauli-inserted, near-Clifford circuits) and combine their values. Each variant gets, per
qubit-wise-commuting group of the observable, its basis rotations and measurements appended
natively (never re-optimised, so no fold cancels). *Counts-level* techniques (dynamical decoupling,
Pauli twirling, readout mitigation, in that order from outside in) edit the measured circuit or
its counts. The executor counts every circuit and shot it spends, calibrations included.

>>> from qfusion.circuit import Circuit
>>> from qfusion.observables import PauliSum
>>> executor = Executor("density_matrix", shots=1000, seed=1)
>>> estimate = executor.expectation(executor.prepare(Circuit(1).x(0)), PauliSum.from_label("Z"))
>>> estimate.value, executor.circuits, executor.shots_used
(-1.0, 1, 1000)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qfusion.backends import get as get_backend
from qfusion.circuit import Circuit
from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Measure
from qfusion.errors import MitigationError
from qfusion.mitigation.native import is_native, rebuild
from qfusion.observables import PauliSum
from qfusion.primitives.circuits import unitary_part
from qfusion.primitives.measurement import basis_circuit


@dataclass(frozen=True)
class Variant:
    """One circuit to measure and the weight of its value: ``samples > 0`` marks a PEC sample
    pattern drawn ``samples`` times out of all the variants' draws, each draw worth ``coefficient``
    times the value (the mean over draws is taken); ``shots`` overrides the default.

    >>> from qfusion.circuit import Circuit
    >>> Variant(Circuit(1).x(0), coefficient=-0.5)
    Variant(circuit=Circuit(num_qubits=1, num_clbits=0, instructions=1), coefficient=-0.5, shots=None, samples=0)
    """
    circuit: object
    coefficient: float = 1.0
    shots: int | None = None
    samples: int = 0


@dataclass(frozen=True)
class Estimate:
    """A combined value, its standard error, and each variant's own ``(value, std_error)``.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.observables import PauliSum
    >>> executor = Executor("density_matrix", shots=100, seed=1)
    >>> executor.expectation(executor.prepare(Circuit(1)), PauliSum.from_label("Z"))
    Estimate(value=1.0, std_error=0.0, variants=((1.0, 0.0),))
    """
    value: float
    std_error: float
    variants: tuple[tuple[float, float], ...] = field(default=())


def measured_qubits(circuit) -> tuple[int, ...]:
    """The qubit each clbit reads (its last measurement).

    >>> from qfusion.circuit import Circuit
    >>> measured_qubits(Circuit(3, 2).measure(2, 0).measure(0, 1))
    (2, 0)
    """
    qubits: list[int | None] = [None] * circuit.num_clbits
    for inst in circuit.instructions:
        if isinstance(inst.operation, Measure):
            qubits[inst.clbits[0]] = inst.qubits[0]
    if any(q is None for q in qubits):
        raise MitigationError("every clbit must be measured for readout mitigation")
    return tuple(q for q in qubits if q is not None)


def quasi_group_estimate(group: PauliSum, qubits, quasi: dict, shots: int) -> tuple[float, float]:
    """``(mean, standard error)`` of a group's value from (quasi-)probabilities ``quasi`` that came
    from ``shots`` shots; negative weights inflate the error by their total mass (as in M3).

    >>> from qfusion.observables import PauliSum
    >>> quasi_group_estimate(PauliSum.from_label("Z"), (0,), {"0": 0.75, "1": 0.25}, shots=100)
    (0.5, 0.08703882797784893)
    """
    keys = list(quasi)
    outcomes = np.array([int(k, 2) if k else 0 for k in keys], dtype=np.int64)
    weights = np.array([quasi[k] for k in keys], dtype=float)
    weights = weights / weights.sum()
    support = group.x_masks | group.z_masks
    clbit_masks = np.zeros(len(support), dtype=np.int64)
    for j, q in enumerate(qubits):
        clbit_masks |= ((support >> np.uint64(q)) & np.uint64(1)).astype(np.int64) << j
    parity = np.bitwise_count(outcomes[:, None] & clbit_masks[None, :]) & 1
    values = (1 - 2 * parity.astype(float)) @ group.coeffs.real
    mean = float(weights @ values)
    gamma = float(np.abs(weights).sum())
    variance = float(np.abs(weights) @ (values - mean) ** 2) / gamma
    return mean, float(gamma * np.sqrt(variance / max(shots - 1, 1)))


class Executor:
    """Runs the circuits of one mitigated estimate on ``backend`` and keeps the bill.

    ``counts_stage``: counts-level techniques (objects with ``run_counts(executor, circuit, shots,
    run)``), outermost first. ``optimization_level`` is the transpiler's, for emulated QPUs.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.observables import PauliSum
    >>> executor = Executor("statevector", shots=100, seed=1)
    >>> estimate = executor.expectation(executor.prepare(Circuit(1).x(0)), PauliSum.from_label("Z"))
    >>> estimate.value, executor.circuits, executor.shots_used          # the bill: one circuit of 100 shots
    (-1.0, 1, 100)
    >>> Executor("statevector", shots=1)
    Traceback (most recent call last):
        ...
    qfusion.errors.MitigationError: shots must be an integer >= 2, got 1
    """

    def __init__(self, backend, *, shots: int = 4096, seed=None, counts_stage=(), optimization_level: int = 2,
                 **options):
        self.backend = get_backend(backend)
        if int(shots) != shots or shots < 2:
            raise MitigationError(f"shots must be an integer >= 2, got {shots!r}")
        self.shots = int(shots)
        self.rng = np.random.default_rng(seed)
        self.counts_stage = list(counts_stage)
        self.optimization_level = optimization_level
        self.options = options
        self.circuits = 0
        self.shots_used = 0

    @property
    def device(self):
        """The backend's device (emulated QPUs), or None for a simulator.


        >>> Executor("statevector").device, Executor("trapped_ion").device.name
        (None, 'trapped_ion')
        """
        return getattr(self.backend, "device", None)

    def next_seed(self) -> int:
        """A fresh seed for the next run, drawn from the executor's generator (reproducible with ``seed=``).


        >>> Executor("statevector", seed=1).next_seed() == Executor("statevector", seed=1).next_seed()
        True
        """
        return int(self.rng.integers(2 ** 31))

    # -- circuits ------------------------------------------------------------------------------
    def prepare(self, circuit: Circuit):
        """The unitary part of ``circuit``, native on the backend's device when it has one.

        >>> from qfusion.circuit import Circuit
        >>> Executor("statevector").prepare(Circuit(1, 1).h(0).measure(0, 0)).count_ops()
        {'h': 1}
        """
        body = unitary_part(circuit)
        if self.device is not None and hasattr(self.backend, "transpile"):
            return self.backend.transpile(body, seed=self.next_seed(), optimization_level=self.optimization_level)
        return body

    def measured(self, prepared, group: PauliSum):
        """``prepared`` followed by the group's basis rotations and measurements (natively).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.observables import PauliSum
        >>> executor = Executor("statevector")
        >>> circuit, qubits = executor.measured(executor.prepare(Circuit(2)), PauliSum.from_label("XI"))
        >>> circuit.count_ops(), qubits
        ({'h': 1, 'measure': 1}, (1,))
        """
        num_logical = group.num_qubits
        rotations, qubits = basis_circuit(group, num_logical)
        where = prepared.final_layout if is_native(prepared) else tuple(range(prepared.num_qubits))
        instructions = list(prepared.instructions)
        for inst in rotations.instructions:
            if isinstance(inst.operation, Measure):
                continue
            mapped = tuple(where[q] for q in inst.qubits)
            instructions.append(Instruction(inst.operation, mapped, inst.clbits, inst.condition))
        for j, q in enumerate(qubits):
            instructions.append(Instruction(Measure(), (where[q],), (j,)))
        return rebuild(prepared, instructions, num_clbits=len(qubits)), qubits

    # -- running -------------------------------------------------------------------------------
    def run(self, circuit, shots: int) -> dict:
        """Raw counts from the backend (every call is billed).

        >>> from qfusion.circuit import Circuit
        >>> executor = Executor("statevector", shots=10, seed=1)
        >>> executor.run(Circuit(1, 1).x(0).measure(0, 0), 10), executor.circuits, executor.shots_used
        ({'1': 10}, 1, 10)
        """
        self.circuits += 1
        self.shots_used += int(shots)
        limit = getattr(self.device, "max_shots", None) or int(shots)
        total: dict = {}
        for start in range(0, int(shots), limit):     # more shots than one job takes: several jobs
            part = min(limit, int(shots) - start)
            for key, value in self.backend.run(circuit, shots=part, seed=self.next_seed(), **self.options).counts.items():
                total[key] = total.get(key, 0) + value
        return total

    def counts(self, circuit, shots: int) -> dict:
        """Counts (quasi-probabilities times ``shots`` after readout mitigation) through the counts stage.

        >>> from qfusion.circuit import Circuit
        >>> Executor("statevector", seed=1).counts(Circuit(1, 1).measure(0, 0), 50)
        {'0': 50}
        """
        def stage(index):
            if index == len(self.counts_stage):
                return self.run
            technique = self.counts_stage[index]
            inner = stage(index + 1)
            return lambda c, s: technique.run_counts(self, c, s, inner)
        return stage(0)(circuit, shots)

    def expectation(self, prepared, observable: PauliSum, variants=None) -> Estimate:
        """The value of ``observable`` (logical qubits) after ``prepared``; ``variants`` maps a prepared
        circuit to a list of :class:`Variant` whose weighted values are added (default: itself).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.observables import PauliSum
        >>> executor = Executor("statevector", shots=200, seed=1)
        >>> executor.expectation(executor.prepare(Circuit(1).h(0)), PauliSum.from_label("X")).value
        1.0
        """
        identity = (observable.x_masks | observable.z_masks) == 0
        offset = float(observable.coeffs[identity].real.sum())
        x_masks, z_masks, coeffs = (a[~identity] for a in observable.masks())
        rest = PauliSum.from_masks(x_masks, z_masks, coeffs, num_qubits=observable.num_qubits)
        chosen = list(variants(prepared)) if variants is not None else [Variant(prepared)]
        per_variant = np.zeros((len(chosen), 2))
        total = offset
        variance = 0.0
        draws = sum(v.samples for v in chosen)
        for group in rest.group_qubit_wise_commuting() if len(rest) else []:
            sampled = []
            for index, variant in enumerate(chosen):
                circuit, qubits = self.measured(variant.circuit, group)
                shots = variant.shots or self.shots
                counts = self.counts(circuit, shots)
                mean, error = quasi_group_estimate(group, qubits, counts, shots)
                per_variant[index, 0] += mean
                per_variant[index, 1] += error ** 2
                weight = variant.coefficient * (variant.samples / draws if variant.samples else 1.0)
                total += weight * mean
                variance += (weight * error) ** 2
                if variant.samples:
                    sampled.append((variant.samples, variant.coefficient * mean))
            if sampled:
                variance += _between_samples(sampled)
        per_variant[:, 0] += offset
        return Estimate(float(total), float(np.sqrt(variance)),
                        tuple((float(v), float(np.sqrt(e))) for v, e in per_variant))


def _between_samples(sampled) -> float:
    """Variance of the mean of PEC samples from the spread of the patterns' signed values
    (``sampled``: ``(draws of the pattern, its per-draw value)``)."""
    n = np.array([s for s, _ in sampled], dtype=float)
    values = np.array([v for _, v in sampled])
    draws = n.sum()
    mean = float(n @ values) / draws
    return float(n @ (values - mean) ** 2) / draws / draws
