"""The dashboard's pages through the ASGI app: sessions, CSRF, escaping, CSP, per-user isolation, admin scope,
pagination, --no-dashboard. (tests/service/test_dashboard_browser.py drives it in a real browser.)"""

from __future__ import annotations

import re
import time

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from fastapi.testclient import TestClient  # noqa: E402

from qfusion.service.server import leases  # noqa: E402
from qfusion.service.server.app import create_app  # noqa: E402
from qfusion.service.server.store import Store  # noqa: E402

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'


@pytest.fixture
def service(tmp_path):
    store = Store(str(tmp_path / "jobs.db"))
    for name in ("alice", "bob", "root"):
        store.create_user(name)
    tokens = {name: store.create_token(name, "test") for name in ("alice", "bob")}
    tokens["admin"] = store.create_token("root", "admin", scope="admin")
    app = create_app(store, ui_secret=b"s" * 32)
    yield store, app, tokens
    store.close()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(app, token: str) -> TestClient:
    client = TestClient(app)
    form = client.get("/ui/login")
    done = client.post("/ui/login", data={"token": token, "csrf": _csrf(form.text)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/ui/jobs"
    return client


def submit(client: TestClient, token: str, **extra) -> str:
    body = {"circuits": [BELL], "shots": 100, **extra}
    answer = client.post("/v1/jobs", json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def finish(store, worker="w1") -> None:
    """Run every queued job the way a worker does (claim, execute, record)."""
    from qfusion.service.worker.programs import run_job
    leases.register_worker(store, worker, ["statevector"])
    for lease in leases.claim(store, worker, ["statevector"], lease_s=30, limit=100):
        job = store.rows("SELECT program, payload FROM jobs WHERE id = :id", {"id": lease.job_id})[0]
        import json
        assert leases.complete(store, lease, worker, run_job(job[0], json.loads(job[1]), "statevector"))


def test_sign_in_sets_a_strict_http_only_cookie_and_sign_out_clears_it(service):
    store, app, tokens = service
    client = TestClient(app)
    assert client.get("/ui/jobs", follow_redirects=False).headers["location"] == "/ui/login"
    form = client.get("/ui/login")
    done = client.post("/ui/login", data={"token": tokens["alice"], "csrf": _csrf(form.text)}, follow_redirects=False)
    cookie = done.headers["set-cookie"]
    assert "qf_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie
    assert tokens["alice"] not in cookie  # the cookie holds a signed hash, never the token
    page = client.get("/ui/jobs")
    assert page.status_code == 200 and "signed in as alice" in page.text
    out = client.post("/ui/logout", data={"csrf": _csrf(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/ui/jobs", follow_redirects=False).status_code == 303


def test_a_bad_token_and_a_revoked_one_do_not_sign_in(service):
    store, app, tokens = service
    client = TestClient(app)
    form = client.get("/ui/login")
    bad = client.post("/ui/login", data={"token": "qf_nope", "csrf": _csrf(form.text)})
    assert "That token is not valid" in bad.text
    signed = sign_in(app, tokens["bob"])
    store.revoke_tokens("bob")
    assert signed.get("/ui/jobs", follow_redirects=False).headers["location"] == "/ui/login"


def test_forms_without_the_csrf_token_are_refused(service):
    store, app, tokens = service
    client = TestClient(app)
    client.get("/ui/login")
    assert client.post("/ui/login", data={"token": tokens["alice"]}).status_code == 403
    signed = sign_in(app, tokens["alice"])
    job = submit(signed, tokens["alice"])
    refused = signed.post(f"/ui/jobs/{job}/cancel", data={"csrf": "forged"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert store.job(store.user("alice")["id"], job)["state"] == "QUEUED"
    assert signed.post("/ui/logout", data={}).status_code == 403


def test_names_and_errors_are_escaped_and_every_page_has_a_strict_csp(service):
    store, app, tokens = service
    client = sign_in(app, tokens["alice"])
    job = submit(client, tokens["alice"], name="<script>alert(1)</script>")
    for path in ("/ui/jobs", f"/ui/jobs/{job}", "/ui/devices", "/ui/login"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert(1)</script>" not in page.text, path
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
        assert re.search(r"<script>(?!</script>)", page.text) is None  # no inline script at all
        assert page.headers["x-frame-options"] == "DENY"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/ui/jobs").text


def test_another_users_job_is_a_404_page_everywhere(service):
    store, app, tokens = service
    alice, bob = sign_in(app, tokens["alice"]), sign_in(app, tokens["bob"])
    job = submit(alice, tokens["alice"], name="alice's secret")
    missing = bob.get("/ui/jobs/" + "0" * 32)
    for path in (f"/ui/jobs/{job}", f"/ui/jobs/{job}/result.json"):
        page = bob.get(path)
        assert page.status_code == 404 and page.text == missing.text.replace("0" * 32, job)
    assert "alice's secret" not in bob.get("/ui/jobs").text
    assert bob.get(f"/ui/jobs/status?ids={job}").json() == {"jobs": {}}
    assert bob.post(f"/ui/jobs/{job}/cancel", data={"csrf": _csrf(bob.get('/ui/jobs').text)}).status_code == 404
    assert store.job(store.user("alice")["id"], job)["state"] == "QUEUED"


def test_job_page_shows_histogram_history_and_json_after_the_job_ran(service):
    store, app, tokens = service
    client = sign_in(app, tokens["alice"])
    job = submit(client, tokens["alice"], seed=3)
    finish(store)
    page = client.get(f"/ui/jobs/{job}")
    assert "state-done" in page.text and '<figure class="histogram"' in page.text and "<svg" in page.text
    for event in ("submitted", "claimed", "done"):
        assert f"<td>{event}</td>" in page.text
    download = client.get(f"/ui/jobs/{job}/result.json")
    assert download.headers["content-disposition"].startswith("attachment")
    counts = download.json()["result"]["results"][0]["counts"]
    assert set(counts) == {"00", "11"} and sum(counts.values()) == 100
    assert all(f">{value}</text>" in page.text for value in counts.values())  # the bars' labels


def test_list_filters_and_pages_newest_first(service):
    store, app, tokens = service
    client = sign_in(app, tokens["alice"])
    ids = [submit(client, tokens["alice"], name=f"job-{i:03d}") for i in range(60)]
    first = client.get("/ui/jobs")
    names = re.findall(r">(job-\d{3})<", first.text)
    assert names == [f"job-{i:03d}" for i in range(59, 9, -1)]  # 50, newest first
    older = re.search(r'href="(/ui/jobs\?before=[^"]+)" rel="next"', first.text).group(1).replace("&amp;", "&")
    assert re.findall(r">(job-\d{3})<", client.get(older).text) == [f"job-{i:03d}" for i in range(9, -1, -1)]
    client.post(f"/ui/jobs/{ids[0]}/cancel", data={"csrf": _csrf(first.text)})
    cancelled = client.get("/ui/jobs?state=CANCELLED")
    assert re.findall(r">(job-\d{3})<", cancelled.text) == ["job-000"]
    assert client.get("/ui/jobs?backend=trapped_ion").text.count("job-") == 0


def test_admin_pages_need_an_admin_token_and_manage_tokens(service):
    store, app, tokens = service
    assert sign_in(app, tokens["alice"]).get("/ui/admin").status_code == 403
    admin = sign_in(app, tokens["admin"])
    page = admin.get("/ui/admin")
    assert page.status_code == 200 and "alice" in page.text and "Fair-share rank" in page.text
    made = admin.post("/ui/admin/tokens", data={"csrf": _csrf(page.text), "user": "bob", "label": "laptop",
                                                "scope": "jobs"})
    token = re.search(r"<code>(qf_[^<]+)</code>", made.text).group(1)
    assert store.authenticate(token)["name"] == "bob"
    assert token not in admin.get("/ui/admin?created=1").text  # shown once: the cookie that carried it is gone
    token_id = max(t["id"] for t in store.tokens("bob"))
    admin.post(f"/ui/admin/tokens/{token_id}/revoke", data={"csrf": _csrf(page.text)})
    assert store.authenticate(token) is None


def test_devices_page_draws_each_profile(service):
    store, app, tokens = service
    page = sign_in(app, tokens["alice"]).get("/ui/devices")
    for device in ("superconducting", "trapped_ion", "neutral_atom", "photonic"):
        assert f'id="device-{device}"' in page.text
    assert "coupling map" in page.text and "T1 per qubit" in page.text and "no worker" in page.text


def test_no_dashboard(tmp_path):
    store = Store(str(tmp_path / "jobs.db"))
    client = TestClient(create_app(store, dashboard=False))
    assert client.get("/ui/login").status_code == 404
    assert client.get("/health").status_code == 200
    store.close()


def test_a_long_job_list_renders_one_page(service):
    """2,000 jobs: the first page shows 50 (bench/bench_dashboard.py times it with 10,000)."""
    store, app, tokens = service
    client = sign_in(app, tokens["alice"])
    user = store.user("alice")
    from qfusion.service.server import schema
    now = time.time()
    with store.write() as c:
        c.execute(schema.jobs.insert(), [dict(id=f"{i:032x}", user_id=user["id"], backend="statevector",
                                              program="sampler", state="DONE", payload="{}", num_circuits=1,
                                              num_qubits=2, shots=10, fair_key=0.0, attempt=1, max_attempts=3,
                                              created_at=now - i, finished_at=now - i) for i in range(2000)])
    page = client.get("/ui/jobs")
    assert page.text.count('data-job="') == 50
