"""The reference libraries the QML tests compare with, skipped where they cannot be imported.

PennyLane 0.42 does not import beside the shared venv's autoray 0.11 / jax 0.10 / lightning 0.44;
run ``bash bench/qml_pennylane_env.sh``, then the tests with ``PYTHONPATH=.cache/plfix:src``, to include it.
"""

import pytest


def pennylane():
    try:
        import pennylane as qml
    except Exception as exc:  # an incompatible install raises AttributeError, not ImportError
        pytest.skip(f"PennyLane cannot be imported here: {type(exc).__name__}: {exc}")
    return qml
