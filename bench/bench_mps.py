"""qfusion's MPS backend against qiskit-aer's matrix_product_state method and quimb's CircuitMPS, side by
side in one run, at the same bond dimension, on the circuits of issue 19:

- 1D brickwork of Haar-random two-qubit gates, 100 qubits, depth 10 and 20, chi = 64 and 256;
- QAOA p=2 on a 100-node random 3-regular graph (non-adjacent ZZ gates: swap networks);
- a 100-qubit transverse-field Ising chain, 20 first-order Trotter steps.

Each simulator builds the final MPS (no sampling); the time is the best of --repeats runs of the
simulation alone (circuit conversion outside), the peers' runs interleaved (qfusion, Aer, quimb, then
again) so that a change in a shared machine's load hits them alike. Two times are taken of each run:
the process's CPU time (``time.process_time``, all its threads) and the wall time; on a loaded machine
the wall time is mostly waiting for a core, so the ratios are of CPU time (all run single-threaded:
OPENBLAS_NUM_THREADS=1 and Aer's max_parallel_threads=1, so CPU time is the work done). The fidelity
column is each one's own estimate, prod(1 - discarded weight) over the truncations (Aer's from its
mps_log_data in a separate, untimed run; quimb's fidelity_estimate()).

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python bench/bench_mps.py [--quick] [--repeats 1]
"""

from __future__ import annotations

import argparse
import os
import re
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import qfusion as qf  # noqa: E402
from qfusion.circuit import Circuit  # noqa: E402


def haar(rng, dim):
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    return q * (np.diag(r) / abs(np.diag(r)))


def brickwork(n, depth, seed=1):
    rng = np.random.default_rng(seed)
    c = Circuit(n)
    for layer in range(depth):
        for q in range(layer % 2, n - 1, 2):
            c.unitary(haar(rng, 4), [q, q + 1])
    return c


def regular_graph(n, degree, seed):
    import networkx
    return sorted(tuple(sorted(e)) for e in networkx.random_regular_graph(degree, n, seed=seed).edges())


def qaoa(n=100, p=2, seed=2):
    rng = np.random.default_rng(seed)
    edges = regular_graph(n, 3, seed)
    c = Circuit(n)
    for q in range(n):
        c.h(q)
    for _ in range(p):
        gamma, beta = rng.uniform(0, np.pi, 2)
        for a, b in edges:
            c.rzz(float(2 * gamma), a, b)
        for q in range(n):
            c.rx(float(2 * beta), q)
    return c


def tfim(n=100, steps=20, dt=0.1, h=1.0):
    c = Circuit(n)
    for _ in range(steps):
        for q in range(n - 1):
            c.rzz(-2 * dt, q, q + 1)
        for q in range(n):
            c.rx(-2 * h * dt, q)
    return c


