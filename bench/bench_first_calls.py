#!/usr/bin/env python3
"""First calls in a fresh process, cold (an empty numba cache) and warm (after ``qfusion warmup``),
beside Qiskit Aer's first call in a fresh process; and the photonic emulator's 1000 shots.

    python bench/bench_first_calls.py [--skip-cold]

Each row is one fresh ``python -c`` process timed end to end (``import`` included), so it is
what a user waits for. The cold rows use a throw-away cache directory; the warm rows run
``qfusion warmup`` into it first.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

BELL = "import qfusion as qf; qf.run(qf.Circuit(2).h(0).cx(0, 1).measure_all(), shots=1000, seed=1)"
TRANSPILE = ("import qfusion as qf; qf.transpile(qf.Circuit(3).h(0).cx(0, 1).rzz(0.3, 1, 2).measure_all(), "
             "backend='superconducting', seed=1)")
AER = ("from qiskit import QuantumCircuit, transpile; from qiskit_aer import AerSimulator; qc = QuantumCircuit(2); "
       "qc.h(0); qc.cx(0, 1); qc.measure_all(); sim = AerSimulator(); sim.run(transpile(qc, sim), shots=1000).result()")
PHOTONIC = ("import qfusion as qf; c = qf.Circuit(6).h(0)\nfor i in range(5): c.cx(i, i + 1)\n"
            "for i in range(5): c.rzz(0.3, i, i + 1)\nc.measure_all(); qf.run(c, shots=10, backend='photonic', seed=1)\n"
            "import time; t = time.perf_counter(); qf.run(c, shots=1000, backend='photonic', seed=1); "
            "print(time.perf_counter() - t)")


def timed(code: str, env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return time.perf_counter() - start, out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="qfusion-first-calls-")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(QFUSION_CACHE_DIR=cache, QFUSION_COMPILE_NOTICE="0")
    rows = []
    if not args.skip_cold:
        rows.append(("qfusion first qf.run, cold cache", timed(BELL, env)[0]))
        rows.append(("qfusion first transpile (superconducting), cold", timed(TRANSPILE, env)[0]))
    warm_start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qfusion.cli", "warmup", "--json"], env=env, check=True,
                   capture_output=True)
    rows.append(("qfusion warmup (what is left to compile)", time.perf_counter() - warm_start))
    rows.append(("qfusion first qf.run, after warmup", timed(BELL, env)[0]))
    rows.append(("qfusion first transpile, after warmup", timed(TRANSPILE, env)[0]))
    try:
        rows.append(("qiskit-aer first run (fresh process)", timed(AER, env)[0]))
    except SystemExit:
        rows.append(("qiskit-aer first run (fresh process)", float("nan")))
    rows.append(("photonic, 6 qubits, 10 heralded gates, 1000 shots (warm, in-process)",
                 float(timed(PHOTONIC, env)[1].splitlines()[-1])))
    aer = dict(rows).get("qiskit-aer first run (fresh process)")
    for name, seconds in rows:
        ratio = f"{seconds / aer:6.1f}x aer" if aer and aer == aer and "first" in name and "qfusion" in name else ""
        print(f"{name:70s} {seconds:8.2f} s  {ratio}")


if __name__ == "__main__":
    main()
