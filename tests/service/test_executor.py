"""The executor process: jobs run in a child that can be stopped, and that can die without taking the worker."""

from __future__ import annotations

import os
import signal
import time

import qfusion as qf
from qfusion.service.server.jobspec import SubmissionLimits, check_submission
from qfusion.service.worker.executor import Executor


def _payload(circuit, shots=20, seed=5) -> dict:
    return check_submission({"circuits": [qf.qasm.dumps(circuit, version=3)], "shots": shots, "seed": seed},
                            SubmissionLimits()).payload


def _long_payload() -> dict:
    circuit = qf.Circuit(20)
    for layer in range(200):
        for q in range(20):
            circuit.rx(0.1 * layer + q, q)
        for q in range(layer % 2, 19, 2):
            circuit.cx(q, q + 1)
    return _payload(circuit.measure_all(), shots=10)


def test_a_crashed_child_fails_its_job_and_the_next_job_runs_in_a_new_one():
    bell = qf.Circuit(2).h(0).cx(0, 1).measure_all()
    with Executor() as executor:
        executor.start("sampler", _long_payload(), "statevector")
        while executor.started_at is None:  # the child is ready and has the job
            assert executor.outcome(0.05) is None
        first = executor._process.pid
        os.kill(first, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        state, message, _ = executor.outcome(60)
        assert state == "FAILED" and "killed by signal 9" in message and "more memory" in message
        executor.start("sampler", _payload(bell), "statevector")
        state, data, _ = executor.outcome(120)
        assert executor._process.pid != first
        assert state == "DONE" and data["results"][0]["counts"] == qf.run(bell, shots=20, seed=5).counts


def test_stop_job_kills_a_running_job_at_once():
    with Executor() as executor:
        executor.start("sampler", _long_payload(), "statevector")
        while executor.started_at is None:
            assert executor.outcome(0.05) is None
        assert executor.outcome(0.5) is None  # still running
        start = time.monotonic()
        executor.stop_job()
        assert time.monotonic() - start < 10
        executor.start("estimator", {**_payload(qf.Circuit(1).x(0)), "options": {"observables": [[["Z", 1.0]]],
                                                                                 "shots": None}}, "statevector")
        state, data, _ = executor.outcome(120)
        assert state == "DONE" and data["values"] == [-1.0]
