"""qfusion: circuits, OpenQASM, fast simulators and emulated QPUs, from one Python package.

>>> import qfusion as qf
>>> c = qf.Circuit(2).h(0).cx(0, 1).measure_all()
>>> qf.run(c, shots=1000, seed=1).counts
{'00': 507, '11': 493}
>>> import numpy as np
>>> np.round(np.asarray(qf.simulate(qf.Circuit(1).x(0))), 6)
array([0.+0.j, 1.+0.j])
"""

from __future__ import annotations

import importlib

from qfusion.circuit import Circuit, Parameter
from qfusion.errors import (BackendError, CircuitError, CircuitTooLargeError, QasmError,
                            QfusionError)

__version__ = "0.1.0"

# Submodules and names loaded on first use, so `import qfusion` stays light (no numba at import).
_LAZY = {
    "qasm": ("qfusion.qasm", None),
    "backends": ("qfusion.backends", None),
    "interop": ("qfusion.interop", None),
    "observables": ("qfusion.observables", None),
    "noise": ("qfusion.noise", None),
    "simulate": ("qfusion.backends", "simulate"),
    "run": ("qfusion.backends", "run"),
    "PauliSum": ("qfusion.observables", "PauliSum"),
    "Result": ("qfusion.backends", "Result"),
    "transpile": ("qfusion.transpiler", "transpile"),
    "devices": ("qfusion.devices", None),
    "transpiler": ("qfusion.transpiler", None),
    "primitives": ("qfusion.primitives", None),
    "algorithms": ("qfusion.algorithms", None),
    "Estimator": ("qfusion.primitives", "Estimator"),
    "Sampler": ("qfusion.primitives", "Sampler"),
    "Client": ("qfusion.service.client", "Client"),
    "hpc": ("qfusion.hpc", None),
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'qfusion' has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))


__all__ = ["Circuit", "Parameter", "BackendError", "CircuitError", "CircuitTooLargeError",
           "QasmError", "QfusionError", *_LAZY]
