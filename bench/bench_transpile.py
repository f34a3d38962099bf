"""Transpiler benchmark: qfusion vs Qiskit (optimization_level=3) on the same coupling graph.

Circuits in the style of QASMBench (QFT, ripple-carry adders, GHZ, Bernstein-Vazirani) and random
circuits are mapped to IBM's 27-qubit heavy-hex lattice with the CZ + SX + RZ basis. For each,
the script prints both two-qubit gate counts and transpile times and their ratios (qfusion / qiskit);
the targets are a median two-qubit-count ratio <= 1.0 and a median time ratio <= 1.0.

    python bench/bench_transpile.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import time

import numpy as np

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.devices.coupling import heavy_hex_27
from qfusion.interop import to_qiskit


def qft(n: int) -> Circuit:
    c = Circuit(n)
    for j in range(n):
        c.h(j)
        for k in range(j + 1, n):
            c.cp(math.pi / 2 ** (k - j), k, j)
    for j in range(n // 2):
        c.swap(j, n - 1 - j)
    return c


def ghz(n: int) -> Circuit:
    c = Circuit(n).h(0)
    for q in range(n - 1):
        c.cx(q, q + 1)
    return c


def adder(bits: int) -> Circuit:
    """Cuccaro ripple-carry adder of two ``bits``-bit registers (2 bits + 2 qubits)."""
    n = 2 * bits + 2
    c = Circuit(n)
    cin, a, b, cout = 0, list(range(1, 1 + bits)), list(range(1 + bits, 1 + 2 * bits)), n - 1
    for q in a[::2] + b[1::2]:
        c.x(q)

    def maj(x, y, z):
        c.cx(z, y).cx(z, x).ccx(x, y, z)

    def uma(x, y, z):
        c.ccx(x, y, z).cx(z, x).cx(x, y)
    maj(cin, b[0], a[0])
    for i in range(1, bits):
        maj(a[i - 1], b[i], a[i])
    c.cx(a[-1], cout)
    for i in range(bits - 1, 0, -1):
        uma(a[i - 1], b[i], a[i])
    uma(cin, b[0], a[0])
    return c


def bernstein_vazirani(n: int, rng) -> Circuit:
    c = Circuit(n + 1).x(n).h(n)
    secret = rng.integers(2, size=n)
    for q in range(n):
        c.h(q)
    for q in range(n):
        if secret[q]:
            c.cx(q, n)
    for q in range(n):
        c.h(q)
    return c


def random_circuit(n: int, depth: int, rng) -> Circuit:
    c = Circuit(n)
    for _ in range(depth):
        qubits = list(rng.permutation(n))
        while len(qubits) >= 2 and rng.random() < 0.7:
            c.cx(int(qubits.pop()), int(qubits.pop()))
        for q in qubits:
            c.u(*rng.uniform(0, 2 * np.pi, 3), int(q))
    return c


def suite(quick: bool):
    rng = np.random.default_rng(2024)
    cases = [("ghz_16", ghz(16)), ("qft_6", qft(6)), ("qft_10", qft(10)), ("adder_4", adder(4)),
             ("adder_8", adder(8)), ("bv_12", bernstein_vazirani(12, rng))]
    sizes = [(5, 10), (8, 10), (12, 10), (16, 8), (20, 10)] if not quick else [(5, 10), (12, 8)]
    cases += [(f"random_{n}x{d}", random_circuit(n, d, rng)) for n, d in sizes]
    if not quick:
        cases += [("qft_14", qft(14)), ("adder_12", adder(12))]
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from qiskit import transpile as qiskit_transpile
    from qiskit.transpiler import CouplingMap
    edges = [list(e) for e in heavy_hex_27()]
    coupling = CouplingMap(edges + [e[::-1] for e in edges])
    basis = ["rz", "sx", "x", "cz"]
    print(f"# {platform.processor() or platform.machine()}, {time.strftime('%Y-%m-%d')}, python {platform.python_version()}")
    # warm-up: imports, and loading every compiled kernel (routing, synthesis) from numba's cache
    warm = random_circuit(8, 6, np.random.default_rng(5))
    qf.transpile(warm, "superconducting", seed=1, optimization_level=3)
    qiskit_transpile(to_qiskit(warm), coupling_map=coupling, basis_gates=basis, optimization_level=3)
    print(f"{'circuit':<14}{'2q in':>7}{'qfusion 2q':>11}{'qiskit 2q':>10}{'ratio':>7}"
          f"{'qfusion s':>10}{'qiskit s':>9}{'ratio':>7}")
    count_ratios, time_ratios = [], []
    for name, circuit in suite(args.quick):
        start = time.perf_counter()
        ours = qf.transpile(circuit, "superconducting", seed=1, optimization_level=3)
        our_time = time.perf_counter() - start
        qc = to_qiskit(circuit)
        start = time.perf_counter()
        theirs = qiskit_transpile(qc, coupling_map=coupling, basis_gates=basis, optimization_level=3,
                                  seed_transpiler=1)
        their_time = time.perf_counter() - start
        our_2q = ours.report.two_qubit_gates
        their_2q = theirs.count_ops().get("cz", 0)
        two_in = sum(1 for inst in circuit.instructions if len(inst.qubits) >= 2)
        ratio = our_2q / their_2q if their_2q else 1.0
        count_ratios.append(ratio)
        time_ratios.append(our_time / their_time)
        print(f"{name:<14}{two_in:>7}{our_2q:>11}{their_2q:>10}{ratio:>7.2f}{our_time:>10.3f}{their_time:>9.3f}"
              f"{our_time / their_time:>7.2f}")
    print(f"median two-qubit-count ratio (qfusion/qiskit): {statistics.median(count_ratios):.3f}  (target <= 1.0)")
    print(f"median transpile-time ratio (qfusion/qiskit):  {statistics.median(time_ratios):.3f}  (target <= 1.0)")


if __name__ == "__main__":
    main()
