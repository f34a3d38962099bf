"""Run the real ``qfusion`` command in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def qfusion(*args, check=True, env=None, cwd=None, timeout=300):
    """``python -m qfusion.cli ARGS``; asserts exit code 0 unless ``check=False``."""
    full_env = dict(os.environ)
    full_env.pop("QFUSION_DEBUG", None)
    full_env.update(env or {})
    out = subprocess.run([sys.executable, "-m", "qfusion.cli", *map(str, args)], capture_output=True,
                         text=True, env=full_env, cwd=cwd, timeout=timeout)
    if check:
        assert out.returncode == 0, f"exit code {out.returncode}; stderr:\n{out.stderr}"
        assert out.stderr == "", out.stderr
    return out


def qfusion_json(*args, **kwargs):
    """The parsed JSON that ``qfusion ARGS --json`` prints."""
    return json.loads(qfusion(*args, "--json", **kwargs).stdout)


def assert_one_line_error(out, code, *fragments):
    """Exit ``code``, exactly one ``qfusion: error:`` line on stderr, nothing on stdout, no traceback."""
    assert out.returncode == code, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qfusion: error: "), out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]
