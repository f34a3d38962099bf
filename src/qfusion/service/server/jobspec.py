"""A submission, checked before it is queued: circuits parse, sizes fit the quotas, the backend and memory.

Everything a job could fail on cheaply fails here, with a message the user can act on, so a
worker never meets a malformed job. The checked submission becomes the job's payload (plain
JSON), which the worker reads back with :func:`qfusion.service.worker.programs.run_job`.

>>> limits = SubmissionLimits(max_qubits=30, max_shots=10**6)
>>> spec = check_submission({"circuits": ['OPENQASM 3; qubit[2] q; bit[2] c; c = measure q;'],
...                          "shots": 100, "seed": 7}, limits)
>>> spec.num_qubits, spec.shots, spec.payload["seed"]
(2, 100, 7)
>>> check_submission({"circuits": [], "shots": 10**12}, limits)
Traceback (most recent call last):
...
qfusion.service.server.jobspec.SubmissionError: shots must be at most 1,000,000 (your quota), got 1,000,000,000,000
"""

from __future__ import annotations

import math
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from qfusion.errors import CircuitError, QasmError, ServiceError
from qfusion.service.client.wire import bind_by_name, circuit_to_json, decode_circuit, loop_iterations

PROGRAMS = ("sampler", "estimator", "vqe", "qaoa")
OPTIMIZERS = ("l-bfgs-b", "cobyla", "nelder-mead", "powell", "spsa")


class SubmissionError(ServiceError):
    """A submission that cannot become a job (HTTP 422 unless ``status`` says otherwise).

    >>> check_submission({"circuits": ["OPENQASM 3; qubit[40] q;"]}, SubmissionLimits(max_qubits=30))
    Traceback (most recent call last):
        ...
    qfusion.service.server.jobspec.SubmissionError: ...
    >>> SubmissionError("too large", status=413).status
    413
    """

    def __init__(self, message: str, status: int = 422):
        super().__init__(message, status)


@dataclass(frozen=True)
class SubmissionLimits:
    """What one job may ask for: the user's quotas combined with the server's own caps.

    >>> limits = SubmissionLimits(max_shots=100)
    >>> check_submission({"circuits": ["OPENQASM 3; qubit q; bit c; c = measure q;"], "shots": 101}, limits)
    Traceback (most recent call last):
        ...
    qfusion.service.server.jobspec.SubmissionError: shots must be at most 100 (your quota), got 101
    """
    max_qubits: int = 30
    max_shots: int = 1_000_000
    max_circuits: int = 300
    max_operations: int = 200_000  # per circuit, counted as OpenQASM unrolls loops and gates
    max_total_operations: int = 400_000  # over all of a job's circuits: parsing stops as soon as it is exceeded
    max_source_bytes: int = 4 * 2**20
    max_statement_bytes: int = 65_536  # one OpenQASM statement (a megabyte-long expression is refused unread)
    max_clbits: int = 10_000  # per circuit, in OpenQASM and the JSON form alike
    max_terms: int = 10_000
    max_iterations: int = 500
    max_reps: int = 20


@dataclass(frozen=True)
class Spec:
    """A checked submission: its program, payload (what the worker runs) and the sizes the quotas count.

    >>> spec = check_submission({"circuits": ["OPENQASM 3; qubit[3] q; bit[3] c; c = measure q;"] * 2, "shots": 10},
    ...                         SubmissionLimits())
    >>> spec.program, spec.num_circuits, spec.num_qubits, spec.shots, len(spec.payload["circuits"])
    ('sampler', 2, 3, 10, 2)
    """
    program: str
    payload: Any  # a dict of plain data; its JSON text (str) once admission.admit has encoded it
    num_circuits: int
    num_qubits: int
    shots: int


_TEXT = re.compile(r"[^\x00-\x1f\x7f]*\Z")
_KEY = re.compile(r"[A-Za-z0-9._:\-]+\Z")


