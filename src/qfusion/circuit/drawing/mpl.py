"""Matplotlib drawings, from the same layout as the text drawings.

Only the object-oriented API is used (``matplotlib.figure.Figure``), so nothing is shown and no
global pyplot state changes. Artists carry a ``gid`` saying what they draw (``gate``, ``control``,
``target``, ``swap``, ``measure``, ``meter``, ``arrow``, ``barrier``, ``link``, ``label``, ``wire``),
for tests and for styling.

>>> from qfusion.circuit import Circuit
>>> figure = draw_mpl(Circuit(2).h(0).cx(0, 1).measure_all())
>>> axes = figure.axes[0]
>>> from collections import Counter
>>> from matplotlib.patches import Patch
>>> patches = Counter(a.get_gid() for a in axes.get_children() if isinstance(a, Patch))
>>> {gid: patches[gid] for gid in ("gate", "control", "target", "measure")}
{'gate': 1, 'control': 1, 'target': 1, 'measure': 2}
"""

from __future__ import annotations

from qfusion._optional import import_optional
from qfusion.circuit.circuit import Circuit
from qfusion.circuit.drawing.layout import Drawable, Layout, layout

_INCH_PER_UNIT = 0.65
_CHAR = 0.15          # width of a label character, in units (a unit is the distance between wires)
_BOX_HEIGHT = 0.64
_COLORS = {  # gate families, as in Qiskit's default style
    "clifford": "#fa4d56", "pauli": "#33b1ff", "phase": "#bb8bff", "rotation": "#33b1ff",
    "two_qubit": "#08bdba", "other": "#9f1853", "measure": "#a8a8a8", "reset": "#525252",
    "target": "#002d9c",
}
_FAMILIES = {
    "pauli": {"I", "X", "Y", "Z"}, "clifford": {"H", "S", "Sdg", "√X", "√Xdg"},
    "phase": {"T", "Tdg", "P", "U", "Rz"}, "rotation": {"Rx", "Ry", "Rxx", "Ryy", "Rzz"},
    "two_qubit": {"iSwap", "ECR", "Swap"},
}
_SYMBOLS = {"control", "open_control", "target", "swap", "measure", "meter_target", "condition"}
_WIRE_COLOR = "#222222"
_CLASSICAL_COLOR = "#778899"


def draw_mpl(circuit: Circuit, filename: str | None = None, scale: float = 1.0, dpi: int = 150):
    """The circuit as a ``matplotlib.figure.Figure``; ``filename`` also saves it (PNG, SVG, PDF...).

    >>> from qfusion.circuit import Circuit
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "bell.png")
    >>> _ = draw_mpl(Circuit(2).h(0).cx(0, 1), filename=path)
    >>> os.path.getsize(path) > 0
    True
    """
    figure_module = import_optional("matplotlib.figure", "matplotlib drawings")
    plan = layout(circuit)
    widths = [_column_width(plan, column) for column in plan.columns]
    label_width = max([len(label) for label in plan.labels] + [1]) * _CHAR + 0.5
    total = label_width + sum(widths) + 0.4
    rows = max(len(plan.labels), 1)
    top, bottom = 0.75 + (0.4 if plan.global_phase else 0), -(rows - 1) - 0.75
    figure = figure_module.Figure(figsize=(total * _INCH_PER_UNIT * scale, (top - bottom) * _INCH_PER_UNIT * scale),
                                  dpi=dpi)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, total)
    axes.set_ylim(bottom, top)
    axes.axis("off")
    drawer = _Drawer(axes, plan, scale)
    drawer.wires(label_width, total)
    if plan.global_phase:
        axes.text(0.1, 0.55, f"global phase: {plan.global_phase}", fontsize=11 * scale, va="center",
                  gid="label")
    x = label_width
    for column, width in zip(plan.columns, widths, strict=False):
        for index in column:
            drawer.instruction(plan.drawables[index], x + width / 2)
        x += width
    if filename is not None:
        figure.savefig(filename, dpi=dpi, bbox_inches="tight")
    return figure


def _text_width(text: str) -> float:
    return max(0.64, len(text) * _CHAR + 0.3)


def _column_width(plan: Layout, column) -> float:
    texts = [p.text for i in column for p in plan.drawables[i].parts if p.kind == "box"]
    notes = [p.note for i in column for p in plan.drawables[i].parts]
    return max([_text_width(t) for t in texts] + [len(n) * _CHAR * 0.8 for n in notes] + [0.64]) + 0.36


def _color(label: str) -> str:
    name = label.split("(")[0]
    for family, names in _FAMILIES.items():
        if name in names:
            return _COLORS[family]
    return _COLORS["reset"] if label == "|0>" else _COLORS["other"]


