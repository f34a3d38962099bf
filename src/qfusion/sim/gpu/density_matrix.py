"""The GPU density-matrix simulator: the CPU density matrix's plan, run by CUDA kernels.

The density matrix is held on the device as its Pauli components, a real vector of ``4^n``
entries seen as a ``2n``-qubit vector (:mod:`.density_ops`). Gates, channels and resets are
lowered exactly as on the CPU (real Pauli transfer matrices, signed permutations, diagonals)
and the noisy program runs through the CPU simulator's own control flow
(:func:`qfusion.sim.density_matrix.execute`); only the data steps differ: the lowered ops go
through the GPU state-vector plan (:func:`qfusion.sim.gpu.steps.gate_steps`: shared-memory sweeps
from ``lanes_from_qubits`` index bits on, else one kernel per fused op), specialised to a real
dtype. Probabilities, expectation values and measurements read only the components they need
(:mod:`.kernels.cuda_density`): the ``2^n`` diagonal for sampling, one component per Pauli term.

The plan is built on the host and needs no GPU: an ``H`` then a noisy ``CX`` on 2 qubits is one
dense transfer matrix on the bits of qubit 0 and one on the four bits of the pair (the signed
permutation of the ``CX`` times the depolarizing diagonal, fused into one scaled permutation):

>>> from qfusion.circuit import Circuit
>>> from qfusion.noise import NoiseModel, depolarizing
>>> from qfusion.sim.noise_plan import lower_noisy
>>> model = NoiseModel()
>>> model.add_gate_error(depolarizing(0.1, 2), ["cx"])
>>> program = lower_noisy(Circuit(2).h(0).cx(0, 1), noise_model=model)
>>> [(step[0], step[1].tolist()) for step in density_steps(list(program.ops), 2, np.float64, GpuOptions())]
[('dense', [0, 2]), ('dense', [0, 1, 2, 3])]
>>> if device_available():  # on a GPU machine
...     rho = simulate(Circuit(2).h(0).cx(0, 1), noise_model=model)
...     assert abs(rho.expectation_value("ZZ") - 0.9) < 1e-12
"""

from __future__ import annotations

import numpy as np

from qfusion.sim.density_matrix import DensityRun, execute, metadata, real_dtype, sample_program
from qfusion.sim.density_ops import lower_segment
from qfusion.sim.density_state import DensityMatrix
from qfusion.sim.gpu import statevector as gpu
from qfusion.sim.gpu.device import GpuOptions, device_available, launch, numba_cuda
from qfusion.sim.kernels import cuda_density, cuda_gates
from qfusion.sim.memory import fits
from qfusion.sim.noise_plan import NoisyProgram, lower_noisy
from qfusion.sim.plan import check_shots

__all__ = ["GpuDensityMatrix", "GpuOptions", "density_steps", "device_available", "sample", "simulate"]


def density_steps(ops: list, num_qubits: int, dtype, options: GpuOptions) -> list[tuple]:
    """The device steps (:func:`qfusion.sim.gpu.steps.gate_steps`) of gates, channels and resets on the
    Pauli vector of ``num_qubits`` qubits held as the real ``dtype``, ending in qubit order."""
    return gpu.gate_steps(lower_segment(ops, num_qubits), 2 * num_qubits, dtype, options)


class GpuDensityMatrix(DensityMatrix):
    """A density matrix held on the GPU as its Pauli components (a real device vector).

    The API of :class:`~qfusion.sim.density_state.DensityMatrix`: probabilities, purity,
    expectation values and reduced matrices read only the components they need from the device;
    ``pauli_components``, ``numpy.asarray(rho)`` and :meth:`to_density_matrix` copy it all to the host.

    >>> GpuDensityMatrix.__mro__[1].__name__
    'DensityMatrix'
    """

    def __init__(self, device_data, num_qubits: int, options: GpuOptions, metadata: dict | None = None):
        super().__init__(device_data, num_qubits, metadata)
        self.options = options

    @property
    def device_data(self):
        return self._t

    @property
    def pauli_components(self) -> np.ndarray:
        """The components copied to the host."""
        return self._t.copy_to_host()

    def components(self, indices) -> np.ndarray:
        indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        if not len(indices):
            return np.zeros(0)
        cuda = numba_cuda()
        out = cuda.device_array(len(indices), dtype=self._t.dtype)
        launch(cuda_density.gather, len(indices), self.options, self._t, cuda.to_device(indices), out)
        return out.copy_to_host().astype(np.float64)

    def _sum_of_squares(self) -> float:
        return gpu.pauli_overlap(self._t, self._t, 0, 0, self.options).real

    def to_density_matrix(self) -> DensityMatrix:
        """The components copied to the host as a CPU :class:`~qfusion.sim.density_state.DensityMatrix`."""
        return DensityMatrix(self.pauli_components, self.num_qubits, self.metadata)

    def __repr__(self) -> str:
        return "Gpu" + super().__repr__()


