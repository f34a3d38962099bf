"""backend="auto" on the service: planned at submission, queued for the chosen backend, plan in the record."""

import pytest

from qfusion.service.server.store import Store


@pytest.fixture
def client(tmp_path):
    from fastapi.testclient import TestClient

    from qfusion.service.server.app import create_app
    store = Store(str(tmp_path / "jobs.db"))
    store.create_user("ada")
    token = store.create_token("ada")
    return TestClient(create_app(store), raise_server_exceptions=False), {"Authorization": f"Bearer {token}"}


def ghz_qasm(n):
    lines = [f"OPENQASM 3; include \"stdgates.inc\"; qubit[{n}] q; bit[{n}] c; h q[0];"]
    lines += [f"cx q[{i}], q[{i + 1}];" for i in range(n - 1)]
    return " ".join(lines + ["c = measure q;"])


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_auto_job_is_planned_queued_for_the_choice_and_keeps_its_plan(client):
    http, headers = client
    small = http.post("/v1/jobs", json={"circuits": [ghz_qasm(3)], "shots": 10, "backend": "auto"}, headers=headers)
    assert small.status_code == 201, small.text
    assert small.json()["backend"] == "statevector" and small.json()["plan"]["backend"] == "statevector"
    wide = http.post("/v1/jobs", json={"circuits": [ghz_qasm(28)], "shots": 10, "backend": "auto"}, headers=headers)
    assert wide.status_code == 201, wide.text
    job = http.get(f"/v1/jobs/{wide.json()['id']}", headers=headers).json()
    assert job["backend"] == job["plan"]["backend"]
    rows = {row["backend"]: row for row in job["plan"]["candidates"]}
    assert "auto" not in rows and "density_matrix" in rows and rows["density_matrix"]["rejected"]


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_auto_job_nothing_can_run_is_a_413_listing_the_candidates(client, monkeypatch):
    monkeypatch.setenv("QFUSION_MEMORY_LIMIT", "64M")  # a 30-qubit state vector needs 16 GiB
    http, headers = client
    deep = "OPENQASM 3; include \"stdgates.inc\"; qubit[30] q; " + " ".join(
        f"h q[{i}]; cx q[{i}], q[{(i * 7 + 3) % 30}]; t q[{i}];" for i in range(30) for _ in range(3))
    response = http.post("/v1/jobs", json={"circuits": [deep], "shots": 10, "backend": "auto"}, headers=headers)
    assert response.status_code == 413, response.text
    detail = response.json()["detail"]
    assert "statevector: the state vector needs 2^30" in detail and "mps: the MPS needs" in detail
