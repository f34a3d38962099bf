"""PEC with noise learned on the device (sparse Pauli–Lindblad, ``PEC(noise="learned")``) against PEC with
the device's known calibration, on the superconducting device: first the learned fidelities of one CZ
pair against the known CZ channel, then both PECs (with Pauli twirling and readout mitigation) on three
circuits whose ideal <ZZ> is 1, over seeds, with what each cost.

    PYTHONPATH=src python bench/bench_pec_learned.py [--seeds 3] [--shots 4000]
"""

import argparse
import time

import numpy as np

import qfusion as qf
from qfusion.devices.noise import gate_channel
from qfusion.mitigation import PEC, PauliTwirling, ReadoutMitigation
from qfusion.mitigation.learning import LABELS, entangler_pairs, learn_entangler
from qfusion.mitigation.pec import pauli_fidelities
from qfusion.mitigation.pipeline import Executor


def cx_chain(repeats, angle=0.1):
    """rx(0.4), then ``repeats`` times (cx, rx(a), rx(-a)), then rx(-0.4): ideal <ZZ> = 1."""
    c = qf.Circuit(2).rx(0.4, 0)
    for _ in range(repeats):
        c.cx(0, 1).rx(angle, 0).rx(-angle, 0)
    return c.rx(-0.4, 0)


def cz_chain(repeats):
    """rx(0.4), ``repeats`` (even) native CZs, rx(-0.4): ideal <ZZ> = 1, and almost all the noise is CZ's."""
    c = qf.Circuit(2).rx(0.4, 0)
    for _ in range(repeats):
        c.cz(0, 1)
    return c.rx(-0.4, 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--shots", type=int, default=4000)
    args = parser.parse_args()
    print(f"# PEC learned vs known, superconducting; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    executor = Executor("superconducting", shots=4000, seed=1)
    prepared = executor.prepare(qf.Circuit(2).h(0).cx(0, 1))
    pair = entangler_pairs(prepared)[0]
    start = time.perf_counter()
    model = learn_entangler(executor, prepared, pair, shots=8000, seed=3)
    seconds = time.perf_counter() - start
    known = pauli_fidelities(gate_channel(executor.device, "cz", pair))
    difference = model.fidelities() - known
    print(f"pair {pair}: {executor.circuits} circuits, {executor.shots_used} shots, {seconds:.1f} s; "
          f"learned - known fidelity: min {difference[1:].min():+.5f}, max {difference[1:].max():+.5f}, "
          f"mean {difference[1:].mean():+.5f}")
    print("  " + " ".join(f"{label}:{d:+.4f}" for label, d in zip(LABELS[1:], difference[1:], strict=True)))
    print(f"{'case':10s}{'noise':8s}{'raw':>8s}{'pec':>8s}{'+-':>7s}{'gamma':>7s}{'circuits':>9s}{'shots':>10s}{'s':>6s}")
    for name, circuit in (("cz x8", cz_chain(8)), ("cx x6", cx_chain(6)), ("cx x10", cx_chain(10))):
        for noise in ("known", "learned"):
            raws, values, errors, cost = [], [], [], []
            start = time.perf_counter()
            for seed in range(1, args.seeds + 1):
                pec = PEC(400, noise=noise, seed=seed, learning_shots=8000)
                result = qf.Estimator(backend="superconducting", shots=args.shots, seed=seed, optimization_level=0,
                                      mitigation=[pec, PauliTwirling(), ReadoutMitigation()]).run(circuit, "ZZ")
                entry = result.metadata["mitigation"][0]
                raws.append(float(result.metadata["raw_values"]))
                values.append(float(result.values))
                errors.append(float(result.std_errors))
                cost.append((entry.details["gamma"], entry.circuits, entry.shots))
            seconds = (time.perf_counter() - start) / args.seeds
            gamma, circuits, shots = np.mean(cost, axis=0)
            # +-: the standard error of the mean over seeds, from each estimate's own standard error
            print(f"{name:10s}{noise:8s}{np.mean(raws):8.3f}{np.mean(values):8.3f}"
                  f"{np.sqrt(np.sum(np.square(errors))) / args.seeds:7.3f}{gamma:7.3f}{circuits:9.0f}{shots:10.0f}"
                  f"{seconds:6.1f}", flush=True)


if __name__ == "__main__":
    main()
