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

from qfusion.errors import BackendError, CircuitError, QfusionWarning


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, declared once on its class.

    ``dtypes``: the complex dtypes ``simulate``/``run`` take as ``dtype=`` (empty: no such option);
    ``exact``: ``simulate`` returns a state (vector, density matrix, MPS, tableau) that gives exact
    expectation values; ``sampled``: ``run`` samples shots; ``noise``: accepts ``noise_model=``;
    ``batched_params``: ``simulate_batch`` runs many parameter sets at once; ``adjoint``: adjoint
    gradients on the steps ``adjoint_steps`` returns; ``clifford_only``: other gates are refused;
    ``max_qubits``: a hard limit (``None``: bounded by memory alone); ``options``: the keyword
    options its ``run``/``simulate`` accept besides the common ones (for error messages);
    ``representation``: what it stores (``"statevector"``, ``"density_matrix"``, ``"mps"``,
    ``"stabilizer"``, ...; empty: not said), which the planner's cost model (:mod:`qfusion.hpc`) reads.

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
    representation: str = ""

    def supports_dtype(self, dtype) -> bool:
        """Whether ``dtype=`` may be this dtype.

        >>> Capabilities(dtypes=(np.complex128, np.complex64)).supports_dtype("complex64")
        True
        """
        return any(np.dtype(dtype) == np.dtype(d) for d in self.dtypes)


@dataclass
class Result:
    """Counts (bitstring -> count, classical bit 0 rightmost), optional per-shot memory, metadata.

    >>> from qfusion.backends import run
    >>> from qfusion.circuit import Circuit
    >>> result = run(Circuit(2).x(0).measure_all(), shots=10, seed=1)
    >>> result.counts, result.shots, result.backend_name
    ({'01': 10}, 10, 'statevector')
    """
    counts: dict[str, int]
    shots: int
    backend_name: str
    memory: list[str] | None = None
    seed: int | None = None
    time_taken: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_outcomes(cls, outcomes, num_clbits: int, *, backend_name: str, memory: bool = False, seed=None,
                      time_taken: float = 0.0, metadata: dict | None = None) -> Result:
        """The result of integer outcomes (bit j = clbit j, one per shot), counted by the one
        formatter of counts (:func:`qfusion.sim.program.counts_from_outcomes`).

        >>> Result.from_outcomes(np.array([3, 0, 3]), 2, backend_name="x", memory=True).memory
        ['11', '00', '11']
        """
        from qfusion.sim.program import counts_from_outcomes
        counts, shot_memory = counts_from_outcomes(outcomes, num_clbits, memory)
        return cls(counts, int(np.size(outcomes)), backend_name, shot_memory, seed, time_taken, dict(metadata or {}))

    @staticmethod
    def bitstring(outcome: int, num_clbits: int) -> str:
        """An outcome (bit j = clbit j) as the bitstring counts are keyed by (clbit 0 rightmost).

        >>> Result.bitstring(1, 3)
        '001'
        """
        from qfusion.sim.program import bitstring
        return bitstring(outcome, num_clbits)

    def probabilities(self) -> dict[str, float]:
        """Counts divided by shots.

        >>> Result(counts={"0": 3, "1": 1}, shots=4, backend_name="x").probabilities()
        {'0': 0.75, '1': 0.25}
        """
        return {key: value / self.shots for key, value in self.counts.items()}

    def most_frequent(self) -> str:
        """The bitstring counted most often.

        >>> Result(counts={"0": 3, "1": 1}, shots=4, backend_name="x").most_frequent()
        '0'
        """
        return max(self.counts, key=lambda key: self.counts[key])

    def __repr__(self) -> str:
        shown = dict(sorted(self.counts.items(), key=lambda kv: -kv[1])[:8])
        more = ", ..." if len(self.counts) > 8 else ""
        return f"Result(backend={self.backend_name!r}, shots={self.shots}, counts={shown}{more})"


class UnsupportedError(BackendError, NotImplementedError):
    """A backend asked for something it does not do (states from a device emulator, shots from a
    state-only backend); a :class:`BackendError` the CLI reports in one line.

    >>> from qfusion.backends import get
    >>> from qfusion.circuit import Circuit
    >>> get("trapped_ion").simulate(Circuit(1).h(0))
    Traceback (most recent call last):
        ...
    qfusion.backends.base.UnsupportedError: backend 'trapped_ion' does not return states; sample it with qfusion.run(circuit, backend='trapped_ion'), or simulate on 'statevector' or 'density_matrix'
    """


