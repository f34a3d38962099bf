"""Plots drawn on the server as SVG (no script, no network): histograms, line plots, coupling maps
and calibration heat maps. Every label is escaped.

>>> svg = histogram({"00": 510, "11": 490})
>>> svg.startswith("<svg") and "00" in svg and "490" in svg
True
"""

from __future__ import annotations

import math
from html import escape

_WIDTH = 640


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
            + "".join(body) + "</svg>")


def histogram(counts: dict[str, int], *, limit: int = 32, label: str = "counts") -> str:
    """Bars of the ``limit`` most frequent outcomes (sorted by bitstring), with their counts.

    >>> svg = histogram({"00": 5, "01": 1, "11": 9}, limit=2)      # the two most frequent
    >>> svg.count("<rect"), ">11<" in svg, ">01<" in svg
    (2, True, False)
    >>> "&lt;b&gt;" in histogram({"<b>": 1})                       # labels are escaped
    True
    """
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    top.sort()
    if not top:
        return _svg(_WIDTH, 40, ['<text x="10" y="25">no outcomes</text>'], label)
    peak = max(v for _, v in top) or 1
    bar = max(8.0, min(48.0, (_WIDTH - 60) / len(top)))
    height, base = 260, 200
    body = [f'<line x1="50" y1="{base}" x2="{50 + bar * len(top):.0f}" y2="{base}" class="axis"/>']
    for i, (key, value) in enumerate(top):
        h = 170 * value / peak
        x = 50 + i * bar
        body.append(f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" class="bar">'
                    f'<title>{escape(key)}: {value}</title></rect>')
        body.append(f'<text x="{x + bar / 2:.1f}" y="{base - h - 4:.1f}" class="value" text-anchor="middle">'
                    f'{value}</text>')
        body.append(f'<text x="{x + bar / 2:.1f}" y="{base + 12:.1f}" class="tick" text-anchor="end" '
                    f'transform="rotate(-60 {x + bar / 2:.1f} {base + 12:.1f})">{escape(key)}</text>')
    return _svg(max(_WIDTH, 60 + bar * len(top)), height, body, label)


def line_plot(values: list[float], *, label: str = "energy per iteration", y_label: str = "energy") -> str:
    """A line through ``values`` against their index (an optimiser's history).

    >>> line_plot([3.0, 2.0, 1.5]).count("<polyline")
    1
    >>> "fewer than two points" in line_plot([1.0])
    True
    """
    points = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if len(points) < 2:
        return _svg(_WIDTH, 40, ['<text x="10" y="25">fewer than two points</text>'], label)
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    width, height = _WIDTH, 240
    xy = [(60 + (width - 80) * i / (len(points) - 1), 20 + 180 * (high - v) / span) for i, v in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    body = [f'<polyline points="{path}" class="line" fill="none"/>',
            f'<text x="5" y="24" class="tick">{high:.6g}</text>', f'<text x="5" y="204" class="tick">{low:.6g}</text>',
            f'<text x="{width / 2:.0f}" y="230" class="tick" text-anchor="middle">iteration</text>',
            f'<text x="5" y="120" class="tick">{escape(y_label)}</text>']
    return _svg(width, height, body, label)


def _scale(values):
    """``value -> 0..1`` over the range of ``values`` (all equal: the middle, so no cell looks worst)."""
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high <= low:
        return lambda v: 0.5
    return lambda v: (v - low) / (high - low)


def _color(fraction: float) -> str:
    """White (good) to red (bad)."""
    fraction = min(max(fraction, 0.0), 1.0)
    green_blue = int(255 * (1 - fraction))
    return f"rgb(255,{green_blue},{green_blue})"


def coupling_map(num_qubits: int, edges, *, positions=None, edge_errors: dict | None = None,
                 qubit_errors: dict | None = None, label: str = "coupling map") -> str:
    """Qubits as circles (coloured by ``qubit_errors``), couplings as lines (coloured by ``edge_errors``);
    at ``positions`` (x, y) when given, else on a circle.

    >>> import re
    >>> svg = coupling_map(3, [(0, 1), (1, 2)], edge_errors={(0, 1): 0.1, (1, 2): 0.0})
    >>> svg.count("<circle"), re.findall(r'stroke="([^"]+)"', svg)     # the worse coupling red
    (3, ['rgb(255,0,0)', 'rgb(255,255,255)'])
    """
    if positions is None:
        positions = [(math.cos(2 * math.pi * q / max(num_qubits, 1)), math.sin(2 * math.pi * q / max(num_qubits, 1)))
                     for q in range(num_qubits)]
    xs, ys = [p[0] for p in positions], [p[1] for p in positions]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    size = 480

    def place(q):
        return (30 + (size - 60) * (positions[q][0] - min(xs)) / span,
                30 + (size - 60) * (positions[q][1] - min(ys)) / span)

    edge_scale, qubit_scale = _scale(list((edge_errors or {}).values())), _scale(list((qubit_errors or {}).values()))
    body = []
    for a, b in edges or ():
        (x1, y1), (x2, y2) = place(a), place(b)
        error = (edge_errors or {}).get((a, b), (edge_errors or {}).get((b, a)))
        color = _color(edge_scale(error)) if error is not None else "#999"
        title = f"{a}-{b}" + (f": error {error:.3g}" if error is not None else "")
        body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}" '
                    f'stroke-width="5" class="edge"><title>{escape(title)}</title></line>')
    for q in range(num_qubits):
        x, y = place(q)
        error = (qubit_errors or {}).get(q)
        fill = _color(qubit_scale(error)) if error is not None else "#fff"
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="{fill}" class="qubit"><title>qubit {q}'
                    f'{f": readout error {error:.3g}" if error is not None else ""}</title></circle>'
                    f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" class="qlabel">{q}</text>')
    return _svg(size, size, body, label)


def heat_row(values: list[float], *, label: str, fmt: str = "{:.3g}", low_is_bad: bool = False) -> str:
    """One row of cells coloured by value (the worst red: the largest, or with ``low_is_bad`` the
    smallest, as for coherence times), each with its value as a tooltip.

    >>> import re
    >>> re.findall(r'fill="([^"]+)"', heat_row([1.0, 2.0, 3.0], label="gate error"))               # largest worst
    ['rgb(255,255,255)', 'rgb(255,127,127)', 'rgb(255,0,0)']
    >>> re.findall(r'fill="([^"]+)"', heat_row([1.0, 2.0, 3.0], label="T1", low_is_bad=True))[0]   # smallest worst
    'rgb(255,0,0)'
    """
    scale = _scale(values)

    def badness(v: float) -> float:
        return 1 - scale(v) if low_is_bad else scale(v)

    cell = max(6.0, min(24.0, (_WIDTH - 20) / max(len(values), 1)))
    body = [f'<rect x="{10 + i * cell:.1f}" y="5" width="{cell - 1:.1f}" height="24" fill="{_color(badness(v))}" stroke="#bbb" '
            f'class="cell"><title>{i}: {escape(fmt.format(v))}</title></rect>' for i, v in enumerate(values)]
    return _svg(20 + cell * len(values), 34, body, label)
