"""Error correction: qfusion's QEC path against stim, pymatching and sinter called directly, in one run.

1. overhead: qf.qec.logical_error_rate on a d=7, 7-round rotated surface code (SD6, p=0.001) against
   stim + pymatching doing the same shots on the same circuit (target: within 1.2x);
2. scale: a d=15, 15-round memory (449 qubits) sampled and decoded on one core (target: >= 1e5 shots/s);
3. stabilizer backend: qf.run(backend="stabilizer") of a 1,000-qubit random Clifford circuit against stim's
   compiled sampler on the same circuit (target: within 1.2x).

    python bench/bench_qec.py            # full
    python bench/bench_qec.py --quick    # fewer shots
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pymatching
import stim

import qfusion as qf
from qfusion.interop import to_stim


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def raw_stim_pymatching(circuit: stim.Circuit, shots: int, seed: int) -> int:
    dem = circuit.detector_error_model(decompose_errors=True)
    matching = pymatching.Matching.from_detector_error_model(dem)
    detectors, observables = circuit.compile_detector_sampler(seed=seed).sample(shots, separate_observables=True)
    return int(np.any(matching.decode_batch(detectors) != observables, axis=1).sum())


def overhead(shots: int, repeat: int) -> None:
    circuit = qf.qec.surface_code(7, 7, noise=qf.qec.noise.SD6(0.001))
    stim_circuit = to_stim(circuit)
    t_build = best(lambda: qf.qec.surface_code(7, 7, noise=qf.qec.noise.SD6(0.001)), repeat)
    t_convert = best(lambda: to_stim(circuit), repeat)
    runs = {"raw": [], "qf": [], "qf_stim": []}
    for _ in range(repeat):        # interleaved, so the machine's load hits the three paths alike
        runs["raw"].append(best(lambda: raw_stim_pymatching(stim_circuit, shots, 1), 1))
        runs["qf"].append(best(lambda: qf.qec.logical_error_rate(circuit, shots=shots, seed=1), 1))
        runs["qf_stim"].append(best(lambda: qf.qec.logical_error_rate(stim_circuit, shots=shots, seed=1), 1))
    ratio = {k: float(np.median(np.array(v) / np.array(runs["raw"]))) for k, v in runs.items()}
    t_raw = min(runs["raw"])
    print(f"\n1. overhead: d=7, 7 rounds, SD6 p=0.001, {shots} shots ({circuit.num_qubits} qubits, "
          f"{circuit.num_detectors} detectors); {repeat} interleaved repeats: best time, median ratio")
    print(f"   {'path':58s} {'seconds':>8s} {'vs raw':>7s}")
    for name, t, r in [("raw stim + pymatching (DEM, sampler, decode_batch)", t_raw, 1.0),
                       ("qf.qec.logical_error_rate(qfusion circuit) incl. to_stim", min(runs["qf"]), ratio["qf"]),
                       ("qf.qec.logical_error_rate(stim circuit)", min(runs["qf_stim"]), ratio["qf_stim"]),
                       ("  building the qfusion circuit (not in the above)", t_build, t_build / t_raw),
                       ("  of which: to_stim conversion", t_convert, t_convert / t_raw)]:
        print(f"   {name:58s} {t:8.3f} {r:6.2f}x")


def scale(shots: int) -> None:
    circuit = to_stim(qf.qec.surface_code(15, 15, noise=qf.qec.noise.SD6(0.001)))
    qf.qec.logical_error_rate(circuit, shots=1000, seed=0)      # warm up
    start = time.perf_counter()
    result = qf.qec.logical_error_rate(circuit, shots=shots, seed=2)
    seconds = time.perf_counter() - start
    raw = best(lambda: raw_stim_pymatching(circuit, shots, 2), 1)
    print(f"\n2. scale: d=15, 15 rounds, SD6 p=0.001 ({circuit.num_qubits} qubits, {circuit.num_detectors} "
          f"detectors), {shots} shots, one process")
    print(f"   qfusion: {shots / seconds:,.0f} shots/s sampled + decoded ({result.errors} logical errors); "
          f"raw stim + pymatching: {shots / raw:,.0f} shots/s ({seconds / raw:.2f}x)")


def random_clifford(n: int, layers: int, seed: int) -> qf.Circuit:
    rng = np.random.default_rng(seed)
    c = qf.Circuit(n)
    one = ["h", "s", "sdg", "x", "sx", "z"]
    for _ in range(layers):
        for q in range(n):
            getattr(c, one[rng.integers(len(one))])(q)
        order = rng.permutation(n)
        for a, b in zip(order[::2], order[1::2], strict=True):
            c.cx(int(a), int(b))
    return c.measure_all()


def stabilizer(shots: int, repeat: int) -> None:
    circuit = random_clifford(1000, 20, 3)
    stim_circuit = to_stim(circuit)
    t_qf = best(lambda: qf.run(circuit, shots=shots, backend="stabilizer", seed=1), repeat)
    t_stim = best(lambda: stim_circuit.compile_sampler(seed=1).sample(shots), repeat)
    t_convert = best(lambda: to_stim(circuit), repeat)
    t_stim_convert = best(lambda: stim.Circuit(str(stim_circuit)).compile_sampler(seed=1).sample(shots), repeat)
    print(f"\n3. stabilizer backend: 1,000-qubit random Clifford circuit, 20 layers ({len(circuit)} instructions), "
          f"{shots} shots; best of {repeat}")
    print(f"   {'path':58s} {'seconds':>8s} {'vs stim':>7s}")
    for name, t in [("stim: compile_sampler + sample (circuit already in stim)", t_stim),
                    ("stim: parse the circuit text + compile_sampler + sample", t_stim_convert),
                    ("qf.run(backend='stabilizer') (to_stim + sample + counts)", t_qf),
                    ("  of which: to_stim conversion", t_convert)]:
        print(f"   {name:58s} {t:8.3f} {t / t_stim:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sections", default="1,2,3", help="which parts to run, e.g. 1,3")
    args = parser.parse_args()
    sections = set(args.sections.split(","))
    print(f"# {platform.node()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
          f"stim {stim.__version__}, pymatching {pymatching.__version__}")
    if "1" in sections:
        overhead(50_000 if args.quick else 200_000, 3 if args.quick else 5)
    if "2" in sections:
        scale(20_000 if args.quick else 100_000)
    if "3" in sections:
        stabilizer(1000 if args.quick else 10_000, 2 if args.quick else 3)


if __name__ == "__main__":
    main()
