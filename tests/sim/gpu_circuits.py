"""Circuits shared by the GPU tests (the CUDA-simulator cases and the real-GPU suite), and the
runner of a CUDA-simulator case file in its own interpreter. The random circuits are the CPU
tests' (:mod:`circuits`), so both suites draw the same gate mix."""

import os
import re
import subprocess
import sys
from pathlib import Path

from circuits import random_circuit, random_unitary  # noqa: F401  (re-exported for the GPU tests)

from qfusion.circuit import Circuit, Parameter


def qaoa_ring(n, layers=1):
    """QAOA for MaxCut on a ring: parameters gamma_j, beta_j (sorted by name: b0.., g0..)."""
    c = Circuit(n)
    for q in range(n):
        c.h(q)
    for j in range(layers):
        gamma, beta = Parameter(f"g{j}"), Parameter(f"b{j}")
        for q in range(n):
            c.rzz(gamma, q, (q + 1) % n)
        for q in range(n):
            c.rx(beta, q)
    return c


def brickwork(n, layers, rng):
    """Rotations on every qubit and a brickwork of ``cx`` / ``rzz``: one- and two-qubit gates only,
    so every segment of a density matrix fits the GPU sweep kernel."""
    c = Circuit(n)
    for layer in range(layers):
        for q in range(n):
            c.ry(rng.uniform(-3, 3), q).rz(rng.uniform(-3, 3), q)
        for q in range(layer % 2, n - 1, 2):
            c.cx(q, q + 1) if layer % 3 else c.rzz(rng.uniform(-3, 3), q, q + 1)
        c.h(int(rng.integers(n)))
    return c


def noise_model(strength=1.0):
    """Depolarizing and amplitude damping after one-qubit gates, depolarizing after two-qubit ones,
    thermal relaxation after ``cx``, and readout errors."""
    from qfusion import noise
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.02 * strength), ["h", "x", "sx", "rx", "ry", "u", "t"])
    model.add_gate_error(noise.amplitude_damping(0.05 * strength), ["h", "rz", "ry", "s"])
    model.add_gate_error(noise.depolarizing(0.05 * strength, 2), ["cx", "cz", "rzz", "swap", "cp", "crx"])
    model.add_gate_error(noise.phase_damping(0.03 * strength), ["cx"])
    model.add_readout_error(noise.readout_error(p0_given1=0.05, p1_given0=0.02))
    return model


def pretend_free_device_memory(monkeypatch, free_bytes: int) -> None:
    """Make numba.cuda report ``free_bytes`` of free device memory (the memory guards read it)."""
    from numba import cuda

    class Info:
        free = total = free_bytes

    class Context:
        def get_memory_info(self):
            return Info()

    monkeypatch.setattr(cuda, "current_context", lambda: Context())


# the CPU peers a case may compare with: absent on the GPU machine, where only those cases skip
OPTIONAL_PEERS = ("qiskit", "qiskit_aer")


def run_cuda_simulator(cases: Path, timeout: int = 900) -> str:
    """Run the pytest file ``cases`` under NUMBA_ENABLE_CUDASIM=1 in a fresh interpreter (so the
    simulator never leaks into the other tests' numba); assert that it ran and passed every case,
    skipping none but those whose optional peer (:data:`OPTIONAL_PEERS`) is not installed."""
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONUNBUFFERED="1")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "no:xdist",
                           str(cases)], env=env, cwd=Path(__file__).parent.parent.parent,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    peers = "|".join(OPTIONAL_PEERS)
    skips = [line for line in proc.stdout.splitlines() if line.startswith("SKIPPED")]
    unexpected = [line for line in skips if not re.search(rf": could not import '({peers})'", line)]
    assert " passed" in proc.stdout and not unexpected, proc.stdout[-2000:]
    return proc.stdout
