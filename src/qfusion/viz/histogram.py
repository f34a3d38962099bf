"""Histograms of counts or probabilities, one result or several side by side.

>>> fig = plot_histogram([{"00": 500, "11": 500}, {"00": 480, "01": 20, "11": 500}], legend=["ideal", "noisy"])
>>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
['00', '01', '11']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from qfusion.errors import QfusionError
from qfusion.viz._figure import finish, new_figure


def _as_dicts(data) -> list[dict]:
    """Counts from a dict, a ``Result`` (``.counts``), or a list of them."""
    items = data if isinstance(data, Sequence) and not isinstance(data, (str, Mapping)) else [data]
    out = []
    for item in items:
        item = getattr(item, "counts", item)
        if not isinstance(item, Mapping):
            raise QfusionError(f"plot_histogram takes counts (a dict bitstring -> count, or a Result), or a list "
                               f"of them; got {type(item).__name__}")
        out.append({str(k): float(v) for k, v in item.items()})
    if not out:
        raise QfusionError("plot_histogram needs at least one set of counts")
    return out


def plot_histogram(data, *, legend: Sequence[str] | None = None, sort: str = "key", number_to_keep: int | None = None,
                   bar_labels: bool = True, title: str | None = None, figsize=None, filename=None,
                   probabilities: bool = False):
    """Bars of counts (or, with ``probabilities=True``, of frequencies) per bitstring, several results
    side by side (as Qiskit's ``plot_histogram``). ``data``: counts, a ``Result``, or a list of them.

    ``sort``: ``"key"`` (bitstring order), ``"value"`` (most frequent first, over all results);
    ``number_to_keep``: the most frequent outcomes shown, the rest summed into ``"rest"``.

    >>> fig = plot_histogram({"0": 3, "1": 1}, probabilities=True)
    >>> [round(float(p.get_height()), 2) for p in fig.axes[0].patches]
    [0.75, 0.25]
    """
    dicts = _as_dicts(data)
    if legend is not None and len(legend) != len(dicts):
        raise QfusionError(f"{len(dicts)} results but {len(legend)} legend entries")
    if sort not in ("key", "value"):
        raise QfusionError(f"sort is 'key' or 'value', got {sort!r}")
    if probabilities:
        dicts = [{k: v / (sum(d.values()) or 1.0) for k, v in d.items()} for d in dicts]
    keys = _keys(dicts, sort, number_to_keep)
    values = np.array([[d.get(k, 0.0) if k != "rest" else sum(v for kk, v in d.items() if kk not in keys)
                        for k in keys] for d in dicts])
    figure = new_figure(*(figsize or (max(4.0, 0.5 * len(keys) * len(dicts) + 1.5), 3.5)))
    axes = figure.add_subplot()
    width = 0.8 / len(dicts)
    positions = np.arange(len(keys))
    for j, row in enumerate(values):
        bars = axes.bar(positions + (j - (len(dicts) - 1) / 2) * width, row, width,
                        label=None if legend is None else legend[j])
        if bar_labels:
            axes.bar_label(bars, fmt="%.3g" if probabilities else "%g", fontsize=7)
    axes.set_xticks(positions, keys, rotation=70 if len(keys) > 8 else 0)
    axes.set_ylabel("probability" if probabilities else "counts")
    axes.set_xlabel("outcome (clbit 0 rightmost)")
    if legend is not None:
        axes.legend()
    return finish(figure, filename, title)


def plot_distribution(data, **kwargs):
    """:func:`plot_histogram` of frequencies (each result normalised to 1).

    >>> figure = plot_distribution({"00": 480, "11": 520})
    >>> [round(float(bar.get_height()), 2) for bar in figure.axes[0].patches]
    [0.48, 0.52]
    """
    return plot_histogram(data, probabilities=True, **kwargs)


def _keys(dicts: list[dict], sort: str, number_to_keep: int | None) -> list[str]:
    totals: dict[str, float] = {}
    for d in dicts:
        for k, v in d.items():
            totals[k] = totals.get(k, 0.0) + v
    keys = sorted(totals) if sort == "key" else sorted(totals, key=lambda k: (-totals[k], k))
    if number_to_keep is not None and len(keys) > number_to_keep:
        kept = set(sorted(totals, key=lambda k: (-totals[k], k))[:number_to_keep])
        keys = [k for k in keys if k in kept] + ["rest"]
    return keys
