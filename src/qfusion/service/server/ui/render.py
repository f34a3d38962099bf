"""HTML for the dashboard: Jinja2 templates (autoescaped) and the views of one job and of the devices.

>>> "<script>" in page("error.html", request=None, user=None, title="t", message="<script>x</script>")
False
"""

from __future__ import annotations

import base64
import datetime
import io
from functools import lru_cache
from pathlib import Path

from qfusion._optional import import_optional
from qfusion.service.server.ui import svg

jinja2 = import_optional("jinja2", "the dashboard")
markupsafe = import_optional("markupsafe", "the dashboard")

_MAX_DRAWN_OPERATIONS = 400
_MAX_TRANSPILED_QUBITS = 30


@lru_cache(maxsize=1)
def _environment():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.filters["seconds"] = _seconds
    return env


def _when(value) -> str:
    if value is None:
        return "—"
    return datetime.datetime.fromtimestamp(float(value), datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _seconds(value) -> str:
    if value is None:
        return "—"
    value = float(value)
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def page(template: str, **context) -> str:
    return _environment().get_template(template).render(**context)


def _safe(markup: str):
    """Markup we made ourselves (SVG with every label escaped), to include unescaped."""
    return markupsafe.Markup(markup)


def timings(job: dict) -> list[tuple[str, float | None]]:
    """Time spent in each state: queued (created -> started), running (started -> finished), total."""
    created, started, finished = float(job["created_at"]), job.get("started_at"), job.get("finished_at")
    begun = started if started is not None else finished
    return [("queued", begun - created if begun is not None else None),
            ("running", finished - started if started and finished else None),
            ("total", finished - created if finished else None)]


def _circuits(job: dict) -> list:
    from qfusion.service.client.wire import decode_circuit
    circuits: list = []
    for item in (job.get("payload") or {}).get("circuits") or []:
        try:
            circuits.append(decode_circuit(item, max_qubits=10_000, max_operations=10**6, max_source_bytes=10**8))
        except Exception as exc:  # shown, not raised: the page still renders
            circuits.append(exc)
    return circuits


def drawing(circuit) -> dict:
    """``{"svg": ...}`` from qfusion's matplotlib drawer when matplotlib is there, else ``{"text": ...}``."""
    if len(circuit.instructions) > _MAX_DRAWN_OPERATIONS:
        return {"note": f"{len(circuit.instructions)} operations: too many to draw here", "text": ""}
    try:
        import_optional("matplotlib")
        import matplotlib
        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        figure = circuit.draw("mpl")
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight")
        plt.close(figure)
        # as an image: matplotlib's SVG styles itself inline, which the page's CSP (rightly) forbids
        encoded = base64.b64encode(buffer.getvalue().encode()).decode()
        return {"svg": _safe(f'<img src="data:image/svg+xml;base64,{encoded}" alt="circuit drawing">')}
    except Exception:
        return {"text": str(circuit.draw("text"))}


_DRAWN: dict[str, tuple] = {}  # job id -> (circuit views, more): a job's circuits never change


def _circuit_views(job: dict) -> tuple[list, int]:
    cached = _DRAWN.get(job["id"])
    if cached is not None:
        return cached
    views = []
    circuits = _circuits(job)
    for index, circuit in enumerate(circuits[:4]):
        if isinstance(circuit, Exception):
            views.append({"index": index, "error": str(circuit)})
            continue
        entry = {"index": index, "num_qubits": circuit.num_qubits, "size": len(circuit.instructions),
                 **drawing(circuit)}
        entry["transpiled"] = _transpiled(circuit, job["backend"])
        views.append(entry)
    if len(_DRAWN) > 256:
        _DRAWN.clear()
    _DRAWN[job["id"]] = (views, max(0, len(circuits) - 4))
    return _DRAWN[job["id"]]


def job_views(job: dict) -> dict:
    """What the job page shows: drawings of the circuits (and transpiled ones on devices), the result views."""
    views: dict = {"results": []}
    views["circuits"], views["more_circuits"] = _circuit_views(job)
    result = job.get("result") or {}
    program = job.get("program")
    if program == "sampler":
        for index, item in enumerate(result.get("results", [])[:8]):
            counts = item.get("counts", {})
            views["results"].append({"kind": "histogram", "index": index, "svg": _safe(svg.histogram(counts)),
                                     "counts": sorted(counts.items(), key=lambda kv: -kv[1])[:16],
                                     "shots": item.get("shots")})
    elif program == "estimator":
        values, errors = result.get("values", []), result.get("errors", [])
        views["results"].append({"kind": "table", "rows": [(i, v, errors[i] if i < len(errors) else None)
                                                           for i, v in enumerate(values)]})
    elif program in ("vqe", "qaoa") and result:
        history = result.get("history") or []
        views["results"].append({"kind": "convergence", "energy": result.get("energy"),
                                 "svg": _safe(svg.line_plot(history)) if len(history) > 1 else None,
                                 "summary": {k: v for k, v in result.items()
                                             if k not in ("history", "probabilities") and not isinstance(v, dict)}})
    return views


def _transpiled(circuit, backend: str) -> dict | None:
    """The circuit transpiled to an emulated device, with its report (depth, gates), when ``backend`` is one."""
    from qfusion import devices
    if backend not in devices.names() or circuit.num_qubits > _MAX_TRANSPILED_QUBITS:
        return None
    try:
        from qfusion.transpiler import transpile
        compiled = transpile(circuit, backend=backend)
        report = {"depth": compiled.depth() if hasattr(compiled, "depth") else None,
                  "operations": dict(compiled.count_ops()) if hasattr(compiled, "count_ops") else {}}
        return {**drawing(compiled), "report": report}
    except Exception as exc:
        return {"error": str(exc)}


def device_profiles(names) -> list[dict]:
    """The emulated devices among ``names``: size, native gates, coupling map and calibration heat maps."""
    from qfusion import devices
    profiles = []
    for name in names:
        if name not in devices.names():
            continue
        device = devices.get(name)
        edges = list(device.coupling_map or [])
        entangler = device.entangler
        edge_errors = {}
        for a, b in edges:
            try:
                edge_errors[(a, b)] = device.calibration(entangler, (a, b)).error
            except Exception:
                pass
        readout = [sum(q.readout_error) / 2 for q in device.qubits]
        positions = list(device.atoms.positions) if device.atoms is not None else None
        profiles.append({
            "name": name, "modality": device.modality, "num_qubits": device.num_qubits,
            "native_gates": device.native_gates, "entangler": entangler, "description": device.description,
            "references": device.references, "all_to_all": device.coupling_map is None,
            "coupling": _safe(svg.coupling_map(device.num_qubits, edges, positions=positions, edge_errors=edge_errors,
                                               qubit_errors=dict(enumerate(readout)), label=f"{name} coupling map"))
            if edges else None,
            "t1": _safe(svg.heat_row([q.t1 * 1e6 for q in device.qubits], label="T1 (µs)", fmt="{:.1f} µs", low_is_bad=True)),
            "t2": _safe(svg.heat_row([q.t2 * 1e6 for q in device.qubits], label="T2 (µs)", fmt="{:.1f} µs", low_is_bad=True)),
            "readout": _safe(svg.heat_row(readout, label="readout error")),
            "edge_error": _safe(svg.heat_row(list(edge_errors.values()), label=f"{entangler} error"))
            if edge_errors else None,
            "t1_range": _range([q.t1 * 1e6 for q in device.qubits]),
            "t2_range": _range([q.t2 * 1e6 for q in device.qubits]),
            "readout_range": _range(readout), "edge_range": _range(list(edge_errors.values())),
        })
    return profiles


def _range(values) -> str:
    return f"{min(values):.3g} – {max(values):.3g}" if values else "—"
