"""Authentication, isolation between users, and hostile submissions against the real server."""

from __future__ import annotations

import json

import httpx
import pytest

import qfusion as qf
from qfusion.service.store import Quotas, Store


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One server and one worker for the module, users ada and bob (bob with small quotas)."""
    from service_helpers import Service
    tmp = tmp_path_factory.mktemp("security")
    database = str(tmp / "jobs.db")
    store = Store(database)
    store.create_user("ada")
    store.create_user("bob", Quotas(max_qubits=10, max_shots=5000, max_queued=2, max_concurrent=1))
    store.create_user("ops")
    tokens = {"ada": store.create_token("ada"), "bob": store.create_token("bob"),
              "metrics": store.create_token("ops", scope="metrics")}
    running = Service(database, tmp, max_body_bytes=1_000_000, env={"QFUSION_MEMORY_LIMIT": "64MiB"})
    running.start_server()
    running.start_worker("--backend", "statevector")  # jobs for "reference" wait: the queue quota test uses them
    yield running, tokens
    running.stop()


def _http(service, user=None, token=None):
    running, tokens = service
    headers = {"Authorization": f"Bearer {token or tokens[user]}"} if (user or token) else {}
    return httpx.Client(base_url=running.url, headers=headers, timeout=60)


GOOD = {"circuits": ['OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; '
                     'measure q -> c;'], "shots": 100, "seed": 1}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer qf_not-a-token"}, {"Authorization": "Basic eDp5"},
                                     {"Authorization": "Bearer"}])
def test_requests_without_a_valid_token_are_refused(service, headers):
    running, _ = service
    for method, path in (("GET", "/v1/jobs"), ("POST", "/v1/jobs"), ("GET", "/v1/jobs/x"), ("GET", "/v1/backends"),
                         ("POST", "/v1/jobs/x/cancel"), ("GET", "/v1/jobs/x/result")):
        response = httpx.request(method, running.url + path, headers=headers, json=GOOD, timeout=30)
        assert response.status_code == 401, (method, path, response.text)
        assert "token" in response.json()["detail"]


def test_metrics_need_a_metrics_token_and_it_opens_nothing_else(service):
    running, tokens = service
    assert httpx.get(f"{running.url}/metrics").status_code == 401
    refused = _http(service, "ada").get("/metrics")
    assert refused.status_code == 403 and "needs a 'metrics' token" in refused.json()["detail"]
    metrics = _http(service, "metrics")
    assert metrics.get("/metrics").status_code == 200 and "qfusion_jobs_queued" in metrics.get("/metrics").text
    for method, path in (("GET", "/v1/jobs"), ("POST", "/v1/jobs"), ("GET", "/v1/backends")):
        response = metrics.request(method, path, json=GOOD)
        assert response.status_code == 403 and "needs a 'jobs' token" in response.json()["detail"], path


def test_another_users_jobs_do_not_exist_for_you(service):
    ada, bob = _http(service, "ada"), _http(service, "bob")
    job = ada.post("/v1/jobs", json=GOOD).json()
    for response in (bob.get(f"/v1/jobs/{job['id']}"), bob.get(f"/v1/jobs/{job['id']}/result"),
                     bob.post(f"/v1/jobs/{job['id']}/cancel")):
        assert response.status_code == 404 and response.json()["detail"] == f"no job {job['id']!r}"
    assert job["id"] not in {j["id"] for j in bob.get("/v1/jobs").json()["jobs"]}
    assert job["id"] in {j["id"] for j in ada.get("/v1/jobs").json()["jobs"]}
    done = ada.get(f"/v1/jobs/{job['id']}/result", params={"wait": 60}).json()
    assert done["job"]["state"] == "DONE"  # bob's cancel did nothing
    assert done["result"]["results"][0]["counts"] == qf.run(qf.qasm.loads(GOOD["circuits"][0]), shots=100,
                                                            seed=1).counts


def _qasm(text):
    return {"circuits": [text], "shots": 10}


HOSTILE = [
    (_qasm("OPENQASM 3; qubit[2] q; cx q[0] q[1];"), 422, "line 1"),
    (_qasm("OPENQASM 9; qubit q;"), 422, "version"),
    (_qasm('OPENQASM 3; include "/etc/passwd"; qubit q;'), 422, 'only "stdgates.inc"'),
    (_qasm('OPENQASM 3; include "stdgates.inc"; include /* hidden */ "/etc/passwd"; qubit q;'), 422,
     'only "stdgates.inc"'),
    (_qasm("OPENQASM 3; qubit[60] q;"), 413, "60 qubits; your quota is 30"),
    (_qasm("OPENQASM 3; qubit[23] q;"), 413, "23 qubits need 128.0 MiB for the state vector; the server has 64.0 MiB"),
    (_qasm("OPENQASM 3; qubit[100000000] q;"), 422, "qubits"),
    ({**GOOD, "shots": 10**12}, 422, "shots must be at most 1,000,000"),
    ({**GOOD, "shots": -1}, 422, "shots must be at least 1"),
    ({**GOOD, "backend": "gpu9000"}, 422, "unknown backend 'gpu9000'"),
    ({**GOOD, "program": "exec"}, 422, "program"),
    ({**GOOD, "circuits": "not a list"}, 422, "circuits"),
    ({**GOOD, "circuits": [{"format": "json", "circuit": {"num_qubits": 2, "instructions": [
        {"name": "cx", "qubits": [0, 5]}]}}]}, 422, "instruction 0"),
    ({**GOOD, "parameters": {"theta": "x"}}, 422, "parameters"),
    ({"program": "qaoa", "options": {"cost": [["ZZ" * 20, 1.0]]}}, 413, "40 qubits"),
    ({"program": "vqe", "circuits": GOOD["circuits"]}, 422, "parameterised ansatz"),
]


@pytest.mark.parametrize("body, status, message", HOSTILE, ids=[m for _, _, m in HOSTILE])
def test_bad_submissions_get_a_clear_4xx(service, body, status, message):
    response = _http(service, "ada").post("/v1/jobs", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"], response.json()


def test_huge_malformed_and_deep_bodies_are_refused(service):
    ada = _http(service, "ada")
    huge = ada.post("/v1/jobs", content=b'{"circuits": ["' + b"x" * 2_000_000 + b'"]}',
                    headers={"Content-Type": "application/json"})
    assert huge.status_code == 413 and "larger than the limit of 1,000,000 bytes" in huge.json()["detail"]

    def chunks():  # no Content-Length: the limit is counted while reading
        yield b'{"circuits": ["'
        for _ in range(40):
            yield b"y" * 50_000
        yield b'"]}'
    streamed = ada.post("/v1/jobs", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    broken = ada.post("/v1/jobs", content=b'{"circuits": [', headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and "JSON" in broken.json()["detail"]
    for wait in ("100", "-1", "soon", "nan"):
        refused = ada.get("/v1/jobs/x/result", params={"wait": wait})
        assert refused.status_code == 422 and "wait: seconds from 0 to 60" in refused.json()["detail"], wait
    deep = ada.post("/v1/jobs", content=b'{"options": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
                    headers={"Content-Type": "application/json"})
    assert 400 <= deep.status_code < 500


def test_quotas_of_a_small_user(service):
    bob = _http(service, "bob")
    too_wide = bob.post("/v1/jobs", json=_qasm("OPENQASM 3; qubit[12] q;"))
    assert too_wide.status_code == 413 and "your quota is 10" in too_wide.json()["detail"]
    too_many_shots = bob.post("/v1/jobs", json={**GOOD, "shots": 6000})
    assert too_many_shots.status_code == 422 and "at most 5,000 (your quota)" in too_many_shots.json()["detail"]
    quotas = bob.get("/v1/backends").json()["quotas"]
    assert quotas == {"max_qubits": 10, "max_shots": 5000, "max_queued": 2, "max_concurrent": 1}


def test_queue_quota_answers_429(service):
    bob = _http(service, "bob")
    waiting = {**GOOD, "backend": "reference"}  # no worker serves it here, so these jobs stay queued
    responses = [bob.post("/v1/jobs", json=waiting) for _ in range(3)]
    assert [r.status_code for r in responses] == [201, 201, 429], [r.text for r in responses]
    assert "2 jobs queued or running, your quota is 2" in responses[2].json()["detail"]
    for response in responses[:2]:
        assert bob.post(f"/v1/jobs/{response.json()['id']}/cancel").json()["state"] == "CANCELLED"
    assert bob.post("/v1/jobs", json=waiting).status_code == 201  # room again


def test_the_worker_survives_all_of_it(service):
    running, _ = service
    assert all(worker.poll() is None for worker in running.workers)
    job = _http(service, "ada").post("/v1/jobs", json=GOOD).json()
    done = _http(service, "ada").get(f"/v1/jobs/{job['id']}/result", params={"wait": 60})
    assert done.status_code == 200
    metrics = _http(service, "metrics").get("/metrics")
    assert metrics.status_code == 200 and 'qfusion_http_requests_total{method="POST",status="201"}' in metrics.text
    assert 'qfusion_http_requests_total{method="POST",status="500"}' not in metrics.text
    assert json.loads(httpx.get(f"{running.url}/health").text)["status"] == "ok"


def test_revoked_and_expired_tokens_are_refused(service):
    import subprocess
    import sys
    import time

    from qfusion.service.app import TOKEN_CACHE_S
    running, _ = service
    store = Store(running.database)
    doomed = store.create_token("ada", "doomed")
    kept = store.create_token("ada", "kept")
    short = store.create_token("ada", "short", expires_at=time.time() + 2.0)
    for token in (doomed, kept, short):
        assert _http(service, token=token).get("/v1/jobs").status_code == 200
    [doomed_id] = [t["id"] for t in store.tokens("ada") if t["label"] == "doomed"]
    revoked = subprocess.run([sys.executable, "-m", "qfusion.cli", "admin", "revoke-token", "ada", "--id",
                              str(doomed_id), "--database", running.database, "--json"],
                             capture_output=True, text=True, timeout=120)
    assert revoked.returncode == 0 and json.loads(revoked.stdout)["revoked"] == 1, revoked.stderr
    time.sleep(TOKEN_CACHE_S + 0.5)
    for token in (doomed, short):  # revoked; expired (the 2 s have passed while the cache ran out)
        response = _http(service, token=token).get("/v1/jobs")
        assert response.status_code == 401 and "invalid, revoked or expired" in response.json()["detail"]
    assert _http(service, token=kept).get("/v1/jobs").status_code == 200
    listed = {t["label"]: t for t in store.tokens("ada")}
    assert listed["doomed"]["revoked"] and not listed["kept"]["revoked"] and listed["short"]["expires_at"]


def test_an_expired_token_is_refused_at_once_even_when_cached(service):
    import time
    store = Store(service[0].database)
    token = store.create_token("ada", expires_at=time.time() + 1.0)
    assert _http(service, token=token).get("/v1/jobs").status_code == 200  # now cached for TOKEN_CACHE_S
    time.sleep(1.2)
    assert _http(service, token=token).get("/v1/jobs").status_code == 401


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_a_database_outage_is_a_503_the_client_retries(tmp_path):
    from fastapi.testclient import TestClient

    from qfusion.service.app import create_app
    from qfusion.service.schema import sa
    store = Store(str(tmp_path / "jobs.db"))
    store.create_user("ada")
    token = store.create_token("ada")
    client = TestClient(create_app(store), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/jobs", headers=headers).status_code == 200
    store.engine = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")  # the database goes away
    response = client.get("/v1/jobs/abc", headers=headers)
    assert response.status_code == 503 and "retry" in response.json()["detail"]
    assert client.get("/health").status_code == 503
