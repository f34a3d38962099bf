"""Simulators. The state-vector simulator is :func:`qfusion.sim.statevector.simulate`.

>>> from qfusion.sim import simulate
>>> from qfusion.circuit import Circuit
>>> simulate(Circuit(1).x(0))
StateVector(1|1>)
"""

from qfusion.sim.statevector import SimulatorOptions, StateVector, sample, simulate

__all__ = ["SimulatorOptions", "StateVector", "sample", "simulate"]
