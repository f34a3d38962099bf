"""What a backend must do, checked against :mod:`qfusion.backends.reference` (the conformance kit).

A new backend subclasses :class:`~qfusion.backends.Backend`, sets ``name`` and ``capabilities``
(:class:`~qfusion.backends.Capabilities`) and implements what it declares:

- ``sampled``: ``run(circuit, *, shots, seed, params, memory, **options)`` returning a
  :class:`~qfusion.backends.Result` whose counts follow the circuit's distribution (seeded runs repeat);
- ``exact``: ``simulate(circuit, *, params, seed, **options)`` returning a state whose
  ``numpy.asarray`` is the vector (or density matrix), or which has ``expectation_value``;
- ``dtypes``: ``dtype=`` accepted by both, each at its own precision; ``noise``: ``noise_model=``;
- ``batched_params``: ``simulate_batch``; ``adjoint``: ``adjoint_steps``; ``clifford_only``: a clear
  error for any other gate; ``max_qubits`` / ``memory_estimate``: a clear error (a
  :class:`~qfusion.errors.QfusionError`) for a circuit too large, before any work;
- an option it does not take is an error or a warning, never silently ignored.

Then it registers as a ``"module:Class"`` string in ``qfusion.backends._REGISTRY`` and passes
:func:`check_backend`. Tolerances follow the dtype (``atol``), shots follow statistical bounds (5
standard deviations), and ``options`` are passed to every call (an approximate backend's settings).

>>> from qfusion.testing import check_backend
>>> report = check_backend("statevector", checks=["capabilities", "states", "counts"])
>>> report.ok, [r.status for r in report.results]
(True, ['passed', 'passed', 'passed'])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from qfusion.backends import Backend, Capabilities
from qfusion.backends.reference import ReferenceBackend
from qfusion.circuit import Circuit
from qfusion.errors import QfusionError
from qfusion.observables import PauliSum
from qfusion.testing.circuits import random_circuit

_SIGMAS = 5.0
_PAULI = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
          "Z": np.diag([1.0, -1.0])}


class ConformanceError(AssertionError):
    """A backend does not do what it declares (the message says what and by how much).

    >>> issubclass(ConformanceError, AssertionError)
    True
    """


class SkipCheck(Exception):
    """A check that does not apply to this backend (its capabilities say so, or it cannot run here).

    >>> str(SkipCheck("not declared: adjoint"))
    'not declared: adjoint'
    """


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome: ``status`` is ``"passed"``, ``"failed"`` or ``"skipped"``.

    >>> CheckResult("states", "passed", "2 random circuits")
    CheckResult(name='states', status='passed', detail='2 random circuits')
    """
    name: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class ConformanceReport:
    """Every check's result for one backend; ``str(report)`` is a table.

    >>> ConformanceReport("x", (CheckResult("states", "passed"),)).ok
    True
    """
    backend: str
    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        """Whether no check failed (skipped ones do not count).

        >>> ConformanceReport("x", (CheckResult("a", "skipped"),)).ok
        True
        """
        return all(r.status != "failed" for r in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        """The failed checks.

        >>> ConformanceReport("x", (CheckResult("a", "failed", "off by 1"),)).failures
        [CheckResult(name='a', status='failed', detail='off by 1')]
        """
        return [r for r in self.results if r.status == "failed"]

    def raise_for_failures(self) -> None:
        """Raise :class:`ConformanceError` listing the failed checks.

        >>> ConformanceReport("x", (CheckResult("a", "failed", "off by 1"),)).raise_for_failures()
        Traceback (most recent call last):
        ...
        qfusion.testing.conformance.ConformanceError: backend 'x' fails a: off by 1
        """
        if not self.ok:
            raise ConformanceError(f"backend {self.backend!r} fails " +
                                   "; ".join(f"{r.name}: {r.detail}" for r in self.failures))

    def __str__(self) -> str:
        rows = [f"{r.name:<16} {r.status:<8} {r.detail}" for r in self.results]
        return f"conformance of backend {self.backend!r}\n" + "\n".join(rows)


@dataclass
class Setup:
    """What every check of one backend shares: the backend, the options passed to each call, the
    tolerance of exact comparisons, shots, and the random circuits' generator.

    >>> from qfusion.backends import get as get_backend

    >>> setup = Setup(get_backend("statevector"), num_qubits=2)
    >>> setup.tolerance(), setup.tolerance(np.complex64), setup.circuit(depth=4).num_qubits
    (1e-08, 0.0002, 2)
    """
    backend: Backend
    options: dict = field(default_factory=dict)
    atol: float | None = None
    shots: int = 1000
    seed: int = 1234
    num_qubits: int = 3
    num_circuits: int = 2

    def __post_init__(self):
        self.rng = np.random.default_rng(self.seed)
        self.reference = ReferenceBackend()

    @property
    def capabilities(self) -> Capabilities:
        """The backend's declaration.

        >>> from qfusion.backends import get as get_backend

        >>> Setup(get_backend("reference")).capabilities.max_qubits
        20
        """
        return self.backend.capabilities

    def tolerance(self, dtype=None) -> float:
        """The absolute tolerance of exact comparisons at ``dtype``.

        >>> from qfusion.backends import get as get_backend

        >>> Setup(get_backend("reference"), atol=1e-3).tolerance()
        0.001
        """
        if self.atol is not None:
            return self.atol
        return 2e-4 if dtype is not None and np.dtype(dtype) == np.complex64 else 1e-8

    def circuit(self, depth: int = 12) -> Circuit:
        """A random circuit of ``num_qubits`` qubits (Clifford gates only for a Clifford-only backend).

        >>> from qfusion.backends import get as get_backend

        >>> len(Setup(get_backend("reference")).circuit(depth=5).instructions)
        5
        """
        return random_circuit(self.num_qubits, depth, self.rng, clifford=self.capabilities.clifford_only)

    def simulate(self, circuit: Circuit, **options):
        """The backend's ``simulate`` with the setup's options.

        >>> from qfusion.backends import get as get_backend

        >>> Setup(get_backend("reference")).simulate(Circuit(1).x(0)).tolist()
        [0j, (1+0j)]
        """
        return self.backend.simulate(circuit, **self.options, **options)

    def run(self, circuit: Circuit, **options):
        """The backend's ``run`` with the setup's shots, seed and options.

        >>> from qfusion.backends import get as get_backend

        >>> Setup(get_backend("reference"), shots=5).run(Circuit(1).x(0).measure_all()).counts
        {'1': 5}
        """
        return self.backend.run(circuit, **{"shots": self.shots, "seed": self.seed, **self.options, **options})


def default_options(backend: Backend) -> dict:
    """Options the kit passes by default: an emulated QPU (which takes ``noise=``, but no noise
    model) runs noiselessly, to be compared with the reference.

    >>> from qfusion.backends import get as get_backend

    >>> default_options(get_backend("trapped_ion")), default_options(get_backend("statevector"))
    ({'noise': False}, {})
    """
    capabilities = backend.capabilities
    return {"noise": False} if "noise" in capabilities.options and not capabilities.noise else {}


# -- comparisons ---------------------------------------------------------------------------

def state_array(state) -> np.ndarray | None:
    """``numpy.asarray(state)`` as a complex vector or matrix, or None when the state has no such form.

    >>> state_array(np.array([1.0, 0.0])).tolist(), state_array("a tableau")
    ([1.0, 0.0], None)
    """
    try:
        array = np.asarray(state)
    except Exception:  # a tableau, an MPS: compared through expectation values instead
        return None
    if array.dtype.kind not in "fc" or array.ndim not in (1, 2):
        return None
    return array


def assert_same_state(got, expected: np.ndarray, atol: float, what: str) -> None:
    """``got`` (a vector, up to a global phase, or a density matrix) equals the pure state ``expected``.

    >>> assert_same_state(np.array([1j, 0]), np.array([1, 0]), 1e-12, "a phase apart")
    >>> assert_same_state(np.array([0j, 1]), np.array([1, 0]), 1e-12, "orthogonal")
    Traceback (most recent call last):
    ...
    qfusion.testing.conformance.ConformanceError: orthogonal: differs from the reference by 1 (tolerance 1e-12)
    """
    array = state_array(got)
    if array is None:
        raise SkipCheck("the state has no array form (compared by expectation values)")
    if array.ndim == 2:
        difference = float(np.max(np.abs(array - np.outer(expected, expected.conj()))))
    else:
        if array.shape != expected.shape:
            raise ConformanceError(f"{what}: state of shape {array.shape}, expected {expected.shape}")
        overlap = np.vdot(array, expected)
        phase = overlap / abs(overlap) if abs(overlap) > 1e-12 else 1.0
        difference = float(np.max(np.abs(array * phase - expected)))
    if difference > atol:
        raise ConformanceError(f"{what}: differs from the reference by {difference:.3g} (tolerance {atol:.1g})")


def assert_counts_follow(counts: dict, probabilities: np.ndarray, shots: int, num_clbits: int, what: str) -> None:
    """Counts sum to ``shots``, are keyed by ``num_clbits``-bit strings, and each is within 5 standard
    deviations (plus 3) of ``shots * p``; an outcome of probability 0 never appears.

    >>> assert_counts_follow({"0": 52, "1": 48}, np.array([0.5, 0.5]), 100, 1, "a fair coin")
    >>> assert_counts_follow({"0": 90, "1": 10}, np.array([0.5, 0.5]), 100, 1, "a loaded coin")
    Traceback (most recent call last):
    ...
    qfusion.testing.conformance.ConformanceError: a loaded coin: outcome 0 came 90 times in 100 shots, expected 50.0 +- 28.0
    """
    if sum(counts.values()) != shots:
        raise ConformanceError(f"{what}: counts sum to {sum(counts.values())}, not {shots} shots")
    for key in counts:
        if len(key) != num_clbits or set(key) - set("01"):
            raise ConformanceError(f"{what}: count key {key!r} is not a {num_clbits}-bit string")
    for index, p in enumerate(probabilities):
        count = counts.get(format(index, f"0{num_clbits}b") if num_clbits else "", 0)
        bound = _SIGMAS * np.sqrt(shots * p * (1 - p)) + 3
        if abs(count - shots * p) > bound or (p < 1e-12 and count):
            raise ConformanceError(f"{what}: outcome {index:0{num_clbits}b} came {count} times in {shots} shots, "
                                   f"expected {shots * p:.1f} +- {bound:.1f}")


def pauli_expectation(state: np.ndarray, observable: PauliSum) -> float:
    """``<psi|H|psi>`` by dense matrices (small states only: the kit's own closed form).

    >>> round(pauli_expectation(np.array([1, 1]) / np.sqrt(2), PauliSum.from_list([("X", 2.0)])), 12)
    2.0
    """
    total = 0j
    for label, coeff in observable.to_list():
        matrix = np.array([[1.0]])
        for char in label:
            matrix = np.kron(matrix, _PAULI[char])
        total += coeff * np.vdot(state, matrix @ state)
    return float(total.real)


def random_observable(num_qubits: int, rng: np.random.Generator, terms: int = 4) -> PauliSum:
    """A random Pauli sum of ``terms`` terms.

    >>> random_observable(3, np.random.default_rng(0)).num_qubits
    3
    """
    labels = ["".join(rng.choice(list("IXYZ"), num_qubits)) for _ in range(terms)]
    return PauliSum.from_list([(label, float(rng.normal())) for label in labels])


def expect_refusal(call, what: str) -> str:
    """``call()`` must raise a :class:`~qfusion.errors.QfusionError` (or ``TypeError`` for an
    option the signature does not take), or warn; returns how it refused.

    >>> from qfusion.backends import get as get_backend

    >>> expect_refusal(lambda: get_backend("nowhere"), "an unknown backend")[:13]
    'BackendError:'
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
        except (QfusionError, TypeError, NotImplementedError) as exc:
            return f"{type(exc).__name__}: {str(exc)[:80]}"
        except Exception as exc:
            raise ConformanceError(f"{what}: raised {type(exc).__name__} ({exc}), not a qfusion error") from exc
    if caught:
        return f"warned: {caught[0].message}"
    raise ConformanceError(f"{what}: accepted silently")
