#!/usr/bin/env python3
"""Mid-circuit measurement on the state vector: CPU seconds for shots that measure as they go.

Two circuits, each sampled with ``--shots`` shots after a warm-up (numba's compile time is not
counted), with ``time.process_time()`` and one thread (``BENCH_THREADS``):

* ``layered``: 16 qubits, 10 rounds of ry/rz on every qubit and a brickwork of cx, each ending
  in the measurement of one qubit.
* ``repetition``: 6 data qubits and 6 more (5 used as ancillas): 12 qubits, 5 rounds of rx on the data
  and 5 ZZ checks (ancilla measured and reset), then the data measured.

``--per-shot`` forces the path that re-runs each shot from a copy of the state (taken when the
branches' copies do not fit).

    python bench/bench_mid_circuit_statevector.py [--shots 1000] [--per-shot]
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", os.environ.get("BENCH_THREADS", "1"))
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                      ".cache", "numba"))

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from qfusion.circuit import Circuit  # noqa: E402
from qfusion.sim import statevector  # noqa: E402


def layered(num_qubits: int = 16, count: int = 10) -> Circuit:
    rng = np.random.default_rng(0)
    c = Circuit(num_qubits, count)
    for r in range(count):
        for q in range(num_qubits):
            c.ry(float(rng.uniform(0, 3)), q).rz(float(rng.uniform(0, 3)), q)
        for q in range(r % 2, num_qubits - 1, 2):
            c.cx(q, q + 1)
        c.measure(int(rng.integers(num_qubits)), r)
    return c


def repetition(data: int = 6, count: int = 5) -> Circuit:
    """Data qubits ``0..data-1`` (tilted by ry, then rx each round), ancillas after them."""
    c = Circuit(2 * data, count * (data - 1) + data)
    for q in range(data):
        c.ry(0.3, q)
    clbit = 0
    for _ in range(count):
        for q in range(data):
            c.rx(0.2, q)
        for a in range(data - 1):
            c.cx(a, data + a).cx(a + 1, data + a).measure(data + a, clbit).reset(data + a)
            clbit += 1
    for q in range(data):
        c.measure(q, clbit + q)
    return c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shots", type=int, default=1000)
    parser.add_argument("--per-shot", action="store_true")
    args = parser.parse_args()
    if args.per_shot:
        statevector._branches_fit = lambda *_: False
    for name, circuit in [("layered", layered()), ("repetition", repetition())]:
        statevector.sample(circuit, 10, seed=1)
        start = time.process_time()
        counts, _ = statevector.sample(circuit, args.shots, seed=1)
        print(f"{name:11s} {circuit.num_qubits} qubits  {time.process_time() - start:7.3f} s  "
              f"{len(counts)} distinct outcomes")


if __name__ == "__main__":
    main()
