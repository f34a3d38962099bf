"""The server-side programs a job runs: sampler, estimator, VQE and QAOA, parameterised by JSON.

No user code runs here: a job names one of these programs and gives it data (circuits,
Pauli terms, an optimizer's name and settings), checked before by
:func:`qfusion.service.server.jobspec.check_submission`. Hybrid loops (VQE, QAOA) run next to the
backend, so each iteration costs no round trip to the user. The programs are thin JSON
wrappers around :mod:`qfusion.primitives` (Estimator) and :mod:`qfusion.algorithms` (vqe, qaoa).

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
from typing import Any

import numpy as np

from qfusion.circuit import Circuit
from qfusion.observables import PauliSum
from qfusion.service.client.wire import bind_by_name, decode_circuit

_BIG = 10**9


def _circuits(payload: dict) -> list[Circuit]:
    circuits = [decode_circuit(item, max_qubits=10_000, max_operations=_BIG, max_source_bytes=_BIG)
                for item in payload["circuits"]]
    parameters = payload.get("parameters")
    if isinstance(parameters, list):
        return [bind_by_name(c, values) for c, values in zip(circuits, parameters, strict=False)]
    if parameters is not None:
        return [bind_by_name(c, parameters) for c in circuits]
    return circuits


def _pauli_sum(terms) -> PauliSum:
    return PauliSum.from_list([(label, coeff) for label, coeff in terms])


def sampler(payload: dict, backend: str) -> dict:
    """Counts of every circuit (``qfusion.run`` with seed ``seed + i`` for circuit ``i``); on the worker's
    Dask cluster (``qfusion worker --dask``) when the job has several circuits.

    >>> payload = {"circuits": ['OPENQASM 3; include "stdgates.inc"; qubit[2] q; bit[2] c; x q[1]; c = measure q;'],
    ...            "shots": 20, "seed": 7}
    >>> [(r["counts"], r["seed"]) for r in sampler(payload, "statevector")["results"]]     # clbit 0 rightmost
    [({'10': 20}, 7)]
    """
    from qfusion.backends import run
    from qfusion.service.worker.cluster import dask_cluster
    circuits = _circuits(payload)
    cluster = dask_cluster() if len(circuits) > 1 else None
    if cluster is not None:
        from qfusion import hpc
        seeds = [payload["seed"] + i for i in range(len(circuits))]
        results = hpc.map(circuits, backend=backend, shots=payload["shots"], seeds=seeds, cluster=cluster,
                          progress=False)
        return {"results": [{"counts": dict(r.counts), "shots": r.shots, "seed": seed, "time_taken": r.time_taken}
                            for r, seed in zip(results, seeds, strict=True)], "cluster": True}
    out = []
    for index, circuit in enumerate(circuits):
        seed = payload["seed"] + index
        result = run(circuit, shots=payload["shots"], backend=backend, seed=seed)
        out.append({"counts": dict(result.counts), "shots": result.shots, "seed": seed,
                    "time_taken": result.time_taken,
                    **({"ranks": result.metadata["ranks"]} if "ranks" in result.metadata else {})})
    return {"results": out}


def _shots(options: dict):
    """``options.shots``: None (exact, the default) or the shots per measured group."""
    return options.get("shots")


def estimator(payload: dict, backend: str) -> dict:
    """Expectation values of each circuit's observable (:class:`qfusion.primitives.Estimator`):
    exact by default, or measured with ``options.shots`` (with standard errors).

    >>> payload = {"circuits": ['OPENQASM 3; qubit q;'], "parameters": None, "seed": 1,
    ...            "options": {"observables": [[["Z", 2.0]]]}}
    >>> estimator(payload, "statevector")["values"]
    [2.0]
    """
    from qfusion.primitives import Estimator
    from qfusion.service.server.jobspec import build_technique
    options = payload["options"]
    techniques = [build_technique(entry) for entry in options.get("mitigation") or []]
    engine = Estimator(backend, shots=_shots(options), seed=payload["seed"], mitigation=techniques or None)
    values, errors, raw, raw_errors, spent = [], [], [], [], [0, 0]
    for circuit, terms in zip(_circuits(payload), options["observables"], strict=True):
        found = engine.run(circuit, _pauli_sum(terms))
        values.append(float(np.asarray(found.values).reshape(-1)[0]))
        errors.append(float(np.asarray(found.std_errors).reshape(-1)[0]))
        if techniques:
            raw.append(float(np.asarray(found.metadata["raw_values"]).reshape(-1)[0]))
            raw_errors.append(float(np.asarray(found.metadata["raw_std_errors"]).reshape(-1)[0]))
            spent[0] += int(found.metadata["circuits_executed"])
            spent[1] += int(found.metadata["shots_executed"])
    out: dict[str, Any] = {"values": values, "standard_errors": errors}
    if techniques:
        out.update(raw_values=raw, raw_standard_errors=raw_errors, circuits_executed=spent[0],
                   shots_executed=spent[1], mitigation=[repr(t) for t in techniques])
    return out


_METHODS = {"cobyla": "COBYLA", "nelder-mead": "Nelder-Mead", "powell": "Powell", "l-bfgs-b": "L-BFGS-B",
            "spsa": "SPSA"}


def _adjoint(backend: str) -> bool:
    """Whether ``backend`` declares adjoint gradients (and exact states, which they need)."""
    from qfusion.backends import get
    capabilities = get(backend).capabilities
    return bool(capabilities.adjoint and capabilities.exact)


def _method(options: dict, backend: str) -> str:
    """The optimiser: the job's choice, else L-BFGS-B where the backend has adjoint gradients, else COBYLA."""
    return _METHODS[options["optimizer"] or ("l-bfgs-b" if _adjoint(backend) else "cobyla")]


