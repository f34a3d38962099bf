"""Process-wide settings read from the environment.

``QFUSION_NUM_THREADS`` caps the threads the simulators use (default: all cores);
``QFUSION_MEMORY_LIMIT`` caps the bytes a simulation may allocate (default: the
memory the operating system reports available).

>>> settings().num_threads >= 1
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """What qfusion reads from the environment: ``QFUSION_NUM_THREADS`` and ``QFUSION_MEMORY_LIMIT`` (``"8GiB"``, ...).


    >>> Settings(num_threads=4, memory_limit=2**30)
    Settings(num_threads=4, memory_limit=1073741824)
    """
    num_threads: int
    memory_limit: int | None


def _parse_bytes(text: str) -> int:
    units = {"k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
    text = text.strip().lower().rstrip("ib").rstrip("b")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(float(text))


def settings() -> Settings:
    """The current settings (read each call, so tests can change the environment).

    >>> import os
    >>> os.environ["QFUSION_MEMORY_LIMIT"] = "2GiB"
    >>> settings().memory_limit
    2147483648
    >>> del os.environ["QFUSION_MEMORY_LIMIT"]
    """
    threads = os.environ.get("QFUSION_NUM_THREADS")
    limit = os.environ.get("QFUSION_MEMORY_LIMIT")
    return Settings(
        num_threads=max(1, int(threads)) if threads else (os.cpu_count() or 1),
        memory_limit=_parse_bytes(limit) if limit else None,
    )
