"""bench/gpu_peers.py's translations of the benchmark circuits, checked on each peer's CPU device.

The GPU benchmark times qiskit-aer-gpu, lightning.gpu and CUDA-Q on circuits translated from the same gate
lists as qfusion's; here the same translations run on the same libraries' CPU devices (aer ``device="CPU"``,
``lightning.qubit``, CUDA-Q ``qpp-cpu``) and every amplitude is compared with qfusion's CPU state vector.
Each peer runs in its own process, as on the GPU; a peer that is not installed is skipped.
"""

import importlib.util
import json
import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "bench" / "gpu_peers.py"
MODULES = {"aer_gpu": ("qiskit", "qiskit_aer"), "lightning_gpu": ("pennylane", "pennylane_lightning"),
           "cudaq": ("cudaq",)}


@pytest.mark.slow
@pytest.mark.parametrize("peer", sorted(MODULES))
def test_peer_translation_matches_the_cpu_statevector(peer):
    missing = [name for name in MODULES[peer] if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"{peer}: {', '.join(missing)} not installed")
    out = subprocess.run([sys.executable, str(SCRIPT), "--peers", peer, "--device", "cpu", "--check-qubits", "8"],
                         capture_output=True, text=True, timeout=600)
    records = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert not any("unavailable" in r for r in records), (records, out.stderr[-2000:])
    checks = {r["check"]: r for r in records if "check" in r}
    assert sorted(checks) == ["brickwork", "ghz", "qaoa", "qft"], records
    for family, record in checks.items():
        assert record["n"] == 8
        assert record["max_abs_diff"] < 1e-9 and record["z0_diff"] < 1e-9, (family, record)
    assert out.returncode == 0, out.stdout
