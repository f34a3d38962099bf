"""Who is asking: ``Authorization: Bearer <token>`` (the scheme in any case), checked against the
store's hashed tokens and cached for :data:`TOKEN_CACHE_S` seconds.

A token of scope ``jobs`` opens the ``/v1`` routes, one of scope ``metrics`` only ``/metrics``.
Refusals are 401 with ``WWW-Authenticate: Bearer`` (no or a bad token) or 403 (the wrong scope).

>>> bearer_token("bearer qf_abc"), bearer_token("Basic eDp5"), bearer_token("Bearer")
('qf_abc', None, None)
"""

from __future__ import annotations

import math
import time

from qfusion._optional import import_optional
from qfusion.errors import ServiceError
from qfusion.service.server.store import hash_token

import_optional("fastapi", "the job service")
from fastapi.requests import Request  # noqa: E402  (optional dependency)

TOKEN_CACHE_S = 5.0  # a revoked token stops working within this many seconds (an expired one at once)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization`` header's Bearer credentials (RFC 6750: the scheme's case does
    not matter), or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


class TokenCache:
    """The users of recently seen tokens, so that most requests cost no database read."""

    def __init__(self, store):
        self.store = store
        self._cache: dict[str, tuple[float, dict]] = {}

    async def user(self, authorization: str | None, scope: str) -> dict:
        """The user ``authorization`` authenticates for ``scope`` (async: a cached token costs no hop
        to the thread pool); :class:`~qfusion.errors.ServiceError` 401 or 403 otherwise."""
        token = bearer_token(authorization)
        if token is None or not token.isprintable() or len(token) > 200:
            raise ServiceError("missing API token: send 'Authorization: Bearer <token>'", 401)
        key = hash_token(token)
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic() and (cached[1]["expires_at"] or math.inf) > time.time():
            user = cached[1]
        else:
            from starlette.concurrency import run_in_threadpool
            user = await run_in_threadpool(self.store.authenticate, token)
            if user is None:
                raise ServiceError("invalid, revoked or expired API token", 401)
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (time.monotonic() + TOKEN_CACHE_S, user)
        if user["scope"] != scope:
            raise ServiceError(f"this token's scope is {user['scope']!r}; this request needs a {scope!r} token "
                               f"('qfusion admin create-token NAME --scope {scope}')", 403)
        return user


def service(request: Request):
    """The app's :class:`~qfusion.service.server.app.ServiceState`."""
    return request.app.state.service


async def current_user(request: Request) -> dict:
    """The caller, authenticated by a ``jobs`` token."""
    return await service(request).tokens.user(request.headers.get("authorization"), "jobs")


async def metrics_reader(request: Request) -> dict:
    return await service(request).tokens.user(request.headers.get("authorization"), "metrics")
