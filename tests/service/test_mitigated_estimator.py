"""The job service's estimator program with error mitigation (options.mitigation): checked at submission,
run by the worker through qf.Estimator(mitigation=[...]), raw and mitigated values reported."""

from __future__ import annotations

import numpy as np
import pytest

import qfusion as qf
from qfusion.service.server.jobspec import SubmissionError, SubmissionLimits, check_submission
from qfusion.service.worker.programs import run_job

pytest.importorskip("scipy")

GHZ = 'OPENQASM 3; include "stdgates.inc"; qubit[2] q; h q[0]; cx q[0], q[1];'
ZNE = {"technique": "zne", "scale_factors": [1, 3, 5], "extrapolation": "richardson"}


def _body(mitigation, shots=4000):
    return {"program": "estimator", "circuits": [GHZ], "backend": "superconducting", "seed": 5,
            "options": {"observables": [[["ZZ", 1.0]]], "shots": shots, "mitigation": mitigation}}


@pytest.mark.slow
def test_a_mitigated_estimator_job_equals_the_library_and_reports_what_it_cost():
    spec = check_submission(_body([{"technique": "readout"}, ZNE]), SubmissionLimits(), "superconducting", 27)
    data = run_job("estimator", spec.payload, "superconducting")
    assert set(data) >= {"values", "standard_errors", "raw_values", "raw_standard_errors", "circuits_executed",
                         "shots_executed", "mitigation"}
    circuit = qf.qasm.loads(GHZ)
    local = qf.Estimator("superconducting", shots=4000, seed=5,
                         mitigation=[qf.mitigation.ReadoutMitigation(), qf.mitigation.ZNE([1, 3, 5])]).run(
        circuit, qf.PauliSum.from_list([("ZZ", 1.0)]))
    assert data["values"][0] == pytest.approx(float(np.ravel(local.values)[0]), abs=1e-12)
    assert data["circuits_executed"] >= 3 and data["shots_executed"] >= 3 * 4000
    # the ideal <ZZ> of a Bell pair is 1 (that mitigation beats the raw value is tests/mitigation's to show)
    assert data["values"][0] != data["raw_values"][0] and abs(1 - data["values"][0]) < 0.05


@pytest.mark.parametrize("mitigation, message", [
    ([{"technique": "magic"}], "technique must be one of readout, zne"),
    ([{"technique": "zne", "scale_factors": [0.5, 1]}], "scale factors must be >= 1"),
    ([{"technique": "zne", "scale_factors": [1, 1e9]}], "at most 10,000"),
    ([{"technique": "pec", "num_samples": {"a": 1}}], "a number, a string or a short list"),
    ("zne", "must be a list of 1 to 6 techniques"),
])
def test_bad_mitigation_options_are_refused_at_submission(mitigation, message):
    with pytest.raises(SubmissionError, match=message):
        check_submission(_body(mitigation), SubmissionLimits(), "superconducting", 27)
