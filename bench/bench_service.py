#!/usr/bin/env python3
"""Load benchmark of the job service: jobs/s and latency of 5-qubit, 1000-shot jobs from 50 clients.

    python bench/bench_service.py                      # SQLite and PostgreSQL, 50 clients, 3000 jobs each
    python bench/bench_service.py --databases sqlite --jobs 500 --clients 20

For each database it starts the real server and worker processes on 127.0.0.1, runs
``--clients`` concurrent clients (asyncio, each submitting a job and waiting for its result,
then the next) until ``--jobs`` jobs are done or ``--max-seconds`` pass, and reports
throughput and the p50/p99 of submit-to-result latency. The peer printed beside them is the
same job run directly with ``qf.run`` in one process (no service), and the ratio of the two.
Beside them it prints the CPU milliseconds per job of each component (server, workers with
their executor processes, this PostgreSQL server's processes, and the load-generating clients,
which run in this process), read from /proc before and after the measured jobs: unlike jobs/s,
that stays meaningful on a machine loaded by other work.
PostgreSQL is the throw-away server of .ci/postgres.py (installed with apt-get if needed).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
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


def _postgres_module():
    spec = importlib.util.spec_from_file_location("qfusion_ci_postgres", ROOT / ".ci" / "postgres.py")
    postgres = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(postgres)
    return postgres


def _postgres_database() -> tuple[str, callable]:
    postgres = _postgres_module()
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


class _Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: a load generator should cost little CPU
    next to the server it measures (httpx costs ~5 ms of CPU per request here)."""

    def __init__(self, host: str, port: int, token: str):
        self.host, self.port, self.token = host, port, token
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self):
        if self.writer is not None:
            self.writer.close()


async def _load(url: str, tokens: list[str], jobs: int, clients: int, max_seconds: float) -> tuple[list[float], float]:
    host, port = url.split("//")[1].split(":")
    latencies: list[float] = []
    remaining = [jobs]
    deadline = time.monotonic() + max_seconds

    async def client(number: int):
        connection = _Connection(host, int(port), tokens[number % len(tokens)])
        try:
            while remaining[0] > 0 and time.monotonic() < deadline:
                remaining[0] -= 1
                body = json.dumps({"circuits": [QASM], "shots": 1000, "backend": "statevector",
                                   "seed": number}).encode()
                start = time.perf_counter()
                status, answer = await connection.request("POST", "/v1/jobs", body)
                if status != 201:
                    raise RuntimeError(answer.decode())
                job_id = json.loads(answer)["id"]
                while True:
                    status, answer = await connection.request("GET", f"/v1/jobs/{job_id}/result?wait=30")
                    if status == 200:
                        break
                    if status != 202:
                        raise RuntimeError(answer.decode())
                latencies.append(time.perf_counter() - start)
        finally:
            connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, time.perf_counter() - start


def _cpu_seconds(pids) -> float:
    """User + system CPU seconds of processes ``pids`` (Linux /proc; 0 elsewhere)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def _children(pid: int) -> list[int]:
    """``pid``'s child processes (an executor a worker starts, PostgreSQL's backends of the postmaster)."""
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _postgres_pids() -> list[int]:
    """The processes of the benchmark's own PostgreSQL server (its postmaster and children), not
    of any other PostgreSQL on the machine."""
    try:
        postmaster = int((_postgres_module().DATA / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    return [postmaster, *_children(postmaster)]


def run_service(database: str, label: str, args) -> dict:
    from qfusion.service.server.store import Quotas, Store
    store = Store(database)
    tokens = []
    for k in range(args.users):
        name = "bench" if k == 0 else f"bench{k}"
        store.create_user(name, Quotas(max_queued=100_000, max_concurrent=1000, max_shots=10**6))
        tokens.append(store.create_token(name))
    store.close()
    port = _free_port()
    env = {**os.environ, "QFUSION_NUM_THREADS": "1"}
    log = open(Path(tempfile.gettempdir()) / f"qfusion-bench-{label}.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "qfusion.cli", "serve", "--port", str(port), "--database",
                               database, "--log-level", "warning", "--processes", str(args.processes)],
                              stderr=log, env=env)
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
        asyncio.run(_load(url, tokens, min(100, args.jobs), args.clients, 60))  # warm-up: JIT, connections
        groups = {"server": [server.pid, *_children(server.pid)],
                  "workers": [pid for w in workers for pid in (w.pid, *_children(w.pid))],
                  "database": _postgres_pids() if label == "postgresql" else []}
        before = {name: _cpu_seconds(pids) for name, pids in groups.items()}
        client_before = time.process_time()
        latencies, elapsed = asyncio.run(_load(url, tokens, args.jobs, args.clients, args.max_seconds))
        # Processes started or ended meanwhile (a database backend per new connection) are missed:
        # the warm-up above opened the pools' connections, so there are few.
        cpu = {name: _cpu_seconds(pids) - before[name] for name, pids in groups.items()}
        cpu["clients"] = time.process_time() - client_before
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
            "p50_s": float(np.percentile(latencies, 50)), "p99_s": float(np.percentile(latencies, 99)),
            "cpu_ms_per_job": {name: 1e3 * value / max(1, len(latencies)) for name, value in cpu.items()}}


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
    parser.add_argument("--users", type=int, default=1,
                        help="users the clients belong to, round-robin (each user's submissions share one row lock)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--processes", type=int, default=1, help="server processes (qfusion serve --processes)")
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--json", action="store_true", help="also print the rows as JSON")
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
          f"{args.clients} clients, {args.workers} workers, {args.processes} server process(es), "
          f"5-qubit 1000-shot jobs")
    print(f"{'database':<28} {'jobs':>6} {'jobs/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs direct':>10}")
    direct = rows[0]["jobs_per_s"]
    for row in rows:
        print(f"{row['database']:<28} {row['jobs']:>6} {row['jobs_per_s']:>8.1f} {row['p50_s'] * 1e3:>8.1f} "
              f"{row['p99_s'] * 1e3:>8.1f} {row['jobs_per_s'] / direct:>9.2f}x")
    print("CPU milliseconds per job, from /proc (user + system) over the measured jobs; on a loaded machine "
          "jobs/s is not measurable, this is: cores * 1000 / total bounds jobs/s on idle cores")
    print(f"{'database':<28} {'server':>7} {'workers':>8} {'database':>9} {'clients':>8} {'total':>7} {'bound':>7}")
    for row in rows[1:]:
        parts = row["cpu_ms_per_job"]
        total = sum(parts.values())
        print(f"{row['database']:<28} {parts['server']:>7.2f} {parts['workers']:>8.2f} {parts['database']:>9.2f} "
              f"{parts['clients']:>8.2f} {total:>7.2f} {(os.cpu_count() or 1) * 1000 / total:>6.0f}/s")
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
