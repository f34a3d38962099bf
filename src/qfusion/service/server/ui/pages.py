"""The dashboard's routes under ``/ui/``: sign-in, jobs, one job, devices, admin (server-rendered HTML).

Every page re-checks the session's token in the store and reads only the signed-in user's jobs
(another user's job is the same 404 page as a job that does not exist). Every state-changing form
(sign-in, sign-out, cancel, token create/revoke) carries a CSRF token. Pages send a strict
Content-Security-Policy (no inline script or style); the only script, ``/ui/static/app.js``, adds
live status updates to pages that already work without it.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from qfusion._optional import import_optional
from qfusion.errors import ServiceError

import_optional("fastapi", "the job service")
jinja2 = import_optional("jinja2", "the dashboard")
sa = import_optional("sqlalchemy", "the job service")
from fastapi import APIRouter  # noqa: E402  (optional dependency)
from fastapi.requests import Request  # noqa: E402
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response  # noqa: E402

from qfusion.service.server import schema  # noqa: E402
from qfusion.service.server.auth import service  # noqa: E402
from qfusion.service.server.ui import data, render, session  # noqa: E402

HERE = Path(__file__).parent
STATIC = {"app.js": "text/javascript", "style.css": "text/css"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY", "Cache-Control": "no-store"}

router = APIRouter(prefix="/ui", include_in_schema=False)


class _SignIn(Exception):
    """No valid session: go to the sign-in page."""


def _secret(request: Request) -> bytes:
    return request.app.state.ui_secret


def _user(request: Request) -> dict:
    """The signed-in user (the session's token still valid), with ``scope``; raises :class:`_SignIn`."""
    token_hash = session.read_session(_secret(request), request.cookies.get(session.SESSION_COOKIE))
    if token_hash is None:
        raise _SignIn()
    users, tokens = schema.users, schema.tokens
    query = (sa.select(users, tokens.c.scope).join(tokens, tokens.c.user_id == users.c.id)
             .where(tokens.c.token_hash == token_hash, tokens.c.revoked.is_(False),
                    sa.or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > time.time())))
    with service(request).store.read() as c:
        row = c.execute(query).mappings().first()
    if row is None or row["scope"] not in ("jobs", "admin"):
        raise _SignIn()
    user = dict(row)
    user["csrf"] = session.csrf_token(_secret(request), request.cookies[session.SESSION_COOKIE])
    return user


def _page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    html = render.page(template, request=request, **context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _not_found(request: Request, user: dict | None, what: str) -> HTMLResponse:
    return _page(request, "error.html", 404, user=user, title="Not found", message=what)


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body())[:65536].decode("utf-8", "replace")
    return {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}


def _refuse_csrf(request: Request, user: dict | None) -> HTMLResponse:
    return _page(request, "error.html", 403, user=user, title="Refused",
                 message="This form has expired or did not come from this site (missing or wrong CSRF token). "
                         "Reload the page and try again.")


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers=SECURITY_HEADERS)


# -- sign-in ----------------------------------------------------------------------------------------

@router.get("/")
def home() -> RedirectResponse:
    return _redirect("/ui/jobs")


