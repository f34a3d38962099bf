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
    not matter), or None.

    >>> bearer_token("Bearer  qf_x "), bearer_token(None), bearer_token("qf_x")
    ('qf_x', None, None)
    """
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


class TokenCache:
    """The users of recently seen tokens, so that most requests cost no database read.

    >>> import asyncio
    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> _ = store.create_user("ada")
    >>> token = store.create_token("ada")
    >>> tokens = TokenCache(store)
    >>> asyncio.run(tokens.user(f"Bearer {token}", "jobs"))["name"]
    'ada'
    >>> _ = store.revoke_tokens("ada")
    >>> asyncio.run(tokens.user(f"Bearer {token}", "jobs"))["name"]      # cached: still accepted for a few seconds
    'ada'
    """

    def __init__(self, store):
        self.store = store
        self._cache: dict[str, tuple[float, dict]] = {}

    async def user(self, authorization: str | None, scope: str) -> dict:
        """The user ``authorization`` authenticates for ``scope`` (async: a cached token costs no hop
        to the thread pool); :class:`~qfusion.errors.ServiceError` 401 or 403 otherwise.

        >>> import asyncio
        >>> from qfusion.service.server.store import Store
        >>> store = Store("sqlite://")
        >>> _ = store.create_user("ada")
        >>> token = store.create_token("ada")
        >>> tokens = TokenCache(store)
        >>> asyncio.run(tokens.user(f"Bearer {token}", "metrics"))
        Traceback (most recent call last):
            ...
        qfusion.errors.ServiceError: this token's scope is 'jobs'; this request needs a 'metrics' token ('qfusion admin create-token NAME --scope metrics')
        >>> asyncio.run(tokens.user("Bearer qf_wrong", "jobs"))
        Traceback (most recent call last):
            ...
        qfusion.errors.ServiceError: invalid, revoked or expired API token
        """
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
    """The app's :class:`~qfusion.service.server.app.ServiceState`.

    >>> from types import SimpleNamespace
    >>> request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(service="the service state")))
    >>> service(request)
    'the service state'
    """
    return request.app.state.service


async def current_user(request: Request) -> dict:
    """The caller, authenticated by a ``jobs`` token.

    >>> import asyncio
    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> _ = store.create_user("ada")
    >>> token = store.create_token("ada")
    >>> tokens = TokenCache(store)
    >>> from types import SimpleNamespace
    >>> state = SimpleNamespace(tokens=tokens)
    >>> request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(service=state)),
    ...                           headers={"authorization": f"Bearer {token}"})
    >>> asyncio.run(current_user(request))["name"]
    'ada'
    """
    return await service(request).tokens.user(request.headers.get("authorization"), "jobs")


async def metrics_reader(request: Request) -> dict:
    """The caller of ``/metrics``, authenticated by a ``metrics`` token.

    >>> import asyncio
    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> _ = store.create_user("ada")
    >>> token = store.create_token("ada")
    >>> tokens = TokenCache(store)
    >>> from types import SimpleNamespace
    >>> metrics_token = store.create_token("ada", scope="metrics")
    >>> state = SimpleNamespace(tokens=tokens)
    >>> request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(service=state)),
    ...                           headers={"authorization": f"Bearer {metrics_token}"})
    >>> asyncio.run(metrics_reader(request))["scope"]
    'metrics'
    """
    return await service(request).tokens.user(request.headers.get("authorization"), "metrics")