class _GpuRun(DensityRun):
    """A run whose data is a device vector: the steps of :func:`density_steps`, uploaded once per
    segment and cached as the CPU run caches its plans; the data is always in qubit order."""

    def run_gates(self, ops: list, key, keep_layout: bool) -> None:
        if not ops:
            return
        cached = self.cache.get(key)
        if cached is None:
            steps = density_steps(ops, self.num_qubits, self.data.dtype, self.options)
            cached = (steps, gpu.upload(steps)) if steps else ((), ())
            self.cache[key] = cached
        gpu.launch_steps(self._rows(), *cached, self.options)

    def restore(self) -> None:
        """Nothing to do: the device steps end in qubit order."""

    def state(self) -> GpuDensityMatrix:
        return GpuDensityMatrix(self.data, self.num_qubits, self.options)

    def scale(self, factor: float) -> None:
        factors = numba_cuda().to_device(np.array([factor], dtype=self.data.dtype))
        launch(cuda_gates.scale_kernel, self.data.shape[0], self.options, self._rows(), factors)

    def check_forks_fit(self) -> None:
        """Raise unless the one device buffer the forks share fits beside the data."""
        gpu.check_device_fits(2 * self.num_qubits, self.data.dtype,
                              what=f"the copy of the density matrix of {self.num_qubits} qubits each shot starts from")

    def fork(self) -> _GpuRun:
        """A copy of the data in one device buffer kept for the forks (a fork is overwritten by the
        next one: the shots run one after another)."""
        buffer = self.cache.get("fork buffer")
        if buffer is None:
            buffer = self.cache["fork buffer"] = numba_cuda().device_array_like(self.data)
        buffer.copy_to_device(self.data)
        return _GpuRun(buffer, self.num_qubits, self.rng, np.zeros_like(self.clbits), self.options, cache=self.cache)

    def branch(self) -> _GpuRun:
        """An independent device copy of the data (branches live side by side)."""
        data = numba_cuda().device_array_like(self.data)
        data.copy_to_device(self.data)
        return _GpuRun(data, self.num_qubits, self.rng, np.zeros_like(self.clbits), self.options, cache=self.cache)

    def branches_fit(self, copies: int) -> bool:
        return fits(gpu.check_device_fits, 2 * self.num_qubits, self.data.dtype, copies=copies)

    def _rows(self):
        return self.data.reshape(1, self.data.shape[0])


def _prepare(circuit, params, noise_model, durations, dtype, options):
    gpu.require_device("gpu_density_matrix", "density_matrix")
    dtype = real_dtype(dtype)
    gpu.check_device_fits(2 * circuit.num_qubits, dtype,
                          what=f"a density matrix of {circuit.num_qubits} qubits (4^{circuit.num_qubits} entries)")
    return lower_noisy(circuit, params, noise_model, durations), dtype, options or GpuOptions()


def _new_run(program: NoisyProgram, rng, dtype, options: GpuOptions) -> _GpuRun:
    data = numba_cuda().device_array(1 << (2 * program.num_qubits), dtype=dtype)
    launch(cuda_density.pauli_basis_zero, data.shape[0], options, data, np.int64(program.num_qubits))
    return _GpuRun(data, program.num_qubits, rng, np.zeros(program.num_clbits, dtype=np.uint8), options)


def simulate(circuit, params=None, *, noise_model=None, durations=None, dtype=np.complex128, seed=None,
             options: GpuOptions | None = None) -> GpuDensityMatrix:
    """The final density matrix of ``circuit`` under ``noise_model``, on the GPU (as
    :func:`qfusion.sim.density_matrix.simulate`; ``dtype`` complex64 holds float32 components)."""
    program, dtype, options = _prepare(circuit, params, noise_model, durations, dtype, options)
    run = _new_run(program, np.random.default_rng(seed), dtype, options)
    execute(run, program)
    return GpuDensityMatrix(run.data, program.num_qubits, options, metadata(run))


def sample(circuit, shots: int, *, params=None, noise_model=None, durations=None, seed=None,
           dtype=np.complex128, memory: bool = False, options: GpuOptions | None = None):
    """``(counts, memory or None, metadata)`` as :func:`qfusion.sim.density_matrix.sample`, on the GPU:
    only the ``2^n`` probabilities come back for terminal measurements; otherwise the shots run
    together, forking device copies of the state where their mid-circuit outcomes part (one by
    one, from a shared copy, when those copies do not fit)."""
    check_shots(shots)
    program, dtype, options = _prepare(circuit, params, noise_model, durations, dtype, options)
    return sample_program(program, int(shots), lambda rng: _new_run(program, rng, dtype, options),
                          np.random.default_rng(seed), memory, branches=True)