@router.get("/login")
def login_form(request: Request, error: str = "") -> HTMLResponse:
    nonce = request.cookies.get(session.LOGIN_COOKIE) or session.new_login_nonce()
    response = _page(request, "login.html", user=None, title="Sign in", error=error,
                     csrf=session.csrf_token(_secret(request), nonce))
    response.set_cookie(session.LOGIN_COOKIE, nonce, httponly=True, samesite="strict", path="/ui",
                        secure=request.url.scheme == "https")
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    if not session.check_csrf(_secret(request), request.cookies.get(session.LOGIN_COOKIE), form.get("csrf")):
        return _refuse_csrf(request, None)
    token = form.get("token", "").strip()
    user = service(request).store.authenticate(token) if token and len(token) < 200 else None
    if user is None or user["scope"] not in ("jobs", "admin"):
        return _redirect("/ui/login?" + urlencode({"error": "That token is not valid (revoked, expired, or "
                                                            "not a jobs or admin token)."}))
    response = _redirect("/ui/jobs")
    cookie = session.sign_session(_secret(request), hashlib.sha256(token.encode()).hexdigest())
    response.set_cookie(session.SESSION_COOKIE, cookie, max_age=session.SESSION_S, httponly=True, samesite="strict",
                        path="/ui", secure=request.url.scheme == "https")
    response.delete_cookie(session.LOGIN_COOKIE, path="/ui")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await _form(request)
    if not session.check_csrf(_secret(request), request.cookies.get(session.SESSION_COOKIE), form.get("csrf")):
        return _refuse_csrf(request, None)
    response = _redirect("/ui/login")
    response.delete_cookie(session.SESSION_COOKIE, path="/ui")
    return response


# -- jobs -------------------------------------------------------------------------------------------

@router.get("/jobs")
def jobs_page(request: Request, state: str = "", backend: str = "", before: str = "") -> Response:
    try:
        user = _user(request)
    except _SignIn:
        return _redirect("/ui/login")
    state = state if state in data.STATES else ""
    before_value = _number(before)
    rows, next_before = data.job_page(service(request).store, user["id"], state=state or None,
                                      backend=backend or None, before=before_value)
    query = {k: v for k, v in (("state", state), ("backend", backend)) if v}
    next_link = "/ui/jobs?" + urlencode({**query, "before": repr(next_before)}) if next_before else None
    return _page(request, "jobs.html", user=user, title="Jobs", jobs=rows, state=state, backend=backend,
                 states=data.STATES, backends=service(request).allowed, next_link=next_link,
                 first_link=("/ui/jobs?" + urlencode(query)) if before_value is not None else None, now=time.time())


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@router.get("/jobs/status")
def job_status(request: Request, ids: str = "") -> Response:
    """States of the listed jobs of the signed-in user, as JSON (the page's live updates)."""
    try:
        user = _user(request)
    except _SignIn:
        return JSONResponse({"error": "signed out"}, status_code=401, headers=SECURITY_HEADERS)
    found = data.job_states(service(request).store, user["id"], [i for i in ids.split(",") if i][:200])
    return JSONResponse({"jobs": found}, headers=SECURITY_HEADERS)


@router.post("/jobs/{job_id}/cancel")
async def cancel(request: Request, job_id: str) -> Response:
    try:
        user = _user(request)
    except _SignIn:
        return _redirect("/ui/login")
    form = await _form(request)
    if not session.check_csrf(_secret(request), request.cookies.get(session.SESSION_COOKIE), form.get("csrf")):
        return _refuse_csrf(request, user)
    job = service(request).store.cancel(user["id"], job_id)
    if job is None:
        return _not_found(request, user, f"No job {job_id}.")
    back = form.get("back", "")
    return _redirect(back if back.startswith("/ui/jobs") else f"/ui/jobs/{job_id}")


def _own_job(request: Request, job_id: str) -> tuple[dict, dict] | Response:
    """``(user, job)`` of the signed-in user's job ``job_id``, else the response to send: the
    sign-in page, or the same 404 page for another user's job as for a missing one."""
    try:
        user = _user(request)
    except _SignIn:
        return _redirect("/ui/login")
    job = data.job_detail(service(request).store, user["id"], job_id)
    if job is None:
        return _not_found(request, user, f"No job {job_id}.")
    return user, job


