"""Error mitigation, qfusion against Mitiq on the same emulated QPUs, circuits and shot budget.

ZNE: the circuit is transpiled once (optimisation level 2) for the device; qfusion folds that native
circuit itself (``qf.mitigation.ZNE``), and Mitiq folds the very same native circuit (given as
OpenQASM, in Mitiq's own virtual environment, bench/mitiq_side.py); Mitiq's folded circuits then
run on the same physical qubits without re-optimisation, with the same shots and measurement code.
Both extrapolate with Richardson on scale factors 1, 3, 5 (Mitiq's RichardsonFactory). qfusion also
runs ``folding="stretch"`` (gates stretched in time, scale factors 1, 1.5, 2, linear). Readout: the
10-qubit GHZ state on the superconducting device, total variation distance to the ideal
distribution, raw vs qfusion's ReadoutMitigation vs Mitiq's tensored inverse confusion matrix
(fed with qfusion's calibration, since Mitiq does not calibrate). Wall times are per technique.

    PYTHONPATH=src python bench/bench_mitigation.py [--shots 20000] [--seeds 3] [--parts zne,readout]
        [--mitiq .venv-mitiq/bin/python]      # python3 .ci/mitiq.py builds that environment
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

import qfusion as qf
from qfusion.mitigation import ZNE, ReadoutMitigation
from qfusion.mitigation.pipeline import Executor
from qfusion.observables import PauliSum

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "mitigation"))
from mitigation_circuits import ideal, mirror, qaoa_layer, tfim_trotter  # noqa: E402

DEVICES = ("superconducting", "trapped_ion", "neutral_atom")   # photonic: heralded shots, too slow here
CASES = {"tfim": (tfim_trotter, "ZZI"), "mirror": (mirror, "ZZZ"), "qaoa": (qaoa_layer, "ZZI")}


class MitiqSide:
    """bench/mitiq_side.py in Mitiq's virtual environment, kept running for the whole benchmark."""

    def __init__(self, python):
        self.process = subprocess.Popen([python, os.path.join(HERE, "mitiq_side.py")], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    def __call__(self, request):
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the Mitiq side stopped; run bench/mitiq_side.py by hand to see why")
        return json.loads(line)


def mitiq(side, request):
    return side(request)


def compact_observable(prepared, label):
    """``label`` (logical qubits) on the transpiled circuit's active qubits."""
    active = prepared.active_qubits()
    index = {p: k for k, p in enumerate(active)}
    chars = ["I"] * len(active)
    for q, char in enumerate(reversed(label)):
        chars[len(active) - 1 - index[prepared.final_layout[q]]] = char
    return "".join(chars)


def qfusion_zne(device, circuit, label, shots, seed, folding="global", scales=(1, 3, 5), method="richardson"):
    start = time.perf_counter()
    result = qf.Estimator(backend=device, shots=shots, seed=seed,
                          mitigation=[ZNE(scales, method, folding=folding)]).run(circuit, label)
    return float(result.values), float(result.metadata["raw_values"]), time.perf_counter() - start


def mitiq_zne(python, device, circuit, label, shots, seed, scales=(1, 3, 5)):
    start = time.perf_counter()
    backend = qf.backends.get(device)
    native = backend.transpile(circuit, seed=seed, optimization_level=2)
    compact = native.on_active_qubits()
    observable = PauliSum.from_label(compact_observable(native, label))
    folded = mitiq(python, {"op": "fold", "qasm": qf.qasm.dumps(compact, version=2), "scales": list(scales),
                            "method": "global"})
    executor = Executor(backend, shots=shots, seed=seed, optimization_level=0)
    values = []
    for text in folded["qasm"]:
        logical = qf.qasm.loads(text)
        prepared = qf.transpile(logical, backend.device, optimization_level=0, seed=seed,
                                initial_layout=list(native.active_qubits()))
        values.append(executor.expectation(prepared, observable).value)
    fit = mitiq(python, {"op": "extrapolate", "scales": list(scales), "values": values, "method": "richardson"})
    return fit["value"], values[0], time.perf_counter() - start, folded["seconds"] + fit["seconds"]


def zne_table(python, shots, seeds, devices):
    print(f"# ZNE, Richardson on scale factors 1, 3, 5, global folding; {shots} shots per circuit, "
          f"{len(seeds)} seeds; |error| = mean over seeds of |estimate - ideal|")
    print(f"{'device':16s}{'case':8s}{'ideal':>8s}{'raw':>8s}{'qfusion':>9s}{'mitiq':>8s}{'stretch':>9s}"
          f"{'q/m err':>9s}{'qf s':>7s}{'mitiq s':>8s}{'(mitiq own s)':>14s}")
    rows = []
    for device in devices:
        for name, (build, label) in CASES.items():
            circuit = build()
            target = ideal(circuit, label)
            ours, theirs, stretch, raws, t_ours, t_theirs, t_own = [], [], [], [], 0.0, 0.0, 0.0
            for seed in seeds:
                value, raw, seconds = qfusion_zne(device, circuit, label, shots, seed)
                ours.append(abs(value - target))
                raws.append(abs(raw - target))
                t_ours += seconds
                value, _, seconds, own = mitiq_zne(python, device, circuit, label, shots, seed)
                theirs.append(abs(value - target))
                t_theirs += seconds
                t_own += own
                value, _, _ = qfusion_zne(device, circuit, label, shots, seed, "stretch", (1, 1.5, 2), "linear")
                stretch.append(abs(value - target))
            row = (device, name, target, np.mean(raws), np.mean(ours), np.mean(theirs), np.mean(stretch))
            rows.append(row)
            ratio = row[4] / row[5] if row[5] > 0 else float("nan")
            print(f"{device:16s}{name:8s}{target:8.4f}{row[3]:8.4f}{row[4]:9.4f}{row[5]:8.4f}{row[6]:9.4f}"
                  f"{ratio:9.2f}{t_ours / len(seeds):7.2f}{t_theirs / len(seeds):8.2f}{t_own / len(seeds):14.2f}",
                  flush=True)
    return rows


def readout_table(python, shots, seed, n=10):
    ghz = qf.Circuit(n).h(0)
    for q in range(n - 1):
        ghz.cx(q, q + 1)
    ghz.measure_all()
    backend = qf.backends.get("superconducting")
    native = backend.transpile(ghz, seed=seed)
    ideal_p = {"0" * n: 0.5, "1" * n: 0.5}

    def tvd(counts):
        total = sum(counts.values())
        keys = set(counts) | set(ideal_p)
        return 0.5 * sum(abs(counts.get(k, 0) / total - ideal_p.get(k, 0)) for k in keys)

    mitigation = ReadoutMitigation(project=True)
    executor = Executor(backend, shots=shots, seed=seed, counts_stage=[mitigation])
    raw = executor.run(native, shots)
    start = time.perf_counter()
    ours = executor.counts(native, shots)          # calibration (2 circuits) + run + inversion
    t_ours = time.perf_counter() - start
    calibration = mitigation.calibrate(executor, tuple(q for q in _measured(native)), native.num_qubits)
    bitstrings = [k[::-1] for k, v in raw.items() for _ in range(v)]     # Mitiq: qubit 0 first
    start = time.perf_counter()
    theirs = mitiq(python, {"op": "rem", "bitstrings": bitstrings, "confusion": calibration.per_qubit.tolist()})
    t_theirs = time.perf_counter() - start
    theirs_counts = {k[::-1]: v for k, v in theirs["counts"].items()}
    print(f"\n# readout: {n}-qubit GHZ on superconducting, {shots} shots; total variation distance to ideal")
    print(f"{'raw':>10s}{'qfusion':>10s}{'mitiq':>10s}{'raw/qf':>9s}{'raw/mitiq':>10s}{'qf s':>8s}{'mitiq s':>9s}"
          f"{'(mitiq own s)':>14s}")
    r, o, m = tvd(raw), tvd(ours), tvd(theirs_counts)
    print(f"{r:10.4f}{o:10.4f}{m:10.4f}{r / o:9.2f}{r / m:10.2f}{t_ours:8.2f}{t_theirs:9.2f}{theirs['seconds']:14.2f}")


def _measured(circuit):
    from qfusion.mitigation.pipeline import measured_qubits
    return measured_qubits(circuit)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=20000)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--devices", default=",".join(DEVICES))
    parser.add_argument("--mitiq", default=os.environ.get("QFUSION_MITIQ_PYTHON") or os.path.join(
        HERE, "..", ".venv-mitiq", "bin", "python"), help="a Python with Mitiq installed (python3 .ci/mitiq.py)")
    parser.add_argument("--parts", default="zne,readout", help="zne, readout (Mitiq's readout step takes minutes)")
    args = parser.parse_args()
    print(f"# qfusion {qf.__version__}; Mitiq from {args.mitiq}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    side = MitiqSide(args.mitiq)
    side({"op": "extrapolate", "scales": [1, 3], "values": [1, 0.5], "method": "richardson"})   # warm imports
    parts = args.parts.split(",")
    if "zne" in parts:
        zne_table(side, args.shots, tuple(range(1, args.seeds + 1)), args.devices.split(","))
    if "readout" in parts:
        readout_table(side, args.shots, 1)


if __name__ == "__main__":
    main()
