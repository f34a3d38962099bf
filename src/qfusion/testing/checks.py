"""The conformance checks, one function each, and :func:`check_backend` that runs them.

Each check takes a :class:`~qfusion.testing.conformance.Setup`, returns a short detail, raises
:class:`~qfusion.testing.conformance.ConformanceError` when the backend misbehaves and
:class:`~qfusion.testing.conformance.SkipCheck` when the check does not apply (its
capabilities say so). In pytest, parametrize over :data:`CHECKS` and call :func:`run_check`:

>>> sorted(CHECKS)[:3]
['adjoint', 'batched_params', 'capabilities']
>>> run_check("reference", "parameters")
'simulate(params=) matches the bound circuit'
"""

from __future__ import annotations

import numpy as np

from qfusion.backends import Backend, Capabilities
from qfusion.backends import get as get_backend
from qfusion.circuit import Circuit
from qfusion.errors import QfusionError
from qfusion.testing.circuits import parameterized_circuit
from qfusion.testing.conformance import (
    CheckResult,
    ConformanceError,
    ConformanceReport,
    Setup,
    SkipCheck,
    assert_counts_follow,
    assert_same_state,
    default_options,
    expect_refusal,
    pauli_expectation,
    random_observable,
)


def _overrides(backend: Backend, method: str) -> bool:
    return getattr(type(backend), method) is not getattr(Backend, method)


def check_capabilities(setup: Setup) -> str:
    """The declaration is well formed and names methods the backend implements.

    >>> run_check("density_matrix", "capabilities")
    'declares exact, sampled, noise'
    """
    backend, capabilities = setup.backend, setup.capabilities
    if not isinstance(capabilities, Capabilities):
        raise ConformanceError(f"capabilities is a {type(capabilities).__name__}, not a Capabilities")
    if not isinstance(backend.name, str) or not backend.name:
        raise ConformanceError("the backend has no name")
    if not all(isinstance(option, str) for option in capabilities.options):
        raise ConformanceError(f"options must be names, got {capabilities.options!r}")
    if not all(np.dtype(d).kind == "c" for d in capabilities.dtypes):
        raise ConformanceError(f"dtypes must be complex dtypes, got {capabilities.dtypes!r}")
    if capabilities.max_qubits is not None and not capabilities.max_qubits > 0:
        raise ConformanceError(f"max_qubits must be None or positive, got {capabilities.max_qubits!r}")
    needed = {"exact": "simulate", "sampled": "run", "batched_params": "simulate_batch", "adjoint": "adjoint_steps"}
    for flag, method in needed.items():
        if getattr(capabilities, flag) and not _overrides(backend, method):
            raise ConformanceError(f"declares {flag} but does not implement {method}")
    reason = backend.unavailable_reason()
    if reason is not None and not isinstance(reason, str):
        raise ConformanceError(f"unavailable_reason() must be None or a str, got {reason!r}")
    declared = [flag for flag in ("exact", "sampled", "noise", "batched_params", "adjoint", "clifford_only")
                if getattr(capabilities, flag)]
    return "declares " + (", ".join(declared) or "nothing")


def check_states(setup: Setup) -> str:
    """``simulate`` of random circuits equals the reference state (up to a global phase).

    >>> run_check("statevector", "states")
    '2 random circuits of 3 qubits'
    """
    _require(setup, "exact")
    for k in range(setup.num_circuits):
        circuit = setup.circuit()
        assert_same_state(setup.simulate(circuit), setup.reference.simulate(circuit), setup.tolerance(),
                          f"random circuit {k}")
    return f"{setup.num_circuits} random circuits of {setup.num_qubits} qubits"


def check_expectation_values(setup: Setup) -> str:
    """``state.expectation_value`` and the Estimator agree with ``<psi|H|psi>`` of the reference state
    (exactly on an exact backend, within 5 standard errors from shots on a sampling one).

    >>> run_check("statevector", "expectation_values")
    'exact'
    """
    from qfusion.primitives import Estimator
    circuit = setup.circuit()
    observable = random_observable(setup.num_qubits, setup.rng)
    expected = pauli_expectation(setup.reference.simulate(circuit), observable)
    if setup.capabilities.exact:
        state = setup.simulate(circuit)
        if hasattr(state, "expectation_value"):
            _close(float(np.real(state.expectation_value(observable))), expected, setup.tolerance(),
                   "state.expectation_value")
        value = float(Estimator(setup.backend, **setup.options).run(circuit, observable).values)
        _close(value, expected, setup.tolerance(), "Estimator (exact)")
        return "exact"
    _require(setup, "sampled")
    result = Estimator(setup.backend, shots=setup.shots, seed=setup.seed, **setup.options).run(circuit, observable)
    bound = 5 * float(result.std_errors) + 1e-9
    _close(float(result.values), expected, bound, "Estimator (shots)")
    return f"within {bound:.3g} from {setup.shots} shots a group"


