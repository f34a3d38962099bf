"""The Mitiq half of bench_mitigation.py, run in Mitiq's own virtual environment (Mitiq pins NumPy and
Cirq versions the main one does not have). Reads JSON requests on stdin, one a line, and writes one JSON answer a line.

    .venv-mitiq/bin/python bench/mitiq_side.py < request.json     # python3 .ci/mitiq.py builds it
"""

import json
import sys
import time

import numpy as np
import qiskit
from mitiq import MeasurementResult
from mitiq.rem import generate_tensored_inverse_confusion_matrix, mitigate_measurements
from mitiq.zne import inference, scaling

FACTORIES = {"richardson": inference.RichardsonFactory, "linear": inference.LinearFactory}
# Mitiq 1.x has global and random folding (it dropped folding from the left and the right)
FOLDS = {name: getattr(scaling, attr) for name, attr in (("global", "fold_global"), ("random", "fold_gates_at_random"),
                                                         ("left", "fold_gates_from_left"),
                                                         ("right", "fold_gates_from_right"))
         if hasattr(scaling, attr)}


def fold(request):
    circuit = qiskit.qasm2.loads(request["qasm"], custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    start = time.perf_counter()
    folded = [FOLDS[request["method"]](circuit, s) for s in request["scales"]]
    seconds = time.perf_counter() - start
    return {"qasm": [qiskit.qasm2.dumps(c) for c in folded], "seconds": seconds}


def extrapolate(request):
    start = time.perf_counter()
    factory = FACTORIES[request["method"]]
    value = factory.extrapolate(request["scales"], request["values"])
    return {"value": float(value), "seconds": time.perf_counter() - start}


def rem(request):
    matrices = [np.array(m) for m in request["confusion"]]
    start = time.perf_counter()
    inverse = generate_tensored_inverse_confusion_matrix(len(matrices), matrices)
    result = MeasurementResult([[int(b) for b in s] for s in request["bitstrings"]])
    mitigated = mitigate_measurements(result, inverse)
    seconds = time.perf_counter() - start
    keys, counts = np.unique(np.asarray(mitigated.result), axis=0, return_counts=True)
    return {"counts": {"".join(str(b) for b in k): int(c) for k, c in zip(keys, counts, strict=True)}, "seconds": seconds}


def rem_inverse(request):
    """Mitiq's tensored inverse confusion matrix (qubit 0 the most significant bit of its index)."""
    matrices = [np.array(m) for m in request["confusion"]]
    return {"inverse": generate_tensored_inverse_confusion_matrix(len(matrices), matrices).tolist()}


if __name__ == "__main__":
    # one request per line, one answer per line, until stdin closes (one process for a whole benchmark)
    for line in sys.stdin:
        if line.strip():
            request = json.loads(line)
            print(json.dumps({"fold": fold, "extrapolate": extrapolate, "rem": rem,
                              "rem_inverse": rem_inverse}[request["op"]](request)), flush=True)
