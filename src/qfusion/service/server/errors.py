"""How the server answers what goes wrong: JSON ``{"detail": ...}`` with the right status, and the body limit.

``422`` for a malformed request (the first problem, with where it is), a
:class:`~qfusion.errors.ServiceError`'s own status, ``503`` with ``Retry-After`` whenever the
database cannot be reached or fails (SQLAlchemy's or the driver's error alike: the client
retries a 503), and ``413`` for request bodies over the size limit, before they are read.
"""

from __future__ import annotations

import logging

from qfusion.errors import ServiceError
from qfusion.service.logs import log
from qfusion.service.server.store import database_errors, first_line

RETRY_AFTER_S = 1


def unavailable_response(detail: str = "the job database is unavailable just now; retry shortly"):
    from fastapi.responses import JSONResponse
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})


def install(app, metrics, logger: logging.Logger) -> None:
    """Add the exception handlers to ``app``."""
    import fastapi
    from fastapi.responses import JSONResponse

    @app.exception_handler(fastapi.exceptions.RequestValidationError)
    async def _invalid(_request, exc):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        message = f"{where}: {first.get('msg', 'invalid request')}" if where else first.get("msg", "invalid request")
        metrics.rejected.labels("422").inc()
        return JSONResponse({"detail": message}, status_code=422)

    @app.exception_handler(ServiceError)
    async def _service_error(_request, exc):
        status = exc.status or 400
        metrics.rejected.labels(str(status)).inc()
        headers = {"WWW-Authenticate": 'Bearer realm="qfusion"'} if status == 401 else {}
        if getattr(exc, "retry_after", None) is not None:  # busy, not refused: the client sends it again
            headers["Retry-After"] = str(exc.retry_after)
        return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)

    async def _database_away(_request, exc):  # the client retries a 503
        log(logger, "database.error", logging.WARNING, error=first_line(exc))
        metrics.rejected.labels("503").inc()
        return unavailable_response()

    for kind in database_errors():
        app.add_exception_handler(kind, _database_away)


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413 (declared or streamed)."""

    def __init__(self, app, limit: int, count=None):
        self.app, self.limit, self.count = app, limit, count

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.count is not None:
            send = self._counting(scope["method"], send)
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                return await self._refuse(send)
        # Read the whole body first (it is small, or refused): no route ever sees a partial one.
        chunks, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.limit:
                return await self._refuse(send)
            more = message.get("more_body", False)
        await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}],
                                      receive), send)

    def _counting(self, method: str, send):
        async def counted(message):
            if message["type"] == "http.response.start":
                self.count(method, message["status"])
            await send(message)
        return counted

    async def _refuse(self, send):
        from fastapi.responses import JSONResponse
        response = JSONResponse({"detail": f"the request body is larger than the limit of {self.limit:,} bytes"},
                                status_code=413)
        await response({"type": "http"}, None, send)


def _replay(messages, then=None):
    async def receive():
        if messages:
            return messages.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}
    return receive
