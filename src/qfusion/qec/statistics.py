"""Logical error rates: sample detectors with stim, decode, count, with a binomial confidence interval.

>>> from qfusion.qec.codes import repetition_code
>>> result = logical_error_rate(repetition_code(3, rounds=3, noise="sd6:0.02"), shots=2000, seed=1)
>>> result.shots, 0.0 < result.rate < 0.2, result.ci_low <= result.rate <= result.ci_high
(2000, True, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from qfusion._optional import import_optional
from qfusion.circuit.circuit import Circuit
from qfusion.errors import QfusionError
from qfusion.qec.decoders import DECODERS, compile_decoder, custom_decoders

_BATCH = 50_000


@dataclass(frozen=True)
class LogicalErrorRate:
    """``errors`` of ``shots`` decoded wrongly; ``rate`` with its Wilson score interval at ``confidence``.

    >>> from qfusion.qec.codes import repetition_code
    >>> result = logical_error_rate(repetition_code(3, rounds=1, noise="code_capacity:0.1"), shots=1000, seed=1)
    >>> result.shots, result.decoder, result.ci_low < result.rate < result.ci_high
    (1000, 'pymatching', True)
    """
    errors: int
    shots: int
    rate: float
    ci_low: float
    ci_high: float
    decoder: str
    seconds: float
    confidence: float = 0.95

    def per_round(self, rounds: int) -> float:
        """The logical error rate per round, ``(1 - (1 - 2 rate)^(1/rounds)) / 2``.

        >>> result = LogicalErrorRate(errors=19, shots=100, rate=0.19, ci_low=0.12, ci_high=0.28, decoder="pymatching", seconds=0.0)
        >>> round(result.per_round(3), 6)  # (1 - 0.62 ** (1/3)) / 2
        0.073649
        """
        return per_round(self.rate, rounds)

    def __repr__(self) -> str:
        return (f"LogicalErrorRate(rate={self.rate:.3e} [{self.ci_low:.2e}, {self.ci_high:.2e}], "
                f"errors={self.errors}, shots={self.shots}, decoder={self.decoder!r})")


def per_round(rate: float, rounds: int) -> float:
    """A memory's logical error rate after ``rounds`` rounds as a rate per round.

    >>> round(per_round(0.18, 2), 4)
    0.1
    """
    return (1 - max(0.0, 1 - 2 * rate) ** (1 / rounds)) / 2


def wilson_interval(errors: int, shots: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion.

    >>> [round(x, 4) for x in wilson_interval(10, 100)]
    [0.0552, 0.1744]
    """
    if shots == 0:
        return 0.0, 1.0
    z = _normal_quantile(0.5 + confidence / 2)
    p = errors / shots
    centre = (p + z * z / (2 * shots)) / (1 + z * z / shots)
    half = z * math.sqrt(p * (1 - p) / shots + z * z / (4 * shots * shots)) / (1 + z * z / shots)
    return max(0.0, centre - half), min(1.0, centre + half)


def _normal_quantile(q: float) -> float:
    from statistics import NormalDist
    return NormalDist().inv_cdf(q)


def as_stim(circuit):
    """A ``stim.Circuit`` for a qfusion circuit (converted) or a stim one (as it is).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.qec.codes import repetition_code
    >>> converted = as_stim(repetition_code(3, rounds=1))
    >>> type(converted).__name__, converted.num_detectors, as_stim(converted) is converted
    ('Circuit', 4, True)
    """
    stim = import_optional("stim", "error-correction sampling")
    if isinstance(circuit, stim.Circuit):
        return circuit
    if isinstance(circuit, Circuit):
        from qfusion.interop.stim import to_stim
        converted = to_stim(circuit)
        if converted.num_detectors == 0 or converted.num_observables == 0:
            raise QfusionError("logical_error_rate needs a circuit with detectors and an observable "
                               "(build one with qf.qec.surface_code(...) or Circuit.detector/observable)")
        return converted
    raise QfusionError(f"expected a qfusion or stim circuit, got {type(circuit).__name__}")


def detector_error_model(circuit):
    """The circuit's ``stim.DetectorErrorModel``, errors decomposed into graph-like parts where possible.

    >>> from qfusion.qec.codes import repetition_code
    >>> dem = detector_error_model(repetition_code(3, rounds=1, noise="code_capacity:0.1"))
    >>> dem.num_detectors, dem.num_observables, dem.num_errors
    (4, 1, 3)
    """
    stim_circuit = as_stim(circuit)
    try:
        return stim_circuit.detector_error_model(decompose_errors=True, approximate_disjoint_errors=True)
    except ValueError:   # errors that do not decompose (color codes): fine for BP-OSD
        return stim_circuit.detector_error_model(approximate_disjoint_errors=True)


def logical_error_rate(circuit, *, shots: int = 100_000, max_errors: int | None = None,
                       decoder: str = "pymatching", workers: int = 1, seed=None,
                       confidence: float = 0.95) -> LogicalErrorRate:
    """Sample ``shots`` shots (fewer once ``max_errors`` logical errors are seen), decode each with
    ``decoder`` (``"pymatching"`` or ``"bposd"``), count wrong observables. ``workers > 1`` collects
    with sinter in that many processes (``seed`` then does not fix the result).

    >>> from qfusion.qec.codes import repetition_code
    >>> circuit = repetition_code(5, rounds=1, noise="code_capacity:0.05")
    >>> logical_error_rate(circuit, shots=2000, seed=3).errors < logical_error_rate(
    ...     repetition_code(3, rounds=1, noise="code_capacity:0.05"), shots=2000, seed=3).errors
    True
    """
    shots = _positive(shots, "shots")
    if max_errors is not None:
        max_errors = _positive(max_errors, "max_errors")
    if decoder not in DECODERS:
        raise QfusionError(f"unknown decoder {decoder!r}; decoders: {', '.join(DECODERS)}")
    workers = _positive(workers, "workers")
    stim_circuit = as_stim(circuit)
    start = time.perf_counter()
    if workers > 1:
        errors, done = _sinter_collect(stim_circuit, shots, max_errors, decoder, workers)
    else:
        errors, done = _serial(stim_circuit, shots, max_errors, decoder, seed)
    low, high = wilson_interval(errors, done, confidence)
    return LogicalErrorRate(errors, done, errors / done, low, high, decoder, time.perf_counter() - start, confidence)


def _positive(value, what: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise QfusionError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def _serial(stim_circuit, shots: int, max_errors, decoder: str, seed) -> tuple[int, int]:
    compiled = compile_decoder(decoder, detector_error_model(stim_circuit))
    sampler = stim_circuit.compile_detector_sampler(seed=seed)
    errors = done = 0
    while done < shots and (max_errors is None or errors < max_errors):
        batch = min(_BATCH, shots - done)
        detection_events, observables = sampler.sample(batch, separate_observables=True)
        predictions = compiled.decode(detection_events)
        errors += int(np.any(predictions != observables, axis=1).sum())
        done += batch
    return errors, done


def _sinter_collect(stim_circuit, shots: int, max_errors, decoder: str, workers: int) -> tuple[int, int]:
    sinter = import_optional("sinter", "parallel collection")
    task = sinter.Task(circuit=stim_circuit, detector_error_model=detector_error_model(stim_circuit))
    stats = sinter.collect(num_workers=workers, tasks=[task], decoders=[decoder], max_shots=shots,
                           max_errors=max_errors, custom_decoders=custom_decoders())
    return sum(s.errors for s in stats), sum(s.shots for s in stats)
