"""A worker's child processes die with their parent: no orphan goes on running a job.

A worker that is SIGKILLed cannot stop its executor, and an executor that is killed (a cancel, a
time limit, the worker's death) cannot stop the ``mpiexec`` it started. So each child asks the
kernel to signal it when its parent dies (``PR_SET_PDEATHSIG``, Linux), and the executor also
watches its parent from a thread (elsewhere, and in case the kernel's signal is not to be had).

>>> import subprocess, sys
>>> subprocess.run([sys.executable, "-c", "from qfusion.service.worker.lifetime import follow; "
...                 "import os; follow(os.getppid()); print('followed')"], capture_output=True, text=True).stdout
'followed\\n'
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()  # looked up once: die_with_parent also runs between fork and exec


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask the kernel to send this process ``sig`` when its parent dies (Linux; elsewhere nothing).

    Safe as a ``preexec_fn`` (it imports and allocates nothing)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)


def follow(parent: int, period_s: float = 0.2) -> None:
    """End this process as soon as ``parent`` is no longer its parent (it died), even mid-job."""
    die_with_parent(signal.SIGKILL)
    if os.getppid() != parent:  # it died before the kernel was asked
        os._exit(70)

    def watch():
        while os.getppid() == parent:
            time.sleep(period_s)
        os._exit(70)

    threading.Thread(target=watch, name="qfusion-follow-parent", daemon=True).start()
