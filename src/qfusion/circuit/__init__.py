"""The circuit IR: gates, parameters, circuits.

>>> from qfusion.circuit import Circuit
>>> print(Circuit(2).h(0).cx(0, 1).count_ops())
{'h': 1, 'cx': 1}
"""

from qfusion.circuit.annotations import (
                                   Annotation,
                                   Calibration,
                                   Detector,
                                   MeasurementRecord,
                                   ObservableInclude,
                                   QubitCoords,
)
from qfusion.circuit.circuit import Circuit, Condition, Instruction, Register, iter_gates
from qfusion.circuit.gates import (
                                   STANDARD_GATES,
                                   Barrier,
                                   Gate,
                                   Measure,
                                   Operation,
                                   Reset,
                                   StandardGate,
                                   matrix_kind,
                                   standard_gate,
)
from qfusion.circuit.modifiers import BroadcastGate, CircuitGate, ControlledGate, InverseGate, PowerGate, UnitaryGate
from qfusion.circuit.parameter import Parameter, ParameterExpression, ParameterVector, ParameterVectorElement
from qfusion.circuit.timing import Delay, Duration
from qfusion.circuit.unitary import apply_matrix, circuit_unitary

__all__ = [
    "Circuit", "Condition", "Instruction", "Register", "iter_gates",
    "STANDARD_GATES", "Barrier", "Gate", "Measure", "Operation", "Reset", "StandardGate",
    "matrix_kind", "standard_gate",
    "BroadcastGate", "CircuitGate", "ControlledGate", "InverseGate", "PowerGate", "UnitaryGate",
    "Parameter", "ParameterExpression", "ParameterVector", "ParameterVectorElement", "apply_matrix", "circuit_unitary",
    "Delay", "Duration",
    "Annotation", "Calibration", "Detector", "MeasurementRecord", "ObservableInclude", "QubitCoords",
]
