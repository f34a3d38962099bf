"""The server-side programs a job runs: sampler, estimator, VQE and QAOA, parameterised by JSON.

No user code runs here: a job names one of these programs and gives it data (circuits,
Pauli terms, an optimizer's name and settings), checked before by
:func:`qfusion.service.jobspec.check_submission`. Hybrid loops (VQE, QAOA) run next to the
backend, so each iteration costs no round trip to the user.

The sampler's circuit ``i`` runs with seed ``seed + i``, so a job's counts equal
``qf.run(circuit_i, shots, seed=seed + i)`` on the same backend, and a job that runs again
after a lost worker gives the same result.

>>> payload = {"circuits": ['OPENQASM 3; include "stdgates.inc"; qubit[1] q; bit[1] c; x q[0]; c[0] = measure q[0];'],
...            "shots": 10, "seed": 1, "options": {}, "parameters": None}
>>> run_job("sampler", payload, "statevector")["results"][0]["counts"]
{'1': 10}
"""

from __future__ import annotations

import math
import time

import numpy as np

from qfusion.circuit import Circuit, Parameter
from qfusion.observables import PauliSum
from qfusion.service.wire import bind_by_name, decode_circuit

_BIG = 10**9


def _circuits(payload: dict) -> list[Circuit]:
    circuits = [decode_circuit(item, max_qubits=10_000, max_operations=_BIG, max_source_bytes=_BIG)
                for item in payload["circuits"]]
    parameters = payload.get("parameters")
    if isinstance(parameters, list):
        return [bind_by_name(c, values) for c, values in zip(circuits, parameters)]
    if parameters is not None:
        return [bind_by_name(c, parameters) for c in circuits]
    return circuits


def _pauli_sum(terms) -> PauliSum:
    return PauliSum.from_list([(label, coeff) for label, coeff in terms])


def sampler(payload: dict, backend: str) -> dict:
    """Counts of every circuit (``qfusion.run`` with seed ``seed + i`` for circuit ``i``)."""
    from qfusion.backends import run
    out = []
    for index, circuit in enumerate(_circuits(payload)):
        seed = payload["seed"] + index
        result = run(circuit, shots=payload["shots"], backend=backend, seed=seed)
        out.append({"counts": dict(result.counts), "shots": result.shots, "seed": seed,
                    "time_taken": result.time_taken})
    return {"results": out}


def _expectation(circuit: Circuit, observable: PauliSum, backend: str) -> float:
    from qfusion.backends import simulate
    without_measurements = Circuit(circuit.num_qubits)
    for instruction in circuit.instructions:
        if instruction.name not in ("measure", "barrier"):
            without_measurements.append(instruction.operation, instruction.qubits, instruction.clbits,
                                        instruction.condition)
    value = simulate(without_measurements, backend=backend).expectation_value(observable)
    return float(np.real(value))


def estimator(payload: dict, backend: str) -> dict:
    """Exact expectation values of each circuit's observable (final measurements are dropped)."""
    values = [_expectation(circuit, _pauli_sum(terms), backend)
              for circuit, terms in zip(_circuits(payload), payload["options"]["observables"])]
    return {"values": values, "standard_errors": [0.0] * len(values)}


def _minimize(energy, options: dict) -> tuple[np.ndarray, float, list[float]]:
    from qfusion._optional import import_optional
    optimize = import_optional("scipy.optimize", "VQE and QAOA on the job service")
    history: list[float] = []

    def tracked(x):
        value = energy(x)
        history.append(value)
        return value

    method = {"cobyla": "COBYLA", "nelder-mead": "Nelder-Mead", "powell": "Powell"}[options["optimizer"]]
    found = optimize.minimize(tracked, np.asarray(options["initial_point"], dtype=float), method=method,
                              options={"maxiter": options["maxiter"]})
    return np.asarray(found.x, dtype=float), float(min(history, default=found.fun)), history


