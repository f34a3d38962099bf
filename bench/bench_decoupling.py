"""Dynamical decoupling against a coherent idle error: the superconducting device with a detuning per
qubit (``superconducting(coherent_idle=True)``: about 20 kHz, either sign), a Bell pair that waits
(an explicit delay), and a GHZ chain whose qubits wait for their neighbours' gates. Raw and
decoupled values of the ideal-1 observables, each sequence, in the ASAP windows (the default) and
the ALAP ones; and the same on the device without detuning, where decoupling has nothing to undo.

    PYTHONPATH=src python bench/bench_decoupling.py [--shots 20000] [--seeds 3]
"""

import argparse
import time

import numpy as np

import qfusion as qf
from qfusion.backends.emulated import EmulatedBackend
from qfusion.circuit.timing import Delay
from qfusion.devices.profiles import superconducting
from qfusion.mitigation import DynamicalDecoupling


def idle_bell(idle):
    c = qf.Circuit(2).h(0).cx(0, 1)
    c.append(Delay(2, idle), [0, 1])
    return c, "XX"


def ghz_chain(n=5):
    """GHZ by a chain of CX, then a 2 us wait; the qubits entangled first also wait for the chain."""
    c = qf.Circuit(n).h(0)
    for q in range(n - 1):
        c.cx(q, q + 1)
    c.append(Delay(n, 2e-6), list(range(n)))
    return c, "X" * n


def estimate(backend, circuit, observable, shots, seeds, mitigation):
    values, start = [], time.perf_counter()
    for seed in range(seeds):
        result = qf.Estimator(backend=backend, shots=shots, seed=seed, mitigation=mitigation).run(circuit, observable)
        values.append(float(result.values))
    return float(np.mean(values)), float(np.std(values) / np.sqrt(seeds)), (time.perf_counter() - start) / seeds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shots", type=int, default=20000)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(f"# DD on superconducting(coherent_idle=True), {args.shots} shots x {args.seeds} seeds; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; ideal value 1 everywhere")
    print(f"{'device':10s}{'case':12s}{'technique':14s}{'value':>8s}{'+-':>7s}{'s/est':>7s}")
    cases = [("bell 5us", *idle_bell(5e-6)), ("bell 10us", *idle_bell(10e-6)), ("ghz5", *ghz_chain())]
    for label, device in (("detuned", superconducting(coherent_idle=True)), ("plain", superconducting())):
        backend = EmulatedBackend(device)
        for name, circuit, observable in cases:
            runs = [("raw", [])] + [(f"{s} asap", [DynamicalDecoupling(s)]) for s in ("XX", "XY4", "CPMG")] + \
                   [("XY4 alap", [DynamicalDecoupling("XY4", schedule="alap")])]
            for technique, mitigation in runs:
                value, error, seconds = estimate(backend, circuit, observable, args.shots, args.seeds, mitigation)
                print(f"{label:10s}{name:12s}{technique:14s}{value:8.3f}{error:7.3f}{seconds:7.2f}", flush=True)


if __name__ == "__main__":
    main()
