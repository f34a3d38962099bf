#!/usr/bin/env python3
"""The headless browser for the dashboard's end-to-end tests: Debian's Chromium; needs only python3 (and apt, once).

    python3 .ci/browser.py     # install chromium with apt-get if missing; print its path

Playwright for Python drives it (``executable_path``): browsers cannot be downloaded here, and the
distribution's package is the one a center's machines would have.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


class Unavailable(Exception):
    """No browser can be had here (the reason is the message)."""


def find() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_installed() -> str:
    """The path of a Chromium executable, installing Debian's ``chromium`` package if there is none."""
    found = find()
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise Unavailable("Chromium is not installed and apt-get is not available to install it")
    if os.geteuid() != 0:
        raise Unavailable("Chromium is not installed; installing it needs root (apt-get install chromium)")
    print("installing Chromium (apt-get install chromium)", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    if subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], **quiet)
        if subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], **quiet).returncode != 0:
            raise Unavailable("apt-get install chromium failed")
    found = find()
    if found is None:
        raise Unavailable("apt-get installed chromium but no executable was found")
    return found


if __name__ == "__main__":
    try:
        print(ensure_installed())
    except Unavailable as exc:
        print(f"unavailable: {exc}", file=sys.stderr)
        sys.exit(1)