def check_counts(setup: Setup) -> str:
    """``run`` counts follow the reference distribution; a seeded run repeats; memory matches counts.

    >>> run_check("reference", "counts", shots=200)
    '200 shots within 5 sigma; seeded and memory consistent'
    """
    _require(setup, "sampled")
    circuit = setup.circuit()
    probabilities = np.abs(setup.reference.simulate(circuit)) ** 2
    measured = circuit.copy().measure_all()
    result = setup.run(measured, memory=True)
    assert_counts_follow(result.counts, probabilities, setup.shots, setup.num_qubits, "run")
    again = setup.run(measured)
    if again.counts != result.counts:
        raise ConformanceError("two runs with the same seed gave different counts")
    if result.memory is None or len(result.memory) != setup.shots or _tally(result.memory) != result.counts:
        raise ConformanceError("memory=True must give one bitstring per shot, tallying to the counts")
    return f"{setup.shots} shots within {5:g} sigma; seeded and memory consistent"


def check_mid_circuit(setup: Setup) -> str:
    """A measurement mid-circuit, a conditioned gate and a reset give the closed-form distribution
    (or a clear error, where the backend does not run them).

    >>> run_check("statevector", "mid_circuit")
    'closed form: 000 and 011, half each'
    """
    _require(setup, "sampled")
    circuit = Circuit(2, 3).h(0).measure(0, 0)
    circuit.x(1).c_if(0, 1)
    circuit.measure(1, 1).reset(0).measure(0, 2)
    try:
        result = setup.run(circuit)
    except QfusionError as exc:
        raise SkipCheck(f"refuses mid-circuit measurement clearly ({type(exc).__name__})") from exc
    expected = np.zeros(8)
    expected[[0b000, 0b011]] = 0.5
    assert_counts_follow(result.counts, expected, setup.shots, 3, "measure, c_if, reset")
    return "closed form: 000 and 011, half each"


def check_parameters(setup: Setup) -> str:
    """``params=`` binds the circuit's parameters (in ``circuit.parameters`` order) as ``bind`` does.

    >>> run_check("statevector", "parameters")
    'simulate(params=) matches the bound circuit'
    """
    circuit, parameters = parameterized_circuit(setup.num_qubits)
    values = _values(setup, len(parameters))
    bound = circuit.bind(list(values))
    if setup.capabilities.exact:
        assert_same_state(setup.simulate(circuit, params=list(values)), setup.reference.simulate(bound),
                          setup.tolerance(), "simulate(params=)")
        return "simulate(params=) matches the bound circuit"
    _require(setup, "sampled")
    ran = setup.run(circuit.copy().measure_all(), params=list(values)).counts
    if ran != setup.run(bound.copy().measure_all()).counts:
        raise ConformanceError("run(params=) and run of the bound circuit differ for the same seed")
    return "run(params=) matches the bound circuit"


def check_batched_params(setup: Setup) -> str:
    """``simulate_batch`` gives each parameter set's reference state.

    >>> run_check("statevector", "batched_params")
    Traceback (most recent call last):
    ...
    qfusion.testing.conformance.SkipCheck: not declared: batched_params
    """
    _require(setup, "batched_params")
    circuit, parameters = parameterized_circuit(setup.num_qubits)
    rows = np.array([_values(setup, len(parameters)) for _ in range(3)])
    states = setup.backend.simulate_batch(circuit, rows, **setup.options)
    if len(states) != len(rows):
        raise ConformanceError(f"simulate_batch gave {len(states)} states for {len(rows)} parameter sets")
    for k, (row, state) in enumerate(zip(rows, states, strict=True)):
        assert_same_state(state, setup.reference.simulate(circuit.bind(list(row))), setup.tolerance(),
                          f"parameter set {k}")
    return f"{len(rows)} parameter sets"


