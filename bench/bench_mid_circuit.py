#!/usr/bin/env python3
"""Mid-circuit measurement on the density-matrix backend: CPU seconds for shots that measure as they go.

Three 8-qubit circuits, each sampled with ``--shots`` shots (best of ``--repeat``, after a
warm-up so numba's compile time is not counted), with ``time.process_time()`` and one thread
(``BENCH_THREADS``), so other jobs on a shared machine do not inflate the numbers:

* ``random``: 20 rounds of ry/rz on every qubit and a brickwork of cx, each ending in the
  measurement of one qubit, then every qubit measured; depolarizing noise and readout errors
  (the outcomes are nearly all distinct: the shots share little).
* ``feedforward``: the same with an x conditioned on the previous round's outcome.
* ``repetition``: 5 data qubits and 3 ancillas, 7 rounds of 3 ZZ checks (ancilla measured and
  reset), then the data measured; 0.2% cx noise (most shots see the same syndromes).

    python bench/bench_mid_circuit.py [--shots 1000] [--repeat 2]
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", os.environ.get("BENCH_THREADS", "1"))
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                      ".cache", "numba"))

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from qfusion import noise  # noqa: E402
from qfusion.circuit import Circuit  # noqa: E402
from qfusion.sim.density_matrix import sample  # noqa: E402


def rounds(feedforward: bool, num_qubits: int = 8, count: int = 20) -> Circuit:
    rng = np.random.default_rng(7)
    c = Circuit(num_qubits, count + num_qubits)
    for r in range(count):
        for q in range(num_qubits):
            c.ry(rng.uniform(0, 3), q).rz(rng.uniform(0, 3), q)
        for q in range(r % 2, num_qubits - 1, 2):
            c.cx(q, q + 1)
        c.measure(r % num_qubits, r)
        if feedforward and r:
            c.x((r + 3) % num_qubits).c_if(r - 1, 1)
    for q in range(num_qubits):
        c.measure(q, count + q)
    return c


def repetition_code(data: int = 5, checks: int = 3, count: int = 7) -> Circuit:
    """``count`` rounds in which ancilla ``a`` measures Z_a Z_(a+1) of the data (then is reset)."""
    c = Circuit(data + checks, count * checks + data)
    for r in range(count):
        for a in range(checks):
            ancilla = data + a
            c.cx(a, ancilla).cx(a + 1, ancilla).measure(ancilla, r * checks + a).reset(ancilla)
    for q in range(data):
        c.measure(q, count * checks + q)
    return c


def noisy() -> noise.NoiseModel:
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.01), ["ry", "rz", "x"])
    model.add_gate_error(noise.depolarizing(0.02, 2), ["cx"])
    model.add_readout_error(noise.readout_error(p0_given1=0.03, p1_given0=0.01))
    return model


def quiet() -> noise.NoiseModel:
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.002, 2), ["cx"])
    model.add_readout_error(noise.readout_error(p0_given1=0.01, p1_given0=0.01))
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shots", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    cases = [("random", rounds(False), noisy()), ("feedforward", rounds(True), noisy()),
             ("repetition", repetition_code(), quiet())]
    for name, circuit, model in cases:
        sample(circuit, 5, noise_model=model, seed=0)  # compile
        times = []
        for seed in range(args.repeat):
            start = time.process_time()
            counts, _, _ = sample(circuit, args.shots, noise_model=model, seed=seed)
            times.append(time.process_time() - start)
        print(f"{name:12s} {circuit.num_qubits} qubits, {circuit.num_clbits} measurements, {args.shots} shots: "
              f"{min(times):.2f} s CPU (runs {', '.join(f'{t:.2f}' for t in times)}), {len(counts)} distinct outcomes")


if __name__ == "__main__":
    main()
