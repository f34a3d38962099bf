"""The planner on a table of circuits whose best backend is known, its refusals, and backend="auto"."""

import tracemalloc

import numpy as np
import pytest

import qfusion as qf
from qfusion.backends import Backend, Capabilities
from qfusion.circuit import Circuit
from qfusion.cli.bench_circuits import ghz, random_u_cx
from qfusion.errors import CircuitTooLargeError
from qfusion.hpc import CostModel, Plan, Resources, plan
from qfusion.noise import NoiseModel, depolarizing

MACHINE = Resources(cores=2, memory_bytes=16 * 2**30)


@pytest.fixture(autouse=True)
def shipped_cost_model(tmp_path, monkeypatch):
    """The shipped cost model, whatever the user has calibrated."""
    monkeypatch.setenv("QFUSION_CONFIG_DIR", str(tmp_path / "config"))


def ghz_t(n):
    """A GHZ state behind a T-like phase on |0> (a global phase): the same state, but not Clifford, so the
    stabilizer backend is no candidate and the low-entanglement choice is the MPS."""
    return Circuit(n).rz(0.3, 0).compose(ghz(n))


def clifford_circuit(n, layers, seed):
    rng = np.random.default_rng(seed)
    c = Circuit(n)
    for _ in range(layers):
        for q in range(n):
            getattr(c, str(rng.choice(["h", "s", "x", "sdg"])))(q)
        for q in range(0, n - 1, 2):
            c.cz(q, q + 1) if rng.random() < 0.5 else c.cx(q, q + 1)
    return c


def noise(p=0.01):
    model = NoiseModel()
    model.add_gate_error(depolarizing(p, 2), ["cx", "cz"])
    model.add_gate_error(depolarizing(p / 10, 1), ["h", "s", "x", "sdg", "u"])
    return model


class StabilizerStandIn(Backend):
    """What the stabilizer backend declares (used when it is not registered in this checkout)."""
    name = "stabilizer"
    capabilities = Capabilities(exact=True, noise=True, clifford_only=True, options=("noise_model",),
                                representation="stabilizer")


@pytest.fixture
def stabilizer():
    registry = qf.backends._REGISTRY
    if "stabilizer" in registry:
        yield
        return
    qf.backends.register("stabilizer", StabilizerStandIn())
    try:
        yield
    finally:
        registry.pop("stabilizer")
        qf.backends._INSTANCES.pop("stabilizer", None)


def test_deep_20_qubit_random_circuit_goes_to_the_state_vector():
    p = plan(random_u_cx(20, 20, 1).measure_all(), shots=1000, resources=MACHINE)
    assert isinstance(p, Plan) and p.backend == "statevector"
    mps = p.candidate("mps")
    assert mps.feasible and mps.seconds > 10 * p.chosen.seconds  # bonds of 2^10: possible, much slower


def test_120_qubit_ghz_goes_to_mps_or_stabilizer(stabilizer):
    p = plan(ghz(120).measure_all(), shots=1000, resources=MACHINE)
    assert p.backend in ("mps", "stabilizer")
    assert "2^120" in p.candidate("statevector").reason
    assert p.candidate("mps").feasible and p.candidate("mps").memory_bytes < 1e6


def test_1000_qubit_noisy_clifford_circuit_goes_to_the_stabilizer(stabilizer):
    p = plan(clifford_circuit(1000, 3, 2).measure_all(), shots=1000, noise_model=noise(), resources=MACHINE)
    assert p.backend == "stabilizer"
    assert p.candidate("mps").reason == "runs no noise"
    assert not p.candidate("density_matrix").feasible


def test_non_clifford_circuit_is_not_sent_to_the_stabilizer(stabilizer):
    p = plan(ghz(60).t(3).measure_all(), shots=10, resources=MACHINE)
    assert "Clifford circuits only" in p.candidate("stabilizer").reason and p.backend == "mps"


def test_12_qubit_noisy_circuit_with_exact_probabilities_goes_to_the_density_matrix():
    p = plan(random_u_cx(12, 4, 3), shots=None, noise_model=noise(), resources=MACHINE)
    assert p.backend == "density_matrix"
    assert "trajectories" in p.candidate("statevector").reason


