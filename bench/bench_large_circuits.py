"""Per-gate and per-call overheads on large reversible circuits (issue 14): qfusion against qiskit-aer.

Times, in CPU seconds of this process (``time.process_time``; one thread each, for a loaded
machine), reading the OpenQASM file and ``run(circuit, shots=1000)``, and splits qfusion's run
into lowering, planning (fusion and sweep encoding) and the rest (kernels and sampling).

    python bench/bench_large_circuits.py                       # a generated hwb12-shaped circuit
    python bench/bench_large_circuits.py --qasm hwb12.qasm     # Qiskit's test/benchmarks/qasm/hwb12.qasm
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reversible_circuits import reversible_qasm  # noqa: E402


def _cpu(fn):
    start = time.process_time()
    value = fn()
    return value, time.process_time() - start


def time_qfusion(text: str, shots: int) -> dict:
    import qfusion as qf
    from qfusion.sim import statevector as sv

    circuit, read = _cpu(lambda: qf.qasm.loads(text))
    circuit.measure_all()
    spent = {"lower": 0.0, "plan": 0.0}

    def timed(fn, key):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += time.process_time() - start
        return wrapper

    lower, lane_schedule, schedule = sv.lower, sv.lane_schedule, sv.schedule  # the names the simulator calls
    sv.lower = timed(lower, "lower")
    sv.lane_schedule, sv.schedule = timed(lane_schedule, "plan"), timed(schedule, "plan")
    try:
        qf.run(qf.Circuit(circuit.num_qubits).h(0).measure_all(), shots=10)  # compile kernels first
        spent.update(lower=0.0, plan=0.0)
        result, run = _cpu(lambda: qf.run(circuit, shots=shots, seed=1))
    finally:
        sv.lower, sv.lane_schedule, sv.schedule = lower, lane_schedule, schedule
    top = max(result.counts, key=result.counts.get)
    return {"read": read, "run": run, "lower": spent["lower"], "plan": spent["plan"], "top": top}


def time_aer(text: str, shots: int) -> dict:
    from qiskit import QuantumCircuit, transpile
    from qiskit_aer import AerSimulator

    circuit, read = _cpu(lambda: QuantumCircuit.from_qasm_str(text))
    circuit.measure_all()
    aer = AerSimulator(method="statevector", max_parallel_threads=1)
    aer.run(transpile(QuantumCircuit(2, 2), aer), shots=1).result()
    result, run = _cpu(lambda: aer.run(transpile(circuit, aer, optimization_level=0), shots=shots, seed_simulator=1).result())
    counts = result.get_counts()
    return {"read": read, "run": run, "top": max(counts, key=counts.get)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qasm", help="an OpenQASM 2 file (default: a generated hwb12-shaped circuit)")
    parser.add_argument("--qubits", type=int, default=20)
    parser.add_argument("--gates", type=int, default=171_482)
    parser.add_argument("--shots", type=int, default=1000)
    parser.add_argument("--peers", default="aer", help="'aer' or 'none'")
    args = parser.parse_args()
    text = Path(args.qasm).read_text() if args.qasm else reversible_qasm(args.qubits, args.gates, seed=0)
    ours = time_qfusion(text, args.shots)
    print(f"qfusion  read {ours['read']:7.2f} s  run {ours['run']:7.2f} s  (lower {ours['lower']:.2f} s, "
          f"plan {ours['plan']:.2f} s, kernels+sampling {ours['run'] - ours['lower'] - ours['plan']:.2f} s)  "
          f"top outcome {ours['top']}")
    if args.peers == "aer":
        theirs = time_aer(text, args.shots)
        print(f"aer      read {theirs['read']:7.2f} s  run {theirs['run']:7.2f} s  top outcome {theirs['top']}  "
              f"(run ratio aer/qfusion {theirs['run'] / ours['run']:.2f})")


if __name__ == "__main__":
    main()
