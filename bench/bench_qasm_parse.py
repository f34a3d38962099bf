"""OpenQASM reading speed: qfusion's reader vs Qiskit's (qiskit.qasm2, Rust; qiskit.qasm3, ANTLR).

Files are generated in the style of the large files of QASMBench and Qiskit's QASM benchmarks
(long runs of ``cx``/``h``/``t``/``rz(θ)`` on indexed qubits, plus gate definitions and
conditions), about 2.6 MB by default. Each reader parses each file ``--repeat`` times,
interleaved; the best time of each is printed with the ratio qfusion / peer (< 1: qfusion faster).
The circuits read are checked equal to each other (operation counts) before any time is printed.

    python bench/bench_qasm_parse.py [--megabytes 2.6] [--repeat 3] [--no-qasm3]
"""

from __future__ import annotations

import argparse
import platform
import random
import time

import qfusion.qasm as qfqasm


def qasm2_text(megabytes: float, seed: int = 1, num_qubits: int = 20) -> str:
    """A QASMBench-like OpenQASM 2 program of about ``megabytes`` MB."""
    rng = random.Random(seed)
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{num_qubits}];", f"creg c[{num_qubits}];",
             "gate majority a, b, c { cx c, b; cx c, a; ccx a, b, c; }"]
    size, target = 0, int(megabytes * 1e6)
    while size < target:
        k = rng.random()
        if k < 0.45:
            a, b = rng.sample(range(num_qubits), 2)
            line = f"cx q[{a}],q[{b}];"
        elif k < 0.75:
            line = f"{rng.choice(['h', 'x', 't', 'tdg', 's', 'sdg'])} q[{rng.randrange(num_qubits)}];"
        elif k < 0.95:
            line = f"rz({rng.uniform(-3.2, 3.2):.12f}) q[{rng.randrange(num_qubits)}];"
        elif k < 0.99:
            line = f"u3(pi/2,0,pi/{rng.choice([2, 4, 8])}) q[{rng.randrange(num_qubits)}];"
        else:
            a, b, c = rng.sample(range(num_qubits), 3)
            line = f"majority q[{a}],q[{b}],q[{c}];"
        lines.append(line)
        size += len(line) + 1
    lines.append("measure q -> c;")
    return "\n".join(lines) + "\n"


def best(function, text: str, repeat: int, times: list) -> object:
    start = time.perf_counter()
    result = function(text)
    times.append(time.perf_counter() - start)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=2.6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-qasm3", action="store_true", help="skip the OpenQASM 3 file (qiskit.qasm3 is slow)")
    args = parser.parse_args()
    import qiskit
    import qiskit.qasm2

    text2 = qasm2_text(args.megabytes)
    cases = [("OpenQASM 2", text2, "qiskit.qasm2.loads", qiskit.qasm2.loads)]
    if not args.no_qasm3:
        import qiskit.qasm3
        text3 = qfqasm.dumps(qfqasm.loads(text2), version=3)
        cases.append(("OpenQASM 3", text3, "qiskit.qasm3.loads", qiskit.qasm3.loads))
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"qiskit {qiskit.__version__}; best of {args.repeat}, interleaved")
    print(f"{'file':<12} {'MB':>5} {'gates':>8} {'qfusion s':>10} {'peer':<20} {'peer s':>8} {'ratio':>6}")
    for label, text, peer_name, peer in cases:
        ours_times, peer_times = [], []
        for _ in range(args.repeat):
            ours = best(qfqasm.loads, text, args.repeat, ours_times)
            theirs = best(peer, text, args.repeat, peer_times)
        ours_ops = sum(ours.count_ops().values())
        their_ops = sum(theirs.count_ops().values())
        if ours_ops != their_ops:
            raise SystemExit(f"{label}: qfusion read {ours_ops} operations, {peer_name} {their_ops}")
        mine, peer_best = min(ours_times), min(peer_times)
        print(f"{label:<12} {len(text) / 1e6:>5.2f} {ours_ops:>8} {mine:>10.3f} {peer_name:<20} "
              f"{peer_best:>8.3f} {mine / peer_best:>6.2f}")


if __name__ == "__main__":
    main()
