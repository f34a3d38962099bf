"""Lazy imports of optional dependencies, with an error that says which extra to install.

>>> np = import_optional("numpy")
>>> np.__name__
'numpy'
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from qfusion.errors import MissingDependencyError

# module -> the pip extra that brings it (each one listed in that extra of pyproject.toml, or
# brought by a package listed there: sympy by cirq-core, pydantic by fastapi, markupsafe by jinja2)
_EXTRAS = {
    "qiskit": "qiskit",
    "qiskit_aer": "qiskit",
    "cirq": "cirq",
    "sympy": "cirq",
    "matplotlib": "viz",
    "stim": "qec",
    "pymatching": "qec",
    "sinter": "qec",
    "ldpc": "qec",
    "pyscf": "chem",
    "torch": "torch",
    "dask": "dask",
    "distributed": "dask",
    "dask_jobqueue": "dask",
    "mpi4py": "mpi",
    "fastapi": "service",
    "pydantic": "service",
    "jinja2": "service",
    "markupsafe": "service",
    "yaml": "devices",
    "scipy": "transpiler",
    "openfermion": "openfermion",
    "jax": "jax",
    "tqdm": "algorithms",
    "uvicorn": "service",
    "sqlalchemy": "service",
    "httpx": "service",
    "prometheus_client": "service",
    "psycopg": "service",
    "sklearn": "qml",
}
# what the base install brings: a missing one means a broken install, not a missing extra
_BASE = {"numpy", "numba"}


def import_optional(name: str, feature: str | None = None) -> ModuleType:
    """Import ``name`` or raise :class:`MissingDependencyError` naming the extra that provides it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        top = name.split(".")[0]
        what = f" for {feature}" if feature else ""
        if top in _BASE:
            how = f"`pip install {top}` (qfusion itself depends on it: reinstall qfusion)"
        elif top in _EXTRAS:
            how = f"`pip install 'qfusion[{_EXTRAS[top]}]'`"
        else:
            how = f"`pip install {top}`"
        raise MissingDependencyError(f"{top} is needed{what} but is not installed; install it with {how}") from exc


def available(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    return importlib.util.find_spec(name) is not None
