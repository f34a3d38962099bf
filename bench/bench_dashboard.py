"""Server time of each dashboard page with 10,000 jobs in the database (target: < 200 ms each).

    python bench/bench_dashboard.py [--jobs 10000] [--database URL] [--repeat 20]

Fills a fresh database (SQLite by default; a PostgreSQL URL works too) with one user's jobs (mostly
DONE with results, some queued, failed and cancelled), then times each page in-process through the
ASGI app (the server's own time: no network, no browser), median and worst of ``--repeat`` requests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import time

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'


def fill(store, user: dict, count: int) -> str:
    from qfusion.service.server import schema
    now = time.time()
    states = ["DONE"] * 8 + ["QUEUED", "FAILED"]
    payload = json.dumps({"circuits": [{"format": "qasm", "source": BELL}], "shots": 1000, "seed": 1, "options": {},
                          "name": "bell"})
    rows, results = [], []
    for i in range(count):
        state = states[i % len(states)]
        job_id = f"{i:032x}"
        rows.append(dict(id=job_id, user_id=user["id"], backend="statevector", program="sampler", state=state,
                         payload=payload, num_circuits=1, num_qubits=2, shots=1000, fair_key=float(i), attempt=1,
                         max_attempts=3, created_at=now - count + i, started_at=now - count + i + 0.5,
                         finished_at=None if state == "QUEUED" else now - count + i + 1,
                         error="boom" if state == "FAILED" else None))
        if state == "DONE":
            results.append(dict(job_id=job_id, attempt=1, worker_id="w", created_at=now,
                                data=json.dumps({"results": [{"counts": {"00": 507, "11": 493}, "shots": 1000}]})))
    with store.write() as c:
        for start in range(0, count, 2000):
            c.execute(schema.jobs.insert(), rows[start:start + 2000])
        for start in range(0, len(results), 2000):
            c.execute(schema.results.insert(), results[start:start + 2000])
    return f"{count - 3:032x}"  # a recent DONE job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--database")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    from fastapi.testclient import TestClient

    from qfusion.service.server.app import create_app
    from qfusion.service.server.store import Store
    database = args.database or os.path.join(tempfile.mkdtemp(), "dashboard.db")
    store = Store(database)
    store.create_user("ada")
    token = store.create_token("ada", scope="admin")
    user = store.user("ada")
    job = fill(store, user, args.jobs)
    client = TestClient(create_app(store, ui_secret=b"b" * 32))
    form = client.get("/ui/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    assert client.post("/ui/login", data={"token": token, "csrf": csrf}, follow_redirects=False).status_code == 303
    ids = ",".join(f"{i:032x}" for i in range(args.jobs - 50, args.jobs))
    pages = {"jobs (first page)": "/ui/jobs", "jobs filtered (FAILED)": "/ui/jobs?state=FAILED",
             "jobs, an older page": f"/ui/jobs?before={time.time() - args.jobs / 2}", "job detail": f"/ui/jobs/{job}",
             "live status of 50 jobs": f"/ui/jobs/status?ids={ids}", "devices": "/ui/devices", "admin": "/ui/admin",
             "result download": f"/ui/jobs/{job}/result.json"}
    print(f"{args.jobs:,} jobs in {store.dialect}; server time per page over {args.repeat} requests (target < 200 ms)")
    print("| page | median (ms) | worst (ms) | bytes |")
    print("|---|---|---|---|")
    for name, path in pages.items():
        client.get(path)  # warm caches (templates, device profiles)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            answer = client.get(path)
            times.append(time.perf_counter() - start)
            assert answer.status_code == 200, (path, answer.status_code)
        print(f"| {name} | {statistics.median(times) * 1000:.1f} | {max(times) * 1000:.1f} | {len(answer.content):,} |")
    store.close()


if __name__ == "__main__":
    main()
