"""High-performance computing: past one machine (the MPI cost model, batches on a Dask cluster).

``qf.hpc.Cluster`` and ``qf.hpc.map`` send many circuits to a Dask cluster; ``estimate_distributed``
prices a circuit on an MPI machine before it runs.
"""

from qfusion.hpc.communication import DistributedEstimate, MachineModel, estimate_distributed

__all__ = ["DistributedEstimate", "MachineModel", "estimate_distributed"]
