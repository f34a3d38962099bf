"""Is the planner's choice within 1.5x of the fastest backend on each circuit of its test table?

For each circuit: calibrate the cost model here (``qfusion.hpc.calibrate``, into a temporary config
directory), plan it, then time every backend the planner found able to run it (best of --repeats, one
warm-up run first) and print the measured ratio of the chosen backend's time to the fastest one's.
A candidate other than the chosen one whose estimate is over --max-seconds is not run (it is reported
with its estimate).

    OPENBLAS_NUM_THREADS=1 python bench/bench_planner.py [--repeats 3] [--max-seconds 60]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.cli.bench_circuits import ghz, random_u_cx
from qfusion.hpc import Resources, plan
from qfusion.hpc.calibrate import calibrate
from qfusion.hpc.cost import CostModel
from qfusion.noise import NoiseModel, depolarizing


def noise(p=0.01):
    model = NoiseModel()
    model.add_gate_error(depolarizing(p, 2), ["cx"])
    model.add_gate_error(depolarizing(p / 10, 1), ["u", "h"])
    return model


def table():
    """(label, circuit, shots, noise model); the 1000-qubit noisy Clifford case needs the stabilizer backend."""
    rows = [("20q deep random", random_u_cx(20, 20, 1).measure_all(), 1000, None),
            ("120q GHZ", ghz(120).measure_all(), 1000, None),
            ("24q GHZ", ghz(24).measure_all(), 1000, None),
            ("12q noisy, exact probabilities", random_u_cx(12, 4, 3), None, noise()),
            ("12q noisy, 1000 shots", random_u_cx(12, 4, 3).measure_all(), 1000, noise()),
            ("14q deep random", random_u_cx(14, 30, 2).measure_all(), 1000, None)]
    if "stabilizer" in qf.backends.names():
        rows.append(("1000q noisy Clifford", _clifford(1000, 3).measure_all(), 1000, noise()))
    return rows


def _clifford(n, layers):
    c = Circuit(n)
    for _ in range(layers):
        for q in range(n):
            c.h(q)
        for q in range(0, n - 1, 2):
            c.cx(q, q + 1)
    return c


def timed(name, circuit, shots, noise_model, repeats):
    kwargs = {"noise_model": noise_model} if noise_model is not None else {}
    if shots is None:
        def go():
            return qf.simulate(circuit, backend=name, **kwargs)
    else:
        def go():
            return qf.run(circuit, shots=shots, backend=name, seed=1, **kwargs)
    go()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        go()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args()
    os.environ["QFUSION_CONFIG_DIR"] = tempfile.mkdtemp()
    model = calibrate(CostModel(), repeats=2)
    print("calibrated:", {k: f"{v:.3g}" for k, v in vars(model).items() if isinstance(v, float)})
    resources = Resources.detect()
    print(f"{'circuit':<32} {'chosen':<16} {'fastest':<16} {'chosen s':>9} {'fastest s':>9} {'ratio':>6}  others")
    for label, circuit, shots, noise_model in table():
        chosen = plan(circuit, shots=shots, noise_model=noise_model, resources=resources, model=model)
        measured, skipped = {}, []
        for candidate in chosen.candidates:
            if not candidate.feasible:
                continue
            if candidate.seconds > args.max_seconds and candidate.backend != chosen.backend:
                skipped.append(f"{candidate.backend} (estimate {candidate.seconds:.3g} s, not run)")
                continue
            measured[candidate.backend] = timed(candidate.backend, circuit, shots, noise_model, args.repeats)
        fastest = min(measured, key=measured.get)
        others = ", ".join([f"{k} {v:.3g} s" for k, v in measured.items() if k not in (fastest, chosen.backend)]
                           + skipped)
        print(f"{label:<32} {chosen.backend:<16} {fastest:<16} {measured[chosen.backend]:>9.4f} "
              f"{measured[fastest]:>9.4f} {measured[chosen.backend] / measured[fastest]:>6.2f}  {others}", flush=True)


if __name__ == "__main__":
    main()