def test_40_qubit_deep_random_circuit_is_refused_with_each_reason_and_nothing_allocated():
    c = random_u_cx(40, 20, 4).measure_all()
    tracemalloc.start()
    with pytest.raises(CircuitTooLargeError) as info:
        plan(c, shots=100, resources=MACHINE)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    message = str(info.value)
    assert peak < 64 * 2**20
    for name in ("statevector", "density_matrix", "mps"):
        assert f"  {name}: " in message
    assert "2^40 amplitudes" in message and "bond dimension up to 2^20" in message
    assert "max_bond_dimension=" in message  # the one way that would fit, on a backend that exists


def test_auto_backend_refuses_before_allocating():
    with pytest.raises(CircuitTooLargeError, match="statevector"):
        qf.run(random_u_cx(40, 20, 5).measure_all(), shots=10, backend="auto", resources=MACHINE)


def test_an_approximate_mps_is_planned_when_a_bond_dimension_is_given():
    p = plan(random_u_cx(40, 20, 4).measure_all(), shots=100, resources=MACHINE, max_bond_dimension=16)
    assert p.backend == "mps" and p.options == {"max_bond_dimension": 16}
    assert "approximate" in p.chosen.note


def test_memory_of_the_resources_decides():
    small = Resources(cores=1, memory_bytes=2**20)
    p = plan(ghz_t(30).measure_all(), shots=100, resources=small)
    assert p.backend == "mps" and "1.0 MiB is available" in p.candidate("statevector").reason


def test_run_auto_records_the_plan_and_matches_the_chosen_backend():
    c = ghz_t(70).measure_all()
    result = qf.run(c, shots=200, backend="auto", seed=3)
    assert result.metadata["plan"]["backend"] == "mps" and result.backend_name == "mps"
    assert set(result.counts) == {"0" * 70, "1" * 70}
    rejected = {row["backend"]: row["rejected"] for row in result.metadata["plan"]["candidates"]}
    assert rejected["mps"] is None and rejected["statevector"]
    small = qf.run(Circuit(3).h(0).cx(0, 2).measure_all(), shots=50, backend="auto", seed=1)
    assert small.metadata["plan"]["backend"] == "statevector"


def test_simulate_auto_returns_the_chosen_state_with_its_plan():
    state = qf.simulate(ghz_t(50), backend="auto")
    assert state.plan.backend == "mps" and state.expectation_value("Z" * 50) == pytest.approx(1.0)


def test_plan_prints_a_table():
    text = str(plan(ghz(10).measure_all(), shots=10, resources=MACHINE))
    assert text.splitlines()[1].split()[:3] == ["backend", "representation", "memory"]
    assert "-> statevector:" in text and "density_matrix" in text
    assert repr(plan(ghz(10), shots=10, resources=MACHINE)).startswith("Plan(backend='statevector'")


def test_cost_model_is_read_from_the_config_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("QFUSION_CONFIG_DIR", str(tmp_path))
    assert CostModel.load().source == "shipped defaults"
    CostModel(statevector_rate=1.0).save()
    loaded = CostModel.load()
    assert loaded.statevector_rate == 1.0 and loaded.source.endswith("cost_model.json")
    # a state vector a billion times slower than calibrated loses to the MPS even at 12 qubits
    assert plan(ghz_t(12).measure_all(), shots=10, resources=MACHINE).backend == "mps"
    (tmp_path / "cost_model.json").write_text('{"speed": 3}')
    with pytest.raises(qf.QfusionError, match="unknown cost-model constants"):
        CostModel.load()


def test_bad_resources_are_refused():
    with pytest.raises(qf.QfusionError, match="cores"):
        Resources(cores=0)


def test_a_clifford_ghz_goes_to_the_stabilizer_backend():
    assert plan(ghz(70).measure_all(), shots=100).backend == "stabilizer"


# -- the mpi backend as a candidate ------------------------------------------------------------

