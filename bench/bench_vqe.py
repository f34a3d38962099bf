#!/usr/bin/env python3
"""VQE benchmark: qfusion against PennyLane (lightning.qubit, adjoint) and Qiskit (qiskit_algorithms.VQE).

    python bench/bench_vqe.py                 # both parts
    python bench/bench_vqe.py --part gradient --repeat 5
    python bench/bench_vqe.py --json results.json

(a) gradient: one energy-and-gradient evaluation of UCCSD for LiH/STO-3G with every orbital active
    (12 spin orbitals = 12 qubits, Jordan-Wigner, 631 Pauli terms, 92 excitations, one parameter each).
    qfusion: ``AdjointTape.value_and_gradient`` (the tape is built once, outside the timer, as a VQE
    loop would). PennyLane: a QNode on lightning.qubit with diff_method="adjoint", ``qml.grad`` (its
    forward pass gives the energy); timed in two forms and the faster counts: every UCCSD Pauli
    exponential as one native ``qml.PauliRot``, and qfusion's own gate-level circuit gate for gate.
(b) vqe: a full H2/STO-3G VQE (0.735 Å, UCCSD, Jordan-Wigner, 4 qubits, L-BFGS-B from zeros).
    qfusion: ``qfusion.algorithms.vqe`` (adjoint gradients). Qiskit: ``qiskit_algorithms.VQE`` with
    ``StatevectorEstimator`` and SciPy L-BFGS-B, with finite-difference gradients (its default) and
    with ``ParamShiftEstimatorGradient``; the faster counts. Same Hamiltonian, same circuit (converted).
Best of ``--repeat`` runs after one warm-up run (numba/JIT compile time is not counted). The energies
and gradients are compared, so a fast wrong answer would show.
"""

from __future__ import annotations

import os

THREADS = os.environ.get("BENCH_THREADS", "1")
for _var in ("OMP_NUM_THREADS", "QFUSION_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = THREADS
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                      ".cache", "numba"))

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def best_time(function, repeat):
    function()  # warm-up
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return min(times), value


def lih_problem():
    from qfusion.chem import molecular_data, qubit_hamiltonian, uccsd_ansatz
    data = molecular_data("Li 0 0 0; H 0 0 1.595", "sto-3g")
    hamiltonian = qubit_hamiltonian(data, "jordan_wigner")
    ansatz = uccsd_ansatz(12, data.num_alpha, data.num_beta, "jordan_wigner")
    return hamiltonian, ansatz


def pennylane_hamiltonian(hamiltonian):
    import pennylane as qml
    n = hamiltonian.num_qubits
    coeffs, ops = [], []
    for label, coeff in hamiltonian.terms:
        word = {q: label[n - 1 - q] for q in range(n) if label[n - 1 - q] != "I"}
        ops.append(qml.pauli.PauliWord(word).operation() if word else qml.Identity(0))
        coeffs.append(float(coeff))
    return qml.Hamiltonian(coeffs, ops)


def pennylane_pauli_rot_qnode(hamiltonian):
    """UCCSD with one qml.PauliRot per Pauli exponential (lightning applies PauliRot natively)."""
    import pennylane as qml

    from qfusion.chem import excitation_generator, excitations, hartree_fock_bits
    n = hamiltonian.num_qubits
    generators = [excitation_generator(e, 12, "jw") for e in excitations(12, 2, 2)]
    rotations = []
    for k, generator in enumerate(generators):
        for label, coeff in generator.terms:
            wires = [q for q in range(n) if label[n - 1 - q] != "I"]
            rotations.append((k, 2 * float(coeff), "".join(label[n - 1 - q] for q in wires), wires))
    occupied = [int(q) for q in np.flatnonzero(hartree_fock_bits(12, 2, 2, "jw"))]
    observable = pennylane_hamiltonian(hamiltonian)
    device = qml.device("lightning.qubit", wires=n)

    @qml.qnode(device, diff_method="adjoint")
    def energy(theta):
        for q in occupied:
            qml.PauliX(q)
        for k, factor, word, wires in rotations:
            qml.PauliRot(factor * theta[k], word, wires=wires)
        return qml.expval(observable)
    return energy, len(generators)


def pennylane_gate_qnode(hamiltonian, ansatz):
    """qfusion's gate-level UCCSD circuit, gate for gate, on lightning.qubit."""
    import pennylane as qml

    from qfusion.primitives.expressions import value_and_partials
    n = ansatz.num_qubits
    names = [p.name for p in ansatz.parameters]
    fixed = {"x": qml.PauliX, "h": qml.Hadamard, "s": qml.S, "cx": qml.CNOT}
    program = []
    for inst in ansatz.instructions:
        op = inst.operation
        if op.name in fixed:
            program.append((fixed[op.name], None, None, list(inst.qubits)))
        elif op.name == "sdg":
            program.append((lambda wires: qml.adjoint(qml.S(wires=wires)), None, None, list(inst.qubits)))
        elif op.name in ("rz", "rzz"):
            angle = op.params[0]
            _, partials = value_and_partials(angle, {p: 0.0 for p in names})
            (name, factor), = partials.items()  # UCCSD angles are factor * theta_k
            program.append((qml.RZ if op.name == "rz" else qml.IsingZZ, names.index(name), factor, list(inst.qubits)))
        else:
            raise ValueError(f"no PennyLane translation for {op.name}")
    observable = pennylane_hamiltonian(hamiltonian)
    device = qml.device("lightning.qubit", wires=n)

    @qml.qnode(device, diff_method="adjoint")
    def energy(theta):
        for gate, index, factor, wires in program:
            if index is None:
                gate(wires=wires)
            else:
                gate(factor * theta[index], wires=wires)
        return qml.expval(observable)
    return energy


