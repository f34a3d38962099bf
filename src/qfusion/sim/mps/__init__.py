"""The matrix-product-state simulator (``backend="mps"``): :func:`simulate` returns an :class:`MPSState`.

>>> from qfusion.circuit import Circuit
>>> simulate(Circuit(2).h(0).cx(0, 1))
MPSState(2 qubits, max bond 2, truncation error 0, fidelity >= 1)
"""

from qfusion.sim.mps.simulator import MPSOptions, circuit_bond_bits, sample, simulate
from qfusion.sim.mps.state import MPSState

__all__ = ["MPSOptions", "MPSState", "circuit_bond_bits", "sample", "simulate"]