class Backend:
    """One small interface per role: ``run`` samples shots, ``simulate`` returns a final state.

    Subclasses set ``name`` and implement what they support; options are keyword-only.


    >>> from qfusion.circuit import Circuit
    >>> class Flipper(Backend):
    ...     name = "flipper"
    ...     capabilities = Capabilities(sampled=True)
    ...     def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False):
    ...         return Result({"1" * circuit.num_clbits: shots}, shots, self.name)
    >>> Flipper().run(Circuit(1).x(0).measure_all(), shots=5).counts
    {'1': 5}
    """

    name = "backend"
    capabilities = Capabilities()

    def unavailable_reason(self) -> str | None:
        """Why this backend cannot run on this host (``None``: it can); workers advertise only
        backends that can run, and the service refuses jobs for the others.

        >>> from qfusion.backends import get
        >>> get("statevector").unavailable_reason() is None
        True
        """
        return None

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int | None:
        """Bytes this backend would allocate for ``circuit`` (``None``: no estimate).

        >>> from qfusion.backends import get
        >>> from qfusion.circuit import Circuit
        >>> get("statevector").memory_estimate(Circuit(10))
        16384
        """
        return None

    def run(self, circuit, *, shots: int = 1024, seed=None, params=None, memory: bool = False,
            **options) -> Result:
        """Sample ``shots`` shots of ``circuit`` (``capabilities.sampled``).

        >>> from qfusion.backends import get
        >>> from qfusion.circuit import Circuit
        >>> get("statevector").run(Circuit(1).x(0).measure_all(), shots=3).counts
        {'1': 3}
        """
        raise UnsupportedError(f"backend {self.name!r} cannot sample shots")

    def simulate(self, circuit, *, params=None, seed=None, **options):
        """The final state of ``circuit`` (``capabilities.exact``).

        >>> from qfusion.backends import get
        >>> from qfusion.circuit import Circuit
        >>> get("statevector").simulate(Circuit(1).x(0))
        StateVector(1|1>)
        """
        raise UnsupportedError(f"backend {self.name!r} does not return states; sample it with "
                               f"qfusion.run(circuit, backend={self.name!r}), or simulate on 'statevector' "
                               f"or 'density_matrix'")

    def simulate_batch(self, circuit, params, **options):
        """The final states of ``circuit`` for each row of ``params`` (one value per circuit
        parameter, in ``circuit.parameters`` order). A backend that declares
        ``capabilities.batched_params`` does them at once; this default simulates each bound circuit.

        >>> from qfusion.backends import get
        >>> from qfusion.circuit import Circuit, Parameter
        >>> states = get("reference").simulate_batch(Circuit(1).rx(Parameter("t"), 0), [[0.0], [np.pi]])
        >>> [np.round(np.abs(np.asarray(s)), 6).tolist() for s in states]
        [[1.0, 0.0], [0.0, 1.0]]
        """
        rows = np.atleast_2d(np.asarray(params, dtype=float))
        return [self.simulate(circuit.bind(list(row)), **options) for row in rows]

    def adjoint_steps(self):
        """The module of state-vector steps adjoint differentiation runs on this backend
        (``capabilities.adjoint``: :mod:`qfusion.sim.adjoint` or its twin on a device).

        >>> from qfusion.backends import get
        >>> get("statevector").adjoint_steps().__name__
        'qfusion.sim.adjoint'
        """
        raise NotImplementedError(f"backend {self.name!r} runs no adjoint differentiation")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def accepted_options(backend: Backend, method: str = "run") -> tuple[str, ...] | None:
    """The keyword options ``backend.<method>`` takes besides the common ones, from its signature
    (or its declared ``capabilities.options`` when it takes ``**options``; None: unknown).

    >>> from qfusion.backends import get
    >>> "max_bond_dimension" in accepted_options(get("mps")), accepted_options(get("statevector"))
    (True, ('dtype', 'options', 'noise_model', 'durations'))
    """
    signature = inspect.signature(getattr(backend, method))
    common = {"circuit", "shots", "seed", "params", "memory"}
    named = tuple(name for name, p in signature.parameters.items()
                  if name not in common and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
    if any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        return None if not backend.capabilities.options else tuple(dict.fromkeys(named + backend.capabilities.options))
    return named


def check_primitive_options(backend: Backend, options: dict) -> None:
    """For the Sampler and Estimator: every option must be one that ``backend.run`` or
    ``backend.simulate`` takes (they call either), else :func:`check_options` explains.

    >>> from qfusion.backends import get
    >>> check_primitive_options(get("mps"), {"max_bond_dimension": 8})
    >>> check_primitive_options(get("statevector"), {"max_bond_dimension": 8})
    Traceback (most recent call last):
        ...
    qfusion.errors.BackendError: backend 'statevector' has no option 'max_bond_dimension'; its options are dtype, options, noise_model, durations
    """
    for method in ("run", "simulate"):
        accepted = accepted_options(backend, method)
        if accepted is None or all(key in accepted for key in options):
            return
    check_options(backend, options, "run")


def check_seed(seed) -> None:
    """Raise :class:`BackendError` unless ``seed`` is None, a non-negative integer or a NumPy generator.

    >>> check_seed(1.5)
    Traceback (most recent call last):
    ...
    qfusion.errors.BackendError: seed must be an integer (or None, or a numpy Generator), got 1.5
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    qfusion.errors.BackendError: seed must be a non-negative integer (NumPy's seeds are), got -1
    """
    if seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence)):
        return
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise BackendError(f"seed must be an integer (or None, or a numpy Generator), got {seed!r}")
    if seed < 0:
        raise BackendError(f"seed must be a non-negative integer (NumPy's seeds are), got {seed!r}")


