"""Slow first calls (issue 12): numba's cache lives in the user's cache directory (NUMBA_CACHE_DIR
respected), a compile says so once on stderr, and ``qfusion warmup`` compiles ahead of time."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cli_helpers import qfusion_json

from qfusion import _numba_cache


def python(code, env):
    full = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "QFUSION_CACHE_DIR")}
    full.update(env)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_cache_goes_to_the_user_cache_directory_unless_numba_cache_dir_is_set(tmp_path):
    code = "import qfusion, os, numba; print(os.environ['NUMBA_CACHE_DIR'], numba.config.CACHE_DIR)"
    assert python(code, {"XDG_CACHE_HOME": str(tmp_path)}).split() == [str(tmp_path / "qfusion" / "numba")] * 2
    assert python(code, {"QFUSION_CACHE_DIR": str(tmp_path / "q")}).split() == [str(tmp_path / "q" / "numba")] * 2
    assert python(code, {"NUMBA_CACHE_DIR": str(tmp_path / "mine")}).split() == [str(tmp_path / "mine")] * 2
    # numba imported before qfusion still gets the directory
    late = "import numba, qfusion; print(numba.config.CACHE_DIR)"
    assert python(late, {"QFUSION_CACHE_DIR": str(tmp_path / "late")}) == str(tmp_path / "late" / "numba")


def test_a_compile_says_so_once_on_stderr(monkeypatch, capsys):
    numba = pytest.importorskip("numba")
    from numba.core import event
    monkeypatch.setenv("QFUSION_COMPILE_NOTICE", "1")
    monkeypatch.setattr(_numba_cache, "_INSTALLED", [])
    _numba_cache.install_notice()
    listener, _ = _numba_cache._INSTALLED[0]
    try:
        def kernel(x):
            return x + 1
        kernel.__module__ = "qfusion.sim.kernels.fake"
        compiled = numba.njit(kernel)
        compiled(1)
        compiled(1.5)  # a second signature compiles again, without a second notice
        err = capsys.readouterr().err
        assert err.count("qfusion: compiling qfusion's kernels (once, ~10 s") == 1
        assert "qfusion warmup" in err

        def other(x):
            return x * 2
        numba.njit(other)(3)  # not qfusion's: no notice
        assert "compiling" not in capsys.readouterr().err
    finally:
        event.unregister("numba:compile", listener)


def test_warmup_command_reports_its_steps():
    report = qfusion_json("warmup", "--only", "statevector,gradients")
    assert [s["name"] for s in report["steps"]] == ["statevector", "gradients"]
    assert report["cache_dir"] == os.environ.get("NUMBA_CACHE_DIR", report["cache_dir"])
    assert all(s["seconds"] >= 0 for s in report["steps"])


def test_warmup_refuses_unknown_steps():
    from cli_helpers import assert_one_line_error, qfusion
    assert_one_line_error(qfusion("warmup", "--only", "gpu9", check=False), 2, "unknown warmup step(s) gpu9")


def test_warmup_skips_a_step_whose_extra_is_missing(monkeypatch):
    import types

    from qfusion.cli import warmup as module
    from qfusion.errors import MissingDependencyError

    def needs_scipy():
        raise MissingDependencyError("scipy is needed; install it with `pip install 'qfusion[transpiler]'`")
    monkeypatch.setitem(module.STEPS, "transpiler", needs_scipy)
    report = module.warmup(types.SimpleNamespace(only="transpiler", json=True))
    assert "qfusion[transpiler]" in report["steps"][0]["skipped"]


def test_the_readmes_first_command_warms_the_kernel_cache(monkeypatch):
    """Issue 12's "done when": the README's first command (``python3 dev.py demo``) runs ``qfusion
    warmup`` before the demo, into the user's cache (not the checkout's .cache/numba)."""
    import importlib.util
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    first = next(line for line in (root / "README.md").read_text().splitlines() if line.startswith("python3 "))
    assert first.split("#")[0].split() == ["python3", "dev.py", "demo"]
    spec = importlib.util.spec_from_file_location("qfusion_dev_script", root / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    calls = []
    monkeypatch.setattr(dev, "ensure_environment", lambda extras: calls.append(("install", extras)))
    monkeypatch.setattr(dev, "run", lambda args, job="test": calls.append((job, args)) or 0)
    assert dev.main(["demo"]) == 0
    assert calls == [("install", "viz"), ("demo", ["-m", "qfusion.cli", "warmup"]), ("demo", ["examples/demo.py"])]
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert "NUMBA_CACHE_DIR" not in dev.environment("demo")  # qfusion picks the user's cache itself
    assert dev.environment("test")["NUMBA_CACHE_DIR"].endswith(str(Path(".cache") / "numba"))