def test_a_circuit_only_the_ranks_can_hold_goes_to_mpi():
    cluster = Resources(cores=2, memory_bytes=64 * 2**30, mpi_ranks=4, memory_per_rank=128 * 2**30)
    p = plan(random_u_cx(34, 10, 6).measure_all(), shots=100, resources=cluster)
    assert p.backend == "mpi", str(p)
    assert p.chosen.note.startswith("4 ranks, 64.0 GiB and ")
    assert "2^34 amplitudes" in p.candidate("statevector").reason
    assert p.chosen.memory_bytes > 4 * 64 * 2**30  # every rank's share, and its two exchange chunks


def test_mpi_is_refused_with_the_reason_on_one_rank_on_three_and_beyond_the_ranks_memory():
    c = random_u_cx(34, 10, 6).measure_all()
    with pytest.raises(CircuitTooLargeError) as info:
        plan(c, shots=100, resources=Resources(cores=2, memory_bytes=64 * 2**30))
    assert "  mpi: one MPI rank here (run under mpiexec" in str(info.value)
    three = plan(random_u_cx(10, 4, 1).measure_all(), shots=10, resources=Resources(mpi_ranks=3))
    assert "power-of-two" in three.candidate("mpi").reason
    shared = Resources(cores=2, memory_bytes=64 * 2**30, mpi_ranks=4)  # 16 GiB each: 64 GiB is needed
    with pytest.raises(CircuitTooLargeError, match=r"mpi: the state vector over 4 ranks needs 2\^32 amplitudes "
                                                   r"per rank \(64.0 GiB\); 16.0 GiB is available per rank"):
        plan(c, shots=100, resources=shared)


def test_mpi_runs_no_noise_in_the_plan():
    p = plan(random_u_cx(10, 4, 3), shots=None, noise_model=noise(), resources=Resources(mpi_ranks=2))
    assert p.candidate("mpi").reason == "runs no noise"


def test_the_mpi_estimate_counts_the_exchanges_of_the_backends_own_plan():
    from qfusion.hpc import MachineModel, estimate_distributed
    c = random_u_cx(24, 6, 2).measure_all()
    p = plan(c, shots=10, resources=Resources(mpi_ranks=4, memory_bytes=2**40))
    expected = estimate_distributed(c, MachineModel(ranks=4, bandwidth=1e10, latency=1e-6, gate_amplitude_time=1e-9))
    assert f"and {expected.exchanges} exchanges each" in p.candidate("mpi").note


AUTO_UNDER_MPI = """
import json, sys
import numpy as np
import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.hpc import Resources
from qfusion.sim.distributed import world
rng = np.random.default_rng(1)
c = Circuit(16)
for _ in range(12):
    for q in range(16):
        c.u(*rng.uniform(0, np.pi, 3), q)
    order = rng.permutation(16)
    for a, b in zip(order[::2], order[1::2]):
        c.cx(int(a), int(b))
c.measure_all()
# the whole vector (1 MiB) does not fit, half of it and the exchange chunks do, an MPS of it does not
small = Resources(cores=1, memory_bytes=768 * 2**10, mpi_ranks=2, memory_per_rank=2 * 2**20)
result = qf.run(c, shots=300, backend="auto", seed=4, resources=small)
if world().Get_rank() == 0:
    print(json.dumps({"plan": result.metadata["plan"]["backend"], "backend": result.backend_name,
                      "counts": result.counts}))
"""


def test_auto_under_mpiexec_runs_the_mpi_backend_with_the_counts_of_one_process(tmp_path):
    pytest.importorskip("mpi4py")
    import json
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path
    mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which("mpiexec")
    if mpiexec is None:
        pytest.skip("no mpiexec")
    script = tmp_path / "auto_mpi.py"
    script.write_text(AUTO_UNDER_MPI)
    env = dict(os.environ, PYTHONPATH=str(Path(qf.__file__).parents[1]), QFUSION_CONFIG_DIR=str(tmp_path / "cfg"))
    done = subprocess.run([mpiexec, "-n", "2", sys.executable, str(script)], capture_output=True, text=True,
                          timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["plan"] == "mpi" and out["backend"] == "mpi"
    namespace: dict = {}
    exec(AUTO_UNDER_MPI.split("# the whole vector")[0], namespace)  # the same circuit, in this process
    single = qf.run(namespace["c"], shots=300, backend="statevector", seed=4).counts
    assert out["counts"] == single
