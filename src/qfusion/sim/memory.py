"""Memory sizing: refuse a simulation that will not fit, before anything is allocated.

>>> format_bytes(state_bytes(40, "complex128"))
'16.0 TiB'
"""

from __future__ import annotations

import os

import numpy as np

from qfusion.config import settings
from qfusion.errors import CircuitTooLargeError

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def state_bytes(num_qubits: int, dtype) -> int:
    """Bytes of a state vector of ``num_qubits`` qubits."""
    return (1 << num_qubits) * np.dtype(dtype).itemsize


def format_bytes(size: float) -> str:
    unit = 0
    while size >= 1024 and unit < len(_UNITS) - 1:
        size /= 1024
        unit += 1
    return f"{size:.1f} {_UNITS[unit]}" if unit else f"{int(size)} B"


def available_bytes() -> int:
    """Memory this process may use: ``QFUSION_MEMORY_LIMIT`` if set, else what the OS reports available."""
    limit = settings().memory_limit
    if limit is not None:
        return limit
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 62


def check_state_fits(num_qubits: int, dtype, copies: int = 1, what: str = "state vector") -> int:
    """Raise :class:`CircuitTooLargeError` unless ``copies`` state vectors fit; returns the bytes needed."""
    needed = state_bytes(num_qubits, dtype) * copies if num_qubits < 100 else float("inf")
    available = available_bytes()
    if needed > available:
        need = format_bytes(needed) if needed != float("inf") else "more than any machine has"
        raise CircuitTooLargeError(
            f"{num_qubits} qubits need {need} as {np.dtype(dtype).name} for the {what}; "
            f"{format_bytes(available)} is available (try dtype=\"complex64\", fewer qubits, "
            f"or a backend that does not store the full state)")
    return int(needed)


def fits(check, *args, **kwargs) -> bool:
    """Whether the memory check ``check(*args, **kwargs)`` passes (it raises :class:`MemoryError` when not).

    >>> fits(check_state_fits, 10, np.complex128), fits(check_state_fits, 80, np.complex128)
    (True, False)
    """
    try:
        check(*args, **kwargs)
    except MemoryError:
        return False
    return True
