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
    """Bytes of a state vector of ``num_qubits`` qubits.

    >>> state_bytes(20, np.complex128), state_bytes(20, np.complex64)
    (16777216, 8388608)
    """
    return (1 << num_qubits) * np.dtype(dtype).itemsize


def format_bytes(size: float) -> str:
    """A size in bytes as a short human-readable string (binary units).


    >>> format_bytes(1536), format_bytes(16 * 2 ** 30)
    ('1.5 KiB', '16.0 GiB')
    """
    unit = 0
    while size >= 1024 and unit < len(_UNITS) - 1:
        size /= 1024
        unit += 1
    return f"{size:.1f} {_UNITS[unit]}" if unit else f"{int(size)} B"


def available_bytes() -> int:
    """Memory this process may use: ``QFUSION_MEMORY_LIMIT`` if set, else what the OS reports available.

    >>> import os
    >>> os.environ["QFUSION_MEMORY_LIMIT"] = "1GiB"
    >>> available_bytes()
    1073741824
    >>> del os.environ["QFUSION_MEMORY_LIMIT"]
    """
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
    """Raise :class:`CircuitTooLargeError` unless ``copies`` state vectors fit; returns the bytes needed.

    >>> check_state_fits(10, np.complex128)
    16384
    >>> check_state_fits(70, np.complex128)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitTooLargeError: 70 qubits need 16384.0 EiB as complex128 for the state vector; ... is available ...
    """
    needed = state_bytes(num_qubits, dtype) * copies if num_qubits < 100 else float("inf")
    available = available_bytes()
    if needed > available:
        need = format_bytes(needed) if needed != float("inf") else "more than any machine has"
        bits = 2 if what == "density matrix" else 1
        shown = num_qubits // bits
        raise CircuitTooLargeError(
            f"{shown} qubits need {need} as {np.dtype(dtype).name} for the {what}; "
            f"{format_bytes(available)} is available ({fit_hint(num_qubits, dtype, copies, available, bits)})")
    return int(needed)


def fit_hint(index_bits: int, dtype, copies: int, available: float, bits_per_qubit: int = 1) -> str:
    """What would fit in ``available`` bytes, suggesting only what exists: complex64 when it halves
    the need enough, the largest qubit count that fits, and for a density matrix the state vector
    (noise by trajectories) when that fits.

    >>> fit_hint(34, np.complex128, 1, 200 * 2**30)
    'try dtype="complex64"'
    >>> fit_hint(60, np.complex128, 1, 200 * 2**30)
    'at most 33 qubits fit as complex128, 34 with dtype="complex64"'
    >>> fit_hint(40, np.complex128, 3, 20 * 2**30, bits_per_qubit=2)
    'at most 14 qubits fit as complex128; or backend="statevector" with noise_model= (trajectories)'
    """
    dtype = np.dtype(dtype)
    single = {np.dtype(np.complex128): np.dtype(np.complex64), np.dtype(np.float64): np.dtype(np.float32)}.get(dtype)

    def most(d) -> int:
        per_copy = available / max(copies, 1) / d.itemsize
        return (int(np.floor(np.log2(per_copy))) if per_copy >= 1 else 0) // bits_per_qubit

    smaller = single is not None and index_bits < 100 and (1 << index_bits) * single.itemsize * copies <= available
    if smaller:
        hint = 'try dtype="complex64"'
    else:
        hint = f"at most {most(dtype)} qubits fit as {dtype.name}"
        if single is not None and most(single) > most(dtype):
            hint += f", {most(single)} with dtype=\"complex64\""
    if bits_per_qubit == 2 and index_bits // 2 < 100 and (1 << (index_bits // 2)) * dtype.itemsize * 2 <= available:
        hint += '; or backend="statevector" with noise_model= (trajectories)'
    return hint


#: bytes a shot costs while it is drawn and counted (its uniform draw, index, outcome, sort and
#: inverse slots), and what ``memory=True`` adds (a string per shot and its list entry)
SHOT_BYTES = 64
MEMORY_SHOT_BYTES = 57


def shot_bytes(num_clbits: int, memory: bool) -> int:
    """Bytes one shot costs: :data:`SHOT_BYTES`, a Python integer past 63 clbits, a string with memory.

    >>> shot_bytes(2, False), shot_bytes(2, True), shot_bytes(100, False)
    (64, 123, 116)
    """
    wide = 36 + num_clbits // 8 + 4 if num_clbits > 63 else 0
    return SHOT_BYTES + wide + ((MEMORY_SHOT_BYTES + num_clbits) if memory else 0)


def check_shots_fit(shots: int, num_clbits: int = 0, memory: bool = False) -> int:
    """Raise :class:`CircuitTooLargeError` unless ``shots`` shots' per-shot work fits, before any
    of it is allocated; the message says how many shots a call can take. Returns the bytes needed.

    >>> check_shots_fit(1000, 2)
    64000
    >>> check_shots_fit(10**15, 2)
    Traceback (most recent call last):
    ...
    qfusion.errors.CircuitTooLargeError: 1000000000000000 shots need about 56.8 PiB (64 B a shot); ...
    """
    per_shot = shot_bytes(num_clbits, memory)
    needed = int(shots) * per_shot
    available = available_bytes()
    if needed <= available:
        return needed
    most = available // per_shot
    hint = f"run at most {most:,} shots a call and add the counts"
    if memory and int(shots) * shot_bytes(num_clbits, False) <= available:
        hint = "without memory=True they fit; or " + hint
    raise CircuitTooLargeError(f"{int(shots)} shots need about {format_bytes(needed)} ({per_shot} B a shot"
                               f"{' with memory=True' if memory else ''}); {format_bytes(available)} is available: "
                               f"{hint}")


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