def check_text(value, what: str, max_length: int, *, key: bool = False) -> str:
    """A string field checked at the boundary: a string, at most ``max_length`` characters, no control
    characters (NUL included; PostgreSQL refuses those), only ``[A-Za-z0-9._:-]`` for a ``key``.

    >>> check_text("abc" + chr(0), "idempotency_key", 100)
    Traceback (most recent call last):
    ...
    qfusion.service.server.jobspec.SubmissionError: idempotency_key must not contain control characters (NUL, ...)
    """
    if not isinstance(value, str):
        raise SubmissionError(f"{what} must be a string, got {type(value).__name__}")
    if not value or len(value) > max_length:
        raise SubmissionError(f"{what} must have 1 to {max_length} characters, got {len(value):,}")
    if not _TEXT.match(value):
        raise SubmissionError(f"{what} must not contain control characters (NUL, newlines, ...)")
    if key and not _KEY.match(value):
        raise SubmissionError(f"{what} may hold only letters, digits and . _ : -")
    return value


def _integer(body: dict, name: str, default, low: int, high: int, why: str = "") -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SubmissionError(f"{name} must be a whole number, got {value!r}")
    if value < low:
        raise SubmissionError(f"{name} must be at least {low}, got {value:,}")
    if value > high:
        raise SubmissionError(f"{name} must be at most {high:,}{why}, got {value:,}")
    return value


def _terms(value, what: str, limits: SubmissionLimits, num_qubits: int | None) -> list:
    """Pauli terms ``[[label, coeff], ...]`` checked to build a PauliSum on ``num_qubits``."""
    if not isinstance(value, list) or not value:
        raise SubmissionError(f"{what} must be a non-empty list of [label, coefficient] pairs such as [[\"ZZ\", 1.0]]")
    if len(value) > limits.max_terms:
        raise SubmissionError(f"{what} has {len(value):,} terms; at most {limits.max_terms:,} are accepted")
    for term in value:
        if (not isinstance(term, list) or len(term) != 2 or not isinstance(term[0], str)
                or isinstance(term[1], bool) or not isinstance(term[1], (int, float)) or not math.isfinite(term[1])):
            raise SubmissionError(f"{what}: each term is [label, real coefficient], got {term!r}")
        if term[0].strip("IXYZ") or (num_qubits is not None and len(term[0]) != num_qubits):
            size = f" of length {num_qubits}" if num_qubits is not None else ""
            raise SubmissionError(f"{what}: {term[0]!r} is not a Pauli label{size} (letters I, X, Y, Z)")
    return [[label, float(coeff)] for label, coeff in value]


_AVAILABLE: list[float] = [0.0, 0]  # (when read, bytes): /proc/meminfo is read at most once a second


def _check_device(num_qubits: int, what: str, backend: str, backend_qubits: int | None) -> None:
    if backend_qubits is not None and num_qubits > backend_qubits:
        raise SubmissionError(f"{what} has {num_qubits} qubits; backend {backend!r} has {backend_qubits}", status=413)


def _needed_bytes(num_qubits: int, backend: str, circuits) -> tuple[int, str]:
    """Bytes the backend says it needs for the largest circuit (its ``memory_estimate``), else those of
    a complex128 state vector of ``num_qubits``; and what they are for."""
    from qfusion.sim.memory import state_bytes
    estimates = []
    try:
        from qfusion.backends import get
        found = get(backend)
        estimates = [found.memory_estimate(c) for c in circuits or ()]
    except Exception:  # an unknown or unloadable backend is refused elsewhere
        pass
    known = [e for e in estimates if e is not None]
    if known:
        kind = getattr(found.capabilities, "representation", None) or ""
        return max(known), {"statevector": "for the state vector", "density_matrix": "for the density matrix",
                            "mps": "for the matrix-product state"}.get(kind, "to simulate")
    return state_bytes(num_qubits, "complex128"), "for the state vector"


