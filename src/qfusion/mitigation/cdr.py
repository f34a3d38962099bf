"""Clifford data regression (Czarnik et al., Quantum 5, 592 (2021)).

Training circuits are the compiled circuit with all but a fraction of its non-Clifford rotation
angles rounded to the nearest multiple of pi/2: near-Clifford, so their ideal values are cheap
(the stabilizer backend where it exists and the circuit is Clifford, else the state vector),
and noisy like the circuit itself (the same native gates on the same qubits). A line fitted from
noisy to ideal training values maps the circuit's noisy value to the mitigated one.

>>> from qfusion.circuit import Circuit
>>> c = Circuit(1).rz(0.3, 0).rx(1.6, 0)
>>> [round(i.operation.float_params()[0], 6) for i in near_clifford(c, fraction=0.0, rng=None).instructions]
[0.0, 1.570796]
"""

from __future__ import annotations

import math

import numpy as np

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Gate
from qfusion.errors import MitigationError
from qfusion.mitigation.native import is_native, rebuild
from qfusion.mitigation.pipeline import Variant
from qfusion.mitigation.technique import MitigatedValue, Technique
from qfusion.observables import PauliSum

ROTATIONS = ("rx", "ry", "rz", "p", "rzz", "rxx", "ryy", "global_rx", "global_ry")


def _non_clifford(inst) -> bool:
    op = inst.operation
    if not isinstance(op, Gate) or op.name not in ROTATIONS or op.is_parameterized:
        return False
    angle = op.float_params()[0]
    return abs(math.remainder(angle, math.pi / 2)) > 1e-9


def near_clifford(circuit, *, fraction: float = 0.1, rng=None):
    """``circuit`` with its non-Clifford rotations rounded to multiples of pi/2, except a random
    ``fraction`` of them (``rng``: a NumPy generator, None keeps the first ones).

    >>> import numpy as np
    >>> from qfusion.circuit import Circuit
    >>> c = Circuit(1).rz(0.3, 0).rz(0.7, 0).rz(1.2, 0)
    >>> kept = near_clifford(c, fraction=0.34, rng=np.random.default_rng(0))
    >>> sum(1 for i in kept.instructions if round(i.operation.float_params()[0] / (np.pi / 2), 9) % 1 != 0)  # one kept
    1
    """
    positions = [k for k, inst in enumerate(circuit.instructions) if _non_clifford(inst)]
    keep_count = int(round(fraction * len(positions)))
    keep = set(positions[:keep_count] if rng is None else
               rng.choice(positions, size=keep_count, replace=False).tolist() if keep_count else [])
    out = []
    for k, inst in enumerate(circuit.instructions):
        if k in positions and k not in keep:
            op = inst.operation
            angle = op.float_params()[0]
            rounded = (math.pi / 2) * round(angle / (math.pi / 2))
            inst = Instruction(op._with_params((rounded,) + tuple(op.params[1:])), inst.qubits, inst.clbits,
                               inst.condition)
        out.append(inst)
    return rebuild(circuit, out)


def ideal_expectation(prepared, observable: PauliSum) -> float:
    """The noiseless value of ``observable`` (logical qubits) after ``prepared`` (native or not).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.observables import PauliSum
    >>> round(ideal_expectation(Circuit(2).h(0).cx(0, 1), PauliSum.from_label("ZZ")), 12)
    1.0
    """
    from qfusion.primitives import Estimator
    if not is_native(prepared):
        return float(Estimator("statevector").run(prepared, observable).values)
    active = prepared.active_qubits()
    index = {p: k for k, p in enumerate(active)}
    positions = [index[p] for p in prepared.final_layout]
    m = len(active)
    terms = []
    for label, coeff in observable.to_list():
        chars = ["I"] * m
        for q, char in enumerate(reversed(label)):
            chars[m - 1 - positions[q]] = char
        terms.append(("".join(chars), coeff))
    compact = prepared.on_active_qubits()
    return float(Estimator("statevector").run(compact, PauliSum.from_list(terms, m)).values)


