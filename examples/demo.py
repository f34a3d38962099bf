"""qfusion in two minutes: build, draw, simulate, sample, and run OpenQASM through the CLI."""

import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import qfusion as qf
from qfusion.cli.bench_circuits import ghz, qft

HERE = Path(__file__).resolve().parent


def section(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(0, 60 - len(title)))


section("Bell pair")
bell = qf.Circuit(2).h(0).cx(0, 1).measure_all()
print(bell)
print("counts:", qf.run(bell, shots=1000, seed=1).counts)

section("GHZ(5): state and sampling")
state = qf.simulate(ghz(5))
print(state)
print("<ZZZZZ> =", round(state.expectation_value("ZZZZZ"), 12), " <XXXXX> =",
      round(state.expectation_value("XXXXX"), 12))
print("counts:", qf.run(ghz(5).measure_all(), shots=1000, seed=2).counts)

section("A parameterised circuit bound to several values")
theta = qf.Parameter("theta")
rotation = qf.Circuit(1).ry(theta, 0)
for value in (0.0, math.pi / 3, math.pi / 2, math.pi):
    p_one = float(qf.simulate(rotation, {theta: value}).probabilities()[1])
    print(f"theta = {value:5.3f}:  P(1) = {p_one:.6f}   closed form sin^2(theta/2) = {math.sin(value / 2) ** 2:.6f}")

section("QFT on 4 qubits against the closed form")
n, x = 4, 5
prepared = qf.Circuit(n).x(0).x(2).compose(qft(n))
amplitudes = np.asarray(qf.simulate(prepared))
closed_form = np.exp(2j * np.pi * x * np.arange(2 ** n) / 2 ** n) / 2 ** (n / 2)
print(f"max |qfusion - closed form| = {np.max(np.abs(amplitudes - closed_form)):.2e}")
assert np.allclose(amplitudes, closed_form, atol=1e-12)

section("A 20-qubit brickwork circuit (20 layers)")
from qfusion.cli.bench_circuits import brickwork  # noqa: E402

big = brickwork(20)
start = time.perf_counter()
big_state = qf.simulate(big)
print(f"{len(big.instructions)} gates on 20 qubits in {time.perf_counter() - start:.2f} s; "
      f"norm = {np.linalg.norm(np.asarray(big_state)):.12f}")

section("OpenQASM through the command line")
for name in ("bell.qasm", "teleport.qasm"):
    command = [sys.executable, "-m", "qfusion.cli", "run", str(HERE / name), "--shots", "1000", "--seed", "7"]
    print("$ qfusion run", name, "--shots 1000 --seed 7")
    subprocess.run(command, check=True)
print("$ qfusion run bad.qasm   (a malformed file: one clear line, exit code 2)")
bad = subprocess.run([sys.executable, "-m", "qfusion.cli", "run", str(HERE / "bad.qasm")],
                     capture_output=True, text=True)
print(bad.stderr.strip(), f"(exit code {bad.returncode})")
assert bad.returncode == 2 and "Traceback" not in bad.stderr
print("\ndemo finished")
