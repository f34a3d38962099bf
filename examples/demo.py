"""qfusion in one minute: build, draw, simulate and sample circuits, then run OpenQASM files
through the ``qfusion`` command line.

    python examples/demo.py

Every section checks its numbers against a closed form, so the demo doubles as a smoke test
(it exits non-zero if anything is off).
"""

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import qfusion as qf

HERE = Path(__file__).resolve().parent


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 68 - len(title)))


def qft(num_qubits: int) -> qf.Circuit:
    """The quantum Fourier transform (highest qubit first, then the bit-reversal swaps)."""
    c = qf.Circuit(num_qubits, name="qft")
    for j in reversed(range(num_qubits)):
        c.h(j)
        for k in reversed(range(j)):
            c.cp(math.pi / 2 ** (j - k), k, j)
    for i in range(num_qubits // 2):
        c.swap(i, num_qubits - 1 - i)
    return c


def example(name: str) -> str:
    """The path of an example file, relative to the current directory when it is below it."""
    path = HERE / name
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cli(*args: str) -> subprocess.CompletedProcess:
    """``qfusion ARGS`` in a subprocess, exactly as a user would type it."""
    print("$ qfusion", " ".join(args))
    return subprocess.run([sys.executable, "-m", "qfusion.cli", *args], capture_output=True, text=True)


start = time.perf_counter()

section("1. A Bell pair: build, draw, simulate, sample")
bell = qf.Circuit(2).h(0).cx(0, 1)
print(bell)
state = qf.simulate(bell)
print("state:  ", state)
assert np.allclose(np.asarray(state), [2 ** -0.5, 0, 0, 2 ** -0.5])
counts = qf.run(bell.copy().measure_all(), shots=1000, seed=1).counts
print("counts: ", counts, "  (bitstrings print the highest qubit first)")
assert set(counts) == {"00", "11"} and sum(counts.values()) == 1000

section("2. GHZ(5) and Pauli observables")
ghz = qf.Circuit(5).h(0)
for q in range(4):
    ghz.cx(q, q + 1)
print(ghz)
state = qf.simulate(ghz)
print("state:  ", state)
observable = qf.PauliSum.from_list([("ZZIII", 1.0), ("XXXXX", 0.5), ("IIIZI", 2.0)])
value = state.expectation_value(observable)
print(f"<{observable}> = {value:.6f}   (closed form: 1 + 0.5 + 0 = 1.5)")
assert math.isclose(value, 1.5, abs_tol=1e-12)
counts = qf.run(ghz.copy().measure_all(), shots=2000, seed=2).counts
print("counts: ", counts)
assert set(counts) == {"00000", "11111"}

section("3. A parameterised circuit, bound to several values")
theta = qf.Parameter("theta")
rotation = qf.Circuit(2).ry(theta, 0).cx(0, 1)
print(rotation)
print(" theta    P(11) simulated   sin^2(theta/2)   sampled (1000 shots)")
for value in (0.0, math.pi / 3, math.pi / 2, math.pi):
    p11 = float(qf.simulate(rotation, {theta: value}).probabilities()[3])
    sampled = qf.run(rotation.bind({theta: value}).measure_all(), shots=1000, seed=3).counts.get("11", 0)
    print(f" {value:5.3f}   {p11:.6f}          {math.sin(value / 2) ** 2:.6f}         {sampled / 1000:.3f}")
    assert math.isclose(p11, math.sin(value / 2) ** 2, abs_tol=1e-12)

section("4. QFT on 4 qubits against the closed form")
n, x = 4, 0b0101
prepared = qf.Circuit(n).x(0).x(2).compose(qft(n))
print(prepared)
amplitudes = np.asarray(qf.simulate(prepared))
closed_form = np.exp(2j * np.pi * x * np.arange(2 ** n) / 2 ** n) / 2 ** (n / 2)
print(f"QFT|{x}>: max |qfusion - exp(2 pi i x k / 16) / 4| = {np.max(np.abs(amplitudes - closed_form)):.1e}")
assert np.allclose(amplitudes, closed_form, atol=1e-12)

section("5. OpenQASM files through the command line")
for name in ("bell.qasm", "teleport.qasm"):
    done = cli("run", example(name), "--shots", "1000", "--seed", "7")
    print(done.stdout, end="")
    assert done.returncode == 0, done.stderr
print("(teleport.qasm measures mid-circuit and corrects with `if`; the leading bit is the teleported\n"
      f" qubit, which reads 1 with probability sin^2(0.6) = {math.sin(0.6) ** 2:.3f})")
done = cli("simulate", example("qft5.qasm"), "--probabilities", "--json")
assert done.returncode == 0, done.stderr
probabilities = json.loads(done.stdout)["probabilities"]
print(f"{len(probabilities)} basis states, probabilities from {min(probabilities.values()):.6f} to "
      f"{max(probabilities.values()):.6f} (the QFT of |5> is flat: 1/32 = {1 / 32:.6f} each)")
assert len(probabilities) == 32 and np.allclose(list(probabilities.values()), 1 / 32)
bad = cli("run", example("bad.qasm"))
print(bad.stderr, end="")
print(f"(a malformed file: one line with file:line:column, exit code {bad.returncode}, no traceback)")
assert bad.returncode == 2 and "Traceback" not in bad.stderr and ":6:1:" in bad.stderr

print(f"\ndemo finished in {time.perf_counter() - start:.1f} s")
