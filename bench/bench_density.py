#!/usr/bin/env python3
"""Density-matrix benchmark: qfusion against qiskit-aer's density-matrix method, noise after every gate.

Both simulators run the same circuits (layers of ``sx``/``rz`` on every qubit and a brickwork
of ``cx``), with the same noise: depolarizing (1q after one-qubit gates, 2q after ``cx``)
composed with thermal relaxation for the gate's duration on each of its qubits, in the same
process, with the same number of threads.

    python bench/bench_density.py                    # 12 qubits, 10 layers, 2 threads
    python bench/bench_density.py --qubits 10,12 --layers 6 --repeat 3
    python bench/bench_density.py --qubits 10,12 --clock process   # CPU seconds, for a loaded machine

What is timed: the whole ``qf.run(..., backend="density_matrix", noise_model=...)`` (lowering,
noise placement, fusion, execution, 1000 shots) against ``AerSimulator.run`` on the already
transpiled circuit (aer's noise sampling, fusion and execution, 1000 shots); best of ``--repeat``,
after one warm-up of each so numba's compile time is not counted. Also checks that both final
density matrices agree. ``--clock process`` times with ``time.process_time()`` (CPU seconds of
every thread of this process) instead of the wall clock: on a shared machine other jobs then do
not inflate the numbers, though threads that spin while they wait do.
"""

from __future__ import annotations

import os

THREADS = os.environ.get("BENCH_THREADS", "2")
for _var in ("OMP_NUM_THREADS", "QFUSION_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = THREADS
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                      ".cache", "numba"))

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import qfusion as qf  # noqa: E402
from qfusion import noise  # noqa: E402
from qfusion.interop.qiskit import to_qiskit  # noqa: E402

T1, T2 = 100e-6, 80e-6
TIME_1Q, TIME_2Q = 35e-9, 300e-9
P1, P2 = 1e-3, 1e-2


def circuit(num_qubits: int, layers: int, seed: int) -> qf.Circuit:
    rng = np.random.default_rng(seed)
    c = qf.Circuit(num_qubits)
    for layer in range(layers):
        for q in range(num_qubits):
            c.rz(float(rng.uniform(-np.pi, np.pi)), q)
            c.sx(q)
        for q in range(layer % 2, num_qubits - 1, 2):
            c.cx(q, q + 1)
    return c


def qfusion_model() -> noise.NoiseModel:
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(P1), ["sx", "rz"])
    model.add_gate_error(noise.thermal_relaxation(T1, T2, TIME_1Q), ["sx", "rz"])
    model.add_gate_error(noise.depolarizing(P2, 2), ["cx"])
    model.add_gate_error(noise.thermal_relaxation(T1, T2, TIME_2Q), ["cx"])
    return model


def aer_model():
    from qiskit_aer import noise as aer
    model = aer.NoiseModel()
    model.add_all_qubit_quantum_error(aer.depolarizing_error(P1, 1).compose(
        aer.thermal_relaxation_error(T1, T2, TIME_1Q)), ["sx", "rz"])
    relax = aer.thermal_relaxation_error(T1, T2, TIME_2Q)
    model.add_all_qubit_quantum_error(aer.depolarizing_error(P2, 2).compose(relax.tensor(relax)), ["cx"])
    return model


def best_time(fn, repeat: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--qubits", default="12")
    parser.add_argument("--layers", type=int, default=10)
    parser.add_argument("--shots", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--clock", choices=("wall", "process"), default="wall")
    args = parser.parse_args()

    from qiskit import transpile
    from qiskit_aer import AerSimulator

    model, theirs = qfusion_model(), aer_model()
    sim = AerSimulator(method="density_matrix", noise_model=theirs, max_parallel_threads=int(THREADS))
    clock = time.process_time if args.clock == "process" else time.perf_counter
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {THREADS} threads each; "
          f"load average {os.getloadavg()[0]:.1f} at start; clock: {args.clock}")
    print("| n | layers | gates | noise ops | qfusion (s) | aer (s) | qfusion / aer | max |rho - rho_aer| |")
    print("|---|---|---|---|---|---|---|---|")
    warm = circuit(4, 2, 0)
    qf.run(warm.copy().measure_all(), shots=10, backend="density_matrix", noise_model=model)
    for n in [int(x) for x in args.qubits.split(",")]:
        c = circuit(n, args.layers, seed=n)
        measured = c.copy().measure_all()
        qc = transpile(to_qiskit(measured), sim, optimization_level=0)
        sim.run(transpile(to_qiskit(warm.copy().measure_all()), sim, optimization_level=0), shots=10).result()
        ours = best_time(lambda: qf.run(measured, shots=args.shots, seed=1, backend="density_matrix",
                                        noise_model=model), args.repeat, clock)
        aer_time = best_time(lambda: sim.run(qc, shots=args.shots, seed_simulator=1).result(), args.repeat, clock)
        rho = np.asarray(qf.simulate(c, backend="density_matrix", noise_model=model))
        saved = to_qiskit(c)
        saved.save_density_matrix()
        rho_aer = np.asarray(sim.run(transpile(saved, sim, optimization_level=0)).result().data()["density_matrix"])
        error = float(np.abs(rho - rho_aer).max())
        noisy_ops = sum(1 for inst in model.apply(c).instructions if isinstance(inst.operation, noise.NoiseOperation))
        print(f"| {n} | {args.layers} | {len(c.instructions)} | {noisy_ops} | {ours:.3f} | {aer_time:.3f} | "
              f"{ours / aer_time:.2f}x | {error:.1e} |", flush=True)


if __name__ == "__main__":
    main()
