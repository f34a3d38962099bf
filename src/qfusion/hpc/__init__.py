"""HPC: the workload planner that picks the backend and hardware for a circuit from a cost model.

>>> from qfusion.circuit import Circuit
>>> from qfusion.hpc import plan
>>> plan(Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all(), shots=100).backend
'statevector'
"""

from qfusion.hpc.cost import CostModel, config_dir
from qfusion.hpc.features import CircuitFeatures, circuit_features
from qfusion.hpc.planner import Candidate, Plan, plan
from qfusion.hpc.resources import Resources

__all__ = ["Candidate", "CircuitFeatures", "CostModel", "Plan", "Resources", "circuit_features", "config_dir",
           "plan"]
