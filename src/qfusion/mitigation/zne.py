"""Zero-noise extrapolation as a technique: scale the noise, measure, extrapolate to zero.

>>> from qfusion.circuit import Circuit
>>> from qfusion.noise import NoiseModel, depolarizing
>>> from qfusion.observables import PauliSum
>>> model = NoiseModel()
>>> model.add_gate_error(depolarizing(0.02, 2), ["cx"])
>>> from qfusion.mitigation.pipeline import Executor
>>> executor = Executor("density_matrix", shots=20000, seed=3, noise_model=model)
>>> c = Circuit(2).h(0).cx(0, 1).cx(0, 1).cx(0, 1)
>>> value = ZNE(scale_factors=[1, 3, 5]).mitigate(executor, executor.prepare(c), PauliSum.from_label("XX"))
>>> round(value.raw_value, 1), abs(value.value - 1) < abs(value.raw_value - 1)
(0.9, True)
"""

from __future__ import annotations

from qfusion.errors import MitigationError
from qfusion.mitigation.extrapolation import METHODS, extrapolate, required_points
from qfusion.mitigation.folding import FOLDING, fold_gates_at_random, stretch_device
from qfusion.mitigation.native import is_native, rebuild
from qfusion.mitigation.pipeline import Variant
from qfusion.mitigation.technique import MitigatedValue, Technique

SCALINGS = (*FOLDING, "stretch")


class ZNE(Technique):
    """Zero-noise extrapolation: ``folding`` one of ``"global"``, ``"left"``, ``"right"``, ``"random"``
    (unitary folding), ``"identity"`` (two-qubit identity insertion) or ``"stretch"`` (gates stretched
    in time on an emulated device); ``extrapolation`` one of ``linear``, ``richardson``, ``polynomial``,
    ``exponential``, ``poly_exponential``, ``adaptive`` (``order``, ``asymptote`` as in
    :func:`~qfusion.mitigation.extrapolation.extrapolate`).

    >>> zne = ZNE(scale_factors=[1, 2, 3], extrapolation="linear")
    >>> zne.scale_factors, zne.level
    ((1.0, 2.0, 3.0), 'estimate')
    """
    level = "estimate"

    def __init__(self, scale_factors=(1, 3, 5), extrapolation: str = "richardson", folding: str = "global", *,
                 order: int | None = None, asymptote: float | None = None, seed=None):
        self.scale_factors = tuple(float(s) for s in scale_factors)
        if any(not s >= 1 for s in self.scale_factors):
            raise MitigationError(f"noise scale factors must be >= 1, got {list(scale_factors)}")
        if extrapolation not in METHODS:
            raise MitigationError(f"extrapolation must be one of {', '.join(METHODS)}, got {extrapolation!r}")
        if folding not in SCALINGS:
            raise MitigationError(f"folding must be one of {', '.join(SCALINGS)}, got {folding!r}")
        needed = required_points(extrapolation, order, asymptote)
        if len(set(self.scale_factors)) < needed:
            raise MitigationError(f"{extrapolation} extrapolation{f' of order {order}' if order else ''} needs at "
                                  f"least {needed} distinct scale factors, got {list(scale_factors)}")
        self.extrapolation, self.folding, self.order, self.asymptote, self.seed = (
            extrapolation, folding, order, asymptote, seed)

    def __repr__(self) -> str:
        return (f"ZNE(scale_factors={list(self.scale_factors)}, extrapolation={self.extrapolation!r}, "
                f"folding={self.folding!r})")

    def check(self, executor) -> None:
        """Refuse a fit that needs more points than the scale factors give, or a folding the backend cannot do.


        >>> from qfusion.mitigation.pipeline import Executor
        >>> ZNE(scale_factors=[1, 3], extrapolation="polynomial", order=3).check(Executor("statevector"))
        Traceback (most recent call last):
            ...
        qfusion.errors.MitigationError: polynomial extrapolation of order 3 needs at least 4 distinct scale factors, got [1, 3]
        """
        if self.folding == "stretch" and executor.device is None:
            raise MitigationError("folding='stretch' needs an emulated device (its gate durations); "
                                  "use unitary folding on this backend")

    def scaled(self, prepared, scale: float):
        """``prepared`` with its noise scaled by ``scale``.

        >>> from qfusion.circuit import Circuit
        >>> ZNE().scaled(Circuit(2).h(0).cx(0, 1), 3).count_ops()
        {'h': 3, 'cx': 3}
        """
        if self.folding == "stretch":
            if not is_native(prepared):
                raise MitigationError("folding='stretch' needs a circuit transpiled for an emulated device")
            return rebuild(prepared, prepared.instructions, device=stretch_device(prepared.device, scale))
        if self.folding == "random":
            return fold_gates_at_random(prepared, scale, seed=self.seed)
        return FOLDING[self.folding](prepared, scale)

    def mitigate(self, executor, prepared, observable) -> MitigatedValue:
        """Measure ``prepared`` at every scale factor and extrapolate to zero noise.


        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation.pipeline import Executor
        >>> from qfusion.observables import PauliSum
        >>> executor = Executor("statevector", shots=500, seed=1)
        >>> value = ZNE().mitigate(executor, executor.prepare(Circuit(1).x(0)), PauliSum.from_label("Z"))
        >>> round(value.value, 12), value.circuits, value.details["extrapolation"].scale_factors
        (-1.0, 3, (1.0, 3.0, 5.0))
        """
        stretched = self.folding == "stretch"
        values, errors = [], []
        for scale in self.scale_factors:
            circuit = self.scaled(prepared, scale)
            if stretched:
                estimate = _on_device(executor, circuit, observable)
            else:
                estimate = executor.expectation(prepared, observable, lambda _, c=circuit: [Variant(c)])
            values.append(estimate.value)
            errors.append(estimate.std_error)
        fit = extrapolate(self.scale_factors, values, errors, self.extrapolation, order=self.order,
                          asymptote=self.asymptote)
        if 1.0 in self.scale_factors:
            k = self.scale_factors.index(1.0)
            raw, raw_error = values[k], errors[k]
        else:
            base = executor.expectation(prepared, observable)
            raw, raw_error = base.value, base.std_error
        return MitigatedValue(fit.value, fit.std_error, raw, raw_error, "ZNE", executor.circuits,
                              executor.shots_used, {"extrapolation": fit, "scale_factors": self.scale_factors,
                                                    "folding": self.folding})


def _on_device(executor, circuit, observable):
    """Measure ``circuit`` on the (stretched) device it was rebuilt for."""
    from qfusion.backends.emulated import EmulatedBackend
    saved = executor.backend
    executor.backend = EmulatedBackend(circuit.device)
    try:
        return executor.expectation(circuit, observable)
    finally:
        executor.backend = saved
