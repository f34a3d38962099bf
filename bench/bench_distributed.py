"""The ``mpi`` backend against the single-process state vector, and the communication cost model.

    python bench/bench_distributed.py [--qubits 26] [--layers 10] [--json out.json]

Runs, side by side in one run on this machine:
1. a ping-pong between 2 ranks (bandwidth and latency of this machine's MPI, shared memory here);
2. the single-process state vector with 2 threads on a random rx/rz/cz circuit of ``--qubits``;
3. the same circuit under ``mpiexec -n 2`` with 1 thread per rank (the same 2 cores), and under
   ``mpiexec -n 4`` (oversubscribed: 4 ranks on 2 cores; reported, not a target);
and prints the ratio distributed / single, the exchanges the cost model predicts (exact: it is the
backend's own plan) against those made, and the predicted time against the measured. Then a table
of the same model for 40-46 qubits on 64-1,024 nodes of a stated cluster (on paper).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def random_layers(num_qubits: int, layers: int, seed: int = 11):
    """``layers`` of seeded rx and rz on every qubit, then cz on alternating neighbour pairs."""
    import qfusion as qf
    rng = np.random.default_rng(seed)
    c = qf.Circuit(num_qubits)
    for layer in range(layers):
        for q in range(num_qubits):
            c.rx(float(rng.uniform(0, 2 * np.pi)), q).rz(float(rng.uniform(0, 2 * np.pi)), q)
        for q in range(layer % 2, num_qubits - 1, 2):
            c.cz(q, q + 1)
    return c


def worker(args) -> None:
    """Under mpiexec: time the distributed run (and the ping-pong) and print JSON from rank 0."""
    from qfusion.sim import distributed
    comm = distributed.world()
    out = {"ranks": comm.Get_size()}
    if args.pingpong and comm.Get_size() == 2:
        out.update(pingpong(comm))
    circuit = random_layers(args.qubits, args.layers)
    distributed.simulate(random_layers(12, 1), comm=comm)  # compile the kernels first
    times = []
    for _ in range(args.repeat):
        comm.Barrier()
        start = time.perf_counter()
        state = distributed.simulate(circuit, comm=comm)
        comm.Barrier()
        times.append(time.perf_counter() - start)
    out.update(time=min(times), exchanges=state.exchanges, bytes_per_rank=state._run.bytes_sent)
    if comm.Get_rank() == 0:
        print("RESULT " + json.dumps(out), flush=True)


def pingpong(comm) -> dict:
    """Bandwidth (bytes/s one way, with both directions at once as in an exchange) and latency."""
    partner = 1 - comm.Get_rank()
    small = np.zeros(1, dtype=np.complex128)
    receive = np.empty_like(small)
    for _ in range(100):
        comm.Sendrecv(small, dest=partner, recvbuf=receive, source=partner)
    start = time.perf_counter()
    rounds = 2000
    for _ in range(rounds):
        comm.Sendrecv(small, dest=partner, recvbuf=receive, source=partner)
    latency = (time.perf_counter() - start) / rounds
    big = np.ones(1 << 22, dtype=np.complex128)  # 64 MiB, 4 chunks of 2**20 amplitudes
    receive = np.empty(1 << 20, dtype=np.complex128)
    best = float("inf")
    for _ in range(3):
        comm.Barrier()
        start = time.perf_counter()
        for part in range(4):
            comm.Sendrecv(big[part << 20:(part + 1) << 20], dest=partner, recvbuf=receive, source=partner)
        best = min(best, time.perf_counter() - start)
    return {"latency": latency, "bandwidth": big.nbytes / best}


def single(num_qubits: int, layers: int, threads: int, repeat: int) -> float:
    from qfusion.sim import statevector
    os.environ["QFUSION_NUM_THREADS"] = str(threads)
    statevector.simulate(random_layers(12, 1))
    circuit = random_layers(num_qubits, layers)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        statevector.simulate(circuit)
        best = min(best, time.perf_counter() - start)
    return best


def launch(ranks: int, args, pingpong_flag: bool) -> dict:
    mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which("mpiexec")
    env = dict(os.environ, QFUSION_NUM_THREADS="1", NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1")
    command = [mpiexec, "-n", str(ranks), sys.executable, __file__, "--worker", "--qubits", str(args.qubits),
               "--layers", str(args.layers), "--repeat", str(args.repeat)] + (["--pingpong"] if pingpong_flag else [])
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"mpiexec -n {ranks} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(line[len("RESULT "):])


def cluster_table(gate_amplitude_time: float) -> list[dict]:
    """The model on paper: one rank per node, HDR InfiniBand-class links, 512 GiB per node."""
    from qfusion.hpc import MachineModel, estimate_distributed
    rows = []
    for num_qubits, nodes in [(40, 64), (41, 128), (42, 256), (43, 512), (44, 1024), (40, 1024)]:
        machine = MachineModel(ranks=nodes, bandwidth=25e9, latency=2e-6, memory_per_rank=512 << 30,
                               gate_amplitude_time=gate_amplitude_time / 16, name="HDR IB, 32-core nodes")
        estimate = estimate_distributed(random_layers(num_qubits, 10), machine)
        rows.append({"qubits": num_qubits, "nodes": nodes, "exchanges": estimate.exchanges,
                     "bytes_per_rank": estimate.bytes_per_rank, "exchange_s": estimate.exchange_time,
                     "compute_s": estimate.compute_time, "total_s": estimate.time, "fits": estimate.fits})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qubits", type=int, default=26)
    parser.add_argument("--layers", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pingpong", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    from qfusion.hpc import MachineModel, estimate_distributed
    from qfusion.sim.memory import format_bytes
    circuit = random_layers(args.qubits, args.layers)
    gates = len(circuit.instructions)
    t_single = single(args.qubits, args.layers, threads=2, repeat=args.repeat)
    t_single_1 = single(args.qubits - 1, args.layers, threads=1, repeat=1)
    gate_amplitude_time = t_single_1 / (gates * 2 ** (args.qubits - 1))
    two = launch(2, args, pingpong_flag=True)
    four = launch(4, args, pingpong_flag=False)
    print(f"random rx/rz/cz, {args.qubits} qubits, {args.layers} layers, {gates} gates, complex128")
    print(f"ping-pong (2 ranks): latency {two['latency'] * 1e6:.1f} us, bandwidth {two['bandwidth'] / 1e9:.2f} GB/s")
    print(f"single process, 2 threads: {t_single:.3f} s; 1 thread at {args.qubits - 1} qubits: {t_single_1:.3f} s "
          f"({gate_amplitude_time * 1e9:.3f} ns per gate-amplitude)")
    rows = []
    for result, cores_note in [(two, "1 thread per rank, 2 cores"), (four, "oversubscribed, 4 ranks on 2 cores")]:
        ranks = result["ranks"]
        machine = MachineModel(ranks=ranks, bandwidth=two["bandwidth"], latency=two["latency"],
                               gate_amplitude_time=gate_amplitude_time * (ranks / 2 if ranks > 2 else 1))
        estimate = estimate_distributed(circuit, machine)
        row = {"ranks": ranks, "time": result["time"], "ratio_vs_single": result["time"] / t_single,
               "exchanges": result["exchanges"], "predicted_exchanges": estimate.exchanges,
               "bytes_per_rank": result["bytes_per_rank"], "predicted_bytes_per_rank": estimate.bytes_per_rank,
               "predicted_time": estimate.time, "time_error": estimate.time / result["time"] - 1, "note": cores_note}
        rows.append(row)
        print(f"mpiexec -n {ranks} ({cores_note}): {result['time']:.3f} s = {row['ratio_vs_single']:.2f}x single; "
              f"exchanges {result['exchanges']} (model {estimate.exchanges}), "
              f"{format_bytes(result['bytes_per_rank'])} sent per rank (model "
              f"{format_bytes(estimate.bytes_per_rank)}); model time {estimate.time:.3f} s "
              f"({row['time_error']:+.0%})")
    table = cluster_table(gate_amplitude_time)
    print("\nthe same model on paper, 10 layers, one rank per 32-core node, 25 GB/s, 2 us, 512 GiB per node:")
    print("| qubits | nodes | exchanges | sent per rank | exchanging (s) | computing (s) | total (s) | fits |")
    print("|---|---|---|---|---|---|---|---|")
    for r in table:
        print(f"| {r['qubits']} | {r['nodes']} | {r['exchanges']} | {format_bytes(r['bytes_per_rank'])} | "
              f"{r['exchange_s']:.1f} | {r['compute_s']:.1f} | {r['total_s']:.1f} | {'yes' if r['fits'] else 'no'} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"single": t_single, "pingpong": two, "rows": rows, "cluster": table},
                                              indent=1))


if __name__ == "__main__":
    main()