def check_circuit(backend: Backend | None, circuit, what: str = "qf.run") -> None:
    """Raise :class:`CircuitError` unless ``circuit`` is a qfusion Circuit (a ``remote:`` backend
    also sends OpenQASM text and JSON), saying how to make one of what was given.

    >>> check_circuit(Backend(), "OPENQASM 2.0;")
    Traceback (most recent call last):
    ...
    qfusion.errors.CircuitError: qf.run takes a qfusion Circuit, got str: parse OpenQASM text with qf.qasm.loads(text)
    """
    from qfusion.circuit import Circuit
    remote = backend is not None and str(backend.name).startswith("remote:")
    if isinstance(circuit, Circuit) or (remote and isinstance(circuit, (str, dict))):
        return
    kind = type(circuit)
    hint = {"qiskit": "convert it with qf.interop.from_qiskit(circuit)",
            "cirq": "convert it with qf.interop.from_cirq(circuit)",
            "stim": "convert it with qf.interop.from_stim(circuit)"}.get(kind.__module__.split(".")[0])
    if isinstance(circuit, str):
        hint = "parse OpenQASM text with qf.qasm.loads(text)"
    elif isinstance(circuit, (list, tuple)) and what == "qf.simulate":
        hint = "simulate takes one circuit; call it once per circuit"
    raise CircuitError(f"{what} takes a qfusion Circuit, got {kind.__name__}"
                       + (f": {hint}" if hint else " (build one with qf.Circuit(num_qubits))"))


def check_run_arguments(shots, memory) -> None:
    """Raise :class:`CircuitError` unless ``shots`` is a positive whole number (not a bool), and
    :class:`BackendError` unless ``memory`` is a bool: ``shots=True`` would run one shot and
    ``memory="no"`` keep every shot's string.

    >>> check_run_arguments(True, False)
    Traceback (most recent call last):
    ...
    qfusion.errors.CircuitError: shots must be a positive integer, got True
    >>> check_run_arguments(10, "no")
    Traceback (most recent call last):
    ...
    qfusion.errors.BackendError: memory must be True or False, got 'no'
    """
    whole = isinstance(shots, (int, np.integer)) or (isinstance(shots, (float, np.floating)) and float(shots).is_integer())
    if isinstance(shots, (bool, np.bool_)) or not whole or shots < 1:
        raise CircuitError(f"shots must be a positive integer, got {shots!r}")
    if not isinstance(memory, (bool, np.bool_)):
        raise BackendError(f"memory must be True or False, got {memory!r}")


def check_options(backend: Backend, options: dict, method: str = "run", own: tuple[str, ...] = (),
                  caller: str = "") -> None:
    """Raise :class:`BackendError` for an option ``backend.<method>`` does not take, naming those it does
    (and ``own``, the keywords of the ``caller`` itself, such as ``qf.run``'s ``max_workers``).

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
    hints = {key: difflib.get_close_matches(key, tuple(accepted) + own, n=1) for key in unknown}
    named = ", ".join(f"{key!r}" + (f" (did you mean {hints[key][0]!r}?)" if hints[key] else "") for key in unknown)
    raise BackendError(f"backend {backend.name!r} has no option{'s' if len(unknown) > 1 else ''} {named}; "
                       f"its options are {', '.join(accepted) or 'none'}"
                       + (f" ({caller} itself takes {', '.join(own)})" if own else ""))


def measured_or_warned(circuit):
    """``circuit``, measured on every qubit (with a :class:`QfusionWarning`) when it has no
    measurement at all, as the Sampler does: otherwise every shot would read the same empty bitstring.

    >>> import warnings
    >>> from qfusion.circuit import Circuit
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     measured_or_warned(Circuit(2).h(0)).count_ops()
    {'h': 1, 'measure': 2}
    """
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
