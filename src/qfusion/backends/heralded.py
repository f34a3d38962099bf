"""Heralded entangling gates, repeated until they succeed, sampled shot by shot.

A photonic entangling gate is attempted, and a detector heralds whether it worked
(``PhotonicLinks.entangling_success_probability``). It is repeated until it does, so in each
shot every such gate takes a random number ``K >= 1`` of attempts, geometric with that success
probability. Each attempt lasts ``attempt_duration`` and may lose each photon
(``loss_per_attempt``, a heralded erasure); a failed attempt is modelled as leaving the qubits'
state as it was (up to that loss and relaxation), the successful one applies the gate with its
calibrated error. The calibrated gate duration stays the *expected* cost
(``attempt_duration / success``): that is what the transpiler's schedule reports.

:func:`sample_attempts` draws ``K`` for every shot and heralded gate; shots that drew the same
attempts share one simulation (:func:`group_shots`), or all the shots run as one batch of
trajectories (:mod:`qfusion.backends.heralded_trajectories`), and each shot has its own duration
(:func:`asap_durations`), so a run reports the distribution of durations (:func:`duration_summary`).

>>> import numpy as np
>>> attempts = sample_attempts(num_gates=2, shots=5, probability=0.75, rng=np.random.default_rng(1))
>>> attempts.shape, int(attempts.min()) >= 1
((5, 2), True)
>>> patterns, shots_of = group_shots(attempts)
>>> sum(len(s) for s in shots_of) == 5
True
"""

from __future__ import annotations

import dataclasses

import numpy as np

from qfusion.circuit.gates import Gate

PERCENTILES = (50, 90, 99)


def heralded_positions(instructions, device) -> tuple[int, ...]:
    """Indices of the instructions that are heralded entangling gates (none off photonic devices).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices import get
    >>> from qfusion.transpiler import transpile
    >>> tc = transpile(Circuit(2).h(0).cx(0, 1), "photonic", seed=1)
    >>> len(heralded_positions(tc.instructions, get("photonic"))), heralded_positions(tc.instructions, get("trapped_ion"))
    (1, ())
    """
    if device.photonics is None:
        return ()
    return tuple(i for i, inst in enumerate(instructions)
                 if isinstance(inst.operation, Gate) and inst.operation.name == device.entangler)


def sample_attempts(num_gates: int, shots: int, probability: float, rng) -> np.ndarray:
    """``(shots, num_gates)`` attempt counts, each geometric: ``P(K = k) = p (1 - p)^(k - 1)``.

    >>> import numpy as np
    >>> attempts = sample_attempts(2, 1000, 0.5, np.random.default_rng(1))
    >>> attempts.shape, int(attempts.min()), round(float(attempts.mean()), 1)  # mean 1 / p
    ((1000, 2), 1, 2.0)
    """
    return rng.geometric(probability, size=(int(shots), int(num_gates))).astype(np.int64)