def vqe(payload: dict, backend: str) -> dict:
    """:func:`qfusion.algorithms.vqe` of the ansatz and observable; the whole loop runs here.

    With L-BFGS-B (the default on backends with adjoint gradients: ``statevector``, ``gpu``) energies and gradients come from one adjoint
    sweep; gradient-free optimisers (COBYLA, Nelder-Mead, Powell, SPSA) use energies only.
    """
    from qfusion.algorithms import vqe as run_vqe
    options = payload["options"]
    [ansatz] = [decode_circuit(item, max_qubits=10_000, max_operations=_BIG, max_source_bytes=_BIG)
                for item in payload["circuits"]]
    method = _method(options, backend)
    gradient = None if method != "L-BFGS-B" else ("adjoint" if _adjoint(backend) else "parameter_shift")
    found = run_vqe(_pauli_sum(options["observable"]), ansatz, initial_point=options["initial_point"],
                    optimizer=method, gradient=gradient, backend=backend, shots=_shots(options),
                    seed=payload["seed"], maxiter=options["maxiter"])
    names = [p.name for p in ansatz.parameters]
    return {"energy": float(found.eigenvalue), "parameters": dict(zip(names, map(float, found.parameters), strict=False)),
            "evaluations": int(found.cost_function_evals), "iterations": int(found.iterations),
            "converged": bool(found.converged), "message": found.message, "optimizer": method,
            "history": [float(v) for v in found.history]}


def qaoa(payload: dict, backend: str) -> dict:
    """:func:`qfusion.algorithms.qaoa` for a Z-only cost: optimal angles, the most likely bitstring
    (qubit 0 rightmost) with its cost, the probability of an optimum and the top probabilities."""
    from qfusion.algorithms import qaoa as run_qaoa
    options = payload["options"]
    initial = options["initial_point"]
    reps = options["reps"]
    found = run_qaoa(_pauli_sum(options["cost"]), reps,
                     initial_point=None if initial is None else (initial[:reps], initial[reps:]),
                     optimizer=_method(options, backend), maxiter=options["maxiter"], backend=backend,
                     shots=_shots(options), seed=payload["seed"])
    return {"energy": float(found.eigenvalue), "gammas": [float(v) for v in found.gammas],
            "betas": [float(v) for v in found.betas], "best_bitstring": found.best_bitstring,
            "best_cost": float(found.best_cost), "optimum_probability": float(found.optimum_probability),
            "probabilities": {k: float(v) for k, v in found.probabilities.items()},
            "evaluations": int(found.cost_function_evals), "history": [float(v) for v in found.history]}


PROGRAMS = {"sampler": sampler, "estimator": estimator, "vqe": vqe, "qaoa": qaoa}


def run_job(program: str, payload: dict, backend: str) -> dict:
    """Run a checked job payload; returns the JSON result (with the time it took).

    >>> payload = {"circuits": ['OPENQASM 3; qubit q; bit c; c = measure q;'], "shots": 5, "seed": 1}
    >>> data = run_job("sampler", payload, "statevector")
    >>> data["program"], data["backend"], data["results"][0]["counts"], data["time_taken"] >= 0
    ('sampler', 'statevector', {'0': 5}, True)
    """
    start = time.perf_counter()
    data = PROGRAMS[program](payload, backend)
    data["backend"] = backend
    data["program"] = program
    data["time_taken"] = time.perf_counter() - start
    if not all(math.isfinite(v) for v in data.get("values", [])):
        raise ValueError("an expectation value is not finite")
    return data
