"""Text drawings: one line per wire, a line between wires for the vertical links.

>>> from qfusion.circuit import Circuit
>>> print(draw_text(Circuit(2).h(0).cx(0, 1).measure_all()))
q0: ─H──■──M─────
        │  ║
q1: ────⊕──╫──M──
           ║  ║
 c: ═══════╩══╩══
           0  1
"""

from __future__ import annotations

from qfusion.circuit.circuit import Circuit
from qfusion.circuit.drawing.layout import Layout, layout
from qfusion.errors import CircuitError

_SYMBOLS = {"control": "■", "open_control": "○", "target": "⊕", "swap": "×", "measure": "M",
            "meter_target": "╩", "condition": "■", "barrier": "░"}


def draw_text(circuit: Circuit, fold: int | None = 80) -> str:
    """The circuit as text, folded into pages of at most ``fold`` characters (``None`` or ``-1``: never).

    Gates on disjoint wires share a column; ``■`` is a control (``○`` an open one), ``⊕`` the target of
    an X, ``×`` a swap, ``M`` a measurement whose double line ends on its register above the bit's index,
    ``░`` a barrier; a conditioned gate has a double line down to the registers it tests, with the
    condition (``c==1``) written under them. Folded pages end with ``»`` and continue after ``«``.

    >>> print(draw_text(Circuit(3).rz(0.5, 0).swap(1, 2).barrier().ccx(0, 1, 2)))
    q0: ─Rz(0.5)──░──■──
                  ░  │
    q1: ────×─────░──■──
            │     ░  │
    q2: ────×─────░──⊕──
    """
    if fold is not None and fold != -1 and fold < 10:
        raise CircuitError(f"fold must be at least 10 characters (or None to never fold), got {fold}")
    plan = layout(circuit)
    header = [f"global phase: {plan.global_phase}"] if plan.global_phase else []
    if not plan.labels:
        return "\n".join(header)
    columns = [_render_column(plan, column) for column in plan.columns]
    num_lines = 2 * len(plan.labels)
    if not any(cells[-1].strip() for cells in columns):
        num_lines -= 1  # no text under the last wire
    width = max(len(label) for label in plan.labels)
    prefixes = [f"{label:>{width}}: " if line % 2 == 0 else " " * (width + 2)
                for line, label in ((line, plan.labels[line // 2]) for line in range(num_lines))]
    pages = _pages([len(cells[0]) for cells in columns], width + 2, fold)
    blocks = []
    for number, (start, stop) in enumerate(pages):
        lines = []
        for line in range(num_lines):
            fill = _fill(plan, line)
            text = ("«" if number else "") + prefixes[line] + "".join(c[line] for c in columns[start:stop])
            text += fill if columns else fill * 2
            lines.append(text + ("»" if number < len(pages) - 1 else ""))
        blocks.append("\n".join(lines))
    return "\n".join(header + ["\n\n".join(blocks)])


def _fill(plan: Layout, line: int) -> str:
    if line % 2:
        return " "
    return "═" if plan.is_classical(line // 2) else "─"


def _pages(widths: list[int], prefix: int, fold: int | None) -> list[tuple[int, int]]:
    """Split columns into pages of at most ``fold`` characters (each page keeps one column at least)."""
    if not widths:
        return [(0, 0)]
    if fold is None or fold == -1:
        return [(0, len(widths))]
    pages: list = []
    start, used = 0, prefix + 2  # the trailing fill and a continuation mark
    for index, width in enumerate(widths):
        extra = 1 if pages else 0  # the « of a continued page
        if index > start and used + extra + width > fold:
            pages.append((start, index))
            start, used = index, prefix + 2
        used += width
    pages.append((start, len(widths)))
    return pages


def _render_column(plan: Layout, column: tuple[int, ...]) -> list[str]:
    """The column's text, one string per line (wire lines and the lines between them)."""
    items = [plan.drawables[i] for i in column]
    width = max([1] + [len(p.text) for item in items for p in item.parts]
                + [len(p.note) for item in items for p in item.parts])
    center = (width - 1) // 2
    lines = [[_fill(plan, line)] * width for line in range(2 * len(plan.labels))]

    def put(line: int, text: str):
        left = (width - len(text)) // 2
        lines[line][left:left + len(text)] = list(text)

    for item in items:
        rows_with_parts = {p.row for p in item.parts}
        for link in item.links:
            for row in range(link.top, link.bottom + 1):
                if row != link.bottom:
                    lines[2 * row + 1][center] = "║" if link.classical else "│"
                if row in (link.top, link.bottom) or row in rows_with_parts:
                    continue
                if link.classical:
                    lines[2 * row][center] = "╬" if plan.is_classical(row) else "╫"
                else:
                    lines[2 * row][center] = "┼"
        for part in item.parts:
            put(2 * part.row, part.text if part.kind == "box" else _SYMBOLS[part.kind])
            if part.note:
                put(2 * part.row + 1, part.note)
            if part.kind == "barrier" and part.row + 1 in rows_with_parts:
                lines[2 * part.row + 1][center] = "░"
    return [_fill(plan, line) + "".join(cells) + _fill(plan, line) for line, cells in enumerate(lines)]