def group_shots(attempts: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct rows of ``attempts`` and, for each, the shots that drew it.

    >>> import numpy as np
    >>> patterns, shots = group_shots(np.array([[1, 2], [1, 1], [1, 2]]))
    >>> patterns.tolist(), [s.tolist() for s in shots]
    ([[1, 1], [1, 2]], [[1], [0, 2]])
    """
    patterns, inverse = np.unique(attempts, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(patterns) + 1))
    return patterns, [order[bounds[k]:bounds[k + 1]] for k in range(len(patterns))]


def asap_durations(instructions, num_qubits: int, durations: np.ndarray, moves=()) -> np.ndarray:
    """The ASAP duration of ``instructions`` for each row of ``durations`` (one duration per
    instruction: what each heralded gate took in one shot), with atom ``moves``: what
    :func:`qfusion.transpiler.scheduling.schedule_circuit` gives as ``duration``, for many rows at once.

    >>> from qfusion.circuit import Circuit
    >>> c = Circuit(2).x(0).cx(0, 1).x(1)
    >>> asap_durations(c.instructions, 2, np.array([[1.0, 2.0, 1.0], [1.0, 5.0, 1.0]])).tolist()
    [4.0, 7.0]
    """
    durations = np.asarray(durations, dtype=float)
    free = np.zeros((len(durations), int(num_qubits)))
    moves_before: dict[int, list] = {}
    for move in moves:
        moves_before.setdefault(move.before, []).append(move)
    for index, inst in enumerate(instructions):
        for move in moves_before.get(index, ()):
            free[:, move.qubit] += move.duration
        qubits = list(inst.qubits)
        start = free[:, qubits].max(axis=1) if qubits else np.zeros(len(durations))
        free[:, qubits] = (start + durations[:, index])[:, None]
    return free.max(axis=1, initial=0.0)


def per_attempt_device(device):
    """``device`` with its entangler calibrated per attempt: the duration and loss of one attempt,
    the calibrated error (what the successful attempt adds).

    >>> from qfusion.devices import get
    >>> device = get("photonic")
    >>> per_attempt_device(device).gate_duration("cz", (0, 1)) == device.photonics.attempt_duration
    True
    """
    links = device.photonics
    gates = tuple(dataclasses.replace(g, duration=links.attempt_duration, erasure=links.loss_per_attempt)
                  if g.name == device.entangler else g for g in device.gates)
    return dataclasses.replace(device, gates=gates)


def duration_summary(durations: np.ndarray, expected: float) -> dict:
    """Mean, spread and percentiles of per-shot durations (s), beside the schedule's expectation.

    >>> duration_summary(np.array([1.0, 2.0, 3.0, 10.0]), 4.0)["p50"]
    2.5
    """
    durations = np.asarray(durations, dtype=float)
    summary = {"mean": float(durations.mean()), "std": float(durations.std()),
               "min": float(durations.min()), "max": float(durations.max())}
    summary.update({f"p{q}": float(np.percentile(durations, q)) for q in PERCENTILES})
    summary["expected"] = float(expected)
    return summary


def attempt_summary(attempts: np.ndarray, probability: float) -> dict:
    """How many attempts the heralded gates took over all shots: the histogram, its mean, and the
    geometric distribution's mean ``1 / p`` to compare with.

    >>> import numpy as np
    >>> attempt_summary(np.array([[1, 2], [1, 1]]), 0.5)
    {'gates_per_shot': 2, 'success_probability': 0.5, 'mean': 1.25, 'expected_mean': 2.0, 'histogram': {1: 3, 2: 1}}
    """
    values, counts = np.unique(attempts, return_counts=True)
    return {"gates_per_shot": int(attempts.shape[1]), "success_probability": float(probability),
            "mean": float(attempts.mean()), "expected_mean": 1 / float(probability),
            "histogram": {int(v): int(c) for v, c in zip(values, counts, strict=False)}}


def merge_erasures(parts: list[tuple[dict, int]]) -> dict | None:
    """Erasure metadata of shot groups merged: counted shots add up (trajectories), expected
    values average with the groups' shot counts as weights (density matrix).

    >>> merge_erasures([({}, 10)]) is None
    True
    """
    found = [(m["erasures"], n) for m, n in parts if "erasures" in m]
    if not found:
        return None
    total = sum(n for _, n in parts)
    if "shots_with_erasure" in found[0][0]:
        per_qubit: dict = {}
        for erasures, _ in found:
            for q, c in erasures["shots_per_qubit"].items():
                per_qubit[q] = per_qubit.get(q, 0) + c
        return {"shots_with_erasure": sum(e["shots_with_erasure"] for e, _ in found), "shots_per_qubit": per_qubit}
    expected: dict = {}
    for erasures, n in found:
        for q, value in erasures["expected_per_qubit"].items():
            expected[q] = expected.get(q, 0.0) + value * n / total
    return {"expected_per_qubit": expected,
            "probability_any": sum(e["probability_any"] * n for e, n in found) / total,
            "events": max(e["events"] for e, _ in found)}
