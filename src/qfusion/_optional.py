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

# module -> the pip extra that brings it
_EXTRAS = {
    "qiskit": "qiskit",
    "qiskit_aer": "qiskit",
    "cirq": "cirq",
    "matplotlib": "viz",
    "numba": "sim",
    "stim": "qec",
    "pymatching": "qec",
    "sinter": "qec",
    "ldpc": "qec",
    "pyscf": "chem",
    "torch": "torch",
    "cupy": "gpu",
    "dask": "hpc",
    "mpi4py": "mpi",
    "fastapi": "service",
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


def import_optional(name: str, feature: str | None = None) -> ModuleType:
    """Import ``name`` or raise :class:`MissingDependencyError` naming the extra that provides it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        top = name.split(".")[0]
        extra = _EXTRAS.get(top, top)
        what = f" for {feature}" if feature else ""
        raise MissingDependencyError(
            f"{top} is needed{what} but is not installed; install it with "
            f"`pip install 'qfusion[{extra}]'`") from exc


def available(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    return importlib.util.find_spec(name) is not None
