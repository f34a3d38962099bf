"""The CUDA device as qfusion's GPU simulators see it: is there one, why not, does a state fit,
the launch knobs (:class:`GpuOptions`) and a kernel launch over a grid.

Without a CUDA GPU and driver every entry point of the GPU simulators raises
:class:`~qfusion.errors.BackendError` (:func:`require_device`); importing works everywhere, and
numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``) stands in for a device in the tests.

>>> GpuOptions().threads_per_block
256
>>> isinstance(device_available(), bool)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qfusion.errors import BackendError, CircuitTooLargeError
from qfusion.sim.fusion import MAX_DIAGONAL_QUBITS, MAX_FUSED_QUBITS
from qfusion.sim.memory import available_bytes, fit_hint, format_bytes, state_bytes

RESERVE_BYTES = 256 << 20  # left free on the device for the plan, partial sums and the CUDA context


@dataclass(frozen=True)
class GpuOptions:
    """Launch and plan knobs. ``lanes``: run the gathered lane sweeps of :mod:`qfusion.sim.lanes` (as
    :class:`~qfusion.sim.statevector.SimulatorOptions` names them); None = from ``lanes_from_qubits`` qubits on.

    ``sweep_qubits``: the buffer bits of a sweep's chunk, which one thread block holds in dynamic
    shared memory. None: a 32 KiB chunk (11 for complex128, 12 for complex64 and float64, 13 for
    float32), which any GPU runs. Each bit more doubles the chunk and lets a sweep mix one qubit
    more, so a circuit takes fewer sweeps, at fewer blocks per multiprocessor; up to 227 KiB a
    block (13 for complex128, 14 for complex64, H100/H200) where the device allows it (a launch
    beyond the device's limit raises :class:`~qfusion.errors.BackendError`).

    >>> GpuOptions(lanes=True, sweep_qubits=13).sweep_qubits
    13
    """
    threads_per_block: int = 256
    max_blocks: int = 1 << 16
    lanes: bool | None = None
    lanes_from_qubits: int = 12
    sweep_qubits: int | None = None
    sweep_mixed: int | None = None
    max_fused_qubits: int = MAX_FUSED_QUBITS
    max_diagonal_qubits: int = MAX_DIAGONAL_QUBITS


def numba_cuda():
    """``numba.cuda``, imported on first use (importing this module needs no GPU).

    >>> numba_cuda().__name__.startswith("numba")
    True
    """
    from numba import cuda
    return cuda


def device_available() -> bool:
    """Whether a CUDA GPU, its driver and libNVVM can be used (or numba's CUDA simulator is on).

    >>> device_available() in (True, False)
    True
    """
    try:
        return bool(numba_cuda().is_available())
    except Exception:  # a broken driver install raises from deep inside numba
        return False


def cuda_simulator() -> bool:
    """Whether numba's CUDA simulator stands in for the GPU (``NUMBA_ENABLE_CUDASIM=1``).

    Asked of ``numba.cuda``'s own configuration: the numba-cuda package keeps one apart from
    ``numba.config``.

    >>> isinstance(cuda_simulator(), bool)
    True
    """
    return bool(numba_cuda().config.ENABLE_CUDASIM)


def unavailable_reason() -> str:
    """Why :func:`device_available` is false, in the driver's or numba's words.

    >>> device_available() or "numba.cuda" in unavailable_reason()
    True
    """
    cuda = numba_cuda()
    try:
        cuda.current_context()
    except Exception as exc:  # the driver's own words: library missing, no device, ...
        return f"numba.cuda found no usable CUDA GPU and driver ({' '.join(str(exc).split())})"
    try:
        from numba.cuda.cudadrv import nvvm
        if not nvvm.is_available():
            return ("numba.cuda found the GPU but not libNVVM, the CUDA compiler it needs (set CUDA_HOME to a "
                    "CUDA toolkit, the folder holding nvvm/, or pip install \"numba-cuda[cu13]\")")
    except Exception as exc:
        return f"numba.cuda found the GPU but could not load libNVVM ({' '.join(str(exc).split())})"
    return "numba.cuda.is_available() is false"


def require_device(backend: str = "gpu", cpu_backend: str = "statevector") -> None:
    """Raise :class:`BackendError` saying why no GPU can be used for ``backend`` (and which CPU
    backend does the same work).

    >>> if not device_available():
    ...     try:
    ...         require_device()
    ...     except BackendError as exc:
    ...         assert "use backend='statevector'" in str(exc)
    """
    if device_available():
        return
    raise BackendError(f"the {backend} backend needs an NVIDIA GPU with a CUDA driver: {unavailable_reason()}; "
                       f"run on a GPU machine, or use backend='{cpu_backend}' (CPU)")


def check_device_fits(num_qubits: int, dtype, copies: int = 1, batch: int = 1, what: str | None = None) -> int:
    """Raise :class:`CircuitTooLargeError` unless ``batch * copies`` states fit in the device's free memory.

    ``num_qubits`` counts index bits (a density matrix of n qubits is a vector of 2n); ``what``
    names the data in the message (default: "K state(s) of n qubits").

    >>> if device_available():
    ...     assert check_device_fits(10, np.complex128) == 16384
    """
    needed = state_bytes(num_qubits, dtype) * copies * batch if num_qubits < 100 else float("inf")
    free = numba_cuda().current_context().get_memory_info().free
    if cuda_simulator():  # numba's simulator says "inf": its device arrays are host memory
        free = min(free, available_bytes() + RESERVE_BYTES)
    if needed + RESERVE_BYTES > free:
        need = format_bytes(needed) if needed != float("inf") else "more than any GPU has"
        what = what or f"{batch * copies} state(s) of {num_qubits} qubits"
        raise CircuitTooLargeError(
            f"{what}: {need} as {np.dtype(dtype).name} on the GPU; "
            f"{format_bytes(max(free - RESERVE_BYTES, 0))} of device memory is free "
            f"({fit_hint(num_qubits, dtype, copies * batch, free - RESERVE_BYTES)})")
    return int(needed)


def launch(kernel, total: int, options: GpuOptions, *args, threads: int | None = None) -> None:
    """Launch ``kernel`` over ``total`` work items: blocks of ``threads`` (default: the options'),

    as many as needed up to ``options.max_blocks`` (the kernels loop over a grid stride).
    >>> max(1, min(-(-1000 // 256), GpuOptions().max_blocks))  # the blocks of 1000 items
    4
    """
    threads = threads or options.threads_per_block
    blocks = max(1, min(-(-total // threads), options.max_blocks))
    kernel[blocks, threads](*args)