def vqe(payload: dict, backend: str) -> dict:
    """Minimise <H> over the ansatz's parameters with a SciPy optimizer; the whole loop runs here."""
    options = payload["options"]
    [ansatz] = [decode_circuit(item, max_qubits=10_000, max_operations=_BIG, max_source_bytes=_BIG)
                for item in payload["circuits"]]
    names = options["parameter_names"]
    observable = _pauli_sum(options["observable"])
    x, energy, history = _minimize(
        lambda x: _expectation(bind_by_name(ansatz, dict(zip(names, map(float, x)))), observable, backend),
        options)
    return {"energy": energy, "parameters": dict(zip(names, map(float, x))), "evaluations": len(history),
            "history": history}


def qaoa_circuit(cost_terms, reps: int) -> Circuit:
    """The QAOA ansatz for a Z-only cost: ``|+>`` layers of exp(-i gamma C) and exp(-i beta sum X).

    Parameters are ``gamma_k`` and ``beta_k``; a Z string on qubits ``q1..qm`` becomes a CNOT
    ladder around ``rz(2 gamma c)`` (labels little-endian: character ``-1-i`` is qubit ``i``).

    >>> qaoa_circuit([["ZZ", 1.0]], 1).count_ops()
    {'h': 2, 'cx': 2, 'rz': 1, 'rx': 2}
    """
    num_qubits = len(cost_terms[0][0])
    circuit = Circuit(num_qubits)
    for q in range(num_qubits):
        circuit.h(q)
    for k in range(reps):
        gamma, beta = Parameter(f"gamma_{k}"), Parameter(f"beta_{k}")
        for label, coeff in cost_terms:
            qubits = [i for i, letter in enumerate(reversed(label)) if letter == "Z"]
            if not qubits:
                continue
            for a, b in zip(qubits, qubits[1:]):
                circuit.cx(a, b)
            circuit.rz(2 * coeff * gamma, qubits[-1])
            for a, b in reversed(list(zip(qubits, qubits[1:]))):
                circuit.cx(a, b)
        for q in range(num_qubits):
            circuit.rx(2 * beta, q)
    return circuit


def qaoa(payload: dict, backend: str) -> dict:
    """Optimise a QAOA ansatz for a Z-only cost, then sample it: counts, the best bitstring and its cost."""
    from qfusion.backends import run
    options = payload["options"]
    cost = _pauli_sum(options["cost"])
    ansatz = qaoa_circuit(options["cost"], options["reps"])
    order = {p.name: p for p in ansatz.parameters}
    names = [f"{kind}_{k}" for k in range(options["reps"]) for kind in ("gamma", "beta")]

    def bound(x):
        return ansatz.bind({order[name]: float(v) for name, v in zip(names, x)})

    x, energy, history = _minimize(lambda x: _expectation(bound(x), cost, backend), options)
    final = bound(x).measure_all()
    counts = dict(run(final, shots=payload["shots"], backend=backend, seed=payload["seed"]).counts)
    diagonal = np.real(np.diag(cost.to_matrix())) if cost.num_qubits <= 12 else None
    best = min(counts, key=lambda bits: (diagonal[int(bits, 2)] if diagonal is not None else 0, -counts[bits]))
    return {"energy": energy, "parameters": dict(zip(names, map(float, x))), "evaluations": len(history),
            "counts": counts, "best_bitstring": best,
            "best_cost": float(diagonal[int(best, 2)]) if diagonal is not None else None}


PROGRAMS = {"sampler": sampler, "estimator": estimator, "vqe": vqe, "qaoa": qaoa}


def run_job(program: str, payload: dict, backend: str) -> dict:
    """Run a checked job payload; returns the JSON result (with the time it took)."""
    start = time.perf_counter()
    data = PROGRAMS[program](payload, backend)
    data["backend"] = backend
    data["program"] = program
    data["time_taken"] = time.perf_counter() - start
    if not all(math.isfinite(v) for v in data.get("values", [])):
        raise ValueError("an expectation value is not finite")
    return data
