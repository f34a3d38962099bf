"""What a machine (or an allocation) offers the planner: cores, memory, GPUs, MPI ranks, service workers.

>>> Resources(cores=4, memory_bytes=2**34)
Resources(cores=4, memory=16.0 GiB, gpus=0, mpi_ranks=1, service_workers=0)
>>> Resources.detect().cores >= 1
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from qfusion.config import settings
from qfusion.errors import QfusionError
from qfusion.sim.memory import available_bytes, format_bytes

_RANK_VARIABLES = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS")


@dataclass(frozen=True)
class Resources:
    """``memory_bytes`` is what one simulation may allocate; ``service_workers`` the job service's.
    ``memory_per_rank``: what each of the ``mpi_ranks`` may allocate (None: ``memory_bytes`` shared by
    all the ranks, as when they run on this one machine).

    >>> Resources(cores=8, memory_bytes=64 * 2**30, mpi_ranks=4).rank_memory_bytes == 16 * 2**30
    True
    >>> Resources(mpi_ranks=0)
    Traceback (most recent call last):
        ...
    qfusion.errors.QfusionError: Resources.mpi_ranks must be at least 1, got 0
    """
    cores: int = 1
    memory_bytes: int = 8 * 2**30
    gpus: int = 0
    mpi_ranks: int = 1
    service_workers: int = 0
    memory_per_rank: int | None = None

    def __post_init__(self):
        for name in ("cores", "memory_bytes", "mpi_ranks"):
            if int(getattr(self, name)) < 1:
                raise QfusionError(f"Resources.{name} must be at least 1, got {getattr(self, name)!r}")
        if self.memory_per_rank is not None and int(self.memory_per_rank) < 1:
            raise QfusionError(f"Resources.memory_per_rank must be at least 1 (or None), got {self.memory_per_rank!r}")
        if self.gpus < 0 or self.service_workers < 0:
            raise QfusionError("Resources.gpus and Resources.service_workers cannot be negative")

    @classmethod
    def detect(cls) -> Resources:
        """This process's machine: cores and memory as qfusion's settings see them, CUDA GPUs, MPI ranks.

        >>> resources = Resources.detect()
        >>> resources.cores >= 1, resources.memory_bytes > 0
        (True, True)
        """
        return cls(cores=settings().num_threads, memory_bytes=available_bytes(), gpus=_gpu_count(),
                   mpi_ranks=launched_ranks())

    @property
    def rank_memory_bytes(self) -> int:
        """What one MPI rank may allocate.

        >>> Resources(memory_bytes=2**30, mpi_ranks=4).rank_memory_bytes, Resources(mpi_ranks=4, memory_per_rank=2**30).rank_memory_bytes
        (268435456, 1073741824)
        """
        return int(self.memory_per_rank if self.memory_per_rank is not None else self.memory_bytes // self.mpi_ranks)

    def __repr__(self) -> str:
        per_rank = f", memory_per_rank={format_bytes(self.memory_per_rank)}" if self.memory_per_rank else ""
        return (f"Resources(cores={self.cores}, memory={format_bytes(self.memory_bytes)}, gpus={self.gpus}, "
                f"mpi_ranks={self.mpi_ranks}{per_rank}, service_workers={self.service_workers})")


def launched_ranks() -> int:
    """How many ranks the MPI launcher (mpiexec, srun) started this process among; 1 outside one.

    >>> import os
    >>> saved = {name: os.environ.pop(name, None) for name in _RANK_VARIABLES}
    >>> launched_ranks()
    1
    >>> os.environ["SLURM_NTASKS"] = "8"
    >>> launched_ranks()
    8
    >>> for name, value in saved.items():
    ...     _ = os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
    """
    ranks = next((int(os.environ[v]) for v in _RANK_VARIABLES if os.environ.get(v, "").isdigit()), 1)
    return max(1, ranks)


def _gpu_count() -> int:
    """CUDA devices, without importing a GPU library when there is no driver."""
    if not (os.path.exists("/proc/driver/nvidia/version") or os.environ.get("CUDA_VISIBLE_DEVICES")):
        return 0
    try:
        from qfusion.sim import gpu
        if not gpu.device_available():
            return 0
        from numba import cuda
        return len(cuda.gpus)
    except Exception:  # noqa: BLE001 - a broken driver means no usable GPU
        return 0
