"""Threshold studies: a grid of distances and physical error rates collected with sinter, resumable
from a CSV, with the fitted threshold and the error suppression factor Λ.

The threshold is where the per-round logical error rates of consecutive distances cross
(interpolated in log-log, averaged over the pairs); ``Λ(p) = (ε_d / ε_d')^(2 / (d' - d))`` per
distance step of 2, averaged geometrically over the pairs.

>>> result = threshold("surface", [3, 5], [0.04, 0.2], noise="bit_flip", rounds=1,
...                    shots=4000, max_errors=400, workers=1, progress=False)
>>> len(result.rows), 0.04 < result.threshold < 0.2, result.suppression[0.04] > 1
(4, True, True)
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

from qfusion._optional import import_optional
from qfusion.errors import QfusionError
from qfusion.qec.codes import build
from qfusion.qec.decoders import DECODERS, custom_decoders
from qfusion.qec.noise import parse
from qfusion.qec.statistics import detector_error_model, per_round, wilson_interval


@dataclass(frozen=True)
class ThresholdRow:
    """One task's statistics: ``rate`` per shot, ``per_round`` per round, Wilson interval of ``rate``.

    >>> row = ThresholdRow("surface", 3, 0.01, 3, 1000, 30, 0.03, 0.02, 0.04, 0.0102, 0.5)
    >>> row.distance, row.p, row.per_round
    (3, 0.01, 0.0102)
    """
    code: str
    distance: int
    p: float
    rounds: int
    shots: int
    errors: int
    rate: float
    ci_low: float
    ci_high: float
    per_round: float
    seconds: float


@dataclass(frozen=True)
class ThresholdResult:
    """The table (``rows``), the fitted ``threshold`` (None when the curves do not cross in range) and
    ``suppression`` (``{p: Λ}``).

    >>> rows = (ThresholdRow("surface", 3, 0.01, 3, 1000, 30, 0.03, 0.02, 0.04, 0.0102, 0.5),)
    >>> ThresholdResult(rows, None)
          code   d         p rounds     shots  errors  per round
       surface   3      0.01      3      1000      30  1.020e-02
    threshold: none in range; Λ: -
    """
    rows: tuple[ThresholdRow, ...]
    threshold: float | None
    suppression: dict = field(default_factory=dict)
    decoder: str = "pymatching"

    def __repr__(self) -> str:
        lines = [f"{'code':>10} {'d':>3} {'p':>9} {'rounds':>6} {'shots':>9} {'errors':>7} {'per round':>10}"]
        for r in self.rows:
            lines.append(f"{r.code:>10} {r.distance:>3} {r.p:>9.4g} {r.rounds:>6} {r.shots:>9} {r.errors:>7} "
                         f"{r.per_round:>10.3e}")
        shown = "none in range" if self.threshold is None else f"{self.threshold:.4g}"
        lambdas = ", ".join(f"p={p:g}: {v:.2f}" for p, v in self.suppression.items())
        return "\n".join(lines + [f"threshold: {shown}; Λ: {lambdas or '-'}"])

    def to_dicts(self) -> list[dict]:
        """The rows as dicts (for JSON, pandas).

        >>> rows = (ThresholdRow("surface", 3, 0.01, 3, 1000, 30, 0.03, 0.02, 0.04, 0.0102, 0.5),)
        >>> ThresholdResult(rows, None).to_dicts()[0]["errors"]
        30
        """
        return [dict(r.__dict__) for r in self.rows]


def _task(sinter, code, distance, p, rounds, basis, noise_family, decoder):
    noise = (f"device:{noise_family.split(':', 1)[1]}" if noise_family.startswith("device:")
             else f"{noise_family}:{p}")
    model = parse(noise)
    if noise_family.startswith("device:"):
        from qfusion.qec.noise import device
        model = device(noise_family.split(":", 1)[1], scale=p)
    circuit = build(code, distance, rounds, basis, model)
    from qfusion.interop.stim import to_stim
    stim_circuit = to_stim(circuit)
    metadata = {"code": code, "d": distance, "p": p, "r": rounds, "basis": basis, "noise": noise_family}
    return sinter.Task(circuit=stim_circuit, detector_error_model=detector_error_model(stim_circuit),
                       decoder=decoder, json_metadata=metadata)


def threshold(code: str, distances, ps, *, noise: str = "sd6", rounds=None, basis: str = "Z",
              shots: int = 100_000, max_errors: int = 200, decoder: str = "pymatching", workers: int | None = None,
              resume: str | os.PathLike | None = None, progress: bool = True, client=None) -> ThresholdResult:
    """Collect every (distance, p) of ``code`` under the ``noise`` family (``"sd6"``, ``"si1000"``,
    ``"code_capacity"``, ``"bit_flip"``, ``"phenomenological"``, or ``"device:NAME"`` where p scales the
    device's errors) for ``rounds`` rounds (default: the distance); ``resume`` is a CSV that finished
    tasks are read from and new ones saved to; ``progress`` shows a bar. Tasks run in ``workers`` processes
    with sinter, or on a Dask cluster when ``client`` (a ``dask.distributed.Client``) is given.

    >>> threshold("surface", [3, 5], [0.01], decoder="magic")  # checked before anything runs
    Traceback (most recent call last):
        ...
    qfusion.errors.QfusionError: unknown decoder 'magic'; decoders: pymatching, bposd
    """
    sinter = import_optional("sinter", "threshold studies")
    distances, ps = [int(d) for d in distances], [float(p) for p in ps]
    if not distances or not ps:
        raise QfusionError("threshold needs at least one distance and one p")
    for p in ps:
        parse(f"sd6:{p}")       # checks 0 <= p <= 1
    if decoder not in DECODERS:
        raise QfusionError(f"unknown decoder {decoder!r}; decoders: {', '.join(DECODERS)}")
    tasks = [_task(sinter, code, d, p, int(rounds or d), basis, noise, decoder) for d in distances for p in ps]
    bar = _progress_bar(len(tasks) * shots, progress)
    if client is not None:
        from qfusion.qec.cluster import collect
        stats = collect(client, tasks, shots=shots, max_errors=max_errors, decoder=decoder, resume=resume,
                        progress=bar.bar.update if bar else None)
    else:
        stats = sinter.collect(num_workers=workers or os.cpu_count() or 1, tasks=tasks, decoders=[decoder],
                               max_shots=shots, max_errors=max_errors, custom_decoders=custom_decoders(),
                               save_resume_filepath=resume, progress_callback=bar.update if bar else None)
    if bar:
        bar.close()
    rows = sorted((_row(s) for s in stats), key=lambda r: (r.distance, r.p))
    return ThresholdResult(tuple(rows), fit_threshold(rows), suppression(rows), decoder)


class _Bar:
    def __init__(self, total: int):
        tqdm = import_optional("tqdm").tqdm
        self.bar = tqdm(total=total, unit="shot", desc="threshold", unit_scale=True)

    def update(self, progress) -> None:
        self.bar.update(sum(s.shots for s in progress.new_stats))

    def close(self) -> None:
        self.bar.close()


def _progress_bar(total: int, enabled: bool):
    return _Bar(total) if enabled else None


def _row(stats) -> ThresholdRow:
    m = stats.json_metadata
    low, high = wilson_interval(stats.errors, stats.shots)
    rate = stats.errors / stats.shots if stats.shots else 0.0
    return ThresholdRow(m["code"], int(m["d"]), float(m["p"]), int(m["r"]), stats.shots, stats.errors, rate,
                        low, high, per_round(rate, int(m["r"])), stats.seconds)


def _curves(rows) -> dict[int, dict[float, float]]:
    curves: dict[int, dict[float, float]] = {}
    for r in rows:
        if r.errors > 0:
            curves.setdefault(r.distance, {})[r.p] = r.per_round
    return curves


def fit_threshold(rows) -> float | None:
    """Where the per-round rates of consecutive distances cross (log-log interpolation), averaged.

    >>> def row(d, p, per_round):
    ...     return ThresholdRow("surface", d, p, 1, 1000, 10, per_round, 0, 0, per_round, 0.0)
    >>> rows = [row(3, 0.01, 0.02), row(3, 0.1, 0.2), row(5, 0.01, 0.01), row(5, 0.1, 0.4)]
    >>> round(fit_threshold(rows), 6)  # the d=5 curve crosses the d=3 one between 0.01 and 0.1
    0.031623
    """
    curves = _curves(rows)
    distances = sorted(curves)
    crossings = []
    for small, large in zip(distances, distances[1:], strict=False):
        common = sorted(set(curves[small]) & set(curves[large]))
        gaps = [(p, math.log(curves[large][p] / curves[small][p])) for p in common]
        for (p0, g0), (p1, g1) in zip(gaps, gaps[1:], strict=False):
            if g0 < 0 <= g1:
                t = -g0 / (g1 - g0)
                crossings.append(math.exp(math.log(p0) + t * (math.log(p1) - math.log(p0))))
                break
    return math.exp(sum(math.log(c) for c in crossings) / len(crossings)) if crossings else None


def suppression(rows) -> dict[float, float]:
    """``{p: Λ}``: how much each 2 steps of distance divide the per-round logical error rate.

    >>> def row(d, p, per_round):
    ...     return ThresholdRow("surface", d, p, 1, 1000, 10, per_round, 0, 0, per_round, 0.0)
    >>> suppression([row(3, 0.001, 0.01), row(5, 0.001, 0.0025)])  # d 3 -> 5 divides the rate by 4
    {0.001: 4.0}
    """
    curves = _curves(rows)
    distances = sorted(curves)
    out = {}
    for p in sorted({p for c in curves.values() for p in c}):
        logs = [math.log(curves[a][p] / curves[b][p]) * 2 / (b - a)
                for a, b in zip(distances, distances[1:], strict=False) if p in curves[a] and p in curves[b]]
        if logs:
            out[p] = math.exp(sum(logs) / len(logs))
    return out


def plot_threshold(result: ThresholdResult, ax=None, filename=None):
    """Per-round logical error rate against p, one line per distance, with the Wilson intervals and the
    fitted threshold; returns the matplotlib Figure (saved to ``filename`` when given).

    >>> def row(d, p, per_round):
    ...     return ThresholdRow("surface", d, p, 1, 1000, 10, per_round, per_round / 2, 2 * per_round, per_round, 0.0)
    >>> result = ThresholdResult((row(3, 0.01, 0.02), row(5, 0.01, 0.01)), None)
    >>> figure = plot_threshold(result)
    >>> [line.get_label() for line in figure.axes[0].containers]
    ['d=3', 'd=5']
    """
    import_optional("matplotlib", "plots")
    import matplotlib.pyplot as plt
    figure = ax.figure if ax is not None else plt.figure(figsize=(5, 4))
    ax = ax or figure.add_subplot()
    for d in sorted({r.distance for r in result.rows}):
        rows = [r for r in result.rows if r.distance == d]
        ps = [r.p for r in rows]
        ys = [r.per_round for r in rows]
        low = [y - per_round(r.ci_low, r.rounds) for y, r in zip(ys, rows, strict=True)]
        high = [per_round(r.ci_high, r.rounds) - y for y, r in zip(ys, rows, strict=True)]
        ax.errorbar(ps, ys, yerr=[low, high], marker="o", capsize=2, label=f"d={d}")
    if result.threshold is not None:
        ax.axvline(result.threshold, color="gray", linestyle="--", label=f"threshold {result.threshold:.3g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("physical error rate p")
    ax.set_ylabel("logical error rate per round")
    ax.legend()
    if filename is not None:
        figure.savefig(filename, bbox_inches="tight")
    return figure
