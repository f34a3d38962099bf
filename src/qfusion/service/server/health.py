"""The server's view of its database for ``/health``: checked by a thread of its own, read without waiting.

``/health`` must answer fast whatever the server is doing (a load balancer takes a slow answer
for a dead server), so it does not queue for the thread pool behind the requests that use the
database; it reads what :class:`DatabaseCheck` found at most ``period_s`` ago. A check that
fails, or that has not come back for ``stale_s`` seconds (a database that does not answer), makes
it unhealthy at once.

>>> from qfusion.service.server.store import Store
>>> check = DatabaseCheck(Store("sqlite://"), period_s=0.05)
>>> check.ok(), check.ping_now(), check.ok()
(False, True, True)
>>> check.start(); check.ok(); check.stop()
True
"""

from __future__ import annotations

import threading
import time


class DatabaseCheck:
    """``SELECT 1`` every ``period_s`` seconds in a daemon thread; :meth:`ok` says how the last went.

    >>> from qfusion.service.server.store import Store
    >>> check = DatabaseCheck(Store("sqlite://"), period_s=0.05)
    >>> check.ping_now(), check.ok()
    (True, True)
    """

    def __init__(self, store, *, period_s: float = 0.25, stale_s: float = 2.0):
        self.store, self.period_s, self.stale_s = store, period_s, stale_s
        self._ok_at: float | None = None
        self._failed_at: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """Whether the checking thread is alive.

        >>> from qfusion.service.server.store import Store
        >>> check = DatabaseCheck(Store("sqlite://"), period_s=0.05)
        >>> before = check.running
        >>> check.start()
        >>> during = check.running
        >>> check.stop()
        >>> before, during, check.running
        (False, True, False)
        """
        return self._thread is not None and self._thread.is_alive()

    def ping_now(self) -> bool:
        """Check the database now (blocking); returns whether it answered.

        >>> class Gone:                                   # a store whose database does not answer
        ...     def ping(self):
        ...         raise OSError("connection refused")
        >>> check = DatabaseCheck(Gone())
        >>> check.ping_now(), check.ok()
        (False, False)
        """
        try:
            answered = self.store.ping()
        except Exception:
            answered = False
        if answered:
            self._ok_at = time.monotonic()
        else:
            self._failed_at = time.monotonic()
        return answered

    def ok(self) -> bool:
        """Whether the last check answered, is recent, and no later check failed.

        >>> import time
        >>> from qfusion.service.server.store import Store
        >>> check = DatabaseCheck(Store("sqlite://"), stale_s=0.05)
        >>> check.ping_now(), check.ok()
        (True, True)
        >>> time.sleep(0.1)                                # no check since: stale
        >>> check.ok()
        False
        """
        ok_at, failed_at = self._ok_at, self._failed_at
        return (ok_at is not None and time.monotonic() - ok_at < self.stale_s
                and (failed_at is None or failed_at < ok_at))

    def start(self) -> None:
        """Check once now, then every ``period_s`` seconds until :meth:`stop`.

        >>> from qfusion.service.server.store import Store
        >>> check = DatabaseCheck(Store("sqlite://"), period_s=0.05)
        >>> check.start()
        >>> check.ok(), check.running                      # checked once at once
        (True, True)
        >>> check.stop()
        """
        self.ping_now()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="qfusion-health", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.period_s):
            self.ping_now()

    def stop(self) -> None:
        """Stop the checking thread (waits up to 5 s for it).

        >>> from qfusion.service.server.store import Store
        >>> check = DatabaseCheck(Store("sqlite://"), period_s=0.05)
        >>> check.start()
        >>> check.stop()
        >>> check.running
        False
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