def part_gradient(repeat):
    import pennylane as qml
    from pennylane import numpy as pnp

    from qfusion.primitives import AdjointTape
    hamiltonian, ansatz = lih_problem()
    theta = np.random.default_rng(5).normal(scale=0.05, size=len(ansatz.parameters))
    start = time.perf_counter()
    tape = AdjointTape(ansatz)
    tape_time = time.perf_counter() - start
    qf_time, (qf_value, qf_grad) = best_time(lambda: tape.value_and_gradient(hamiltonian, theta), repeat)
    rows = {"qfusion adjoint": (qf_time, qf_value, qf_grad)}
    for label, qnode in (("pennylane lightning.qubit adjoint, PauliRot", pennylane_pauli_rot_qnode(hamiltonian)[0]),
                         ("pennylane lightning.qubit adjoint, same gates", pennylane_gate_qnode(hamiltonian, ansatz))):
        def evaluate(qnode=qnode):
            grad_fn = qml.grad(qnode)
            grad = grad_fn(pnp.array(theta, requires_grad=True))
            return float(grad_fn.forward), np.asarray(grad)
        rows[label] = (*best_time(evaluate, repeat),)
        rows[label] = (rows[label][0], *rows[label][1])
    peer = min((k for k in rows if k.startswith("pennylane")), key=lambda k: rows[k][0])
    print(f"\n(a) UCCSD energy + gradient, LiH/STO-3G, 12 qubits, {len(hamiltonian)} Pauli terms, "
          f"{len(ansatz.parameters)} parameters, {len(ansatz.instructions)} qfusion gates")
    print(f"    qfusion AdjointTape set-up (once per ansatz): {tape_time:.3f} s")
    print(f"    {'framework':50s} {'time (s)':>10s} {'energy (Ha)':>16s} {'max |grad - qfusion|':>22s}")
    for label, (seconds, value, grad) in rows.items():
        print(f"    {label:50s} {seconds:10.4f} {value:16.10f} {np.max(np.abs(grad - qf_grad)):22.2e}")
    ratio = rows[peer][0] / qf_time
    print(f"    speed-up of qfusion over the faster PennyLane form: {ratio:.2f}x (target >= 2x)")
    return {"part": "gradient", "qfusion_s": qf_time, "tape_setup_s": tape_time,
            "peers": {k: v[0] for k, v in rows.items() if k != "qfusion adjoint"}, "speedup": ratio,
            "energy": qf_value, "max_gradient_difference": float(max(np.max(np.abs(v[2] - qf_grad))
                                                                      for v in rows.values()))}


def part_vqe(repeat):
    from qiskit.primitives import StatevectorEstimator
    from qiskit_algorithms import VQE
    from qiskit_algorithms.gradients import ParamShiftEstimatorGradient
    from qiskit_algorithms.optimizers import L_BFGS_B

    from qfusion.algorithms import vqe
    from qfusion.chem import fci_energy, molecular_data, qubit_hamiltonian, uccsd_ansatz
    from qfusion.interop.qiskit import to_qiskit
    data = molecular_data("H 0 0 0; H 0 0 0.735", "sto-3g")
    hamiltonian = qubit_hamiltonian(data, "jordan_wigner")
    ansatz = uccsd_ansatz(4, 1, 1, "jordan_wigner")
    exact = fci_energy(data)
    qiskit_ansatz, qiskit_hamiltonian = to_qiskit(ansatz), hamiltonian.to_qiskit()
    rows = {}
    rows["qfusion vqe (adjoint, L-BFGS-B)"] = best_time(lambda: vqe(hamiltonian, ansatz).eigenvalue, repeat)

    def qiskit_vqe(gradient):
        def run():
            estimator = StatevectorEstimator()
            solver = VQE(estimator, qiskit_ansatz, L_BFGS_B(maxiter=1000),
                         gradient=ParamShiftEstimatorGradient(estimator) if gradient else None,
                         initial_point=np.zeros(qiskit_ansatz.num_parameters))
            return float(solver.compute_minimum_eigenvalue(qiskit_hamiltonian).eigenvalue.real)
        return run
    rows["qiskit_algorithms VQE (finite differences)"] = best_time(qiskit_vqe(False), repeat)
    rows["qiskit_algorithms VQE (parameter shift)"] = best_time(qiskit_vqe(True), repeat)
    qf_time = rows["qfusion vqe (adjoint, L-BFGS-B)"][0]
    peer = min((k for k in rows if k.startswith("qiskit")), key=lambda k: rows[k][0])
    print(f"\n(b) full VQE, H2/STO-3G 0.735 Å, UCCSD, 4 qubits, FCI {exact:.10f} Ha")
    print(f"    {'framework':50s} {'time (s)':>10s} {'energy (Ha)':>16s} {'error (Ha)':>12s}")
    for label, (seconds, value) in rows.items():
        print(f"    {label:50s} {seconds:10.4f} {value:16.10f} {value - exact:12.2e}")
    ratio = rows[peer][0] / qf_time
    print(f"    speed-up of qfusion over the faster Qiskit VQE: {ratio:.2f}x (target > 1x)")
    return {"part": "vqe", "qfusion_s": qf_time, "peers": {k: v[0] for k, v in rows.items() if k.startswith("qiskit")},
            "speedup": ratio, "energies": {k: v[1] for k, v in rows.items()}, "fci": exact}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["gradient", "vqe", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()} {platform.processor() or ''} ({os.cpu_count()} CPUs), "
          f"{THREADS} thread(s), Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    results = []
    if args.part in ("gradient", "all"):
        results.append(part_gradient(args.repeat))
    if args.part in ("vqe", "all"):
        results.append(part_vqe(args.repeat))
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