@router.get("/jobs/{job_id}/result.json")
def result_json(request: Request, job_id: str) -> Response:
    found = _own_job(request, job_id)
    if isinstance(found, Response):
        return found
    _, job = found
    body = json.dumps({"id": job["id"], "state": job["state"], "result": job["result"], "error": job["error"]},
                      indent=1)
    return Response(body, media_type="application/json",
                    headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{job_id}.json"'})


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    found = _own_job(request, job_id)
    if isinstance(found, Response):
        return found
    user, job = found
    return _page(request, "job.html", user=user, title=f"Job {job['name'] or job_id}", job=job,
                 views=render.job_views(job), timings=render.timings(job))


# -- devices ----------------------------------------------------------------------------------------

@router.get("/devices")
def devices_page(request: Request) -> Response:
    try:
        user = _user(request)
    except _SignIn:
        return _redirect("/ui/login")
    status = data.device_status(service(request).store)
    rows = [{"name": name, **status.get(name, {"workers": 0, "queued": 0, "running": 0, "wait_s": None})}
            for name in service(request).allowed]
    return _page(request, "devices.html", user=user, title="Devices", backends=rows,
                 profiles=render.device_profiles(service(request).allowed))


# -- admin ------------------------------------------------------------------------------------------

def _admin(request: Request) -> dict:
    user = _user(request)
    if user["scope"] != "admin":
        raise ServiceError("admin pages need an admin token ('qfusion admin create-token NAME --scope admin')", 403)
    return user


@router.get("/admin")
def admin_page(request: Request, created: str = "") -> Response:
    try:
        user = _admin(request)
    except _SignIn:
        return _redirect("/ui/login")
    except ServiceError as exc:
        return _page(request, "error.html", 403, user=_user(request), title="Admins only", message=str(exc))
    response = _page(request, "admin.html", user=user, title="Admin",
                     overview=data.admin_overview(service(request).store),
                     created=request.cookies.get("qf_new_token", "") if created else "", now=time.time())
    response.delete_cookie("qf_new_token", path="/ui/admin")
    return response


async def _admin_form(request: Request):
    """``(user, form, None)`` for an admin's form post with a valid CSRF token, else ``(None, None, the
    response)``: the sign-in page, the admins-only page, or the CSRF refusal."""
    try:
        user = _admin(request)
    except _SignIn:
        return None, None, _redirect("/ui/login")
    except ServiceError as exc:
        return None, None, _page(request, "error.html", 403, user=None, title="Admins only", message=str(exc))
    form = await _form(request)
    if not session.check_csrf(_secret(request), request.cookies.get(session.SESSION_COOKIE), form.get("csrf")):
        return None, None, _refuse_csrf(request, user)
    return user, form, None


@router.post("/admin/tokens")
async def admin_create_token(request: Request) -> Response:
    user, form, refusal = await _admin_form(request)
    if refusal is not None:
        return refusal
    store = service(request).store
    try:
        token = store.create_token(form.get("user", ""), form.get("label", "")[:200],
                                   scope=form.get("scope", "jobs"))
    except Exception as exc:  # an unknown user or scope: say so on the page
        return _page(request, "error.html", 422, user=user, title="Not created", message=str(exc))
    response = _redirect("/ui/admin?created=1")
    # shown once on the next page, never stored: a short-lived HTTP-only cookie scoped to the admin page
    response.set_cookie("qf_new_token", token, max_age=60, httponly=True, samesite="strict", path="/ui/admin",
                        secure=request.url.scheme == "https")
    return response


@router.post("/admin/tokens/{token_id}/revoke")
async def admin_revoke_token(request: Request, token_id: int) -> Response:
    user, form, refusal = await _admin_form(request)
    if refusal is not None:
        return refusal
    store = service(request).store
    tokens = schema.tokens
    with store.read() as c:
        row = c.execute(sa.select(schema.users.c.name).join(tokens, tokens.c.user_id == schema.users.c.id)
                        .where(tokens.c.id == token_id)).first()
    if row is None:
        return _not_found(request, user, f"No token {token_id}.")
    store.revoke_tokens(row[0], token_id=token_id)
    return _redirect("/ui/admin")


# -- static -----------------------------------------------------------------------------------------

@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response((HERE / "static" / name).read_bytes(), media_type=STATIC[name],
                    headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                             "Cache-Control": "public, max-age=3600"})
