"""Issue 12: every "install it with pip install 'qfusion[EXTRA]'" names an extra that exists in
pyproject.toml and brings the missing module (checked with importlib.metadata: the module's
distribution is that extra's requirement, or one of their own requirements)."""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

from qfusion import _optional
from qfusion.errors import MissingDependencyError

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _reachable(extra: str) -> set[str]:
    """Distributions an extra installs: its requirements and, where installed, theirs (transitively)."""
    seen: set[str] = set()
    todo = [_name(r) for r in EXTRAS[extra]]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def _optional_modules() -> set[str]:
    found = set()
    for path in (ROOT / "src" / "qfusion").rglob("*.py"):
        found |= set(re.findall(r'import_optional\("([A-Za-z0-9_]+)', path.read_text()))
    return found - {"no_such_module_xyz"}


def _message(module: str, monkeypatch) -> str:
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if it were not installed
    with pytest.raises(MissingDependencyError) as info:
        _optional.import_optional(module, "a test")
    return str(info.value)


def test_every_optional_module_names_an_extra_that_brings_it(monkeypatch):
    distributions = metadata.packages_distributions()
    modules = _optional_modules()
    assert {"dask", "distributed", "dask_jobqueue", "jinja2", "pyscf", "sympy"} <= modules
    for module in sorted(modules):
        message = _message(module, monkeypatch)
        named = re.search(r"pip install '?qfusion\[([a-z_-]+)\]'?", message)
        if module in ("numpy",):
            assert "reinstall qfusion" in message and "qfusion[" not in message
            continue
        assert named, message
        extra = named.group(1)
        assert extra in EXTRAS, f"{module}: the message names qfusion[{extra}], which pyproject.toml lacks"
        for dist in distributions.get(module, []):
            assert _name(dist) in _reachable(extra), f"qfusion[{extra}] does not bring {dist} ({module})"


def test_a_dask_cluster_without_dask_names_the_dask_extra(monkeypatch):
    assert "qfusion[dask]" in _message("distributed", monkeypatch)
    assert "qfusion[dask]" in _message("dask_jobqueue", monkeypatch)
    assert "qfusion[service]" in _message("jinja2", monkeypatch)


def test_unknown_module_is_not_given_an_invented_extra(monkeypatch):
    message = _message("no_such_module_xyz", monkeypatch)
    assert "qfusion[" not in message and "pip install no_such_module_xyz" in message


def test_extras_named_in_the_readme_and_the_sources_exist():
    texts = [(ROOT / "README.md").read_text()]
    texts += [p.read_text() for p in (ROOT / "src" / "qfusion").rglob("*.py")]
    named = {m for text in texts for m in re.findall(r"qfusion\[([a-z_,-]+)\]", text)}
    named = {part for m in named for part in m.split(",")} - {"no_such_module_xyz", "EXTRA"}
    assert {"chem", "service", "viz"} <= named
    assert named <= set(EXTRAS), sorted(named - set(EXTRAS))