class CDR(Technique):
    """Clifford data regression with ``num_training`` near-Clifford training circuits keeping a
    ``fraction_non_clifford`` of the non-Clifford rotations.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.mitigation.pipeline import Executor
    >>> from qfusion.observables import PauliSum
    >>> from qfusion.noise import NoiseModel, depolarizing
    >>> model = NoiseModel()
    >>> model.add_gate_error(depolarizing(0.05, 1), ["rx", "rz"])
    >>> executor = Executor("density_matrix", shots=2000, seed=1, noise_model=model)
    >>> c = Circuit(1).rx(0.4, 0).rz(0.9, 0).rx(0.7, 0).rz(0.3, 0).rx(1.1, 0)
    >>> value = CDR(num_training=6, fraction_non_clifford=0.5, seed=1).mitigate(executor, executor.prepare(c), PauliSum.from_label("Z"))
    >>> value.technique, value.circuits, len(value.details["training_ideal"])
    ('CDR', 7, 6)
    """
    level = "estimate"

    def __init__(self, num_training: int = 16, *, fraction_non_clifford: float = 0.25, seed=None):
        if int(num_training) != num_training or num_training < 2:
            raise MitigationError(f"num_training must be an integer >= 2, got {num_training!r}")
        if not 0 <= fraction_non_clifford <= 1:
            raise MitigationError(f"fraction_non_clifford must be in [0, 1], got {fraction_non_clifford!r}")
        self.num_training, self.fraction, self.seed = int(num_training), float(fraction_non_clifford), seed

    def __repr__(self) -> str:
        return f"CDR(num_training={self.num_training})"

    def mitigate(self, executor, prepared, observable) -> MitigatedValue:
        """Fit ``ideal = a * noisy + b`` on the training circuits and apply it to the noisy value of ``prepared``.


        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation.pipeline import Executor
        >>> from qfusion.observables import PauliSum
        >>> executor = Executor("density_matrix", shots=200, seed=2)
        >>> CDR(num_training=4, seed=2).mitigate(executor, executor.prepare(Circuit(1).x(0)), PauliSum.from_label("Z"))
        Traceback (most recent call last):
            ...
        qfusion.errors.MitigationError: the training circuits all have the same ideal or noisy value; the regression is undetermined (more training circuits, or a larger fraction_non_clifford)
        """
        rng = np.random.default_rng(self.seed if self.seed is not None else executor.next_seed())
        training = [near_clifford(prepared, fraction=self.fraction, rng=rng) for _ in range(self.num_training)]
        ideal = np.array([ideal_expectation(c, observable) for c in training])
        estimate = executor.expectation(prepared, observable,
                                        lambda _: [Variant(prepared)] + [Variant(c, 0.0) for c in training])
        raw, raw_error = estimate.variants[0]
        noisy = np.array([v for v, _ in estimate.variants[1:]])
        if np.ptp(noisy) < 1e-12 or np.ptp(ideal) < 1e-12:
            raise MitigationError("the training circuits all have the same ideal or noisy value; the regression is "
                                  "undetermined (more training circuits, or a larger fraction_non_clifford)")
        slope, intercept = np.polyfit(noisy, ideal, 1)
        residual = ideal - (slope * noisy + intercept)
        dof = max(len(noisy) - 2, 1)
        sigma2 = float(residual @ residual) / dof
        spread = float(((noisy - noisy.mean()) ** 2).sum())
        prediction_var = sigma2 * (1 / len(noisy) + (raw - noisy.mean()) ** 2 / spread)
        value = slope * raw + intercept
        error = math.sqrt((slope * raw_error) ** 2 + prediction_var)
        return MitigatedValue(float(value), float(error), float(raw), float(raw_error), "CDR", executor.circuits,
                              executor.shots_used, {"slope": float(slope), "intercept": float(intercept),
                                                    "training_ideal": ideal.tolist(),
                                                    "training_noisy": noisy.tolist()})
