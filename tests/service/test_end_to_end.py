"""The real server and real worker processes on 127.0.0.1: client, CLI, remote backend, metrics, shutdown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from service_helpers import ROOT, wait_until

import qfusion as qf
from qfusion.errors import JobFailedError, ServiceError
from qfusion.service import schema
from qfusion.service.schema import sa
from qfusion.service.store import Quotas, Store

BELL = ROOT / "examples" / "bell.qasm"


@pytest.fixture
def running(make_service, sqlite_url):
    """A server with one worker, and a token for user ada."""
    store = Store(sqlite_url)
    store.create_user("ada")
    token = store.create_token("ada")
    service = make_service(sqlite_url)
    service.start_server()
    service.start_worker()
    return service, token, store


def _metrics(url: str, store) -> str:
    """``/metrics`` read with a metrics token, as Prometheus would."""
    try:
        store.user("ops")
    except ServiceError:
        store.create_user("ops")
    token = store.create_token("ops", scope="metrics")
    response = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.text


def test_client_runs_circuits_like_local_runs(running):
    service, token, _ = running
    theta = qf.Parameter("theta")
    circuits = [qf.Circuit(3).h(0).cx(0, 1).rx(theta, 2).measure_all(), qf.qasm.load(BELL)]
    with qf.Client(service.url, token) as client:
        job = client.run(circuits, shots=500, seed=42, parameters=[{theta: 0.8}, {}])
        first, second = job.result(timeout=120)
        assert job.status() == "DONE"
        assert first.counts == qf.run(circuits[0], shots=500, seed=42, params={theta: 0.8}).counts
        assert second.counts == qf.run(circuits[1], shots=500, seed=43).counts
        listed = client.jobs()
        assert [j["id"] for j in listed] == [job.id] and listed[0]["state"] == "DONE"
        assert listed[0]["started_at"] <= listed[0]["finished_at"]


def test_estimator_program_through_the_service(running):
    service, token, _ = running
    from qiskit.quantum_info import SparsePauliOp, Statevector

    from qfusion.interop import to_qiskit
    circuit = qf.Circuit(2).ry(0.6, 0).cx(0, 1)
    terms = [["ZZ", 1.0], ["XX", 0.5]]
    job = qf.Client(service.url, token).submit(circuit, program="estimator", options={"observables": [terms]})
    data = job.result(timeout=120)
    expected = Statevector(to_qiskit(circuit)).expectation_value(SparsePauliOp.from_list([tuple(t) for t in terms]))
    assert data["values"][0] == pytest.approx(expected.real, abs=1e-10)


def test_remote_backend_runs_library_code_unchanged(running, monkeypatch):
    service, token, _ = running
    monkeypatch.setenv("QFUSION_SERVICE_URL", service.url)
    monkeypatch.setenv("QFUSION_SERVICE_TOKEN", token)
    circuit = qf.Circuit(4).h(0).cx(0, 1).cx(1, 2).ry(0.3, 3).measure_all()
    remote = qf.run(circuit, shots=400, seed=9, backend="remote:statevector")
    assert remote.counts == qf.run(circuit, shots=400, seed=9).counts
    assert remote.backend_name == "remote:statevector"
    with pytest.raises(qf.BackendError, match="counts only"):
        qf.run(circuit, shots=4, backend="remote:statevector", memory=True)


def test_cancel_queued_job_and_fetch_failed_job(make_service, sqlite_url):
    store = Store(sqlite_url)
    store.create_user("ada")
    token = store.create_token("ada")
    service = make_service(sqlite_url)
    service.start_server()  # no worker yet: jobs stay queued
    client = qf.Client(service.url, token)
    job = client.run(qf.Circuit(1).h(0).measure_all(), shots=10)
    assert job.status() == "QUEUED"
    assert job.cancel() == "CANCELLED"
    with pytest.raises(JobFailedError, match="CANCELLED"):
        job.result(timeout=5)
    slow = client.run(qf.Circuit(1).h(0).measure_all(), shots=10)
    with pytest.raises(ServiceError, match="still QUEUED"):
        slow.result(timeout=0.3)
    service.start_worker()
    assert sum(slow.result(timeout=120).counts.values()) == 10
    with pytest.raises(ServiceError, match="already DONE") as refused:
        slow.cancel()
    assert refused.value.status == 409


def test_health_metrics_and_openapi(running):
    service, token, store = running
    qf.Client(service.url, token).run(qf.Circuit(1).x(0).measure_all(), shots=5).result(timeout=120)
    assert httpx.get(f"{service.url}/health").json()["status"] == "ok"
    metrics = _metrics(service.url, store)
    assert 'qfusion_workers_alive{backend="statevector"} 1.0' in metrics
    assert 'qfusion_jobs_submitted_total{backend="statevector",program="sampler"} 1.0' in metrics
    assert 'qfusion_job_latency_seconds_count{backend="statevector",state="DONE"} 1.0' in metrics
    assert "qfusion_jobs_queued" in metrics
    paths = httpx.get(f"{service.url}/openapi.json").json()["paths"]
    assert {"/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/result", "/v1/jobs/{job_id}/cancel"} <= set(paths)


def test_logs_are_json_lines(running):
    service, token, _ = running
    qf.Client(service.url, token).run(qf.Circuit(1).x(0).measure_all(), shots=5).result(timeout=120)
    events = [json.loads(line) for line in service.logs().splitlines() if line.strip()]
    names = {event["event"] for event in events}
    assert {"server.started", "worker.started", "job.submitted", "job.started", "job.done"} <= names


def _cli(*args, env):
    return subprocess.run([sys.executable, "-m", "qfusion.cli", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_cli_submit_status_result_jobs_cancel(running):
    service, token, _ = running
    env = {"QFUSION_SERVICE_URL": service.url, "QFUSION_SERVICE_TOKEN": token}
    out = _cli("submit", BELL, "--shots", 300, "--seed", 4, "--json", env=env)
    assert out.returncode == 0, out.stderr
    job_id = json.loads(out.stdout)["job"]["id"]
    result = json.loads(_cli("result", job_id, "--json", env=env).stdout)
    assert result["result"]["results"][0]["counts"] == qf.run(qf.qasm.load(BELL), shots=300, seed=4).counts
    assert json.loads(_cli("status", job_id, "--json", env=env).stdout)["job"]["state"] == "DONE"
    assert job_id in _cli("jobs", env=env).stdout
    refused = _cli("cancel", job_id, env=env)
    assert refused.returncode == 2 and refused.stderr.startswith("qfusion: error: job ") and "already DONE" in \
        refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    missing = _cli("status", "nope", env={**env, "QFUSION_SERVICE_TOKEN": "qf_wrong"})
    assert missing.returncode == 2 and "invalid, revoked or expired API token (HTTP 401)" in missing.stderr


def test_cli_admin_creates_users_and_tokens(tmp_path):
    database = str(tmp_path / "admin.db")
    created = _cli("admin", "create-user", "eve", "--max-qubits", 12, "--database", database, "--json", env={})
    assert json.loads(created.stdout)["quotas"]["max_qubits"] == 12
    token = _cli("admin", "create-token", "eve", "--database", database, env={}).stdout.strip()
    assert Store(database).authenticate(token)["name"] == "eve"
    made = json.loads(_cli("admin", "create-token", "eve", "--scope", "metrics", "--expires-in", 0.5, "--label",
                           "prometheus", "--database", database, "--json", env={}).stdout)
    reader = Store(database).authenticate(made["token"])
    assert reader["scope"] == "metrics" and 0.49 * 86400 < reader["expires_at"] - time.time() < 0.51 * 86400
    listed = _cli("admin", "list-tokens", "eve", "--database", database, env={}).stdout
    assert "prometheus" in listed and "metrics" in listed and made["token"] not in listed and token not in listed
    revoked = json.loads(_cli("admin", "revoke-token", "eve", "--database", database, "--json", env={}).stdout)
    assert revoked["revoked"] == 2 and Store(database).authenticate(token) is None
    again = _cli("admin", "create-user", "eve", "--database", database, env={})
    assert again.returncode == 1 and "already exists" in again.stderr
    away = _cli("jobs", "--url", "http://127.0.0.1:9", "--token", token, "--retry", 0, env={})
    assert away.returncode == 1 and away.stderr.startswith("qfusion: error: cannot reach the job service at "
                                                           "http://127.0.0.1:9")
    unconfigured = _cli("jobs", env={"QFUSION_SERVICE_URL": "", "QFUSION_SERVICE_TOKEN": "",
                                     "QFUSION_SERVICE_CONFIG": str(tmp_path / "none.json")})
    assert unconfigured.returncode == 1 and "no job service configured" in unconfigured.stderr
    bad_database = _cli("admin", "create-user", "x", "--database", "postgresql://nobody@127.0.0.1:9/none", env={})
    assert bad_database.returncode == 1 and "cannot open the database" in bad_database.stderr


@pytest.mark.slow
def test_sigterm_returns_a_long_job_and_another_worker_finishes_it(make_service, sqlite_url):
    store = Store(sqlite_url)
    user = store.create_user("ada")
    token = store.create_token("ada")
    service = make_service(sqlite_url)
    service.start_server()
    first = service.start_worker("--grace", "0.2", own_group=True)
    long_circuit = _long_circuit()
    job = qf.Client(service.url, token).run([long_circuit] * 12, shots=10, seed=1)
    wait_until(lambda: job.status() == "RUNNING", 120)
    os.killpg(first.pid, signal.SIGTERM)  # the worker and its executor, as a service manager stops them
    assert first.wait(60) == 0
    with store.read() as c:
        events = c.execute(sa.select(schema.job_events.c.event).where(schema.job_events.c.job_id == job.id)).scalars()
        assert "returned" in list(events)
    assert store.job(user["id"], job.id)["state"] == "QUEUED"
    service.start_worker()
    results = job.result(timeout=300)
    assert results[0].counts == qf.run(long_circuit, shots=10, seed=1).counts


def _long_circuit(num_qubits: int = 16, layers: int = 60) -> qf.Circuit:
    circuit = qf.Circuit(num_qubits)
    for layer in range(layers):
        for q in range(num_qubits):
            circuit.rx(0.1 * layer + q, q)
        for q in range(layer % 2, num_qubits - 1, 2):
            circuit.cx(q, q + 1)
    return circuit.measure_all()


@pytest.mark.slow
def test_a_job_over_its_time_limit_fails_and_the_worker_goes_on(make_service, sqlite_url):
    store = Store(sqlite_url)
    store.create_user("quick", Quotas(max_run_seconds=1.0))
    store.create_user("ada")  # the default quota (an hour): the worker's own cap applies
    quick, ada = store.create_token("quick"), store.create_token("ada")
    service = make_service(sqlite_url)
    service.start_server()
    worker = service.start_worker("--max-run-seconds", "2.5")
    long_job = [_long_circuit(20, 80)] * 40  # minutes of work on this machine
    over_quota = qf.Client(service.url, quick).run(long_job, shots=10, seed=1)
    with pytest.raises(JobFailedError, match=r"ran longer than its time limit of 1 s and was stopped"):
        over_quota.result(timeout=120)
    over_cap = qf.Client(service.url, ada).run(long_job, shots=10, seed=1)
    with pytest.raises(JobFailedError, match=r"ran longer than its time limit of 2.5 s and was stopped"):
        over_cap.result(timeout=120)
    info = over_cap.refresh()
    assert 2.5 <= info["finished_at"] - info["started_at"] < 60
    short = qf.Circuit(2).h(0).cx(0, 1).measure_all()
    assert qf.Client(service.url, quick).run(short, shots=50, seed=3).result(timeout=120).counts == \
        qf.run(short, shots=50, seed=3).counts
    assert worker.poll() is None and len(service.workers) == 1  # the same worker process, still running


@pytest.mark.parametrize("processes", [1, 2])
def test_serve_with_local_workers(tmp_path, processes):
    database = str(tmp_path / "local.db")
    store = Store(database)
    store.create_user("ada")
    token = store.create_token("ada")
    from service_helpers import free_port
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "qfusion.cli", "serve", "--port", str(port), "--database",
                               database, "--workers", "2", "--processes", str(processes)], stderr=subprocess.PIPE,
                              text=True, cwd=tmp_path)
    try:
        url = f"http://127.0.0.1:{port}"
        client = qf.Client(url, token, retry_s=60)
        circuit = qf.Circuit(2).h(0).cx(0, 1).measure_all()
        for seed in range(4):  # with two processes, some requests reach each
            assert client.run(circuit, shots=100, seed=seed).result(timeout=120).counts == \
                qf.run(circuit, shots=100, seed=seed).counts
        wait_until(lambda: 'qfusion_workers_alive{backend="statevector"} 2.0' in _metrics(url, store))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    log = server.stderr.read()
    assert log.count('"worker.stopped"') == 2 and '"server.stopped"' in log
    assert all(w["state"] == "stopped" for w in store.workers())
