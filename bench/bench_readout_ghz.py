"""Readout mitigation on a 10-qubit GHZ state on the emulated superconducting device: total variation
distance to the ideal distribution and to the same emulation without readout errors (the floor that
readout mitigation alone can reach), raw and mitigated (tensored and M3-style subspace); then the same
on the device's readout errors alone (gates and idling exact), where readout mitigation is the only
thing between the counts and the ideal distribution.

    PYTHONPATH=src python bench/bench_readout_ghz.py
"""

import time

import qfusion as qf
from qfusion.backends import emulated
from qfusion.devices.noise import device_noise_model
from qfusion.mitigation import ReadoutMitigation
from qfusion.mitigation.pipeline import Executor

N, SHOTS = 10, 20000


def tvd(a, b):
    ta, tb = sum(a.values()), sum(b.values())
    return 0.5 * sum(abs(a.get(k, 0) / ta - b.get(k, 0) / tb) for k in set(a) | set(b))


def without_readout_errors(device, physical):
    model = device_noise_model(device, physical)
    model._readout = {}
    return model


def readout_only(device, physical):
    model = device_noise_model(device, physical)
    kept = model._readout
    model = type(model)()
    model._readout = kept
    return model


def main():
    ghz = qf.Circuit(N).h(0)
    for q in range(N - 1):
        ghz.cx(q, q + 1)
    ghz.measure_all()
    backend = qf.backends.get("superconducting")
    native = backend.transpile(ghz, seed=1)
    ideal = {"0" * N: 1, "1" * N: 1}
    emulated.device_noise_model = without_readout_errors
    floor = backend.run(native, shots=100000, seed=9).counts
    emulated.device_noise_model = device_noise_model
    print(f"# {N}-qubit GHZ, superconducting, {SHOTS} shots; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{'mode':10s}{'raw-ideal':>10s}{'mit-ideal':>10s}{'ratio':>7s}{'raw-floor':>10s}{'mit-floor':>10s}"
          f"{'ratio':>7s}{'raw s':>7s}{'mit s':>7s}")
    for mode in ("tensored", "subspace"):
        executor = Executor(backend, shots=SHOTS, seed=1, counts_stage=[ReadoutMitigation(mode, project=True)])
        start = time.perf_counter()
        raw = executor.run(native, SHOTS)
        t_raw = time.perf_counter() - start
        start = time.perf_counter()
        mitigated = executor.counts(native, SHOTS)          # 2 calibration circuits + the run + the solve
        t_mit = time.perf_counter() - start
        print(f"{mode:10s}{tvd(raw, ideal):10.4f}{tvd(mitigated, ideal):10.4f}{tvd(raw, ideal) / tvd(mitigated, ideal):7.2f}"
              f"{tvd(raw, floor):10.4f}{tvd(mitigated, floor):10.4f}{tvd(raw, floor) / tvd(mitigated, floor):7.2f}"
              f"{t_raw:7.2f}{t_mit:7.2f}")
    print(f"floor: TVD(ideal, no-readout-error emulation) = {tvd(floor, ideal):.4f}")
    print("# readout errors alone (the device's P(1|0), P(0|1) per qubit; gates and idling exact)")
    print(f"{'mode':10s}{'raw-ideal':>10s}{'mit-ideal':>10s}{'ratio':>7s}{'raw s':>7s}{'mit s':>7s}")
    emulated.device_noise_model = readout_only
    try:
        for mode in ("tensored", "subspace"):
            executor = Executor(backend, shots=SHOTS, seed=1, counts_stage=[ReadoutMitigation(mode, project=True)])
            start = time.perf_counter()
            raw = executor.run(native, SHOTS)
            t_raw = time.perf_counter() - start
            start = time.perf_counter()
            mitigated = executor.counts(native, SHOTS)
            t_mit = time.perf_counter() - start
            print(f"{mode:10s}{tvd(raw, ideal):10.4f}{tvd(mitigated, ideal):10.4f}"
                  f"{tvd(raw, ideal) / tvd(mitigated, ideal):7.2f}{t_raw:7.2f}{t_mit:7.2f}")
    finally:
        emulated.device_noise_model = device_noise_model


if __name__ == "__main__":
    main()
