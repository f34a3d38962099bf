"""Admission under hostile requests (issue 13, finding 3): how long each refusal takes, and /health
latency while the server reads them, for this tree's server and another tree's (before the fix)
side by side in one run.

    PYTHONPATH=src python bench/bench_service_admission.py --before /work/main/src

Each server is a real ``qfusion serve`` process on a fresh SQLite database (no workers: nothing
runs, only admission is measured). A thread asks ``/health`` every 20 ms throughout and its
latencies are reported per server (p50, p99, max). Target: every refusal in <= 100 ms, /health
p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

HERE = Path(__file__).resolve().parents[1] / "src"


def loops(count: int, iterations: int) -> str:
    return ('OPENQASM 3; include "stdgates.inc"; qubit[2] q;'
            + "".join(f" for int i in [0:{iterations - 1}] {{ h q[0]; cx q[0], q[1]; }}" for _ in range(count)))


def requests() -> list[tuple[str, str, dict]]:
    """(name, token, body): the probe's hostile requests."""
    big_json = {"num_qubits": 4, "num_clbits": 4,
                "instructions": [{"name": "rx", "qubits": [i % 4], "params": [0.1]} for i in range(150_000)]}
    return [
        ("20 circuits of one for-loop, 2.7 KB", "ada", {"circuits": [loops(1, 66_664)] * 20, "shots": 1}),
        ("2 MB expression (refused)", "ada",
         {"circuits": ['OPENQASM 3; include "stdgates.inc"; qubit q; rx(' + "1+" * 1_000_000 + "1) q;"]}),
        ("num_clbits 1e9 JSON (refused)", "ada",
         {"circuits": [{"format": "json", "circuit": {"num_qubits": 1, "num_clbits": 10**9, "instructions": []}}],
          "shots": 1}),
        ("over quota, heavy circuit (429)", "bob", {"circuits": [loops(1, 60_000)], "shots": 1}),
        ("NUL in idempotency_key (refused)", "ada", {"circuits": ["OPENQASM 3; qubit q;"], "idempotency_key": "a\0b"}),
        ("150k-op JSON job, 6 MB (accepted)", "ada", {"circuits": [{"format": "json", "circuit": big_json}],
                                                      "shots": 1}),
    ]


def start(src: str, folder: Path, port: int):
    env = dict(os.environ, PYTHONPATH=src, QFUSION_DATABASE="")
    database = folder / "jobs.db"
    setup = ("from qfusion.service.server.store import Store, Quotas" if (Path(src) / "qfusion/service/server").exists()
             else "from qfusion.service.store import Store, Quotas")
    code = (f"{setup}; s = Store({str(database)!r}); s.create_user('ada'); s.create_user('bob', Quotas(max_queued=1)); "
            "import json; print(json.dumps([s.create_token('ada'), s.create_token('bob')]))")
    ada, bob = json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                         check=True).stdout)
    server = subprocess.Popen([sys.executable, "-m", "qfusion.cli", "serve", "--port", str(port), "--database",
                               str(database)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    # bob is at his quota of one queued job
    httpx.post(f"{url}/v1/jobs", json={"circuits": ["OPENQASM 3; qubit q;"]}, headers={"Authorization": f"Bearer {bob}"})
    return server, url, {"ada": ada, "bob": bob}


def measure(src: str, label: str, port: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        server, url, tokens = start(src, Path(folder), port)
        latencies, stop = [], threading.Event()

        def probe():
            with httpx.Client(timeout=60) as http:
                while not stop.is_set():
                    t = time.perf_counter()
                    http.get(f"{url}/health")
                    latencies.append(time.perf_counter() - t)
                    time.sleep(0.02)

        prober = threading.Thread(target=probe)
        prober.start()
        time.sleep(1.0)
        rows = {}
        try:
            for name, user, body in requests():
                t = time.perf_counter()
                answer = httpx.post(f"{url}/v1/jobs", json=body, timeout=300,
                                    headers={"Authorization": f"Bearer {tokens[user]}"})
                rows[name] = (time.perf_counter() - t, answer.status_code)
        finally:
            stop.set()
            prober.join()
            server.terminate()
            server.wait(30)
        ms = np.array(latencies) * 1000
        return {"label": label, "rows": rows, "health": (np.percentile(ms, 50), np.percentile(ms, 99), ms.max())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="the src folder of the tree to compare with (e.g. /work/main/src)")
    args = parser.parse_args()
    runs = [measure(str(HERE), "this tree", 18731)]
    if args.before:
        runs.insert(0, measure(args.before, "before", 18732))
    names = [name for name, _, _ in requests()]
    print(f"{'request':<38}" + "".join(f"{r['label']:>22}" for r in runs) + ("   ratio" if len(runs) == 2 else ""))
    for name in names:
        cells = [f"{r['rows'][name][0] * 1000:>12.0f} ms ({r['rows'][name][1]})" for r in runs]
        ratio = (f"  {runs[0]['rows'][name][0] / runs[1]['rows'][name][0]:6.1f}x" if len(runs) == 2 else "")
        print(f"{name:<38}" + "".join(f"{c:>22}" for c in cells) + ratio)
    for r in runs:
        p50, p99, worst = r["health"]
        print(f"/health during the above, {r['label']}: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms")


if __name__ == "__main__":
    main()
