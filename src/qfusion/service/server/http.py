"""The server's HTTP protocol: uvicorn's h11 protocol with a timeout on reading a request head.

uvicorn times out idle keep-alive connections but not a connection that never finishes its
request line and headers, so 300 half-open connections would be held forever. This protocol
closes a connection that has not sent a whole request head within ``QFUSION_HEADER_TIMEOUT_S``
seconds (default 10) of connecting or of its last response; ``qfusion serve --header-timeout``
sets it.
"""

from __future__ import annotations

import asyncio
import os

from qfusion._optional import import_optional

import_optional("uvicorn", "the job service")
from uvicorn.protocols.http.h11_impl import H11Protocol  # noqa: E402  (optional dependency)


class HeaderTimeoutProtocol(H11Protocol):
    """:class:`uvicorn.protocols.http.h11_impl.H11Protocol` that closes connections slow to send a request head."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._seconds = float(os.environ.get("QFUSION_HEADER_TIMEOUT_S", "10"))
        self._arm()

    _head_timer: asyncio.TimerHandle | None

    def _arm(self) -> None:
        self._head_timer = self.loop.call_later(self._seconds, self._no_head)

    def _disarm(self) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
            self._head_timer = None

    def _no_head(self) -> None:
        self._head_timer = None
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)