def check_dtypes(setup: Setup) -> str:
    """Every declared dtype simulates at its precision; a dtype not declared is refused.

    >>> run_check("statevector", "dtypes").split(";")[0]
    'complex128, complex64'
    """
    circuit = setup.circuit()
    expected = setup.reference.simulate(circuit)
    capabilities = setup.capabilities
    if not capabilities.dtypes:
        call = setup.simulate if capabilities.exact else setup.run
        return "no dtype option; dtype= refused: " + expect_refusal(lambda: call(circuit.copy().measure_all()
                                                                                 if not capabilities.exact else circuit,
                                                                                 dtype=np.complex64), "dtype=")
    _require(setup, "exact")
    for dtype in capabilities.dtypes:
        state = setup.simulate(circuit, dtype=dtype)
        assert_same_state(state, expected, setup.tolerance(dtype), f"dtype={np.dtype(dtype).name}")
    refused = expect_refusal(lambda: setup.simulate(circuit, dtype=np.float16), "dtype=float16")
    return f"{', '.join(np.dtype(d).name for d in capabilities.dtypes)}; float16 refused ({refused})"


def check_too_many_qubits(setup: Setup) -> str:
    """A circuit beyond ``max_qubits`` (or, without one, 64 qubits where the memory estimate says
    they do not fit) fails with a qfusion error before any work.

    >>> run_check("reference", "too_many_qubits")
    'CircuitError: the reference backend is for at most 20 qubits'
    """
    capabilities = setup.capabilities
    num_qubits = capabilities.max_qubits + 1 if capabilities.max_qubits is not None else 64
    circuit = Circuit(num_qubits).h(0)
    for q in range(num_qubits - 1):
        circuit.cx(q, q + 1)
    estimate = setup.backend.memory_estimate(circuit)
    if capabilities.max_qubits is None and estimate is not None and estimate < 1 << 40:
        raise SkipCheck(f"{num_qubits} qubits fit ({estimate} bytes estimated)")
    if capabilities.exact:
        return expect_refusal(lambda: setup.simulate(circuit), f"simulate of {num_qubits} qubits")
    _require(setup, "sampled")
    return expect_refusal(lambda: setup.run(circuit.copy().measure_all(), shots=10), f"run of {num_qubits} qubits")


def check_honest(setup: Setup) -> str:
    """What is not declared is refused (sampling, states, noise models, non-Clifford gates, unknown
    options); a declared noise model is applied.

    >>> run_check("density_matrix", "honest").split(";")[0]
    'noise_model applied'
    """
    from qfusion.noise import NoiseModel, bit_flip
    capabilities, circuit, notes = setup.capabilities, Circuit(1).x(0).measure_all(), []
    if not capabilities.sampled:
        notes.append("run refused: " + expect_refusal(lambda: setup.run(circuit), "run"))
    if not capabilities.exact:
        notes.append("simulate refused: " + expect_refusal(lambda: setup.simulate(Circuit(1).x(0)), "simulate"))
    model = NoiseModel()
    model.add_gate_error(bit_flip(1.0), ["x"])
    if capabilities.noise and capabilities.sampled:
        counts = setup.run(circuit, noise_model=model).counts
        if counts != {"0": setup.shots}:
            raise ConformanceError(f"a certain bit flip after x was not applied: {counts}")
        notes.append("noise_model applied")
    elif capabilities.sampled and "noise_model" not in capabilities.options:
        notes.append("noise_model refused: " + expect_refusal(lambda: setup.run(circuit, noise_model=model),
                                                              "noise_model="))
    if capabilities.clifford_only:
        call = setup.simulate if capabilities.exact else setup.run
        t_circuit = Circuit(1).t(0) if capabilities.exact else Circuit(1).t(0).measure_all()
        notes.append("t refused: " + expect_refusal(lambda: call(t_circuit), "a T gate on a Clifford-only backend"))
    if capabilities.sampled:
        notes.append("unknown option refused: " + expect_refusal(
            lambda: setup.run(circuit, no_such_option=1), "an unknown option"))
    return "; ".join(notes)


