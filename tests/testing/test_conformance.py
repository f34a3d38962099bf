"""The conformance kit (qfusion.testing) over every registered backend, against backends/reference.py.

GPU backends skip cleanly without a CUDA device (their ``unavailable_reason``); the kit itself is
checked to catch a backend that lies (wrong counts, an ignored option, a missing method)."""

import pytest

from qfusion.backends import Backend, Capabilities, Result, get, names
from qfusion.backends.statevector import StatevectorBackend
from qfusion.testing import CHECKS, ConformanceError, SkipCheck, check_backend, run_check

# "null" measures the overhead around a simulator: its counts are placeholders by design
BACKENDS = [name for name in names() if name != "null"]


@pytest.mark.parametrize("check", sorted(CHECKS))
@pytest.mark.parametrize("backend", BACKENDS)
def test_backend_conforms(backend, check):
    try:
        detail = run_check(backend, check)
    except SkipCheck as skip:
        pytest.skip(str(skip))
    assert isinstance(detail, str)


class _Biased(StatevectorBackend):
    """Flips the highest outcome bit of every shot: its counts no longer follow the circuit."""
    name = "biased"

    def run(self, circuit, **kwargs):
        result = super().run(circuit, **kwargs)
        flipped = {("1" if k[0] == "0" else "0") + k[1:]: v for k, v in result.counts.items()}
        return Result(flipped, result.shots, self.name, result.memory)


class _Lazy(Backend):
    """Declares exact simulation and batched parameter sets but implements neither."""
    name = "lazy"
    capabilities = Capabilities(exact=True, batched_params=True)


class _Quiet(StatevectorBackend):
    """Ignores options it does not know."""
    name = "quiet"

    def run(self, circuit, **kwargs):
        kwargs.pop("no_such_option", None)
        return super().run(circuit, **kwargs)


def test_the_kit_catches_wrong_counts():
    report = check_backend(_Biased(), checks=["counts"])
    assert not report.ok and "outcome" in report.failures[0].detail
    with pytest.raises(ConformanceError, match="biased"):
        report.raise_for_failures()


def test_the_kit_catches_undeclared_methods_and_ignored_options():
    assert "does not implement simulate" in check_backend(_Lazy(), checks=["capabilities"]).failures[0].detail
    assert "accepted silently" in check_backend(_Quiet(), checks=["honest"]).failures[0].detail


def test_the_kit_passes_the_reference_itself_and_reports_a_table():
    report = check_backend("reference", checks=["states", "counts", "parameters", "too_many_qubits"])
    assert report.ok, str(report)
    assert str(report).splitlines()[0] == "conformance of backend 'reference'"


def test_gpu_backends_skip_with_the_reason_without_a_device():
    gpu = get("gpu")
    if gpu.unavailable_reason() is None:
        pytest.skip("a CUDA device (or the CUDA simulator) is present")
    report = check_backend("gpu", checks=["capabilities", "states"])
    assert [r.status for r in report.results] == ["passed", "skipped"]
    assert "cannot run here" in report.results[1].detail


def test_tolerances_follow_the_dtype_and_options_reach_every_call():
    report = check_backend("statevector", checks=["dtypes"], atol=1e-3)
    assert report.ok
    # an option the backend takes reaches run and simulate: lane sweeps forced on
    from qfusion.sim.statevector import SimulatorOptions
    assert check_backend("statevector", checks=["states", "counts"],
                         options={"options": SimulatorOptions(lanes=True)}).ok


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["gpu", "gpu_density_matrix"])
def test_gpu_backends_conform_under_the_cuda_simulator(backend):
    """The whole kit on a GPU backend, numba's CUDA simulator standing in for the device (about 15 s)."""
    import os
    import subprocess
    import sys
    script = ("from qfusion.testing import check_backend\n"
              f"report = check_backend({backend!r}, shots=500)\n"
              "print(report)\n"
              "report.raise_for_failures()\n")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "failed" not in proc.stdout and " passed " in proc.stdout


class _OpaqueState:
    """A state with no vector form (as a tableau or an MPS): only expectation values."""

    def __init__(self, vector):
        self._vector = vector

    def expectation_value(self, observable):
        return observable.expectation_value(self._vector)


class _Opaque(Backend):
    """Returns states the kit cannot turn into arrays: checked through expectation values."""
    name = "opaque"
    capabilities = Capabilities(exact=True, sampled=False)

    def simulate(self, circuit, *, params=None, seed=None):
        return _OpaqueState(get("reference").simulate(circuit, params=params, seed=seed))


def test_a_backend_without_vector_states_is_checked_by_expectation_values():
    report = check_backend(_Opaque(), checks=["states", "expectation_values", "honest"])
    assert [r.status for r in report.results] == ["skipped", "passed", "passed"], str(report)
    assert "no array form" in report.results[0].detail
