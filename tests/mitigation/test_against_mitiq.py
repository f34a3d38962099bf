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
