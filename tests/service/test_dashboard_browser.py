"""The dashboard end to end: a real server and worker, and Debian's Chromium driven by Playwright.

Chromium comes from ``QFUSION_TEST_CHROMIUM`` (set by ``python3 dev.py test`` through .ci/browser.py,
which installs Debian's package when it is missing), else from the PATH; without one these tests skip
and say why. Screenshots of every page go to the test's output folder (``screenshots/``).
"""

from __future__ import annotations

import os
import shutil

import httpx
import pytest

pytest.importorskip("playwright")
pytest.importorskip("fastapi")

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'


@pytest.fixture(scope="module")
def chromium():
    path = os.environ.get("QFUSION_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip(os.environ.get("QFUSION_TEST_CHROMIUM_SKIP", "no Chromium (python3 .ci/browser.py installs it)"))
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


def _submit(url: str, token: str, **body) -> str:
    answer = httpx.post(f"{url}/v1/jobs", json={"circuits": [BELL], "shots": 200, **body},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _sign_in(browser, url: str, token: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/ui/jobs")
    assert page.url.endswith("/ui/login")  # signed out: sent to the sign-in page
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/ui/jobs")
    return context, page


@pytest.mark.slow
def test_sign_in_watch_a_job_finish_open_its_histogram_cancel_another(chromium, make_service, tmp_path):
    from qfusion.service.server.store import Store
    database = str(tmp_path / "jobs.db")
    store = Store(database)
    store.create_user("ada")
    store.create_user("bob")
    store.create_user("root")
    ada, bob = store.create_token("ada"), store.create_token("bob")
    root = store.create_token("root", scope="admin")
    store.close()
    shots = tmp_path / "screenshots"
    shots.mkdir()
    service = make_service(database)
    service.start_server()

    login = chromium.new_page()
    login.goto(f"{service.url}/ui/login")
    login.screenshot(path=str(shots / "login.png"), full_page=True)
    login.close()
    context, page = _sign_in(chromium, service.url, ada)
    bell = _submit(service.url, ada, name="bell <b>pair</b>", seed=5)
    other = _submit(service.url, ada, name="to cancel")
    page.reload()
    row = page.locator(f'tr[data-job="{bell}"]')
    assert row.locator("[data-state]").inner_text() == "QUEUED"
    assert page.get_by_text("bell <b>pair</b>").count() == 1  # the name as text, not markup
    page.screenshot(path=str(shots / "jobs.png"), full_page=True)

    # cancel one from the list (a form post with its CSRF token)
    page.get_by_role("button", name="Cancel job to cancel").click()
    page.wait_for_url(f"{service.url}/ui/jobs")
    assert page.locator(f'tr[data-job="{other}"] [data-state]').inner_text() == "CANCELLED"

    # the other reaches DONE on the page without a reload once a worker runs it
    page.evaluate("window.qfusionMarker = 'same page'")
    service.start_worker()
    page.locator(f'tr[data-job="{bell}"] [data-state]').filter(has_text="DONE").wait_for(timeout=90_000)
    assert page.evaluate("window.qfusionMarker") == "same page"
    page.screenshot(path=str(shots / "jobs-done.png"), full_page=True)

    page.get_by_role("link", name="bell <b>pair</b>").click()
    histogram = page.locator("figure.histogram svg")
    histogram.wait_for()
    bars = histogram.locator("rect.bar")
    assert bars.count() == 2  # |00> and |11>
    labels = sorted(t.strip() for t in histogram.locator("text.tick").all_text_contents())
    assert labels == ["00", "11"]
    page.screenshot(path=str(shots / "job.png"), full_page=True)

    page.goto(f"{service.url}/ui/devices")
    assert page.locator("#device-superconducting svg").count() >= 4
    page.screenshot(path=str(shots / "devices.png"), full_page=True)

    # bob's browser cannot reach ada's job
    bob_context, bob_page = _sign_in(chromium, service.url, bob)
    answer = bob_page.goto(f"{service.url}/ui/jobs/{bell}")
    assert answer.status == 404 and bob_page.get_by_role("heading", name="Not found").count() == 1
    bob_page.screenshot(path=str(shots / "other-users-job.png"), full_page=True)
    bob_context.close()

    # an admin sees every user's usage and the workers; ada's browser does not get the page
    admin_context, admin_page = _sign_in(chromium, service.url, root)
    admin_page.goto(f"{service.url}/ui/admin")
    assert admin_page.get_by_role("cell", name="ada").count() >= 1
    admin_page.screenshot(path=str(shots / "admin.png"), full_page=True)
    admin_context.close()
    assert page.goto(f"{service.url}/ui/admin").status == 403

    # sign out: the session cookie is gone
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{service.url}/ui/login")
    assert not [c for c in context.cookies() if c["name"] == "qf_session"]
    context.close()
    assert all((shots / name).stat().st_size > 1000 for name in ("login.png", "jobs.png", "job.png", "devices.png",
                                                                  "admin.png", "other-users-job.png"))


@pytest.mark.slow
def test_job_page_shows_the_result_when_the_job_ends_without_reloading(chromium, make_service, tmp_path):
    from qfusion.service.server.store import Store
    database = str(tmp_path / "jobs.db")
    store = Store(database)
    store.create_user("ada")
    ada = store.create_token("ada")
    store.close()
    service = make_service(database)
    service.start_server()
    context, page = _sign_in(chromium, service.url, ada)
    job = _submit(service.url, ada, seed=1)
    page.goto(f"{service.url}/ui/jobs/{job}")
    assert page.locator("[data-pending]").count() == 1
    page.evaluate("window.qfusionMarker = 'same page'")
    service.start_worker()
    page.locator("figure.histogram svg").wait_for(timeout=90_000)
    assert page.evaluate("window.qfusionMarker") == "same page"
    context.close()
