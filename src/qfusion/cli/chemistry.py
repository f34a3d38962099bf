"""The ``vqe`` subcommand: a molecule's ground energy by VQE, against Hartree–Fock and full CI.

>>> import types
>>> args = types.SimpleNamespace(geometry="H 0 0 0; H 0 0 0.735", basis="sto-3g", charge=0, spin=0,
...     active_electrons=None, active_orbitals=None, ansatz="uccsd", mapping="parity", no_reduction=False, taper=False,
...     reps=1, optimizer=None, maxiter=200, backend="statevector", shots=None, seed=None,
...     progress=False, json=True)
>>> result = vqe(args)
>>> result["num_qubits"], result["chemical_accuracy"]
(2, True)
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

from qfusion.cli.app import UsageError

CHEMICAL_ACCURACY = 1.6e-3  # hartree
ANSATZE = ("uccsd", "adapt", "hea")
MAPPING_NAMES = {"jw": "jordan_wigner", "parity": "parity", "bk": "bravyi_kitaev"}


def add_parser(sub, common) -> None:
    """Add ``qfusion vqe`` to the subcommands ``sub`` (``common`` holds --json and --traceback).

    >>> from qfusion.cli.app import build_parser
    >>> args = build_parser().parse_args(["vqe", "--geometry", "H 0 0 0; H 0 0 0.735", "--ansatz", "uccsd"])
    >>> args.geometry, args.ansatz, args.basis
    ('H 0 0 0; H 0 0 0.735', 'uccsd', 'sto-3g')
    """
    p = sub.add_parser("vqe", parents=[common], help="ground-state energy of a molecule by VQE")
    p.add_argument("--geometry", required=True, help="atoms and coordinates in ångström, 'H 0 0 0; H 0 0 0.735'")
    p.add_argument("--basis", default="sto-3g", help="Gaussian basis set (default sto-3g)")
    p.add_argument("--charge", type=int, default=0)
    p.add_argument("--spin", type=int, default=0, help="2S, the number of unpaired electrons (default 0)")
    p.add_argument("--active-electrons", type=int, default=None, help="electrons in the active space")
    p.add_argument("--active-orbitals", type=int, default=None, help="spatial orbitals in the active space")
    p.add_argument("--ansatz", choices=ANSATZE, default="uccsd", help="uccsd (default), adapt or hea")
    p.add_argument("--mapping", choices=list(MAPPING_NAMES), default="jw",
                   help="fermion-to-qubit mapping: jw (default), parity (with the two-qubit reduction) or bk")
    p.add_argument("--no-reduction", action="store_true", help="keep all qubits under the parity mapping")
    p.add_argument("--taper", action="store_true",
                   help="remove one qubit per Z2 symmetry (spin parities, point group) of the jw or bk Hamiltonian")
    p.add_argument("--reps", type=int, default=None, help="ansatz repetitions (default 1 for uccsd, 2 for hea)")
    p.add_argument("--optimizer", default=None,
                   help="SciPy method (COBYLA, BFGS, ...), SPSA or Adam (default L-BFGS-B, or SPSA with --shots)")
    p.add_argument("--maxiter", type=int, default=1000, help="optimiser iterations (default 1000)")
    p.add_argument("--backend", default="statevector", help="backend name (see 'qfusion backends')")
    p.add_argument("--shots", type=int, default=None, help="estimate energies from shots (default exact)")
    p.add_argument("--seed", type=int, default=None, help="seed for shots and the hea starting point")
    p.add_argument("--progress", action="store_true", help="print the energy after every iteration")


def _problem(args):
    from qfusion.chem import find_tapering, hartree_fock_bits, hartree_fock_circuit, molecular_data, qubit_hamiltonian
    from qfusion.circuit import Circuit
    data = molecular_data(args.geometry, args.basis, charge=args.charge, spin=args.spin,
                          active_electrons=args.active_electrons, active_orbitals=args.active_orbitals)
    mapping = MAPPING_NAMES[args.mapping]
    reduce = mapping == "parity" and not args.no_reduction and not args.taper
    hamiltonian = qubit_hamiltonian(data, mapping, two_qubit_reduction=reduce)
    n, na, nb = data.num_spin_orbitals, data.num_alpha, data.num_beta
    reference = hartree_fock_circuit(n, na, nb, mapping, two_qubit_reduction=reduce)
    tapering = None
    if args.taper:
        tapering = find_tapering(hamiltonian, hartree_fock_bits(n, na, nb, mapping))
        hamiltonian = tapering.taper(hamiltonian)
        reference = Circuit(hamiltonian.num_qubits, name="hartree_fock")
        for q in np.flatnonzero(tapering.taper_bits(hartree_fock_bits(n, na, nb, mapping))):
            reference.x(int(q))
    return data, mapping, reduce, hamiltonian, reference, tapering


def vqe(args) -> dict:
    """Run ``qfusion vqe``: print a report (unless ``--json``) and return the JSON-ready result."""
    from qfusion.algorithms import ADAPTResult, VQEResult, adapt_vqe, hardware_efficient_ansatz
    from qfusion.algorithms import vqe as run_vqe
    from qfusion.backends import get
    from qfusion.chem import adapt_pool, fci_energy, full_space_fci_energy, uccsd_ansatz
    if args.reps is not None and args.reps < 1:
        raise UsageError(f"--reps must be at least 1, got {args.reps}")
    if args.shots is not None and args.shots < 2:
        raise UsageError(f"--shots must be at least 2, got {args.shots}")
    if args.ansatz == "adapt" and (args.backend != "statevector" or args.shots is not None):
        raise UsageError("--ansatz adapt runs on the exact state vector; drop --backend/--shots or use uccsd")
    get(args.backend)  # unknown backends fail before any chemistry
    optimizer = args.optimizer or ("SPSA" if args.shots is not None else "L-BFGS-B")
    start = time.perf_counter()
    data, mapping, reduce, hamiltonian, reference, tapering = _problem(args)
    progress = _printer(args) if args.progress and not args.json else None
    n, na, nb = data.num_spin_orbitals, data.num_alpha, data.num_beta
    extra: dict[str, Any] = {}
    result: ADAPTResult | VQEResult
    if args.ansatz == "adapt":
        pool = adapt_pool(n, na, nb, mapping, two_qubit_reduction=reduce, tapering=tapering)
        result = adapt_vqe(hamiltonian, reference, pool, optimizer=optimizer, maxiter=args.maxiter,
                           vqe_callback=progress)
        iterations = len(result.steps)
        extra["operators"] = list(result.operators)
    else:
        if args.ansatz == "uccsd":
            ansatz = uccsd_ansatz(n, na, nb, mapping, two_qubit_reduction=reduce, reps=args.reps or 1,
                                  tapering=tapering)
            x0 = np.zeros(len(ansatz.parameters))
        else:
            ansatz = hardware_efficient_ansatz(hamiltonian.num_qubits, reps=args.reps or 2, initial_state=reference)
            x0 = np.random.default_rng(args.seed).normal(scale=0.05, size=len(ansatz.parameters))
        result = run_vqe(hamiltonian, ansatz, initial_point=x0, optimizer=optimizer, maxiter=args.maxiter,
                         backend=args.backend, shots=args.shots, seed=args.seed, callback=progress)
        iterations = result.iterations
        extra["history"] = list(result.history)
    exact = fci_energy(data)
    error = result.eigenvalue - exact
    active_space = bool(data.frozen_orbitals) or data.num_orbitals < _num_orbitals(args)
    full_fci = full_space_fci_energy(args.geometry, args.basis, charge=args.charge, spin=args.spin) \
        if active_space else exact
    std_error = float(getattr(result, "energy_std_error", 0.0))
    report = {
        "geometry": args.geometry, "basis": args.basis, "charge": args.charge, "spin": args.spin,
        "active_electrons": data.num_electrons, "active_orbitals": data.num_orbitals, "active_space": active_space,
        "mapping": mapping, "two_qubit_reduction": reduce, "ansatz": args.ansatz,
        "tapered_qubits": 0 if tapering is None else len(tapering.symmetries),
        "num_qubits": hamiltonian.num_qubits, "num_terms": len(hamiltonian),
        "num_parameters": len(result.parameters), "backend": args.backend, "shots": args.shots, "optimizer": optimizer,
        "hf_energy": data.hf_energy, "energy": result.eigenvalue, "energy_std_error": std_error,
        "exact_energy": exact, "exact_method": "CASCI" if active_space else "FCI",
        "casci_energy": exact if active_space else None, "fci_energy": full_fci, "error": error,
        "chemical_accuracy": bool(abs(error) <= CHEMICAL_ACCURACY), "iterations": iterations,
        "cost_function_evals": result.cost_function_evals, "evaluations": result.cost_function_evals,  # the old name, kept
        "parameters": [float(v) for v in result.parameters],
        "time_s": time.perf_counter() - start, **extra}
    report.update(_stopping(result, report, args.maxiter))
    if not args.json:
        _print_report(report)
    return report


def _printer(args):
    def show(step):
        print(f"iteration {step.iteration:4d}  energy {step.energy:.10f} Ha", flush=True)
    return show


def _num_orbitals(args) -> int:
    from qfusion.chem import build_molecule
    return build_molecule(args.geometry, args.basis, charge=args.charge, spin=args.spin).nao_nr()


def _stopping(result, report: dict, maxiter: int) -> dict:
    """How the optimisation ended, in words: ``converged`` only when the optimiser's criterion was
    met away from a Hartree–Fock saddle (a gradient of zero there is not the ground state)."""
    stuck = abs(report["energy"] - report["hf_energy"]) < 1e-6 < report["hf_energy"] - report["exact_energy"]
    if result.converged and stuck and report["ansatz"] == "hea":
        status = "stopped at the Hartree-Fock energy (a stationary point of the ansatz; try another --seed)"
    elif result.converged:
        status = "converged"
    elif getattr(result, "stopped_at_maxiter", False) or report["iterations"] >= maxiter:
        status = f"stopped at maxiter ({maxiter}), not converged"
    else:
        status = f"not converged: {result.message}"
    return {"converged": status == "converged", "status": status, "message": result.message}


def _print_report(r: dict) -> None:
    reduced = ", two-qubit reduction" if r["two_qubit_reduction"] else ""
    if r["tapered_qubits"]:
        reduced = f", {r['tapered_qubits']} qubits tapered off by Z2 symmetries"
    reference = "CASCI" if r["active_space"] else "FCI"
    accuracy = "within" if r["chemical_accuracy"] else "NOT within"
    energy = f"{r['energy']:.10f} Ha"
    if r["shots"]:
        energy += f" ± {r['energy_std_error']:.2e} (standard error of {r['shots']} shots per term group)"
    print(f"molecule      {r['geometry']} ({r['basis']}, charge {r['charge']}, 2S = {r['spin']})")
    print(f"active space  {r['active_electrons']} electrons in {r['active_orbitals']} orbitals")
    print(f"qubits        {r['num_qubits']} ({r['mapping']}{reduced}), {r['num_terms']} Pauli terms")
    print(f"ansatz        {r['ansatz']}, {r['num_parameters']} parameters, on {r['backend']}"
          + (f" with {r['shots']} shots" if r["shots"] else ""))
    print(f"Hartree-Fock  {r['hf_energy']:.10f} Ha")
    print(f"VQE           {energy}")
    if r["active_space"]:
        print(f"CASCI (PySCF) {r['casci_energy']:.10f} Ha  (exact in the active space)")
        if r["fci_energy"] is None:
            print("FCI (PySCF)   not computed (the full space is too large)")
        else:
            print(f"FCI (PySCF)   {r['fci_energy']:.10f} Ha  (full space; the active space misses "
                  f"{(r['casci_energy'] - r['fci_energy']) * 1e3:.1f} mHa)")
    else:
        print(f"FCI (PySCF)   {r['fci_energy']:.10f} Ha")
    print(f"error         {r['error']:.3e} Ha vs {reference}, {accuracy} chemical accuracy (1.6 mHa)")
    print(f"{r['iterations']} iterations, {r['evaluations']} evaluations, {r['status']}, {r['time_s']:.2f} s")
    sys.stdout.flush()
