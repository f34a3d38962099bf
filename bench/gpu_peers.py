#!/usr/bin/env python3
"""The GPU peers of bench_gpu.py: qiskit-aer-gpu, PennyLane lightning.gpu and CUDA-Q, each in its own process.

Every peer runs bench_statevector.py's gate lists, translated to its own gates, and is checked against
qfusion's CPU simulator before it is timed:

    python bench/gpu_peers.py --device cpu               # the translation check on the CPU (no GPU needed)
    python bench/gpu_peers.py --peers aer_gpu --qubits 26,28 --dtype complex64    # check, then time, on the GPU

What is checked: the final state of brickwork, QFT, QAOA and GHZ, each after a layer of distinct one-qubit
rotations, at ``--check-qubits`` (complex128) against ``qfusion.sim.statevector.simulate``, amplitude by
amplitude (qubit order, gate conventions and parameter signs all show there), and the peer's timed
quantity, <Z_0>, against the same state.
What is timed: the circuit and <Z_0> on the peer's device (aer ``save_expectation_value``, lightning
``qml.expval``, CUDA-Q ``observe``), so no state is copied to the host, as qfusion's time has no copy
either; best of ``--repeat`` after one warm-up run.
Why a process per peer: aer-gpu and lightning.gpu are CUDA 12 builds beside the CUDA 13 libraries that
qfusion and CUDA-Q load; their libraries (libcustatevec.so.1 in two builds, libcudart.so.12) must not meet
in one process, and a peer that crashes or runs past ``--timeout`` costs its own rows only.
``--device cpu`` swaps the GPU device for the same library's CPU one (aer ``device="CPU"``,
``lightning.qubit``, CUDA-Q ``qpp-cpu``): the same translation, runnable anywhere.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = ("aer_gpu", "lightning_gpu", "cudaq")
MODULES = {"aer_gpu": "qiskit_aer", "lightning_gpu": "pennylane", "cudaq": "cudaq"}
FAMILIES = ("brickwork", "qft", "qaoa")
CHECK_FAMILIES = ("brickwork", "qft", "qaoa", "ghz")  # ghz for cx
TOLERANCE = 1e-6
MARK = "@peer "  # a worker's result lines on stdout start with this; the libraries' own output does not
sys.path.insert(0, HERE)
from bench_statevector import BUILDERS as GATE_LISTS  # noqa: E402  (sets the thread counts before numba loads)


@dataclass(frozen=True)
class PeerCircuit:
    run: Callable[[], float]                 # timed: the circuit and <Z_0> on the peer's device
    statevector: Callable[[], np.ndarray]    # untimed: the final state, index bit i = qubit i


def aer(n, gates, dtype, device):
    from qiskit import QuantumCircuit, transpile
    from qiskit.quantum_info import Pauli
    from qiskit_aer import AerSimulator
    sim = AerSimulator(method="statevector", device=device.upper(),
                       precision="double" if dtype == "complex128" else "single")
    if device.upper() not in sim.available_devices():
        raise RuntimeError(f"qiskit-aer has no {device.upper()} device (GPU: install qiskit-aer-gpu)")
    qc = QuantumCircuit(n)
    for name, qubits, params in gates:
        getattr(qc, name)(*params, *qubits)  # same names, qubit order (qubit 0 least significant) and signs
    timed, state = qc.copy(), qc.copy()
    timed.save_expectation_value(Pauli("Z"), [0])
    state.save_statevector()
    timed, state = transpile([timed, state], sim, optimization_level=0)

    def data(circuit):
        result = sim.run(circuit).result()
        if not result.success:  # aer reports a failed run (out of memory, say) here, not by raising
            raise RuntimeError(f"qiskit-aer: {result.status}")
        return result.data(0)
    return PeerCircuit(lambda: float(np.real(data(timed)["expectation_value"])),
                       lambda: np.asarray(data(state)["statevector"]))


def lightning(n, gates, dtype, device):
    import pennylane as qml
    dev = qml.device("lightning.gpu" if device == "gpu" else "lightning.qubit", wires=n,
                     c_dtype=np.dtype(dtype).type)
    ops = {"h": qml.Hadamard, "rx": qml.RX, "rz": qml.RZ, "cz": qml.CZ, "cp": qml.ControlledPhaseShift,
           "swap": qml.SWAP, "rzz": qml.IsingZZ, "cx": qml.CNOT}

    def apply():
        for name, qubits, params in gates:  # pennylane's wire 0 is the most significant bit: qubit q is wire n-1-q
            ops[name](*params, wires=[n - 1 - q for q in qubits])

    @qml.qnode(dev)
    def expectation():
        apply()
        return qml.expval(qml.PauliZ(n - 1))

    @qml.qnode(dev)
    def state():
        apply()
        return qml.state()
    return PeerCircuit(lambda: float(expectation()), lambda: np.asarray(state()))


def cuda_quantum(n, gates, dtype, device):
    import cudaq
    if device == "gpu":
        cudaq.set_target("nvidia", option="fp64" if dtype == "complex128" else "fp32")
    elif dtype == "complex128":
        cudaq.set_target("qpp-cpu")
    else:
        raise RuntimeError("CUDA-Q's CPU target (qpp-cpu) has no complex64")
    kernel = cudaq.make_kernel()
    q = kernel.qalloc(n)
    for name, qubits, params in gates:
        if name == "cp":
            kernel.cr1(params[0], q[qubits[0]], q[qubits[1]])
        elif name == "rzz":  # exp(-i theta/2 Z Z)
            kernel.cx(q[qubits[0]], q[qubits[1]])
            kernel.rz(params[0], q[qubits[1]])
            kernel.cx(q[qubits[0]], q[qubits[1]])
        elif name in ("cz", "cx", "swap"):
            getattr(kernel, name)(q[qubits[0]], q[qubits[1]])
        elif name in ("rx", "rz"):
            getattr(kernel, name)(params[0], q[qubits[0]])
        elif name == "h":
            kernel.h(q[qubits[0]])
        else:
            raise ValueError(f"no CUDA-Q translation for gate {name!r}")
    z0 = cudaq.spin.z(0)

    def state():
        result = cudaq.get_state(kernel)
        if hasattr(result, "is_on_gpu") and result.is_on_gpu():
            return cudaq.to_cupy(result)[0].get()
        return np.array(result)
    return PeerCircuit(lambda: float(cudaq.observe(kernel, z0).expectation()), state)


BUILDERS = {"aer_gpu": aer, "lightning_gpu": lightning, "cudaq": cuda_quantum}


def z0(vector):
    """<Z_0> of a state vector whose index bit 0 is qubit 0."""
    probabilities = np.abs(np.asarray(vector)) ** 2
    return float(probabilities[0::2].sum() - probabilities[1::2].sum())


def short_error(exc):
    return f"{type(exc).__name__}: {exc}".replace("\n", " ")[:160]


def check_gates(family, n):
    """A family's gates after a layer of distinct rotations: from |0...0> alone, QFT's phases and swaps
    (and a reversed qubit order) would leave its uniform output unchanged."""
    prefix = [(name, (q,), (0.3 + 0.1 * q + (name == "rz") * 0.4,)) for q in range(n) for name in ("rx", "rz")]
    return prefix + GATE_LISTS[family](n)


def check(peer, family, n, device):
    """One translation check: the peer's final state and <Z_0> against qfusion's CPU simulator (complex128)."""
    from qfusion.circuit import Circuit
    from qfusion.sim import statevector as cpu
    gates = check_gates(family, n)
    reference = Circuit(n)
    for name, qubits, params in gates:
        getattr(reference, name)(*params, *qubits)
    expected = np.asarray(cpu.simulate(reference))
    circuit = BUILDERS[peer](n, gates, "complex128", device)
    got = circuit.statevector()
    if got.shape != expected.shape:
        raise RuntimeError(f"{peer} returned {got.shape} amplitudes for {n} qubits")
    return {"check": family, "n": n, "max_abs_diff": float(np.max(np.abs(got - expected))),
            "z0_diff": abs(circuit.run() - z0(expected))}


def timing(peer, family, n, dtype, repeat, device):
    circuit = BUILDERS[peer](n, GATE_LISTS[family](n), dtype, device)
    circuit.run()  # warm-up: compiles, creates handles and the device's context
    best, value = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = circuit.run()
        best = min(best, time.perf_counter() - t0)
    return {"family": family, "n": n, "dtype": dtype, "s": best, "z0": value}


def work(args):
    """The worker: one peer, checked, then timed; one JSON line per result, marked, on stdout."""
    emit = lambda record: print(MARK + json.dumps(record), flush=True)  # noqa: E731
    try:
        importlib.import_module(MODULES[args.worker])
        checks = [check(args.worker, family, args.check_qubits, args.device) for family in CHECK_FAMILIES]
    except Exception as exc:
        emit({"unavailable": short_error(exc)})
        return
    for record in checks:
        emit(record)
    for dtype in args.dtypes:
        for n in args.qubits:
            for family in args.families:
                try:
                    emit(timing(args.worker, family, n, dtype, args.repeat, args.device))
                except Exception as exc:
                    emit({"family": family, "n": n, "dtype": dtype, "error": short_error(exc)})


def print_record(record):
    print(json.dumps(record), flush=True)


def run_peer(peer, *, qubits, families, dtypes, repeat, device="gpu", check_qubits=10, timeout=60.0,
             report=print_record):
    """Run one peer's worker process; returns its records (a record ``{"unavailable": reason}`` if it cannot run).

    Records come back as they were printed, also from a worker cut off at ``timeout`` seconds."""
    command = [sys.executable, os.path.abspath(__file__), "--worker", peer, "--device", device,
               "--qubits", ",".join(map(str, qubits)), "--families", ",".join(families),
               "--dtype", ",".join(dtypes), "--repeat", str(repeat), "--check-qubits", str(check_qubits)]
    env = dict(os.environ)
    # BENCH_PEER_PATH: where bench/gpu_wheels.py installed the peers; only the workers put it on their path
    paths = [os.path.join(HERE, "..", "src")] + [p for p in (env.get("BENCH_PEER_PATH", "").split(os.pathsep) +
                                                             env.get("PYTHONPATH", "").split(os.pathsep)) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    try:
        out = subprocess.run(command, stdout=subprocess.PIPE, text=True, timeout=timeout, env=env).stdout
        cut = None
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        cut = f"{peer} worker cut off after {timeout:.0f} s"
    records = [json.loads(line[len(MARK):]) for line in out.splitlines() if line.startswith(MARK)]
    if not records:
        records = [{"unavailable": cut or f"{peer} worker printed no result (crashed?)"}]
    elif cut:
        records.append({"cut": cut})
    for record in records:
        report({"peer": peer, **record})
    return records


def check_failures(records):
    """The failed translation checks among a worker's records, as text (empty when all passed)."""
    return [f"{r['check']} at {r['n']} qubits: max |diff| {r['max_abs_diff']:.1e}, <Z_0> diff {r['z0_diff']:.1e}"
            for r in records if "check" in r and max(r["max_abs_diff"], r["z0_diff"]) > TOLERANCE]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--peers", default="all", help=f"comma list of {','.join(PEERS)}, or all")
    p.add_argument("--device", default="gpu", choices=["gpu", "cpu"])
    p.add_argument("--qubits", default="", help="sizes to time (none: the check only)")
    p.add_argument("--families", default=",".join(FAMILIES))
    p.add_argument("--dtype", default="complex128", help="complex128, complex64 or both, comma-separated")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--check-qubits", type=int, default=10)
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per peer")
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.check_qubits % 2:
        p.error("--check-qubits must be even (the QAOA family's graph is 3-regular)")
    args.peers = list(PEERS) if args.peers == "all" else args.peers.split(",")
    args.qubits = [int(q) for q in args.qubits.split(",") if q]
    args.families = args.families.split(",")
    args.dtypes = ["complex128", "complex64"] if args.dtype == "both" else args.dtype.split(",")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return work(args)
    failed = False
    for peer in args.peers:
        records = run_peer(peer, qubits=args.qubits, families=args.families, dtypes=args.dtypes,
                           repeat=args.repeat, device=args.device, check_qubits=args.check_qubits,
                           timeout=args.timeout)
        failures = check_failures(records)
        failed |= bool(failures)
        for failure in failures:
            print(f"{peer}: translation check FAILED: {failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
