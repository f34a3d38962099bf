"""High-performance computing: which backend and hardware a circuit should run on, and past one machine.

- ``plan``: the workload planner (a cost model over every registered backend's capabilities), and
  ``backend="auto"``, which runs a circuit where the plan says;
- ``Cluster``, ``map``: batches of circuits or parameter sets on a Dask cluster (local, a scheduler,
  or the batch system through dask_jobqueue);
- ``MachineModel``, ``estimate_distributed``: the ``mpi`` backend's communication cost model.

>>> from qfusion.circuit import Circuit
>>> from qfusion.hpc import plan
>>> plan(Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all(), shots=100).backend
'statevector'
"""

from qfusion.hpc.cluster import Cluster, map
from qfusion.hpc.communication import DistributedEstimate, MachineModel, estimate_distributed
from qfusion.hpc.cost import CostModel, config_dir
from qfusion.hpc.features import CircuitFeatures, circuit_features
from qfusion.hpc.planner import Candidate, Plan, plan
from qfusion.hpc.resources import Resources

__all__ = ["Candidate", "CircuitFeatures", "Cluster", "CostModel", "DistributedEstimate", "MachineModel", "Plan",
           "Resources", "circuit_features", "config_dir", "estimate_distributed", "map", "plan"]
