"""Cross-checks against Mitiq run in its own interpreter (Mitiq pins NumPy/Cirq versions the main
environment does not have): ``QFUSION_MITIQ_PYTHON`` names a Python with ``mitiq``, ``qiskit`` and
``ply`` installed; ``python3 dev.py test`` builds one in .venv-mitiq (.ci/mitiq.py) and sets it, or
sets ``QFUSION_MITIQ_SKIP`` to the reason it could not."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import qfusion as qf
from qfusion.mitigation import extrapolate, fold_global

PYTHON = os.environ.get("QFUSION_MITIQ_PYTHON")
SIDE = Path(__file__).resolve().parents[2] / "bench" / "mitiq_side.py"
pytestmark = pytest.mark.skipif(not PYTHON, reason=os.environ.get(
    "QFUSION_MITIQ_SKIP", "QFUSION_MITIQ_PYTHON (a Python with Mitiq) is not set; python3 .ci/mitiq.py builds one"))


def ask(*requests):
    text = "".join(json.dumps(r) + "\n" for r in requests)
    out = subprocess.run([PYTHON, str(SIDE)], input=text, capture_output=True, text=True, check=True, timeout=300)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def test_global_folding_and_richardson_agree_with_mitiq():
    circuit = qf.transpile(qf.Circuit(3).h(0).cx(0, 1).rzz(0.3, 1, 2).rx(0.2, 2), "superconducting",
                           seed=1).on_active_qubits()
    scales = [1, 1.6, 3, 4.4]
    values = [0.81, 0.7, 0.55, 0.43]
    folded, fit = ask({"op": "fold", "qasm": qf.qasm.dumps(circuit, version=2), "scales": scales, "method": "global"},
                      {"op": "extrapolate", "scales": scales, "values": values, "method": "richardson"})
    for scale, text in zip(scales, folded["qasm"], strict=True):
        theirs = qf.qasm.loads(text)
        ours = fold_global(circuit, scale)
        assert len(theirs.instructions) == len(ours.instructions)
        state_theirs, state_ours = (qf.simulate(c, backend="reference") for c in (theirs, ours))

        assert abs(abs(np.vdot(np.asarray(state_theirs), np.asarray(state_ours))) - 1) < 1e-6
    assert extrapolate(scales, values, None, "richardson").value == pytest.approx(fit["value"], abs=1e-9)


def test_tensored_readout_inverse_agrees_with_mitiq():
    from qfusion.mitigation.readout import apply_tensored
    rng = np.random.default_rng(4)
    k = 3
    confusion = []
    for _ in range(k):
        p10, p01 = rng.uniform(0.01, 0.1, 2)
        confusion.append([[1 - p10, p01], [p10, 1 - p01]])          # [recorded, true]
    (answer,) = ask({"op": "rem_inverse", "confusion": confusion})
    theirs = np.array(answer["inverse"])
    p = rng.dirichlet(np.ones(2 ** k))                              # index bit j = qubit j (qfusion)
    order = [int(format(i, f"0{k}b")[::-1], 2) for i in range(2 ** k)]   # Mitiq: qubit 0 is the highest bit
    ours = apply_tensored(np.array([np.linalg.inv(np.array(m)) for m in confusion]), p)
    assert ours == pytest.approx((theirs @ p[order])[order], abs=1e-12)


def test_linear_and_random_folding_agree_with_mitiq():
    circuit = qf.transpile(qf.Circuit(2).h(0).cx(0, 1).rx(0.3, 1), "superconducting", seed=1).on_active_qubits()
    scales, values = [1, 2, 3], [0.9, 0.75, 0.62]
    (fit,) = ask({"op": "extrapolate", "scales": scales, "values": values, "method": "linear"})
    assert extrapolate(scales, values, None, "linear").value == pytest.approx(fit["value"], abs=1e-9)
    # an odd integer scale (every gate folded the same number of times): Mitiq 1.x picks the gates of a
    # fractional scale by its own weight mask, with another rounding, so only integers compare gate for gate
    (folded,) = ask({"op": "fold", "qasm": qf.qasm.dumps(circuit, version=2), "scales": [3.0], "method": "random"})
    theirs = qf.qasm.loads(folded["qasm"][0])
    ours = qf.mitigation.fold_gates_at_random(circuit, 3.0, seed=1)
    assert len(theirs.instructions) == len(ours.instructions)
    for c in (theirs, ours):
        overlap = np.vdot(np.asarray(qf.simulate(c, backend="reference")),
                          np.asarray(qf.simulate(circuit, backend="reference")))
        assert abs(abs(overlap) - 1) < 1e-6