class _Drawer:
    def __init__(self, axes, plan: Layout, scale: float):
        self.axes = axes
        self.plan = plan
        self.scale = scale
        self.patches = import_optional("matplotlib.patches", "matplotlib drawings")
        self.lines = import_optional("matplotlib.lines", "matplotlib drawings")
        self.color = _COLORS["target"]

    def add(self, artist):
        # add_artist, not add_patch: the limits are fixed, and updating them per patch is slow
        self.axes.add_artist(artist)

    def line(self, xs, ys, color=_WIRE_COLOR, width=1.2, zorder=1, gid="wire", **kwargs):
        self.add(self.lines.Line2D(xs, ys, color=color, linewidth=width * self.scale, zorder=zorder, gid=gid,
                                   solid_capstyle="butt", **kwargs))

    def text(self, x, y, text, color="black", size=12.0, gid="label", **kwargs):
        self.axes.text(x, y, text, color=color, fontsize=size * self.scale, ha="center", va="center",
                       zorder=5, gid=gid, **kwargs)

    def wires(self, start: float, end: float):
        for row, label in enumerate(self.plan.labels):
            y = -row
            if self.plan.is_classical(row):
                for offset in (-0.03, 0.03):
                    self.line([start - 0.1, end], [y + offset, y + offset], color=_CLASSICAL_COLOR, width=1.0)
            else:
                self.line([start - 0.1, end], [y, y])
            self.axes.text(start - 0.25, y, label, fontsize=13 * self.scale, ha="right", va="center", gid="label")

    def instruction(self, item: Drawable, x: float):
        color = next((_color(p.text) for p in item.parts if p.kind == "box"), _COLORS["target"])
        self.color = color
        for link in item.links:
            if link.classical:
                for offset in (-0.03, 0.03):
                    self.line([x + offset, x + offset], [-link.top, -link.bottom], color=_CLASSICAL_COLOR,
                              width=1.0, zorder=2, gid="link")
            else:
                self.line([x, x], [-link.top, -link.bottom], color=color, width=2.0, zorder=2, gid="link")
        boxes = [p for p in item.parts if p.kind == "box"]
        rows = sorted(p.row for p in boxes)
        if len(boxes) > 1 and rows == list(range(rows[0], rows[-1] + 1)):
            self.draw_box(x, rows[0], rows[-1], boxes[0].text, color)
        else:
            for part in boxes:
                self.draw_box(x, part.row, part.row, part.text, color)
        barrier = sorted(p.row for p in item.parts if p.kind == "barrier")
        if barrier:
            self.draw_barrier(x, barrier)
        for part in item.parts:
            if part.kind in _SYMBOLS:
                getattr(self, part.kind)(x, part)

    def draw_box(self, x, first: int, last: int, label: str, color: str):
        width = _text_width(label)
        height = _BOX_HEIGHT + (last - first)
        self.add(self.patches.FancyBboxPatch(
            (x - width / 2, -last - _BOX_HEIGHT / 2), width, height, boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=color, edgecolor=color, zorder=3, gid="gate"))
        self.text(x, -(first + last) / 2, label, color="white" if color != _COLORS["measure"] else "black")

    def control(self, x, part, open_=False):
        self.add(self.patches.Circle(
            (x, -part.row), 0.1, facecolor="white" if open_ else self.color, edgecolor=self.color,
            linewidth=1.5 * self.scale, zorder=4, gid="control"))

    def open_control(self, x, part):
        self.control(x, part, open_=True)

    def target(self, x, part):
        y = -part.row
        self.add(self.patches.Circle((x, y), 0.2, facecolor=_COLORS["target"],
                                                edgecolor=_COLORS["target"], zorder=3, gid="target"))
        self.line([x - 0.12, x + 0.12], [y, y], color="white", width=2.0, zorder=4, gid="target")
        self.line([x, x], [y - 0.12, y + 0.12], color="white", width=2.0, zorder=4, gid="target")

    def swap(self, x, part):
        y, d = -part.row, 0.12
        self.line([x - d, x + d], [y - d, y + d], color=_COLORS["target"], width=2.0, zorder=4, gid="swap")
        self.line([x - d, x + d], [y + d, y - d], color=_COLORS["target"], width=2.0, zorder=4, gid="swap")

    def measure(self, x, part):
        y = -part.row
        width = _BOX_HEIGHT
        self.add(self.patches.FancyBboxPatch(
            (x - width / 2, y - _BOX_HEIGHT / 2), width, _BOX_HEIGHT, boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=_COLORS["measure"], edgecolor=_COLORS["measure"], zorder=3, gid="measure"))
        self.add(self.patches.Arc((x, y - 0.12), 0.42, 0.36, theta1=0, theta2=180,
                                             color="black", linewidth=1.2 * self.scale, zorder=4, gid="meter"))
        self.line([x, x + 0.16], [y - 0.12, y + 0.17], color="black", width=1.2, zorder=4, gid="meter")

    def meter_target(self, x, part):
        y = -part.row
        self.add(self.patches.Polygon([(x - 0.1, y + 0.18), (x + 0.1, y + 0.18), (x, y)],
                                                 closed=True, color=_CLASSICAL_COLOR, zorder=3, gid="arrow"))
        self.text(x + 0.05, y - 0.32, part.note, size=10, color=_CLASSICAL_COLOR)

    def condition(self, x, part):
        y = -part.row
        self.add(self.patches.Circle((x, y), 0.09, color=_CLASSICAL_COLOR, zorder=4, gid="control"))
        if part.note:
            self.text(x, y - 0.32, part.note, size=10, color=_CLASSICAL_COLOR)

    def draw_barrier(self, x, rows: list[int]):
        runs, start = [], rows[0]
        for previous, row in zip(rows, rows[1:] + [None], strict=False):
            if row != previous + 1:
                runs.append((start, previous))
                start = row  # type: ignore[assignment]
        for first, last in runs:
            self.add(self.patches.Rectangle((x - 0.13, -last - 0.45), 0.26, last - first + 0.9,
                                                       facecolor="#dddddd", alpha=0.8, zorder=2, gid="barrier"))
            self.line([x, x], [-last - 0.45, -first + 0.45], color="black", width=1.0, zorder=2, gid="barrier",
                      linestyle="--")
