#!/usr/bin/env python3
"""Set up qfusion's environment and run one of its jobs; needs only ``python3``.

    python3 dev.py demo    # create .venv, install qfusion, run the demo
    python3 dev.py test    # create .venv, install qfusion with test extras; lint-imports, ruff, mypy, the whole test suite
    python3 dev.py bench   # install the peer simulators too and run the benchmarks

``test`` also installs Debian's Chromium for the dashboard's browser tests (.ci/browser.py), Mitiq in its
own .venv-mitiq for the mitigation cross-checks (.ci/mitiq.py; Mitiq pins NumPy and Cirq), and starts a
throw-away PostgreSQL server for the job-service tests (.ci/postgres.py:
Debian's package, installed with apt-get if missing; a server already running is reused) and
stops it afterwards; where it cannot be had, those tests skip and say why.

The environment is reinstalled only when pyproject.toml changes. ``demo`` first runs
``qfusion warmup``, which compiles numba's kernels once into the user's cache directory
(``~/.cache/qfusion/numba``, where every later ``qfusion`` call finds them); ``test`` and
``bench`` keep theirs under .cache/numba. A set ``NUMBA_CACHE_DIR`` wins in both cases.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = {"demo": "viz", "test": "test", "bench": "test,bench"}


def python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment(extras: str) -> None:
    if not python().exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".qfusion-installed-{extras.replace(',', '-')}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"installing qfusion[{extras}] into {VENV}", flush=True)
    pip = [str(python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True)
    subprocess.run(pip + ["-e", f"{ROOT}[{extras}]"], check=True)
    stamp.write_text(digest)


def environment(job: str = "test") -> dict[str, str]:
    env = dict(os.environ)
    if job != "demo":  # the demo warms the user's cache, the one qfusion uses outside dev.py too
        env.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".cache" / "numba"))
    env.setdefault("MPLBACKEND", "Agg")
    env["PATH"] = f"{python().parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(args: list[str], job: str = "test") -> int:
    return subprocess.run([str(python()), *args], cwd=ROOT, env=environment(job)).returncode


def main(argv: list[str]) -> int:
    job = argv[0] if argv else "demo"
    if job not in EXTRAS:
        print(f"usage: python3 dev.py {{{'|'.join(EXTRAS)}}} [args...]", file=sys.stderr)
        return 2
    ensure_environment(EXTRAS[job])
    rest = argv[1:]
    if job == "demo":
        return run(["-m", "qfusion.cli", "warmup"], job) or run(["examples/demo.py", *rest], job)
    if job == "bench":
        return run(["bench/bench_statevector.py", *rest])
    for tool, failure in ((["lint-imports"], "import contracts broken"),
                          (["ruff", "check", "src", "tests", "bench"], "ruff found problems"),
                          (["mypy"], "mypy found type errors")):
        code = subprocess.run([str(python().parent / tool[0]), *tool[1:]], cwd=ROOT, env=environment()).returncode
        if code:
            print(f"{failure} (see above)", file=sys.stderr)
            return code
    with_browser()
    with_mitiq()
    return with_postgres(lambda: run(["-m", "pytest", "-n", "2", "-q", *rest]))


def with_browser() -> None:
    """Point the dashboard's browser tests at Chromium (.ci/browser.py installs Debian's), or say why they skip."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("qfusion_ci_browser", ROOT / ".ci" / "browser.py")
    browser = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(browser)
    try:
        os.environ["QFUSION_TEST_CHROMIUM"] = browser.ensure_installed()
    except (browser.Unavailable, OSError) as exc:
        os.environ["QFUSION_TEST_CHROMIUM_SKIP"] = str(exc)
        print(f"browser tests will skip: {exc}", file=sys.stderr, flush=True)


def with_mitiq() -> None:
    """Point the Mitiq cross-checks at .venv-mitiq (.ci/mitiq.py builds it once), or say why they skip."""
    if os.environ.get("QFUSION_MITIQ_PYTHON"):
        return
    import importlib.util
    spec = importlib.util.spec_from_file_location("qfusion_ci_mitiq", ROOT / ".ci" / "mitiq.py")
    mitiq = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mitiq)
    try:
        os.environ["QFUSION_MITIQ_PYTHON"] = mitiq.ensure_installed()
    except (mitiq.Unavailable, OSError) as exc:
        os.environ["QFUSION_MITIQ_SKIP"] = str(exc)
        print(f"Mitiq cross-checks will skip: {exc}", file=sys.stderr, flush=True)


def with_postgres(job) -> int:
    """Run ``job`` with QFUSION_TEST_POSTGRES_URL pointing at a test server (or a skip reason set)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("qfusion_ci_postgres", ROOT / ".ci" / "postgres.py")
    postgres = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(postgres)
    started = False
    try:
        url, started = postgres.start()
        os.environ["QFUSION_TEST_POSTGRES_URL"] = url
    except (postgres.Unavailable, OSError) as exc:
        os.environ["QFUSION_TEST_POSTGRES_SKIP"] = str(exc)
        print(f"PostgreSQL tests will skip: {exc}", file=sys.stderr, flush=True)
    try:
        return job()
    finally:
        if started:
            postgres.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
