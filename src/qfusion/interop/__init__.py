"""Convert circuits to and from other SDKs: Qiskit, Cirq and stim.

Nothing of Qiskit, Cirq or stim is imported until a conversion is called.

>>> from qfusion.circuit import Circuit
>>> from qfusion.interop import from_qiskit, to_qiskit
>>> c = Circuit(2).h(0).cx(0, 1)
>>> from_qiskit(to_qiskit(c)) == c
True
"""

from qfusion.interop.cirq import from_cirq, to_cirq
from qfusion.interop.qiskit import from_qiskit, to_qiskit
from qfusion.interop.stim import from_stim, to_stim

__all__ = ["from_cirq", "from_qiskit", "to_cirq", "to_qiskit", "from_stim", "to_stim"]