def _check_memory(num_qubits: int, backend: str, memory_bytes: int | None = None, circuits=None) -> None:
    """Refuse (413) a job that needs more memory than ``memory_bytes`` (the largest of the live
    workers serving ``backend``; None: this host's available memory)."""
    if backend == "auto":  # the planner chooses a backend that fits, or refuses with every candidate's estimate
        return
    from qfusion.sim.memory import available_bytes, format_bytes
    where = " on the workers serving this backend"
    if memory_bytes is None:
        now = time.monotonic()
        if now - _AVAILABLE[0] > 1.0:
            _AVAILABLE[:] = [now, available_bytes()]
        available, where = _AVAILABLE[1], ""
    else:
        available = memory_bytes
    needed, what = _needed_bytes(num_qubits, backend, circuits)
    if needed > available:
        raise SubmissionError(f"backend {backend!r}: {num_qubits} qubits need {format_bytes(needed)} {what}; "
                              f"the server has {format_bytes(available)} available{where} (try fewer qubits)",
                              status=413)


def _circuits(body: dict, limits: SubmissionLimits):
    items = body.get("circuits")
    if not isinstance(items, list) or not items:
        raise SubmissionError("circuits must be a non-empty list of OpenQASM strings or circuit objects")
    if len(items) > limits.max_circuits:
        raise SubmissionError(f"a job holds at most {limits.max_circuits} circuits, got {len(items)}")
    parameters = body.get("parameters")
    if parameters is not None and not isinstance(parameters, (dict, list)):
        raise SubmissionError("parameters must be an object (the same values for every circuit) or a list "
                              "of objects (one per circuit)")
    if isinstance(parameters, list) and len(parameters) != len(items):
        raise SubmissionError(f"parameters has {len(parameters)} entries for {len(items)} circuits")
    if isinstance(parameters, (dict, list)):
        for values in parameters if isinstance(parameters, list) else [parameters]:
            for name in values if isinstance(values, dict) else ():
                check_text(name, "a parameter name", 100)
    sources = [item if isinstance(item, str) else item.get("source") if isinstance(item, dict) else None
               for item in items]
    bound = sum(loop_iterations(source) for source in sources if isinstance(source, str))
    if bound > limits.max_total_operations:  # certainly over the budget: refused without unrolling anything
        raise SubmissionError(f"the job's circuits have more than {limits.max_total_operations:,} operations "
                              f"together (their loops alone run {bound:,} iterations); split it into several jobs")
    circuits, budget = [], limits.max_total_operations
    for index, item in enumerate(items):
        where = f"circuit {index}" if len(items) > 1 else "the circuit"
        if budget <= 0:
            raise SubmissionError(f"the job's circuits have more than {limits.max_total_operations:,} operations "
                                  f"together; split it into several jobs")
        try:
            circuit = decode_circuit(item, max_qubits=10_000, max_operations=min(limits.max_operations, budget),
                                     max_source_bytes=limits.max_source_bytes, max_clbits=limits.max_clbits,
                                     max_statement_bytes=limits.max_statement_bytes)
        except QasmError as exc:
            at = f", line {exc.line}" + (f", column {exc.column}" if exc.column is not None else "") \
                if exc.line is not None else ""
            raise SubmissionError(f"{where}{at}: {exc.message}") from None
        except CircuitError as exc:
            raise SubmissionError(f"{where}: {exc}") from None
        if circuit.num_qubits > limits.max_qubits:
            raise SubmissionError(f"{where} has {circuit.num_qubits} qubits; your quota is {limits.max_qubits}",
                                  status=413)
        circuits.append(circuit)
        budget -= len(circuit.instructions)
    return [_parsed(item, circuit) for item, circuit in zip(items, circuits, strict=False)], circuits, parameters


def _parsed(item, circuit):
    """The circuit's JSON form when it has one (the worker need not parse OpenQASM again), else ``item``."""
    try:
        return {"format": "json", "circuit": circuit_to_json(circuit)}
    except CircuitError:
        return item