def check_adjoint(setup: Setup) -> str:
    """Adjoint gradients on the backend's steps equal the parameter-shift rule on reference states.

    >>> run_check("statevector", "adjoint")
    '4 partial derivatives'
    """
    _require(setup, "adjoint")
    from qfusion.primitives import AdjointTape
    circuit, parameters = parameterized_circuit(setup.num_qubits)
    values = _values(setup, len(parameters))
    observable = random_observable(setup.num_qubits, setup.rng)
    value, gradient = AdjointTape(circuit, backend=setup.backend).value_and_gradient(observable, values)

    def energy(x):
        return pauli_expectation(setup.reference.simulate(circuit.bind(list(x))), observable)

    shifted = [(energy(values + np.pi / 2 * e) - energy(values - np.pi / 2 * e)) / 2 for e in np.eye(len(values))]
    _close(float(value), energy(values), setup.tolerance(), "adjoint value")
    difference = float(np.max(np.abs(np.asarray(gradient) - shifted)))
    if difference > 1e-6:
        raise ConformanceError(f"adjoint gradient differs from the parameter-shift rule by {difference:.3g}")
    return f"{len(values)} partial derivatives"


CHECKS = {"capabilities": check_capabilities, "states": check_states, "expectation_values": check_expectation_values,
          "counts": check_counts, "mid_circuit": check_mid_circuit, "parameters": check_parameters,
          "batched_params": check_batched_params, "dtypes": check_dtypes, "too_many_qubits": check_too_many_qubits,
          "honest": check_honest, "adjoint": check_adjoint}


def _require(setup: Setup, flag: str) -> None:
    if not getattr(setup.capabilities, flag):
        raise SkipCheck(f"not declared: {flag}")


def _values(setup: Setup, count: int) -> np.ndarray:
    if setup.capabilities.clifford_only:  # multiples of pi/2 keep ry and rz Clifford
        return np.pi / 2 * setup.rng.integers(0, 4, size=count).astype(float)
    return setup.rng.uniform(-np.pi, np.pi, size=count)


def _close(got: float, expected: float, atol: float, what: str) -> None:
    if not abs(got - expected) <= atol:
        raise ConformanceError(f"{what}: {got:.10g}, expected {expected:.10g} (tolerance {atol:.1g})")


def _tally(memory) -> dict:
    counts: dict[str, int] = {}
    for key in memory:
        counts[key] = counts.get(key, 0) + 1
    return counts


def _setup(backend, options, **settings) -> Setup:
    chosen = get_backend(backend)
    return Setup(chosen, {**default_options(chosen), **(options or {})}, **settings)


def run_check(backend, name: str, *, options: dict | None = None, **settings) -> str:
    """Run the check ``name`` on ``backend`` (a name or a Backend); its detail. Raises
    :class:`ConformanceError` on a failure and :class:`SkipCheck` when it does not apply (or the
    backend cannot run on this host: ``unavailable_reason``).

    >>> run_check("statevector", "counts", shots=100)
    '100 shots within 5 sigma; seeded and memory consistent'
    """
    setup = _setup(backend, options, **settings)
    reason = setup.backend.unavailable_reason()
    if reason is not None and name != "capabilities":
        raise SkipCheck(f"backend {setup.backend.name!r} cannot run here: {reason}")
    return CHECKS[name](setup)


def check_backend(backend, *, checks=None, options: dict | None = None, **settings) -> ConformanceReport:
    """Run every check (or those named in ``checks``) on ``backend``; a :class:`ConformanceReport`.

    ``options`` go to every ``run``/``simulate`` call (an approximate backend's settings);
    ``settings``: ``atol`` (exact comparisons; default by dtype), ``shots``, ``seed``,
    ``num_qubits``, ``num_circuits``.

    >>> report = check_backend("reference", checks=["states", "adjoint"])
    >>> [(r.name, r.status) for r in report.results]
    [('states', 'passed'), ('adjoint', 'skipped')]
    """
    results = []
    for name in checks or CHECKS:
        try:
            detail = run_check(backend, name, options=options, **settings)
            results.append(CheckResult(name, "passed", detail))
        except SkipCheck as skip:
            results.append(CheckResult(name, "skipped", str(skip)))
        except ConformanceError as failure:
            results.append(CheckResult(name, "failed", str(failure)))
        except Exception as exc:  # a crash is a failure too, reported with its type
            results.append(CheckResult(name, "failed", f"{type(exc).__name__}: {exc}"))
    return ConformanceReport(get_backend(backend).name, tuple(results))
