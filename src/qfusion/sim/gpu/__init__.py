"""The GPU twins of the CPU simulators (numba.cuda), each a subclass of the CPU run interface.

- :mod:`.statevector`: :class:`~qfusion.sim.gpu.statevector.GpuStateVectorRun`, a
  :class:`~qfusion.sim.statevector.StateVectorRun` on the device (where the GPU samples shots);
- :mod:`.density_matrix`: the density matrix's :class:`~qfusion.sim.density_matrix.DensityRun` on the device;
- :mod:`.adjoint`: the adjoint-gradient steps on the device; :mod:`.batch`: many parameter sets at once;
- :mod:`.steps`: the CPU plan as device steps; :mod:`.device`: is there a GPU, does a state fit, launch knobs.

CPU simulator code never imports this package (an import-linter contract keeps it so); the
backends in :mod:`qfusion.backends.gpu` do. The names below are the state vector's.

>>> from qfusion.sim import gpu
>>> gpu.GpuOptions().lanes_from_qubits
12
"""

from qfusion.sim.gpu.device import GpuOptions, check_device_fits, cuda_simulator, device_available, require_device
from qfusion.sim.gpu.statevector import GpuStateVector, sample, simulate
from qfusion.sim.gpu.steps import gate_steps, launch_steps, run_steps, upload

__all__ = ["GpuOptions", "GpuStateVector", "check_device_fits", "cuda_simulator", "device_available", "gate_steps",
           "launch_steps", "require_device", "run_steps", "sample", "simulate", "upload"]
