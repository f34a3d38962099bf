"""Dashboard sessions: an API token exchanged for a signed, HTTP-only, ``SameSite=Strict`` cookie, and
CSRF tokens bound to the session.

The cookie holds the token's SHA-256 (never the token) and an expiry, signed with HMAC-SHA256 under
the server's secret (``QFUSION_UI_SECRET``; ``qfusion serve`` makes one for all its processes when
it is unset). Each request re-checks the token in the store, so a revoked token ends its sessions.
The CSRF token of a form is HMAC(secret, "csrf" + session): a page's forms carry it, and every
state-changing request must send it back.

>>> secret = b"k" * 32
>>> cookie = sign_session(secret, "ab" * 32, now=1000.0)
>>> read_session(secret, cookie, now=1001.0) == "ab" * 32, read_session(secret, cookie + "x", now=1001.0)
(True, None)
>>> check_csrf(secret, cookie, csrf_token(secret, cookie)), check_csrf(secret, cookie, "forged")
(True, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time

SESSION_COOKIE = "qf_session"
LOGIN_COOKIE = "qf_login"  # the pre-session CSRF token of the sign-in form (double-submit)
SESSION_S = 12 * 3600


def server_secret() -> bytes:
    """``QFUSION_UI_SECRET`` (hex or text), else a fresh random secret (sessions end with the process).

    >>> import os
    >>> saved = os.environ.pop("QFUSION_UI_SECRET", None)
    >>> len(server_secret()), server_secret() == server_secret()      # random without the variable
    (32, False)
    >>> os.environ["QFUSION_UI_SECRET"] = "shared-by-all-processes"
    >>> server_secret()
    b'shared-by-all-processes'
    >>> _ = os.environ.pop("QFUSION_UI_SECRET") if saved is None else os.environ.__setitem__("QFUSION_UI_SECRET", saved)
    """
    value = os.environ.get("QFUSION_UI_SECRET")
    if value:
        return value.encode()
    return secrets.token_bytes(32)


def _mac(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def sign_session(secret: bytes, token_hash: str, *, now: float | None = None, lifetime: float = SESSION_S) -> str:
    """The cookie value of a session for the token with SHA-256 ``token_hash``.

    >>> cookie = sign_session(b"k" * 32, "ab" * 32, now=1000.0, lifetime=60)
    >>> read_session(b"k" * 32, cookie, now=1059.0) == "ab" * 32, read_session(b"k" * 32, cookie, now=1061.0)
    (True, None)
    """
    body = base64.urlsafe_b64encode(json.dumps({"t": token_hash, "e": (now or time.time()) + lifetime}).encode())
    text = body.decode().rstrip("=")
    return f"{text}.{_mac(secret, text)}"


def read_session(secret: bytes, cookie: str | None, *, now: float | None = None) -> str | None:
    """The token hash of a valid, unexpired session cookie, else None.

    >>> cookie = sign_session(b"k" * 32, "ab" * 32, now=1000.0)
    >>> read_session(b"other secret", cookie, now=1001.0), read_session(b"k" * 32, None)   # wrong key; no cookie
    (None, None)
    """
    if not cookie or "." not in cookie or len(cookie) > 1000:
        return None
    text, _, mac = cookie.rpartition(".")
    if not hmac.compare_digest(mac, _mac(secret, text)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError:
        return None
    if not isinstance(data, dict) or float(data.get("e", 0)) < (now or time.time()):
        return None
    token_hash = data.get("t")
    return token_hash if isinstance(token_hash, str) else None


def csrf_token(secret: bytes, session: str) -> str:
    """The CSRF token of the forms of ``session`` (a session cookie, or the sign-in form's cookie).

    >>> first, second = sign_session(b"k" * 32, "ab" * 32, now=1.0), sign_session(b"k" * 32, "cd" * 32, now=1.0)
    >>> csrf_token(b"k" * 32, first) == csrf_token(b"k" * 32, first), csrf_token(b"k" * 32, first) == csrf_token(b"k" * 32, second)
    (True, False)
    """
    return _mac(secret, "csrf" + session)


def check_csrf(secret: bytes, session: str | None, sent: str | None) -> bool:
    """Whether ``sent`` is the CSRF token of ``session`` (constant-time; False when either is missing).

    >>> cookie = sign_session(b"k" * 32, "ab" * 32, now=1.0)
    >>> check_csrf(b"k" * 32, cookie, csrf_token(b"k" * 32, cookie)), check_csrf(b"k" * 32, None, "x")
    (True, False)
    """
    if not session or not sent:
        return False
    return hmac.compare_digest(csrf_token(secret, session), str(sent))


def new_login_nonce() -> str:
    """A fresh random value for the sign-in form's cookie (its CSRF token is bound to it).

    >>> nonce = new_login_nonce()
    >>> len(nonce), nonce == new_login_nonce()
    (32, False)
    """
    return secrets.token_urlsafe(24)
