#!/usr/bin/env python3
"""The photonic emulator's heralded shots: CPU and wall time of ``qf.run`` (warm, in-process).

    python bench/bench_photonic.py [--shots 1000] [--repeats 3] [--method automatic]

The circuit is bench_first_calls.py's photonic row (6 qubits, a CX ladder and an RZZ ladder: 15
heralded CZs once transpiled). CPU time (``time.process_time``) is the number to compare on a
loaded machine; run with one thread (``OMP_NUM_THREADS=1``).
"""

from __future__ import annotations

import argparse
import time

import qfusion as qf


def ladder() -> qf.Circuit:
    c = qf.Circuit(6).h(0)
    for i in range(5):
        c.cx(i, i + 1)
    for i in range(5):
        c.rzz(0.3, i, i + 1)
    return c.measure_all()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shots", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--method", default="automatic")
    args = parser.parse_args()
    c = ladder()
    qf.run(c, shots=10, backend="photonic", seed=1)   # warm: imports, kernels, transpiler
    for repeat in range(args.repeats):
        cpu, wall = time.process_time(), time.perf_counter()
        result = qf.run(c, shots=args.shots, backend="photonic", seed=1 + repeat, method=args.method)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{args.shots} shots, method {result.metadata['method']}"
              f"{' (batched)' if result.metadata.get('batched_trajectories') else ''}, "
              f"{result.metadata['shot_groups']} patterns: {cpu:7.2f} s CPU {wall:7.2f} s wall")


if __name__ == "__main__":
    main()