def check_submission(body, limits: SubmissionLimits, backend: str = "statevector", backend_qubits: int | None = None,
                     memory_bytes: int | None = None) -> Spec:
    """Check a submission's JSON body against ``limits``, the backend's size and the memory.

    ``backend_qubits`` is the number of qubits of the backend's device, if it has one; ``memory_bytes``
    the memory of the workers that serve the backend (None: this host's). The
    returned spec's payload is what runs.

    >>> check_submission({"circuits": ["OPENQASM 3; qubit[6] q;"]}, SubmissionLimits(), "trapped_ion", backend_qubits=5)
    Traceback (most recent call last):
    ...
    qfusion.service.server.jobspec.SubmissionError: the circuit has 6 qubits; backend 'trapped_ion' has 5
    """
    if not isinstance(body, dict):
        raise SubmissionError("the request body must be a JSON object")
    program = body.get("program", "sampler")
    if program not in PROGRAMS:
        raise SubmissionError(f"unknown program {program!r}; the server runs {', '.join(PROGRAMS)} "
                              f"(no user code is executed)")
    shots = _integer(body, "shots", 1024, 0 if program in ("estimator", "vqe") else 1, limits.max_shots,
                     " (your quota)")
    seed = body.get("seed")
    if seed is None:
        seed = secrets.randbelow(2**31)  # chosen now, so a job that runs again gives the same result
    seed = _integer({"seed": seed}, "seed", 0, 0, 2**32 - 1)
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise SubmissionError("options must be an object")
    payload: dict[str, Any] = {"shots": shots, "seed": seed, "options": {}}
    if program == "qaoa":
        cost = _terms(options.get("cost"), "options.cost", limits, None)
        num_qubits = len(cost[0][0])
        if any(len(label) != num_qubits or label.strip("IZ") for label, _ in cost):
            raise SubmissionError("options.cost: QAOA costs are Z terms of one length, such as [[\"ZZI\", 1.0]]")
        if num_qubits > limits.max_qubits:
            raise SubmissionError(f"options.cost acts on {num_qubits} qubits; your quota is {limits.max_qubits}",
                                  status=413)
        payload["options"] = {"cost": cost, "reps": _integer(options, "reps", 1, 1, limits.max_reps)}
        payload["options"].update(_optimizer(options, limits, 2 * payload["options"]["reps"]))
        _check_device(num_qubits, "options.cost", backend, backend_qubits)
        _check_memory(num_qubits, backend, memory_bytes)
        return Spec(program, payload, 1, num_qubits, shots)
    items, circuits, parameters = _circuits(body, limits)
    num_qubits = max(c.num_qubits for c in circuits)
    _check_device(num_qubits, "the circuit" if len(circuits) == 1 else "a circuit", backend, backend_qubits)
    _check_memory(num_qubits, backend, memory_bytes, circuits)
    payload["circuits"] = items
    if program == "sampler":
        _bind_all(circuits, parameters)
    elif program == "estimator":
        _bind_all(circuits, parameters)
        observables = options.get("observables")
        if not isinstance(observables, list) or len(observables) != len(circuits):
            raise SubmissionError("options.observables must be a list with one observable (a list of "
                                  "[label, coefficient] terms) per circuit")
        payload["options"] = {"observables": [_terms(o, f"options.observables[{i}]", limits, c.num_qubits)
                                              for i, (o, c) in enumerate(zip(observables, circuits, strict=False))],
                              "shots": _estimator_shots(options, limits),
                              "mitigation": mitigation_spec(options.get("mitigation"))}
    else:  # vqe: one parameterised ansatz
        if len(circuits) != 1 or not circuits[0].parameters:
            raise SubmissionError("vqe takes one parameterised ansatz circuit")
        names = [p.name for p in circuits[0].parameters]
        payload["options"] = {"observable": _terms(options.get("observable"), "options.observable", limits,
                                                   circuits[0].num_qubits), "parameter_names": names}
        payload["options"].update(_optimizer(options, limits, len(names)))
    payload["parameters"] = parameters
    return Spec(program, payload, len(circuits), num_qubits, shots)


