"""One energy-and-gradient evaluation of a UCCSD-style ansatz, adjoint differentiation:
qfusion's AdjointTape against PennyLane lightning.qubit with diff_method="adjoint", same run.

The ansatz: a Hartree-Fock-like reference (X on the first half of the qubits), then many Pauli
exponentials exp(-i theta/2 P) shaped like Jordan-Wigner UCCSD excitations: a "single" drives two
strings (X Z..Z Y and Y Z..Z X) with one parameter, a "double" drives eight strings of weight 4 plus
Z chains with one parameter. Every exponential is decomposed the textbook way (basis change,
CNOT ladder, RZ, undo), and both frameworks get exactly the same gate list. The Hamiltonian is a
random Pauli sum. Energies and gradients are checked to agree before anything is timed.

    python bench/bench_gradients.py                 # 12 qubits, 16 doubles, 24 singles, 200 terms
    python bench/bench_gradients.py --qubits 10 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("QFUSION_NUM_THREADS", "2")

import numpy as np  # noqa: E402

from qfusion.circuit import Circuit, Parameter  # noqa: E402
from qfusion.observables import PauliSum  # noqa: E402
from qfusion.primitives import AdjointTape  # noqa: E402


def excitation_strings(rng, n, singles, doubles):
    """(parameter index, Pauli label dict {qubit: P}) for JW-like singles and doubles."""
    occupied, virtual = list(range(n // 2)), list(range(n // 2, n))
    out, index = [], 0
    for _ in range(singles):
        i, a = int(rng.choice(occupied)), int(rng.choice(virtual))
        for first, last in (("X", "Y"), ("Y", "X")):
            string = {q: "Z" for q in range(i + 1, a)}
            string[i], string[a] = first, last
            out.append((index, string))
        index += 1
    for _ in range(doubles):
        i, j = sorted(int(q) for q in rng.choice(occupied, 2, replace=False))
        a, b = sorted(int(q) for q in rng.choice(virtual, 2, replace=False))
        for pattern in ("XXXY", "XXYX", "XYXX", "YXXX", "YYYX", "YYXY", "YXYY", "XYYY"):
            string = {q: "Z" for q in list(range(i + 1, j)) + list(range(a + 1, b))}
            for q, p in zip((i, j, a, b), pattern, strict=False):
                string[q] = p
            out.append((index, string))
        index += 1
    return out, index


def gate_list(n, strings):
    """The shared gate list: ("x"|"h"|"rx"|"cx"|"rz", qubits, angle or parameter index)."""
    gates = [("x", (q,), None) for q in range(n // 2)]
    for index, string in strings:
        qubits = sorted(string)
        basis = [("h", (q,), None) if string[q] == "X" else ("rx", (q,), np.pi / 2)
                 for q in qubits if string[q] in "XY"]
        undo = [("h", (q,), None) if string[q] == "X" else ("rx", (q,), -np.pi / 2)
                for q in qubits if string[q] in "XY"]
        ladder = [("cx", (a, b), None) for a, b in zip(qubits, qubits[1:], strict=False)]
        gates += basis + ladder + [("rz", (qubits[-1],), index)] + ladder[::-1] + undo
    return gates


def qfusion_circuit(n, gates, num_params):
    params = [Parameter(f"theta_{k:03d}") for k in range(num_params)]
    c = Circuit(n)
    for name, qubits, arg in gates:
        if name == "rz":
            c.rz(params[arg], *qubits)
        elif name == "rx":
            c.rx(arg, *qubits)
        else:
            getattr(c, name)(*qubits)
    return c


def random_hamiltonian(rng, n, terms):
    labels = ["".join(rng.choice(list("IXYZ"), n, p=[0.55, 0.15, 0.15, 0.15])) for _ in range(terms)]
    return PauliSum.from_list(list(zip(labels, rng.normal(size=terms), strict=False)), n).simplify()


def time_best(fn, repeat):
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def pennylane_runner(n, gates, hamiltonian, native=False, strings=None):
    import pennylane as qml
    device = qml.device("lightning.qubit", wires=n)
    coeffs = [float(c.real) for c in hamiltonian.coeffs]
    ops = []
    for label in hamiltonian.labels:
        factors = [getattr(qml, f"Pauli{p}")(n - 1 - k) for k, p in enumerate(label) if p != "I"]
        ops.append(qml.prod(*factors) if len(factors) > 1 else (factors[0] if factors else qml.Identity(0)))
    observable = qml.Hamiltonian(coeffs, ops)

    @qml.qnode(device, diff_method="adjoint")
    def energy(theta):
        if native:
            for q in range(n // 2):
                qml.PauliX(q)
            for index, string in strings:
                wires = sorted(string)
                qml.PauliRot(theta[index], "".join(string[q] for q in wires), wires=wires)
        else:
            for name, qubits, arg in gates:
                if name == "rz":
                    qml.RZ(theta[arg], wires=qubits[0])
                elif name == "rx":
                    qml.RX(arg, wires=qubits[0])
                elif name == "cx":
                    qml.CNOT(wires=list(qubits))
                elif name == "h":
                    qml.Hadamard(wires=qubits[0])
                else:
                    qml.PauliX(wires=qubits[0])
        return qml.expval(observable)

    from pennylane import numpy as pnp

    def evaluate(x):
        theta = pnp.array(x, requires_grad=True)
        gradient = qml.grad(energy)
        grad = gradient(theta)  # one forward and one adjoint pass; the forward value is kept
        return float(gradient.forward), np.asarray(grad, dtype=float)

    return evaluate, qml.__version__


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qubits", type=int, default=12)
    parser.add_argument("--singles", type=int, default=24)
    parser.add_argument("--doubles", type=int, default=16)
    parser.add_argument("--terms", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(12)
    n = args.qubits
    strings, num_params = excitation_strings(rng, n, args.singles, args.doubles)
    gates = gate_list(n, strings)
    hamiltonian = random_hamiltonian(rng, n, args.terms)
    circuit = qfusion_circuit(n, gates, num_params)
    x = rng.normal(scale=0.2, size=num_params)
    print(f"{n} qubits, {num_params} parameters, {len(strings)} Pauli exponentials, {len(gates)} gates, "
          f"{len(hamiltonian)} Hamiltonian terms; OMP/QFUSION threads {os.environ['OMP_NUM_THREADS']}; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")

    tape = AdjointTape(circuit)
    tape.value_and_gradient(hamiltonian, x)  # compile the kernels (numba cache) before timing
    cold, _ = time_best(lambda: AdjointTape(circuit).value_and_gradient(hamiltonian, x), args.repeat)
    warm, (value, grad) = time_best(lambda: tape.value_and_gradient(hamiltonian, x), args.repeat)
    print(f"qfusion AdjointTape: {warm * 1e3:9.2f} ms per evaluation (tape reused), "
          f"{cold * 1e3:9.2f} ms including building the tape")

    rows = []
    for native in (False, True):
        try:
            evaluate, version = pennylane_runner(n, gates, hamiltonian, native, strings)
        except ImportError as exc:
            print(f"pennylane lightning.qubit: not installed ({exc})")
            break
        peer_value, peer_grad = evaluate(x)
        agree = abs(peer_value - value) < 1e-8 and np.abs(peer_grad - grad).max() < 1e-8
        seconds, _ = time_best(lambda: evaluate(x), args.repeat)
        what = "PauliRot ops" if native else "same gate list"
        print(f"pennylane {version} lightning.qubit adjoint ({what}): {seconds * 1e3:9.2f} ms  "
              f"agrees: {agree} (|dE| {abs(peer_value - value):.1e}, |dgrad| {np.abs(peer_grad - grad).max():.1e})")
        rows.append((what, seconds))
    for what, seconds in rows:
        print(f"ratio lightning ({what}) / qfusion: {seconds / warm:6.2f}x per evaluation, "
              f"{seconds / cold:6.2f}x including the tape build")


if __name__ == "__main__":
    main()
