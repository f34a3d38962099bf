"""``qf.hpc.map`` on a 2-worker Dask LocalCluster against the same work in a local process pool.

    python bench/bench_cluster.py [--circuits 10000] [--qubits 12] [--shots 100]

Both sides run the same chunks of the same seeded circuits with the same per-item seeds (the pool
calls qf.hpc.map's own chunk function), each with 2 single-threaded worker processes started and
warmed before the clock starts; prints the throughput of each and the ratio (target >= 0.90).
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

os.environ.setdefault("QFUSION_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")


def circuits(count: int, num_qubits: int):
    import qfusion as qf
    rng = np.random.default_rng(5)
    out = []
    for _ in range(count):
        c = qf.Circuit(num_qubits)
        for _layer in range(2):
            for q in range(num_qubits):
                c.ry(float(rng.uniform(0, 6)), q)
            for q in range(num_qubits - 1):
                c.cx(q, q + 1)
        out.append(c.measure_all())
    return out


def warm(_=None) -> int:
    import qfusion as qf
    qf.run(qf.Circuit(12).h(0).cx(0, 11).measure_all(), shots=10)
    return os.getpid()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--circuits", type=int, default=10000)
    parser.add_argument("--qubits", type=int, default=12)
    parser.add_argument("--shots", type=int, default=100)
    args = parser.parse_args()
    import qfusion as qf
    from qfusion.hpc.cluster import _chunks, _cost, _item_seeds, _Job, _run_chunk
    batch = circuits(args.circuits, args.qubits)
    seeds = _item_seeds(1, len(batch))
    job = _Job("statevector", args.shots, None, {})
    chunks = _chunks(np.array([_cost(c) for c in batch]), 2, None)

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(warm, range(4)))
        start = time.perf_counter()
        futures = [pool.submit(_run_chunk, job, None, batch[a:b], seeds[a:b]) for a, b in chunks]
        pooled = [r for f in futures for r in f.result()]
        t_pool = time.perf_counter() - start

    with qf.hpc.Cluster(n_workers=2, threads_per_worker=1) as cluster:
        cluster.client.run(warm)
        start = time.perf_counter()
        remote = qf.hpc.map(batch, shots=args.shots, seed=1, cluster=cluster, progress=False)
        t_dask = time.perf_counter() - start
    assert [r.counts for r in remote] == [r.counts for r in pooled], "results differ"
    rate_pool, rate_dask = len(batch) / t_pool, len(batch) / t_dask
    print(f"{len(batch)} circuits of {args.qubits} qubits, {args.shots} shots each, {len(chunks)} chunks, 2 workers")
    print(f"process pool: {t_pool:.2f} s ({rate_pool:.0f} circuits/s)")
    print(f"qf.hpc.map on LocalCluster: {t_dask:.2f} s ({rate_dask:.0f} circuits/s)")
    print(f"throughput ratio dask / pool: {rate_dask / rate_pool:.2f} (target >= 0.90); results identical")


if __name__ == "__main__":
    main()
