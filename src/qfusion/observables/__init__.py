"""Observables: Pauli sums and other operators.

>>> from qfusion.observables import PauliSum
>>> len(PauliSum.from_list([("ZZ", 1.0), ("XI", 0.5)]))
2
"""

from qfusion.observables._terms import pauli_masks
from qfusion.observables.pauli import PauliSum

__all__ = ["PauliSum", "pauli_masks"]
