"""One place that makes figures (object-oriented matplotlib) and saves them."""

from __future__ import annotations

from qfusion._optional import import_optional


def new_figure(width: float, height: float):
    """An empty ``matplotlib.figure.Figure`` of ``width`` x ``height`` inches."""
    figure_module = import_optional("matplotlib.figure", "plots")
    return figure_module.Figure(figsize=(width, height), layout="constrained")


def finish(figure, filename=None, title: str | None = None):
    """Set the title, save to ``filename`` when given (format from its extension), return the figure."""
    if title:
        figure.suptitle(title)
    if filename is not None:
        figure.savefig(filename)
    return figure
