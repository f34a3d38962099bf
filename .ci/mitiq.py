#!/usr/bin/env python3
"""Mitiq for the cross-check tests, in its own virtual environment; needs only python3 (and PyPI, once).

    python3 .ci/mitiq.py      # create .venv-mitiq with Mitiq if missing or out of date; print its python

Mitiq pins NumPy and Cirq versions that qfusion's own environment does not have, so it cannot be
installed beside qfusion: tests/mitigation/test_against_mitiq.py talks to it through
bench/mitiq_side.py in this interpreter (``QFUSION_MITIQ_PYTHON``). The environment is built once
(several minutes) and rebuilt only when ``REQUIREMENTS`` changes.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-mitiq"
# what bench/mitiq_side.py imports: mitiq (zne, rem), qiskit (the circuits travel as OpenQASM 2) and what
# Mitiq's qiskit interface imports with it (qiskit-aer, ply; its [qiskit] extra, less qiskit-ibm-runtime)
REQUIREMENTS = ("mitiq==1.1.0", "qiskit>=2,<3", "qiskit-aer~=0.17.0", "ply==3.11")
TIMEOUT = 900             # s; a build that cannot reach PyPI gives up well before CI does


class Unavailable(Exception):
    """Mitiq's environment cannot be had here (the reason is the message)."""


def python() -> Path:
    return VENV / "bin" / "python"


def ensure_installed() -> str:
    """The path of a Python with Mitiq, creating ``.venv-mitiq`` if it is missing or out of date."""
    stamp = VENV / ".qfusion-mitiq"
    wanted = "\n".join(REQUIREMENTS)
    if stamp.exists() and stamp.read_text() == wanted and python().exists():
        return str(python())
    print(f"installing {', '.join(REQUIREMENTS)} into {VENV} for the Mitiq cross-checks (once, several minutes)",
          flush=True)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        pip = [str(python()), "-m", "pip", "install", "--disable-pip-version-check", "-q", "--timeout", "30",
               "--retries", "2"]
        done = subprocess.run(pip + list(REQUIREMENTS), timeout=TIMEOUT, capture_output=True, text=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise Unavailable(f"could not build {VENV}: {exc}") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise Unavailable(f"pip install {' '.join(REQUIREMENTS)} failed: {' '.join(tail)}")
    check = subprocess.run([str(python()), "-c", "import mitiq, qiskit, ply; print(mitiq.__version__)"],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise Unavailable(f"Mitiq was installed but does not import: {check.stderr.strip()[-300:]}")
    stamp.write_text(wanted)
    return str(python())


if __name__ == "__main__":
    try:
        print(ensure_installed())
    except Unavailable as exc:
        print(f"unavailable: {exc}", file=sys.stderr)
        sys.exit(1)
