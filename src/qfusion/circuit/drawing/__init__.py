"""Circuit drawings: text (what ``print(circuit)`` shows) and matplotlib figures.

>>> from qfusion.circuit import Circuit
>>> c = Circuit(2).h(0).cx(0, 1)
>>> print(draw(c))
q0: ─H──■──
        │
q1: ────⊕──
>>> draw(c, "text") == str(c)
True
"""

from __future__ import annotations

from qfusion.errors import CircuitError

__all__ = ["draw"]


def draw(circuit, output: str = "text", **kwargs):
    """Draw ``circuit`` as ``"text"`` (a string; ``fold=80`` characters per page, ``None`` never folds)
    or ``"mpl"`` (a ``matplotlib.figure.Figure``; ``filename=`` also saves it, ``scale=`` sizes it).

    >>> from qfusion.circuit import Circuit
    >>> figure = draw(Circuit(1).h(0).measure_all(), "mpl")
    >>> type(figure).__name__
    'Figure'
    """
    if output == "text":
        from qfusion.circuit.drawing.text import draw_text
        return draw_text(circuit, **kwargs)
    if output == "mpl":
        from qfusion.circuit.drawing.mpl import draw_mpl
        return draw_mpl(circuit, **kwargs)
    raise CircuitError(f"unknown drawing output {output!r}; use 'text' or 'mpl'")
