"""What every technique shares: its stage, and the runner the Estimator calls.

``qf.Estimator(backend, mitigation=[...])`` only knows that each technique has
``estimator_runner(techniques, backend, shots=..., seed=..., options)``; it gets back a function
``(circuit, observable) -> MitigatedValue``. The runner sorts the techniques: at most one
estimate-level technique (ZNE, PEC or CDR) outside, then the counts-level ones (dynamical
decoupling, Pauli twirling, readout mitigation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qfusion.errors import MitigationError

DEFAULT_SHOTS = 4096


@dataclass(frozen=True)
class MitigatedValue:
    """A mitigated expectation value with its raw counterpart and what it cost.

    >>> MitigatedValue(0.98, 0.02, 0.9, 0.01, "ZNE", circuits=3, shots=3000)
    MitigatedValue(value=0.98, std_error=0.02, raw_value=0.9, raw_std_error=0.01, technique='ZNE', circuits=3, shots=3000, details={})
    """
    value: float
    std_error: float
    raw_value: float
    raw_std_error: float
    technique: str
    circuits: int
    shots: int
    details: dict = field(default_factory=dict)

    def plot(self, ax=None):
        """The extrapolation (ZNE): the measured points with error bars and the fitted curve.

        >>> MitigatedValue(1.0, 0.0, 1.0, 0.0, "PEC", circuits=1, shots=10).plot()
        Traceback (most recent call last):
            ...
        qfusion.errors.MitigationError: PEC has no extrapolation to plot (only ZNE does)
        """
        fit = self.details.get("extrapolation")
        if fit is None:
            raise MitigationError(f"{self.technique} has no extrapolation to plot (only ZNE does)")
        from qfusion._optional import import_optional
        np = import_optional("numpy", "plots")
        plt = import_optional("matplotlib.pyplot", "plots")
        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        ax.errorbar(fit.scale_factors, fit.values, yerr=fit.errors, fmt="o", label="measured")
        grid = np.linspace(0, max(fit.scale_factors), 100)
        ax.plot(grid, fit.curve(grid), "-", label=f"{fit.method} fit")
        ax.errorbar([0], [fit.value], yerr=[fit.std_error], fmt="s", color="C3", label="zero-noise estimate")
        ax.set_xlabel("noise scale factor")
        ax.set_ylabel("expectation value")
        ax.legend()
        return ax


# the short names of the techniques in plain data (the job service's options.mitigation uses the same)
NAMES = {"ReadoutMitigation": "readout", "ZNE": "zne", "PauliTwirling": "twirling", "DynamicalDecoupling": "dd",
         "PEC": "pec", "CDR": "cdr"}


class Technique:
    """Base of the mitigation techniques; ``level`` is ``"estimate"`` or ``"counts"``.

    Every technique keeps the arguments it was made with: :meth:`to_dict` gives them as plain data
    and :func:`from_dict` makes the technique again.

    >>> from qfusion.mitigation import ZNE
    >>> ZNE([1, 3, 5], "richardson").to_dict()
    {'technique': 'zne', 'scale_factors': [1, 3, 5], 'extrapolation': 'richardson'}
    >>> from_dict({"technique": "dd", "sequence": "XX"})
    DynamicalDecoupling(sequence='XX', schedule='asap')
    >>> from qfusion.mitigation import ZNE, ReadoutMitigation
    >>> ZNE().level, ReadoutMitigation().level
    ('estimate', 'counts')
    """
    level = "counts"
    stage_order = 0                     # counts level: smaller runs further out

    def __new__(cls, *args, **kwargs):
        import inspect
        self = super().__new__(cls)
        bound = inspect.signature(cls.__init__).bind(self, *args, **kwargs)
        self._arguments = {k: v for k, v in bound.arguments.items() if k != "self"}
        return self

    def to_dict(self) -> dict:
        """The technique as plain data: its short name and the arguments it was given.

        >>> from qfusion.mitigation import ZNE
        >>> ZNE(scale_factors=(1, 2, 3), extrapolation="linear").to_dict()
        {'technique': 'zne', 'scale_factors': [1, 2, 3], 'extrapolation': 'linear'}
        """
        out: dict = {"technique": NAMES.get(type(self).__name__, type(self).__name__)}
        for key, value in getattr(self, "_arguments", {}).items():
            value = list(value) if isinstance(value, (tuple, list, set, frozenset)) else value
            items = value if isinstance(value, list) else [value]
            if any(v is not None and not isinstance(v, (bool, int, float, str)) for v in items):
                raise MitigationError(f"{type(self).__name__}'s {key}={value!r} is not plain data (to_dict)")
            out[key] = value
        return out

    def estimator_runner(self, techniques, backend, *, shots=None, seed=None, options=None):
        """The function the Estimator calls for each ``(circuit, observable)``.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation import ReadoutMitigation
        >>> from qfusion.observables import PauliSum
        >>> technique = ReadoutMitigation()
        >>> runner = technique.estimator_runner([technique], "statevector", shots=100, seed=1)
        >>> callable(runner)
        True
        """
        from qfusion.mitigation.pipeline import Executor
        techniques = list(techniques)
        for technique in techniques:
            if not isinstance(technique, Technique):
                raise MitigationError(f"mitigation= takes qfusion.mitigation techniques, got {technique!r}")
        outer = [t for t in techniques if t.level == "estimate"]
        if len(outer) > 1:
            raise MitigationError(f"combine at most one of ZNE, PEC and CDR, got {[type(t).__name__ for t in outer]}")
        counts_stage = sorted((t for t in techniques if t.level == "counts"), key=lambda t: t.stage_order)
        options = dict(options or {})
        level = options.pop("optimization_level", 2)

        def run(circuit, observable) -> MitigatedValue:
            executor = Executor(backend, shots=shots or DEFAULT_SHOTS, seed=seed, counts_stage=counts_stage,
                                optimization_level=level, **options)
            for technique in techniques:
                technique.check(executor)
            prepared = executor.prepare(circuit)
            if outer:
                return outer[0].mitigate(executor, prepared, observable)
            estimate = executor.expectation(prepared, observable)
            names = "+".join(type(t).__name__ for t in counts_stage)
            raw = _raw(executor, prepared, observable)
            return MitigatedValue(estimate.value, estimate.std_error, raw.value, raw.std_error, names,
                                  executor.circuits, executor.shots_used)
        return run

    def sampler_runner(self, techniques, backend, *, seed=None, options=None):
        """The function the Sampler calls: ``(circuit, shots) -> (mitigated counts, circuits, shots spent)``.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation import ReadoutMitigation
        >>> technique = ReadoutMitigation()
        >>> runner = technique.sampler_runner([technique], "statevector", seed=1)
        >>> counts, circuits, shots = runner(Circuit(1, 1).x(0).measure(0, 0), 100)
        >>> counts
        {'1': 100.0}
        """
        from qfusion.mitigation.pipeline import Executor
        techniques = list(techniques)
        for technique in techniques:
            if not isinstance(technique, Technique):
                raise MitigationError(f"mitigation= takes qfusion.mitigation techniques, got {technique!r}")
            if technique.level != "counts":
                raise MitigationError(f"{type(technique).__name__} mitigates expectation values; use it with the "
                                      "Estimator (the Sampler takes readout mitigation, twirling, decoupling)")
        options = dict(options or {})
        level = options.pop("optimization_level", 2)
        executor = Executor(backend, shots=2, seed=seed, counts_stage=sorted(techniques, key=lambda t: t.stage_order),
                            optimization_level=level, **options)
        for technique in techniques:
            technique.check(executor)

        def run(circuit, shots):
            before = (executor.circuits, executor.shots_used)
            executor.shots = shots            # calibrations default to the run's shots
            if executor.device is not None and hasattr(executor.backend, "transpile"):
                circuit = executor.backend.transpile(circuit, seed=executor.next_seed(), optimization_level=level)
            counts = executor.counts(circuit, shots)
            return counts, executor.circuits - before[0], executor.shots_used - before[1]
        return run

    def check(self, executor) -> None:
        """Raise :class:`~qfusion.errors.MitigationError` if the technique cannot run on this backend.

        >>> from qfusion.mitigation.pipeline import Executor
        >>> Technique().check(Executor("statevector"))  # the base accepts every backend
        """


def _raw(executor, prepared, observable):
    """The unmitigated value (counts-level techniques switched off), billed like the rest."""
    saved = executor.counts_stage
    executor.counts_stage = []
    try:
        return executor.expectation(prepared, observable)
    finally:
        executor.counts_stage = saved


def raw_value(executor, prepared, observable):
    """The unmitigated value of ``prepared`` (for the estimate-level techniques' reports).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.mitigation.pipeline import Executor
    >>> from qfusion.observables import PauliSum
    >>> executor = Executor("statevector", shots=100, seed=1)
    >>> raw_value(executor, executor.prepare(Circuit(1).x(0)), PauliSum.from_label("Z"))
    Estimate(value=-1.0, std_error=0.0, variants=((-1.0, 0.0),))
    """
    return _raw(executor, prepared, observable)


def from_dict(data: dict) -> Technique:
    """The technique described by ``data`` (as :meth:`Technique.to_dict` writes it).

    >>> from_dict({"technique": "zne", "scale_factors": [1, 3], "extrapolation": "linear"})
    ZNE(scale_factors=[1.0, 3.0], extrapolation='linear', folding='global')
    >>> from_dict({"technique": "magic"})
    Traceback (most recent call last):
        ...
    qfusion.errors.MitigationError: a technique's data needs 'technique': one of ...; got {'technique': 'magic'}
    """
    from qfusion import mitigation
    by_name = {short: name for name, short in NAMES.items()}
    if not isinstance(data, dict) or data.get("technique") not in by_name:
        raise MitigationError(f"a technique's data needs 'technique': one of {', '.join(by_name)}; got {data!r}")
    options = {k: v for k, v in data.items() if k != "technique"}
    try:
        return getattr(mitigation, by_name[data["technique"]])(**options)
    except TypeError as exc:
        raise MitigationError(f"{data['technique']}: {exc}") from None
