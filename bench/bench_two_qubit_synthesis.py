#!/usr/bin/env python3
"""Two-qubit synthesis: entangler counts and CPU time per unitary, for every native entangler.

Unitaries: Haar-random two-qubit unitaries, the rzz / rxx / cp(θ) families of the trapped-ion
and neutral-atom devices dressed with random single-qubit gates, and the named two-qubit gates.
For each entangler (cx, cz, ecr; parametric rzz, rxx) the script prints the histogram of
entangler counts, the largest error of a synthesised circuit against its unitary and the CPU
seconds (``time.process_time()``, one thread) per synthesis, mean of ``--repeat`` passes after a
warm-up. ``--save FILE`` writes every synthesis' phase and gate matrices (``.npz``) to compare two
checkouts op by op.

    python bench/bench_two_qubit_synthesis.py [--random 300] [--repeat 3] [--save ops.npz]
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", os.environ.get("BENCH_THREADS", "1"))
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                      ".cache", "numba"))

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from qfusion.circuit import Circuit, circuit_unitary, standard_gate  # noqa: E402
from qfusion.transpiler.two_qubit import synthesize_two_qubit  # noqa: E402


def haar(dim: int, rng) -> np.ndarray:
    z = (rng.standard_normal((dim, dim)) + 1j * rng.standard_normal((dim, dim))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def unitary_sets(count: int) -> dict[str, list[np.ndarray]]:
    rng = np.random.default_rng(2025)
    random = [haar(4, rng) for _ in range(count)]
    thetas = rng.uniform(-np.pi, np.pi, size=40)
    family = [np.kron(haar(2, rng), haar(2, rng)) @ standard_gate(name, t).matrix() @ np.kron(haar(2, rng), haar(2, rng))
              for name in ("rzz", "rxx", "cp") for t in thetas]
    named = [standard_gate(name).matrix() for name in ("cx", "cz", "swap", "iswap", "ecr", "ch", "cy")]
    return {"random": random, "rzz/rxx/cp(θ) dressed": family, "named": named}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--random", type=int, default=300, help="Haar-random unitaries")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--save", help="write every synthesis' phase and gate matrices to this .npz")
    args = parser.parse_args()
    saved = {}
    for entangler in ("cx", "cz", "ecr", "rzz", "rxx"):
        for label, unitaries in unitary_sets(args.random).items():
            synthesize_two_qubit(unitaries[0], entangler)  # compile
            start = time.process_time()
            for _ in range(args.repeat):
                results = [synthesize_two_qubit(u, entangler) for u in unitaries]
            seconds = (time.process_time() - start) / (args.repeat * len(unitaries))
            counts, error = [], 0.0
            for i, ((ops, phase), unitary) in enumerate(zip(results, unitaries, strict=False)):
                counts.append(sum(len(qubits) == 2 for _, qubits in ops))
                circuit = Circuit(2, global_phase=phase)
                for gate, qubits in ops:
                    circuit.append(gate, qubits)
                error = max(error, float(np.abs(circuit_unitary(circuit) - unitary).max()))
                saved[f"{entangler}|{label}|{i}"] = np.array([phase] + [m for gate, _ in ops for m in gate.matrix().ravel()])
            print(f"{entangler:4s} {label:24s} n={len(unitaries):3d} entanglers={sum(counts):4d} "
                  f"histogram={np.bincount(counts, minlength=4).tolist()} error={error:.1e} "
                  f"{seconds * 1e6:7.1f} us/synthesis")
    if args.save:
        np.savez(args.save, **saved)


if __name__ == "__main__":
    main()
