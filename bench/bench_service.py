#!/usr/bin/env python3
"""Load benchmark of the job service: jobs/s and latency of 5-qubit, 1000-shot jobs from 50 clients.

    python bench/bench_service.py                      # SQLite and PostgreSQL, 50 clients, 3000 jobs each
    python bench/bench_service.py --databases sqlite --jobs 500 --clients 20

For each database it starts the real server and worker processes on 127.0.0.1, runs
``--clients`` concurrent clients (asyncio, each submitting a job and waiting for its result,
then the next) until ``--jobs`` jobs are done or ``--max-seconds`` pass, and reports
throughput and the p50/p99 of submit-to-result latency. The peer printed beside them is the
same job run directly with ``qf.run`` in one process (no service), and the ratio of the two.
PostgreSQL is the throw-away server of .ci/postgres.py (installed with apt-get if needed).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QASM = ('OPENQASM 3; include "stdgates.inc"; qubit[5] q; bit[5] c; h q[0]; cx q[0], q[1]; cx q[1], q[2]; '
        'ry(0.4) q[3]; cx q[3], q[4]; rz(0.2) q[4]; c = measure q;')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_database() -> tuple[str, callable]:
    spec = importlib.util.spec_from_file_location("qfusion_ci_postgres", ROOT / ".ci" / "postgres.py")
    postgres = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(postgres)
    server, started = postgres.start()
    import psycopg
    name = f"qf_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")

    def cleanup():
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if started:
            postgres.stop()
    return server.rsplit("/", 1)[0] + "/" + name, cleanup


async def _load(url: str, token: str, jobs: int, clients: int, max_seconds: float) -> tuple[list[float], float]:
    import httpx
    latencies: list[float] = []
    remaining = [jobs]
    deadline = time.monotonic() + max_seconds
    body = {"circuits": [QASM], "shots": 1000, "backend": "statevector"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60,
                                 limits=limits) as http:
        async def client(number: int):
            while remaining[0] > 0 and time.monotonic() < deadline:
                remaining[0] -= 1
                start = time.perf_counter()
                submitted = await http.post("/v1/jobs", json={**body, "seed": number})
                submitted.raise_for_status()
                job_id = submitted.json()["id"]
                while True:
                    response = await http.get(f"/v1/jobs/{job_id}/result", params={"wait": 30})
                    if response.status_code == 200:
                        break
                    if response.status_code != 202:
                        raise RuntimeError(response.text)
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        return latencies, time.perf_counter() - start


def run_service(database: str, label: str, args) -> dict:
    from qfusion.service.store import Quotas, Store
    store = Store(database)
    store.create_user("bench", Quotas(max_queued=100_000, max_concurrent=1000, max_shots=10**6))
    token = store.create_token("bench")
    store.close()
    port = _free_port()
    env = {**os.environ, "QFUSION_NUM_THREADS": "1"}
    log = open(Path(tempfile.gettempdir()) / f"qfusion-bench-{label}.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "qfusion.cli", "serve", "--port", str(port), "--database",
                               database, "--log-level", "warning"], stderr=log, env=env)
    workers = [subprocess.Popen([sys.executable, "-m", "qfusion.cli", "worker", "--database", database,
                                 "--backend", "statevector", "--log-level", "warning"], stderr=log, env=env)
               for _ in range(args.workers)]
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx
        for _ in range(300):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        asyncio.run(_load(url, token, min(100, args.jobs), args.clients, 60))  # warm-up: JIT, connections
        latencies, elapsed = asyncio.run(_load(url, token, args.jobs, args.clients, args.max_seconds))
    finally:
        for process in [server, *workers]:
            process.send_signal(signal.SIGTERM)
        for process in [server, *workers]:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    latencies = np.asarray(latencies)
    return {"database": label, "jobs": len(latencies), "seconds": elapsed, "jobs_per_s": len(latencies) / elapsed,
            "p50_s": float(np.percentile(latencies, 50)), "p99_s": float(np.percentile(latencies, 99))}


def run_direct(jobs: int) -> dict:
    import qfusion as qf
    circuit = qf.qasm.loads(QASM)
    qf.run(circuit, shots=1000, seed=0)
    start = time.perf_counter()
    for seed in range(jobs):
        qf.run(qf.qasm.loads(QASM), shots=1000, seed=seed)
    elapsed = time.perf_counter() - start
    return {"database": "direct qf.run (no service)", "jobs": jobs, "seconds": elapsed, "jobs_per_s": jobs / elapsed,
            "p50_s": elapsed / jobs, "p99_s": float("nan")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    rows = [run_direct(min(args.jobs, 1000))]
    with tempfile.TemporaryDirectory() as tmp:
        for label in args.databases.split(","):
            if label == "sqlite":
                rows.append(run_service(str(Path(tmp) / "bench.db"), "sqlite", args))
            else:
                database, cleanup = _postgres_database()
                try:
                    rows.append(run_service(database, "postgresql", args))
                finally:
                    cleanup()
    print(f"# {platform.node()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
          f"{args.clients} clients, {args.workers} workers, 5-qubit 1000-shot jobs")
    print(f"{'database':<28} {'jobs':>6} {'jobs/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs direct':>10}")
    direct = rows[0]["jobs_per_s"]
    for row in rows:
        print(f"{row['database']:<28} {row['jobs']:>6} {row['jobs_per_s']:>8.1f} {row['p50_s'] * 1e3:>8.1f} "
              f"{row['p99_s'] * 1e3:>8.1f} {row['jobs_per_s'] / direct:>9.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
