"""Curves: an optimiser's trace (VQE, QAOA, anything with ``history``) and benchmark decays
(randomized-benchmarking survival with its fit, quantum-volume heavy-output probabilities).

>>> fig = plot_convergence([-0.5, -0.9, -1.1, -1.13], reference=-1.137)
>>> fig.axes[0].get_xlabel(), len(fig.axes[0].lines)
('iteration', 2)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qfusion.errors import QfusionError
from qfusion.viz._figure import finish, new_figure


def _history(result) -> np.ndarray:
    values = getattr(result, "history", result)
    try:
        values = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise QfusionError(f"plot_convergence takes a result with .history (VQE, QAOA, ADAPT) or a sequence of "
                           f"values; got {type(result).__name__}") from None
    if values.size == 0:
        raise QfusionError("the result has an empty history: nothing to plot")
    return values


def plot_convergence(results, *, reference: float | None = None, labels: Sequence[str] | None = None,
                     ylabel: str = "energy / cost", log_error: bool = False, title: str | None = None,
                     figsize=None, filename=None):
    """The value after each iteration of one or several results (``VQEResult``, ``QAOAResult``, a list
    of values); ``reference`` (an exact energy) draws a dashed line, and with ``log_error`` the
    y axis is ``|value - reference|`` on a log scale.

    >>> fig = plot_convergence([1.0, 0.1, 0.01], reference=0.0, log_error=True)
    >>> fig.axes[0].get_yscale()
    'log'
    """
    many = isinstance(results, (list, tuple)) and results and not np.isscalar(results[0])
    runs = [_history(r) for r in (results if many else [results])]
    if labels is not None and len(labels) != len(runs):
        raise QfusionError(f"{len(runs)} results but {len(labels)} labels")
    if log_error and reference is None:
        raise QfusionError("log_error needs reference= (the exact value)")
    figure = new_figure(*(figsize or (6.0, 3.8)))
    axes = figure.add_subplot()
    for j, values in enumerate(runs):
        shown = np.abs(values - reference) if log_error else values
        axes.plot(np.arange(1, len(values) + 1), shown, marker="." if len(values) < 60 else None,
                  label=None if labels is None else labels[j])
    if reference is not None and not log_error:
        axes.axhline(reference, color="0.3", linestyle="--", linewidth=1, label="reference")
    if log_error:
        axes.set_yscale("log")
        axes.set_ylabel(f"|{ylabel} - reference|")
    else:
        axes.set_ylabel(ylabel)
    axes.set_xlabel("iteration")
    if labels is not None or (reference is not None and not log_error):
        axes.legend()
    return finish(figure, filename, title)


def plot_decay(result, *, title: str | None = None, figsize=None, filename=None):
    """A benchmark's decay: for an ``RBResult``, each sequence's survival probability against the
    number of Cliffords, their mean and the fit ``A α^m + B`` (error per Clifford in the legend);
    for a ``QuantumVolumeResult``, the heavy-output probability of each trial with the running
    mean, its two-sigma lower bound and the 2/3 threshold.

    >>> from qfusion.algorithms.characterization import RBResult
    >>> result = RBResult(1, (1, 10), ((1.0, 0.99), (0.9, 0.92)), 0.99, 0.001, 0.5, 0.5, 0.005, {})
    >>> figure = plot_decay(result, title="RB")
    >>> type(figure).__name__, len(figure.axes[0].lines) > 0
    ('Figure', True)
    """
    figure = new_figure(*(figsize or (6.0, 3.8)))
    axes = figure.add_subplot()
    if hasattr(result, "survival_probabilities"):
        lengths = np.asarray(result.lengths, dtype=float)
        for m, survival in zip(lengths, result.survival_probabilities, strict=False):
            axes.scatter(np.full(len(survival), m), survival, s=8, color="0.6")
        axes.plot(lengths, [np.mean(s) for s in result.survival_probabilities], "o", color="tab:blue", label="mean")
        fine = np.linspace(0, lengths.max(), 200)
        axes.plot(fine, result.amplitude * result.alpha ** fine + result.offset, color="tab:red",
                  label=f"fit: α = {result.alpha:.5f}, EPC = {result.error_per_clifford:.2e}")
        axes.set_xlabel("Clifford length m")
        axes.set_ylabel("survival probability")
        axes.set_ylim(0, 1.02)
    elif hasattr(result, "heavy_output_probabilities"):
        values = np.asarray(result.heavy_output_probabilities, dtype=float)
        trials = np.arange(1, len(values) + 1)
        running = np.cumsum(values) / trials
        spread = np.sqrt(np.maximum(running * (1 - running), 0) / trials)
        axes.plot(trials, values, ".", color="0.6", label="trial")
        axes.plot(trials, running, color="tab:blue", label="mean")
        axes.fill_between(trials, running - 2 * spread, running + 2 * spread, alpha=0.2, color="tab:blue",
                          label="±2σ")
        axes.axhline(2 / 3, color="tab:red", linestyle="--", label="2/3 threshold")
        axes.set_xlabel("trial")
        axes.set_ylabel("heavy-output probability")
        verdict = "passed" if result.passed else "not passed"
        axes.set_title(f"quantum volume, {result.num_qubits} qubits: {verdict}")
    else:
        raise QfusionError(f"plot_decay takes an RBResult or a QuantumVolumeResult, got {type(result).__name__}")
    axes.legend(fontsize=8)
    return finish(figure, filename, title)
