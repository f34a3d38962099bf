"""Launching a numba.cuda kernel with more dynamic shared memory than the 48 KiB every device grants.

A kernel declares its dynamic shared array as ``cuda.shared.array(0, dtype)`` and gets its size
in bytes as the fourth item of the launch configuration, ``kernel[blocks, threads, stream, bytes]``.
Up to 48 KiB that is all. Above it CUDA refuses the launch (``CUDA_ERROR_INVALID_VALUE``) until
the kernel's function has opted in with ``cuFuncSetAttribute(f,
CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes)``, up to the device's
``MAX_SHARED_MEMORY_PER_BLOCK_OPTIN`` (227 KiB on H100/H200, 163 KiB on A100, 99 KiB on Ada).
numba.cuda has no API for that attribute (numba-cuda issue #94; numba issue #7897), and the
ctypes driver binding numba ships does not even declare ``cuFuncSetAttribute``. So
:func:`launch` finds the compiled overload (``Dispatcher.compile`` for the arguments' types,
which numba caches), takes its function handle, and calls the driver itself: through
cuda-python's binding when numba uses it (``cuKernelSetAttribute`` for numba-cuda's library
kernels, ``cuFuncSetAttribute`` for numba's built-in target), else through the driver library
numba loaded.

Under numba's CUDA simulator nothing is set (it has no limit). Validates nothing.
"""

from __future__ import annotations

import ctypes

import numba
from numba import cuda

PORTABLE_SHARED_BYTES = 48 << 10  # any kernel may take this much without opting in
MAX_DYNAMIC_SHARED_SIZE_BYTES = 8  # CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES in cuda.h
_raised: dict = {}                # function handle (as an int) -> bytes it was opted in to


def _simulator() -> bool:
    return bool(cuda.config.ENABLE_CUDASIM)


def shared_limit() -> int | None:
    """The most shared memory one block of the current device may use (None: no limit, the simulator)."""
    if _simulator():
        return None
    return int(cuda.get_current_device().MAX_SHARED_MEMORY_PER_BLOCK_OPTIN)


def launch(kernel, blocks: int, threads: int, shared_bytes: int, *args) -> None:
    """``kernel[blocks, threads, 0, shared_bytes](*args)``, opting the kernel in first when
    ``shared_bytes`` is above :data:`PORTABLE_SHARED_BYTES`."""
    if shared_bytes > PORTABLE_SHARED_BYTES and not _simulator():
        try:
            compiled = kernel.compile(tuple(kernel.typeof_pyval(a) for a in args))
            _opt_in(compiled._codelibrary.get_cufunc(), shared_bytes)
        except Exception as exc:  # numba's internals moved, or the driver refused
            raise RuntimeError(f"could not let a kernel take {shared_bytes} bytes of dynamic shared memory "
                               f"(numba {numba.__version__}: {type(exc).__name__}: {exc}); use a smaller "
                               f"sweep (GpuOptions(sweep_qubits=None) fits 48 KiB)") from exc
    kernel[blocks, threads, 0, shared_bytes](*args)


def _opt_in(cufunc, shared_bytes: int) -> None:
    """Raise ``cufunc``'s dynamic shared memory limit to ``shared_bytes``, through whichever driver
    binding numba uses. numba-cuda loads kernels from a ``CUlibrary``, so its handles are
    ``CUkernel`` and take ``cuKernelSetAttribute`` per device (as its own
    ``set_shared_memory_carveout`` does); numba's built-in target has ``CUfunction`` handles,
    from cuda-python (``cuFuncSetAttribute``) or from its ctypes binding."""
    handle = cufunc.handle
    key = handle.value if isinstance(handle, ctypes.c_void_p) else int(handle)
    if _raised.get(key, 0) >= shared_bytes:
        return
    from numba.cuda.cudadrv import driver
    binding = getattr(driver, "binding", None) if getattr(driver, "USE_NV_BINDING", True) else None
    if binding is not None:
        attribute = binding.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES
        kernel_type = getattr(binding, "CUkernel", None)
        if kernel_type is not None and isinstance(handle, kernel_type):
            driver.driver.cuKernelSetAttribute(attribute, shared_bytes, handle, cufunc.device.id)
        else:
            driver.driver.cuFuncSetAttribute(handle, attribute, shared_bytes)
    else:
        set_attribute = driver.driver.lib.cuFuncSetAttribute
        set_attribute.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        set_attribute.restype = ctypes.c_int
        status = set_attribute(handle, MAX_DYNAMIC_SHARED_SIZE_BYTES, shared_bytes)
        if status != 0:
            raise driver.CudaAPIError(status, f"cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES, {shared_bytes}) "
                                              f"failed with CUDA error {status}")
    _raised[key] = shared_bytes