def timed(run):
    """``((cpu seconds, wall seconds), output)`` of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = run()
    return (time.process_time() - cpu, time.perf_counter() - wall), out


def run_qfusion(c, chi):
    """``(simulate, fidelity of its output)``: a callable to time, and how to read its fidelity."""
    return (lambda: qf.simulate(c, backend="mps", max_bond_dimension=chi)), (lambda state: state.fidelity_estimate)


_AER_LOGGED = [0]  # discarded values already in Aer's process-wide MPS log


def run_aer(c, chi):
    from qiskit_aer import AerSimulator
    qc = qf.interop.to_qiskit(c)
    qc.save_statevector  # noqa: B018 - the method exists; the MPS itself is what we keep
    from qiskit_aer.library import SaveMatrixProductState
    qc.append(SaveMatrixProductState(c.num_qubits, label="mps"), qc.qubits)
    options = dict(method="matrix_product_state", matrix_product_state_max_bond_dimension=chi,
                   matrix_product_state_truncation_threshold=1e-16, max_parallel_threads=1,
                   max_memory_mb=2**42)  # Aer sizes an MPS as if exact; the bond cap is what bounds it
    sim = AerSimulator(**options)

    def simulate():
        result = sim.run(qc).result()
        if not result.success:
            raise RuntimeError(result.status)
        return result

    def fidelity(_):
        # Aer 0.18's MPS_log_data is cumulative over the process's logged runs: only the new entries are this one's
        logged = AerSimulator(mps_log_data=True, **options).run(qc).result().results[0].metadata["MPS_log_data"]
        discarded = [float(v) for v in re.findall(r"discarded_value=([0-9.eE+-]+)", logged)]
        fresh, _AER_LOGGED[0] = discarded[_AER_LOGGED[0]:], len(discarded)
        return float(np.prod([1 - d for d in fresh]))
    return simulate, fidelity


def run_quimb(c, chi):
    import quimb.tensor as qtn
    n = c.num_qubits
    gates = []
    for inst in c.instructions:  # quimb is big-endian: qubit q is its site n - 1 - q
        matrix = np.asarray(inst.operation.matrix())
        sites = [n - 1 - q for q in inst.qubits]
        gates.append((matrix, sites[::-1] if len(sites) == 2 else sites))

    def simulate():
        circuit = qtn.CircuitMPS(n, max_bond=chi, cutoff=1e-16)
        for matrix, sites in gates:
            circuit.apply_gate_raw(matrix, sites)
        return circuit
    return simulate, (lambda circuit: float(circuit.fidelity_estimate()))


def measure(circuit, chi, repeats):
    """Per peer ``(best cpu s, best wall s, fidelity)`` or ``(nan, nan, error text)``; repeats interleaved."""
    runs, best, fidelity = {}, {}, {}
    for name, peer in PEERS.items():
        try:
            runs[name] = peer(circuit, chi)
        except Exception as exc:  # noqa: BLE001 - a peer that fails is reported, the others still run
            fidelity[name] = f"{type(exc).__name__}: {exc}"[:80]
    for _ in range(repeats):
        for name, (simulate, read) in runs.items():
            if name in fidelity and isinstance(fidelity[name], str):
                continue
            try:
                seconds, out = timed(simulate)
                if name not in fidelity:
                    fidelity[name] = read(out)
            except Exception as exc:  # noqa: BLE001
                fidelity[name] = f"{type(exc).__name__}: {exc}"[:80]
                continue
            previous = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(previous[0], seconds[0]), min(previous[1], seconds[1]))
    return {name: (*best[name], fidelity[name]) if not isinstance(fidelity[name], str)
            else (float("nan"), float("nan"), fidelity[name]) for name in PEERS}


PEERS = {"qfusion": run_qfusion, "aer_mps": run_aer, "quimb": run_quimb}


def cases(quick):
    if quick:
        return [("brickwork n=40 d=10", brickwork(40, 10), 32), ("qaoa p=2 n=40", qaoa(40), 32),
                ("tfim n=40 steps=10", tfim(40, 10), 32)]
    return [("brickwork n=100 d=10", brickwork(100, 10), 64), ("brickwork n=100 d=10", brickwork(100, 10), 256),
            ("brickwork n=100 d=20", brickwork(100, 20), 64), ("brickwork n=100 d=20", brickwork(100, 20), 256),
            ("qaoa p=2 n=100 3-regular", qaoa(100), 64), ("tfim n=100 steps=20", tfim(100, 20), 64)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40-qubit versions (a smoke test)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--only", default=None, help="comma-separated case numbers (from 0)")
    parser.add_argument("--fidelities", action="store_true",
                        help="only each peer's own fidelity estimate per case, untimed (a fresh process's Aer log)")
    args = parser.parse_args()
    chosen = cases(args.quick)
    if args.only:
        chosen = [chosen[int(i)] for i in args.only.split(",")]
    if args.fidelities:
        for label, circuit, chi in chosen:
            estimates = []
            for name, peer in PEERS.items():
                simulate, read = peer(circuit, chi)
                estimates.append(f"{name} {read(simulate() if name != 'aer_mps' else None):.4f}")
            print(f"{label:<26} {chi:>4}  " + "  ".join(estimates), flush=True)
        return
    warm = brickwork(8, 4)
    measure(warm, 4, 1)  # imports and first-call set-up stay out of the timings
    print(f"{'case':<26} {'chi':>4} " + " ".join(f"{name + ' cpu':>11} {'wall':>7} {'fid':>6}" for name in PEERS)
          + "  aer/qf quimb/qf (cpu)")
    for label, circuit, chi in chosen:
        row = measure(circuit, chi, args.repeats)
        cells = " ".join(f"{'failed':>26}" if isinstance(row[n][2], str)
                         else f"{row[n][0]:>11.3f} {row[n][1]:>7.2f} {row[n][2]:>6.4f}" for n in PEERS)
        ours = row["qfusion"][0]
        print(f"{label:<26} {chi:>4} {cells}  {row['aer_mps'][0] / ours:>6.2f} {row['quimb'][0] / ours:>8.2f}",
              flush=True)
        for name in PEERS:
            if isinstance(row[name][2], str):
                print(f"    {name} failed: {row[name][2]}")


if __name__ == "__main__":
    main()
