"""Simulators. The state-vector simulator is :func:`qfusion.sim.statevector.simulate`.

>>> from qfusion.sim import simulate
>>> from qfusion.circuit import Circuit
>>> simulate(Circuit(1).x(0))
StateVector(1|1>)
"""

from qfusion._numba_cache import install_notice

install_notice()  # one line on stderr while qfusion's kernels first compile

from qfusion.sim.statevector import SimulatorOptions, StateVector, sample, simulate  # noqa: E402

__all__ = ["SimulatorOptions", "StateVector", "sample", "simulate"]
