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


def ghz_t_qasm(n):
    """A GHZ state behind an rz: not Clifford, so the stabilizer backend is no candidate."""
    return ghz_qasm(n).replace("h q[0];", "rz(0.3) q[0]; h q[0];")


def test_plan_job_sizes_each_backend_by_the_memory_its_workers_advertise():
    from qfusion.service.server.planning import plan_job
    payload = {"shots": 10, "circuits": [ghz_t_qasm(20)]}  # a 16 MiB state vector
    backend, record = plan_job(payload, ["statevector", "mps"], {"statevector": 4 * 2**20, "mps": None})
    rows = {row["backend"]: row for row in record["candidates"]}
    assert backend == "mps" and "4.0 MiB is available" in rows["statevector"]["rejected"]
    _, roomy = plan_job(payload, ["statevector", "mps"], {"statevector": 2**30, "mps": None})
    assert {row["backend"]: row for row in roomy["candidates"]}["statevector"]["rejected"] is None


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_auto_job_is_planned_against_the_live_workers_memory(tmp_path):
    from fastapi.testclient import TestClient

    from qfusion.service.server.app import create_app
    from qfusion.service.server.leases import register_worker
    store = Store(str(tmp_path / "jobs.db"))
    store.create_user("ada")
    headers = {"Authorization": f"Bearer {store.create_token('ada')}"}
    register_worker(store, "small-worker", ["statevector"], memory_bytes=4 * 2**20)
    http = TestClient(create_app(store), raise_server_exceptions=False)
    response = http.post("/v1/jobs", json={"circuits": [ghz_t_qasm(20)], "shots": 10, "backend": "auto"},
                         headers=headers)
    assert response.status_code == 201, response.text
    rows = {row["backend"]: row for row in response.json()["plan"]["candidates"]}
    assert "4.0 MiB is available" in rows["statevector"]["rejected"]
    assert response.json()["backend"] != "statevector"
