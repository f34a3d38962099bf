"""The MPI-distributed state vector: the exchange planner in-process, and real ``mpiexec`` runs at 2 and 4 ranks
(oversubscribed on a 2-core machine) against the single-process state vector."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import BackendError, CircuitError, CircuitTooLargeError
from qfusion.sim import distributed, exchanges
from qfusion.sim.plan import lower

pytest.importorskip("mpi4py")

HERE = Path(__file__).parent
MPIEXEC = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which("mpiexec")


def mpiexec(ranks: int, *args: str, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    if MPIEXEC is None:
        pytest.skip("no mpiexec (pip install 'qfusion[mpi]' installs MPICH's)")
    environment = dict(os.environ, PYTHONPATH=str(Path(qf.__file__).parents[1]), **(env or {}))
    return subprocess.run([MPIEXEC, "-n", str(ranks), sys.executable, *args], capture_output=True, text=True,
                          timeout=timeout, env=environment)


# -- the planner -----------------------------------------------------------------------------------------

def _apply_plan(plan: exchanges.ExchangePlan, ops) -> np.ndarray:
    """The plan executed on a full vector in one process: exchanges as bit swaps, local gates with their
    global bits fixed per rank block, checked against applying ``ops`` directly."""
    n, local = plan.num_qubits, plan.num_local_qubits
    rng = np.random.default_rng(0)
    state = rng.normal(size=1 << n) + 1j * rng.normal(size=1 << n)
    state /= np.linalg.norm(state)
    work = state.copy()
    for step in plan.steps:
        if isinstance(step, exchanges.Exchange):
            work = _swap_bits(work, step.local, step.global_position)
        elif isinstance(step, exchanges.LocalGates):
            blocks = work.reshape(1 << plan.num_global, 1 << local)
            for rank in range(1 << plan.num_global):
                for op in step.ops:
                    restricted = exchanges.restrict(op, step.layout, local, rank)
                    if isinstance(restricted, complex):
                        blocks[rank] *= restricted
                    else:
                        blocks[rank] = _apply(blocks[rank], restricted.matrix, restricted.qubits)
        else:
            work = _swap_bits(work, step[1], step[2])
    expected = state.copy()
    for op in ops:
        expected = _apply(expected, op.matrix, op.qubits)
    return work, expected


def _swap_bits(vector: np.ndarray, a: int, b: int) -> np.ndarray:
    index = np.arange(vector.size)
    swapped = index ^ ((((index >> a) ^ (index >> b)) & 1) * ((1 << a) | (1 << b)))
    return vector[swapped]


def _apply(vector: np.ndarray, matrix: np.ndarray, qubits) -> np.ndarray:
    n = int(np.log2(vector.size))
    tensor = vector.reshape([2] * n)
    axes = [n - 1 - q for q in reversed(qubits)]  # matrix is little-endian over qubits
    k = len(qubits)
    gate = matrix.reshape([2] * (2 * k))
    moved = np.tensordot(gate, tensor, axes=(list(range(k, 2 * k)), axes))
    return np.moveaxis(moved, list(range(k)), axes).reshape(-1)


@pytest.mark.parametrize("num_global", [1, 2, 3])
def test_plan_reproduces_the_circuit(num_global):
    rng = np.random.default_rng(num_global)
    c = qf.Circuit(7)
    for _ in range(25):
        a, b = (int(v) for v in rng.choice(7, 2, replace=False))
        kind = rng.integers(0, 5)
        if kind == 0:
            c.cx(a, b)
        elif kind == 1:
            c.cp(float(rng.uniform(0, 6)), a, b)
        elif kind == 2:
            c.swap(a, b)
        elif kind == 3:
            c.rx(float(rng.uniform(0, 6)), a)
        else:
            c.ry(0.3, a).crz(0.7, b, a)
    ops = list(lower(c).ops)
    plan = exchanges.plan_exchanges(ops, 7, num_global)
    got, expected = _apply_plan(plan, ops)
    np.testing.assert_allclose(got, expected, atol=1e-12)
    assert plan.final_layout == tuple(range(7))


def test_gates_that_only_read_global_qubits_need_no_exchange():
    c = qf.Circuit(6)
    for target in range(6):  # a QFT's phases: diagonal, on any qubits
        for control in range(target + 1, 6):
            c.cp(np.pi / 2 ** (control - target), control, target)
    c.cx(5, 0).cx(4, 1).cz(5, 4).rz(0.3, 5)  # global controls, diagonals on global qubits
    assert exchanges.plan_exchanges(list(lower(c).ops), 6, 2).num_exchanges == 0
    c.h(5)  # flips a global qubit: one exchange in, one to restore
    plan = exchanges.plan_exchanges(list(lower(c).ops), 6, 2)
    assert plan.num_exchanges == 2


def test_belady_keeps_the_qubit_used_next_local():
    # q3 is global (2 ranks, 3 local qubits); h(3) brings it in; q2 is used next, q0 later, q1 never
    c = qf.Circuit(4).h(0).h(1).h(2).h(3).h(2).h(0)
    plan = exchanges.plan_exchanges(list(lower(c).ops), 4, 1, restore=False)
    exchange = next(step for step in plan.steps if isinstance(step, exchanges.Exchange))
    assert exchange == exchanges.Exchange(local=1, global_position=3)
    assert plan.num_exchanges == 1


def test_bad_rank_counts_and_sizes_fail_before_allocation(monkeypatch):
    with pytest.raises(BackendError, match="power-of-two number of ranks, got 3"):
        distributed.check_ranks(3, 10)
    with pytest.raises(CircuitError, match="each rank needs at least one local qubit"):
        distributed.check_ranks(8, 3)
    monkeypatch.setenv("QFUSION_MEMORY_LIMIT", str(64 << 20))
    with pytest.raises(CircuitTooLargeError, match=r"each of the 4 ranks would hold 16.0 GiB but has 64.0 MiB .* at least 2048 ranks"):
        distributed.check_rank_memory(32, 2, np.complex128, 1 << 20, ranks_here=1)


def test_one_process_is_one_rank():
    c = qf.Circuit(3).h(0).cx(0, 2).measure_all()
    result = qf.run(c, backend="mpi", shots=200, seed=4)
    assert result.counts == qf.run(c, backend="statevector", shots=200, seed=4).counts
    assert result.metadata["ranks"] == 1 and result.metadata["exchanges"] == 0
    from qfusion.noise.channels import depolarizing
    noisy = qf.Circuit(1).h(0)
    noisy.append(depolarizing(0.1).to_operation(), [0])
    with pytest.raises(BackendError, match="noiseless"):
        qf.run(noisy, backend="mpi", shots=10)


# -- real MPI runs -------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("ranks", [2, 4])
def test_distributed_equals_single_process(ranks):
    done = mpiexec(ranks, str(HERE / "mpi_checks.py"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ok on {ranks} ranks" in done.stdout


@pytest.mark.slow
def test_cli_under_mpiexec_prints_once_and_refuses_three_ranks(tmp_path):
    path = tmp_path / "ghz.qasm"
    path.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[8];\ncreg c[8];\nh q[7];\n'
                    + "".join(f"cx q[7],q[{i}];\n" for i in range(7)) + "measure q -> c;\n")
    done = mpiexec(4, "-m", "qfusion", "run", str(path), "--backend", "mpi", "--seed", "2", "--json")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1 and '"11111111"' in lines[0] and '"ranks": 4' in lines[0]
    refused = mpiexec(3, "-m", "qfusion", "run", str(path), "--backend", "mpi")
    assert refused.returncode != 0
    assert "power-of-two number of ranks, got 3" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.slow
def test_a_killed_rank_fails_the_run_on_every_rank(tmp_path):
    script = tmp_path / "kill.py"
    script.write_text(
        "import os, signal, time\nimport qfusion as qf\nfrom qfusion.sim import distributed\n"
        "comm = distributed.world()\n"
        "c = qf.Circuit(20)\n"
        "for layer in range(200):\n    c.h(19).cx(19, layer % 19)\n"
        "if comm.Get_rank() == 1:\n    time.sleep(2.0)\n    os.kill(os.getpid(), signal.SIGKILL)\n"
        "distributed.simulate(c, comm=comm)\nprint('finished', flush=True)\n")
    start = time.monotonic()
    done = mpiexec(2, str(script), timeout=120)
    assert time.monotonic() - start < 120
    assert done.returncode != 0
    assert "finished" not in done.stdout
    assert "KILLED" in done.stdout + done.stderr or "killed" in (done.stdout + done.stderr).lower()


def test_rank_memory_suggests_complex64_only_where_it_fits(monkeypatch):
    monkeypatch.setenv("QFUSION_MEMORY_LIMIT", str(1 << 30))  # 1 GiB a rank
    chunk = 1 << 10
    # 27 qubits on 1 rank: 2 GiB as complex128, 1 GiB (+ buffers) as complex64: neither fits
    with pytest.raises(CircuitTooLargeError) as info:
        distributed.check_rank_memory(27, 0, np.complex128, chunk, ranks_here=1)
    assert "at least 4 ranks" in str(info.value) and "complex64" not in str(info.value)
    # 26 qubits: 1 GiB as complex128 (no room for the buffers), 512 MiB as complex64: it fits
    with pytest.raises(CircuitTooLargeError, match=r"at least 2 ranks of this size, or use dtype=\"complex64\""):
        distributed.check_rank_memory(26, 0, np.complex128, chunk, ranks_here=1)
    # already complex64, and 60 qubits: never told to use complex64
    for n, dtype in ((27, np.complex64), (60, np.complex128)):
        with pytest.raises(CircuitTooLargeError) as info:
            distributed.check_rank_memory(n, 0, dtype, chunk, ranks_here=1)
        assert "use dtype" not in str(info.value)
