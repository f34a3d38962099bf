"""Checks run by tests/sim/test_distributed.py under ``mpiexec -n N``: each rank compares the distributed
state, counts and expectation values with the single-process state vector; exits non-zero on a mismatch."""

import sys

import numpy as np

import qfusion as qf
from qfusion.sim import distributed, statevector


def random_layers(num_qubits: int, depth: int, seed: int) -> qf.Circuit:
    """rx/rz on every qubit, cz on alternating pairs, and long-range gates that flip the top qubits."""
    rng = np.random.default_rng(seed)
    c = qf.Circuit(num_qubits)
    for layer in range(depth):
        for q in range(num_qubits):
            c.rx(float(rng.uniform(0, 2 * np.pi)), q).rz(float(rng.uniform(0, 2 * np.pi)), q)
        for q in range(layer % 2, num_qubits - 1, 2):
            c.cz(q, q + 1)
        a, b = (int(v) for v in rng.choice(num_qubits, 2, replace=False))
        c.cx(a, b).swap(num_qubits - 1, int(rng.integers(0, num_qubits - 1))).h(num_qubits - 1)
        c.unitary(_haar(4, rng), [num_qubits - 1, 0])
    return c


def _haar(dim: int, rng) -> np.ndarray:
    z = (rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def main() -> int:
    comm = distributed.world()
    failures = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            failures.append(what)

    observable = qf.PauliSum.from_list([("X" * 3 + "I" * 7, 0.5), ("Z" * 10, -1.0), ("Y" + "I" * 8 + "X", 0.25)])
    for num_qubits, seed in [(10, 1), (14, 2), (18, 3), (22, 4)]:
        depth = 6 if num_qubits < 20 else 3
        c = random_layers(num_qubits, depth, seed)
        state = distributed.simulate(c, comm=comm)
        reference = statevector.simulate(c)
        diff = np.abs(np.asarray(state) - np.asarray(reference)).max()
        check(diff < 1e-10, f"{num_qubits} qubits: state differs by {diff:.2e}")
        labels = ["Z" * num_qubits, "X" * num_qubits, "IY" + "X" * (num_qubits - 2)]
        for label in labels:
            got, want = state.expectation_value(label), reference.expectation_value(label)
            check(abs(got - want) < 1e-10, f"{num_qubits} qubits: <{label}> {got} != {want}")
        if num_qubits == 10:  # and against someone else's simulator: Qiskit's Statevector of the same circuit
            from qiskit.quantum_info import Statevector

            from qfusion.interop import to_qiskit
            qiskit_state = np.asarray(Statevector(to_qiskit(c)).data)
            check(np.abs(np.vdot(qiskit_state, np.asarray(state))) > 1 - 1e-10, "state differs from Qiskit's")
            got, want = state.expectation_value(observable), reference.expectation_value(observable)
            check(abs(got - want) < 1e-10, f"PauliSum {got} != {want}")
            marginal = state.probabilities([9, 0])
            full = reference.probabilities()
            index = np.arange(full.size)
            want_marginal = np.bincount(((index >> 9) & 1) | (((index >> 0) & 1) << 1), weights=full, minlength=4)
            check(np.allclose(marginal, want_marginal, atol=1e-12), "marginal probabilities differ")
        measured = c.copy().measure_all()
        got = qf.run(measured, backend="mpi", shots=3000, seed=seed).counts
        # the same inverse-CDF draw over the same vector in index order, in one process
        rng = np.random.default_rng(seed)
        indices = statevector.sample_indices(np.ascontiguousarray(np.asarray(reference)), 3000, rng)
        values, counts = np.unique(indices, return_counts=True)
        want = {format(int(v), f"0{num_qubits}b"): int(n) for v, n in zip(values, counts, strict=True)}
        check(got == want, f"{num_qubits} qubits: seeded counts differ from the single-process draw")
        # complex64
        state64 = distributed.simulate(c, dtype="complex64", comm=comm)
        diff64 = np.abs(np.asarray(state64) - np.asarray(reference)).max()
        check(diff64 < 1e-4, f"{num_qubits} qubits complex64: differs by {diff64:.2e}")
    # mid-circuit measurement with feed-forward and reset on a global qubit: teleport |1> from q0 to q5
    tele = qf.Circuit(6, 3).x(0).h(5).cx(5, 4).cx(0, 5).h(0).measure(0, 0).measure(5, 1)
    tele.x(4).c_if(1, 1).z(4).c_if(0, 1).reset(5).measure(4, 2)
    counts = qf.run(tele, backend="mpi", shots=64, seed=3).counts
    check(all(key[0] == "1" for key in counts) and sum(counts.values()) == 64, f"teleport counts {counts}")
    for rank_counts in comm.allgather(counts):
        check(rank_counts == counts, "ranks disagree on counts")
    if failures:
        print(f"rank {comm.Get_rank()}: " + "; ".join(failures), file=sys.stderr)
        return 1
    if comm.Get_rank() == 0:
        print(f"ok on {comm.Get_size()} ranks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
