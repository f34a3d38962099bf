"""Long polls: requests waiting for their jobs to end, answered by one query per tick for all of them.

>>> import asyncio
>>> from qfusion.service.server.store import Store
>>> store = Store("sqlite://")
>>> job = store.submit(store.create_user("ada"), backend="null", program="sampler", payload={},
...                    num_circuits=1, num_qubits=1, shots=1)
>>> async def wait_twice():
...     waiters = Waiters(store)
...     ticking = asyncio.create_task(waiters.run())
...     queued = await waiters.wait(job["id"], 0.1)  # still queued: the wait runs out
...     store.cancel(1, job["id"])  # user ada's id
...     ended = await waiters.wait(job["id"], 10)
...     ticking.cancel()
...     return queued, ended[0]["state"], ended[1]
>>> asyncio.run(wait_twice())
(None, 'CANCELLED', None)
"""

from __future__ import annotations

import asyncio


class Waiters:
    """Long-polling: one query per tick for every job someone is waiting on, not one per waiter.

    The query returns the finished jobs with their results, so a waiter needs no query of its own.

    >>> import asyncio
    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="null", program="sampler", payload={}, num_circuits=1, num_qubits=1, shots=1)
    >>> async def two_waiters():                       # both answered by the same tick's one query
    ...     waiters = Waiters(store)
    ...     ticking = asyncio.create_task(waiters.run())
    ...     first, second = waiters.wait(job["id"], 10), waiters.wait(job["id"], 10)
    ...     store.cancel(ada["id"], job["id"])
    ...     answers = await asyncio.gather(first, second)
    ...     ticking.cancel()
    ...     return [found["state"] for found, _ in answers]
    >>> asyncio.run(two_waiters())
    ['CANCELLED', 'CANCELLED']
    """

    def __init__(self, store, tick_s: float = 0.01):
        self.store, self.tick_s = store, tick_s
        self._waiting: dict[str, list[asyncio.Future]] = {}

    async def wait(self, job_id: str, timeout: float):
        """``(job, stored result JSON or None)`` once the job has ended, or None after ``timeout``.

        >>> import asyncio
        >>> from qfusion.service.server.store import Store
        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="null", program="sampler", payload={}, num_circuits=1, num_qubits=1, shots=1)
        >>> async def nobody_ticks():                      # without run() nothing answers: the wait times out
        ...     return await Waiters(store).wait(job["id"], 0.05)
        >>> asyncio.run(nobody_ticks()) is None
        True
        """
        future = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(job_id, []).append(future)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None
        finally:
            futures = self._waiting.get(job_id, [])
            if future in futures:
                futures.remove(future)
            if not futures:
                self._waiting.pop(job_id, None)

    async def run(self) -> None:
        """Every ``tick_s`` seconds, one query for the jobs waited on; answer the waiters of those that ended.

        >>> import asyncio
        >>> from qfusion.service.server.store import Store
        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="null", program="sampler", payload={}, num_circuits=1, num_qubits=1, shots=1)
        >>> async def tick_once():
        ...     waiters = Waiters(store, tick_s=0.01)
        ...     ticking = asyncio.create_task(waiters.run())
        ...     store.cancel(ada["id"], job["id"])
        ...     found, result = await waiters.wait(job["id"], 10)
        ...     ticking.cancel()
        ...     return found["state"], result, waiters._waiting
        >>> asyncio.run(tick_once())                      # answered, and no waiter left behind
        ('CANCELLED', None, {})
        """
        from starlette.concurrency import run_in_threadpool
        while True:
            await asyncio.sleep(self.tick_s)
            if not self._waiting:
                continue
            try:
                finished = await run_in_threadpool(self.store.finished, list(self._waiting))
            except Exception:  # the database is briefly away: waiters keep waiting
                await asyncio.sleep(0.2)
                continue
            for job_id, found in finished.items():
                for future in self._waiting.pop(job_id, []):
                    if not future.done():
                        future.set_result(found)
