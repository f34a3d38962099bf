"""High-performance computing: past one machine.

- ``Cluster``, ``map``: batches of circuits or parameter sets on a Dask cluster (local, a scheduler,
  or the batch system through dask_jobqueue);
- ``MachineModel``, ``estimate_distributed``: the ``mpi`` backend's communication cost model.
"""

from qfusion.hpc.cluster import Cluster, map
from qfusion.hpc.communication import DistributedEstimate, MachineModel, estimate_distributed

__all__ = ["Cluster", "DistributedEstimate", "MachineModel", "estimate_distributed", "map"]