def _bind_all(circuits, parameters) -> None:
    for index, circuit in enumerate(circuits):
        values = parameters[index] if isinstance(parameters, list) else parameters
        try:
            bind_by_name(circuit, values)
        except CircuitError as exc:
            where = f"circuit {index}" if len(circuits) > 1 else "the circuit"
            raise SubmissionError(f"{where}: {exc}") from None


def _optimizer(options: dict, limits: SubmissionLimits, num_parameters: int) -> dict:
    optimizer = options.get("optimizer")
    if optimizer is not None and optimizer not in OPTIMIZERS:
        raise SubmissionError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    initial = options.get("initial_point")
    if initial is not None and (
            not isinstance(initial, list) or len(initial) != num_parameters
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) for v in initial)):
        raise SubmissionError(f"options.initial_point must be a list of {num_parameters} finite numbers")
    return {"optimizer": optimizer, "initial_point": None if initial is None else [float(v) for v in initial],
            "maxiter": _integer(options, "maxiter", 100, 1, limits.max_iterations),
            "shots": _estimator_shots(options, limits)}


MITIGATION_TECHNIQUES = {"readout": "ReadoutMitigation", "zne": "ZNE", "twirling": "PauliTwirling",
                         "dd": "DynamicalDecoupling", "pec": "PEC", "cdr": "CDR"}
_MITIGATION_BOUND = 10_000  # any number in a technique's options (samples, twirls, scale factors)


def mitigation_spec(value) -> list[dict] | None:
    """``options.mitigation`` of an estimator job: a list of ``{"technique": name, ...its options}``
    (names: readout, zne, twirling, dd, pec, cdr; options as :mod:`qfusion.mitigation`'s classes take
    them), checked by building each technique once.

    >>> mitigation_spec([{"technique": "zne", "scale_factors": [1, 3, 5], "extrapolation": "richardson"}])
    [{'technique': 'zne', 'scale_factors': [1, 3, 5], 'extrapolation': 'richardson'}]
    """
    if value is None:
        return None
    if not isinstance(value, list) or not 1 <= len(value) <= 6:
        raise SubmissionError("options.mitigation must be a list of 1 to 6 techniques, each "
                              '{"technique": "readout" | "zne" | "twirling" | "dd" | "pec" | "cdr", ...}')
    for index, entry in enumerate(value):
        where = f"options.mitigation[{index}]"
        if not isinstance(entry, dict) or entry.get("technique") not in MITIGATION_TECHNIQUES:
            raise SubmissionError(f"{where}: technique must be one of {', '.join(MITIGATION_TECHNIQUES)}")
        for key, option in entry.items():
            numbers = option if isinstance(option, list) else [option]
            if len(numbers) > 20 or any(not isinstance(v, (str, int, float, bool)) for v in numbers):
                raise SubmissionError(f"{where}.{key}: a number, a string or a short list of numbers")
            if any(isinstance(v, (int, float)) and not isinstance(v, bool)
                   and not (math.isfinite(v) and abs(v) <= _MITIGATION_BOUND) for v in numbers):
                raise SubmissionError(f"{where}.{key}: numbers must be finite and at most {_MITIGATION_BOUND:,}")
        try:
            build_technique(entry)
        except (TypeError, ValueError) as exc:
            raise SubmissionError(f"{where}: {exc}") from None
    return value


def build_technique(entry: dict):
    """The :mod:`qfusion.mitigation` technique of one ``options.mitigation`` entry.

    >>> build_technique({"technique": "zne", "scale_factors": [1, 3], "extrapolation": "linear"})
    ZNE(scale_factors=[1.0, 3.0], extrapolation='linear', folding='global')
    """
    from qfusion import mitigation
    options = {k: v for k, v in entry.items() if k != "technique"}
    return getattr(mitigation, MITIGATION_TECHNIQUES[entry["technique"]])(**options)


def _estimator_shots(options: dict, limits: SubmissionLimits):
    """``options.shots``: absent or null for exact values, else shots per measured group."""
    if options.get("shots") is None:
        return None
    return _integer(options, "shots", None, 2, limits.max_shots, " (your quota)")
