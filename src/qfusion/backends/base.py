"""The backend interface, what a backend declares it can do, and the result it returns.

A backend says what it supports in :class:`Capabilities` (``Backend.capabilities``); callers ask
that, never the backend's name. A new backend sets ``name`` and ``capabilities`` and implements
``run`` and/or ``simulate``; ``qfusion.testing`` checks it against ``backends/reference.py``.

>>> Result(counts={"0": 3}, shots=3, backend_name="x")
Result(backend='x', shots=3, counts={'0': 3})
>>> Capabilities(dtypes=(np.complex128,)).supports_dtype(np.complex64)
False
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qfusion.errors import BackendError, QfusionWarning


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, declared once on its class.

    ``dtypes``: the complex dtypes ``simulate``/``run`` take as ``dtype=`` (empty: no such option);
    ``exact``: ``simulate`` returns a state (vector, density matrix, MPS, tableau) that gives exact
    expectation values; ``sampled``: ``run`` samples shots; ``noise``: accepts ``noise_model=``;
    ``batched_params``: runs many parameter sets in one call; ``adjoint``: adjoint gradients;
    ``max_qubits``: a hard limit (``None``: bounded by memory alone); ``options``: the keyword
    options its ``run``/``simulate`` accept besides the common ones (for error messages).

    >>> Capabilities(exact=True, noise=True).noise
    True
    """
    dtypes: tuple = ()
    exact: bool = False
    sampled: bool = True
    noise: bool = False
    batched_params: bool = False
    adjoint: bool = False
    clifford_only: bool = False
    max_qubits: int | None = None
    options: tuple[str, ...] = ()

    def supports_dtype(self, dtype) -> bool:
        return any(np.dtype(dtype) == np.dtype(d) for d in self.dtypes)


@dataclass
class Result:
    """Counts (bitstring -> count, classical bit 0 rightmost), optional per-shot memory, metadata."""
    counts: dict[str, int]
    shots: int
    backend_name: str
    memory: list[str] | None = None
    seed: int | None = None
    time_taken: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)

    def probabilities(self) -> dict[str, float]:
        """Counts divided by shots."""
        return {key: value / self.shots for key, value in self.counts.items()}

    def most_frequent(self) -> str:
        return max(self.counts, key=self.counts.get)

    def __repr__(self) -> str:
        shown = dict(sorted(self.counts.items(), key=lambda kv: -kv[1])[:8])
        more = ", ..." if len(self.counts) > 8 else ""
        return f"Result(backend={self.backend_name!r}, shots={self.shots}, counts={shown}{more})"


class UnsupportedError(BackendError, NotImplementedError):
    """A backend asked for something it does not do (states from a device emulator, shots from a
    state-only backend); a :class:`BackendError` the CLI reports in one line."""


class Backend:
    """One small interface per role: ``run`` samples shots, ``simulate`` returns a final state.

    Subclasses set ``name`` and implement what they support; options are keyword-only.
    """

    name = "backend"
    capabilities = Capabilities()

    def unavailable_reason(self) -> str | None:
        """Why this backend cannot run on this host (``None``: it can); workers advertise only
        backends that can run, and the service refuses jobs for the others."""
        return None

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int | None:
        """Bytes this backend would allocate for ``circuit`` (``None``: no estimate)."""
        return None

    def run(self, circuit, *, shots: int = 1024, seed=None, params=None, memory: bool = False,
            **options) -> Result:
        raise UnsupportedError(f"backend {self.name!r} cannot sample shots")

    def simulate(self, circuit, *, params=None, seed=None, **options):
        raise UnsupportedError(f"backend {self.name!r} does not return states; sample it with "
                               f"qfusion.run(circuit, backend={self.name!r}), or simulate on 'statevector' "
                               f"or 'density_matrix'")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def as_dtype(dtype):
    return np.dtype(dtype).type


def accepted_options(backend: Backend, method: str = "run") -> tuple[str, ...] | None:
    """The keyword options ``backend.<method>`` takes besides the common ones, from its signature
    (or its declared ``capabilities.options`` when it takes ``**options``; None: unknown)."""
    signature = inspect.signature(getattr(backend, method))
    common = {"circuit", "shots", "seed", "params", "memory"}
    named = tuple(name for name, p in signature.parameters.items()
                  if name not in common and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
    if any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        return None if not backend.capabilities.options else tuple(dict.fromkeys(named + backend.capabilities.options))
    return named


def check_primitive_options(backend: Backend, options: dict) -> None:
    """For the Sampler and Estimator: every option must be one that ``backend.run`` or
    ``backend.simulate`` takes (they call either), else :func:`check_options` explains."""
    for method in ("run", "simulate"):
        accepted = accepted_options(backend, method)
        if accepted is None or all(key in accepted for key in options):
            return
    check_options(backend, options, "run")


def check_seed(seed) -> None:
    """Raise :class:`BackendError` unless ``seed`` is None, an integer or a NumPy generator.

    >>> check_seed(1.5)
    Traceback (most recent call last):
    ...
    qfusion.errors.BackendError: seed must be an integer (or None, or a numpy Generator), got 1.5
    """
    if seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence)):
        return
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise BackendError(f"seed must be an integer (or None, or a numpy Generator), got {seed!r}")


def check_options(backend: Backend, options: dict, method: str = "run") -> None:
    """Raise :class:`BackendError` for an option ``backend.<method>`` does not take, naming those it does.

    >>> from qfusion.backends import get
    >>> check_options(get("statevector"), {"noise_modle": None})
    Traceback (most recent call last):
    ...
    qfusion.errors.BackendError: backend 'statevector' has no option 'noise_modle' (did you mean 'noise_model'?); its options are dtype, options, noise_model, durations
    """
    accepted = accepted_options(backend, method)
    if accepted is None:
        return
    unknown = [key for key in options if key not in accepted]
    if not unknown:
        return
    import difflib
    hints = {key: difflib.get_close_matches(key, accepted, n=1) for key in unknown}
    named = ", ".join(f"{key!r}" + (f" (did you mean {hints[key][0]!r}?)" if hints[key] else "") for key in unknown)
    raise BackendError(f"backend {backend.name!r} has no option{'s' if len(unknown) > 1 else ''} {named}; "
                       f"its options are {', '.join(accepted) or 'none'}")


def measured_or_warned(circuit):
    """``circuit``, measured on every qubit (with a :class:`QfusionWarning`) when it has no
    measurement at all, as the Sampler does: otherwise every shot would read the same empty bitstring."""
    from qfusion.circuit import Circuit
    if not isinstance(circuit, Circuit) or circuit.has_measurements:
        return circuit
    if circuit.num_clbits:
        warnings.warn(f"the circuit has {circuit.num_clbits} classical bits but no measurement, so every shot reads "
                      "all zeros; add measurements (circuit.measure(q, c) or measure_all())",
                      QfusionWarning, stacklevel=3)
        return circuit
    warnings.warn("the circuit has no measurements; measuring every qubit (call measure_all() on it to say so "
                  "and silence this warning)", QfusionWarning, stacklevel=3)
    return circuit.copy().measure_all()
