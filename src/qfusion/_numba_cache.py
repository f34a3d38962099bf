"""Where numba keeps qfusion's compiled kernels, and the one-line notice while they compile.

qfusion's kernels are numba functions with ``cache=True``. Numba writes that cache next to the
source (``__pycache__`` of site-packages, which may be read-only or shared) unless told
otherwise, so :func:`configure` points it at the user's cache directory before numba is
imported: ``$NUMBA_CACHE_DIR`` when set (respected as is), else ``$QFUSION_CACHE_DIR/numba``,
else the platform's cache directory (``~/.cache/qfusion/numba`` on Linux, ``$XDG_CACHE_HOME``
honoured; ``~/Library/Caches/qfusion/numba`` on macOS; ``%LOCALAPPDATA%\\qfusion\\Cache\\numba``
on Windows). ``qfusion warmup`` compiles everything ahead of time.

The first compilation in a process says so once on stderr (``qfusion: compiling qfusion's
kernels (once, ~N s) ...``, with a running count on a terminal), when stderr is a terminal or
a Jupyter kernel, or always with ``QFUSION_COMPILE_NOTICE=1`` (``0``: never).

>>> cache_dir({"NUMBA_CACHE_DIR": "/tmp/nb"}).as_posix()
'/tmp/nb'
>>> cache_dir({"QFUSION_CACHE_DIR": "/tmp/qf"}).as_posix()
'/tmp/qf/numba'
>>> cache_dir({"XDG_CACHE_HOME": "/tmp/xdg"}, platform="linux").as_posix()
'/tmp/xdg/qfusion/numba'
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

# seconds a cold compile of each group took on a 2-core VM (bench/RESULTS.md, "first calls")
ESTIMATES = {"qfusion.sim": 10, "qfusion.transpiler": 25}


def cache_dir(environ=None, platform: str | None = None) -> Path:
    """The directory numba caches qfusion's kernels in (see the module docstring)."""
    environ = os.environ if environ is None else environ
    if environ.get("NUMBA_CACHE_DIR"):
        return Path(environ["NUMBA_CACHE_DIR"])
    if environ.get("QFUSION_CACHE_DIR"):
        return Path(environ["QFUSION_CACHE_DIR"]) / "numba"
    platform = platform or sys.platform
    home = Path(environ.get("HOME") or Path.home())
    if platform.startswith("win"):
        base = Path(environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / "qfusion" / "Cache" / "numba"
    if platform == "darwin":
        return home / "Library" / "Caches" / "qfusion" / "numba"
    return Path(environ.get("XDG_CACHE_HOME") or home / ".cache") / "qfusion" / "numba"


def configure() -> Path:
    """Point numba's cache at :func:`cache_dir` unless ``NUMBA_CACHE_DIR`` is set; returns it.

    Sets ``NUMBA_CACHE_DIR`` for this process (and its children) when numba is not imported yet,
    else numba's ``config.CACHE_DIR``; a directory that cannot be created leaves numba's default.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return directory
    os.environ["NUMBA_CACHE_DIR"] = str(directory)
    numba = sys.modules.get("numba")
    if numba is not None:
        numba.config.CACHE_DIR = str(directory)
    return directory


def _wanted() -> bool:
    flag = os.environ.get("QFUSION_COMPILE_NOTICE", "")
    if flag:
        return flag not in ("0", "false", "no")
    try:
        return sys.stderr.isatty() or "ipykernel" in sys.modules
    except (AttributeError, ValueError):
        return False


class _Notice:
    """A numba compile listener: one line when a qfusion kernel first compiles, then a count."""

    def __init__(self):
        self.started: float | None = None
        self.compiled = 0
        self.depth = 0
        self.live = False
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def start(self, module: str) -> None:
        with self.lock:
            self.depth += 1
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if self.started is not None:
                self.live = self.live or _tty()  # a later burst (another backend) counts on
                return
            self.started = time.perf_counter()
            group = next((g for g in ESTIMATES if module.startswith(g)), "qfusion.sim")
            self.live = _tty()
            end = "" if self.live else "\n"
            _write(f"qfusion: compiling qfusion's kernels (once, ~{ESTIMATES[group]} s; cached in "
                   f"{os.environ.get('NUMBA_CACHE_DIR') or 'numba’s default cache'}; `qfusion warmup` "
                   f"compiles them ahead){end}")

    def end(self) -> None:
        with self.lock:
            self.depth = max(0, self.depth - 1)
            self.compiled += 1
            if not self.live or self.started is None:  # live is only set once started is
                return
            _write(f"\rqfusion: compiling qfusion's kernels: {self.compiled} compiled, "
                   f"{time.perf_counter() - self.started:.1f} s ")
            if self.depth == 0:
                self.timer = threading.Timer(0.3, self._finish)
                self.timer.daemon = True
                self.timer.start()

    def _finish(self) -> None:
        with self.lock:
            if self.depth == 0 and self.live:
                _write("\n")
                self.live = False


def _tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _write(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


_INSTALLED: list = []


def install_notice() -> None:
    """Register the compile notice with numba's event system (once; only if it is wanted)."""
    if _INSTALLED or not _wanted():
        return
    try:
        from numba.core import event
    except ImportError:
        return
    notice = _Notice()

    class Listener(event.Listener):
        def on_start(self, ev):
            module = getattr(getattr(ev.data.get("dispatcher"), "py_func", None), "__module__", "") or ""
            if module.startswith("qfusion."):
                notice.start(module)

        def on_end(self, ev):
            module = getattr(getattr(ev.data.get("dispatcher"), "py_func", None), "__module__", "") or ""
            if module.startswith("qfusion."):
                notice.end()

    listener = Listener()
    event.register("numba:compile", listener)
    _INSTALLED.append((listener, notice))
