"""The cost model: seconds and bytes of a circuit per representation, from its features and constants.

Each representation has a memory formula (what the state needs) and a time formula (work times a
calibrated rate plus a fixed overhead). The rates are measured on the machine by ``qfusion
calibrate`` (:func:`qfusion.hpc.calibrate.calibrate`) and kept in the user's config directory
(``$QFUSION_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/qfusion``, else ``~/.config/qfusion``), file
``cost_model.json``; without that file the shipped defaults (a 2-core laptop-class CPU) apply.

>>> model = CostModel()
>>> model.statevector_seconds(20, 100) > model.statevector_seconds(10, 100)
True
>>> CostModel.from_dict({"statevector_rate": 2e-9}).statevector_rate
2e-09
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from qfusion.errors import QfusionError

FILE_NAME = "cost_model.json"


def config_dir() -> Path:
    """The user's qfusion config directory (not created here).

    >>> config_dir().name
    'qfusion'
    """
    explicit = os.environ.get("QFUSION_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "qfusion"


@dataclass(frozen=True)
class CostModel:
    """Seconds per unit of work of each representation, and fixed overheads (seconds).

    ``statevector_rate``: per amplitude per fused gate; ``density_rate``: per density-matrix entry per
    fused gate or channel; ``mps_rate``: per ``m*n*min(m, n)`` of each two-site SVD; ``stabilizer_rate``:
    per gate per qubit (tableau) and ``stabilizer_shot_rate`` per gate per shot (frame sampling);
    ``trajectory_overhead``: the fixed cost of each shot run as its own trajectory (noise, mid-circuit
    measurements); ``gpu_speedup``: how much faster the GPU state vector is than the CPU one; ``sample_rate``: per
    shot per qubit of perfect sampling from an MPS (times the bond dimension squared). The ``mpi`` backend:
    ``mpi_bandwidth`` (bytes per second each way of one rank's link) and ``mpi_latency`` (seconds per message)
    price its exchanges; ``mpi_local_factor`` is its local work per amplitude relative to the single-process
    state vector's (2.4 measured at 2 ranks, bench/bench_distributed.py: each exchange cuts the fused sweeps
    short). These three are shipped values (this VM's loopback), not measured by ``qfusion calibrate``.

    >>> model = CostModel()
    >>> model.statevector_rate, model.source
    (2e-09, 'shipped defaults')
    """
    statevector_rate: float = 2.0e-9
    statevector_overhead: float = 2e-3
    trajectory_overhead: float = 3e-3
    density_rate: float = 4.0e-9
    density_overhead: float = 3e-3
    mps_rate: float = 1.5e-10
    mps_step: float = 5e-5
    mps_overhead: float = 5e-3
    mps_sample_rate: float = 5e-9
    stabilizer_rate: float = 1e-9
    stabilizer_shot_rate: float = 2e-9
    stabilizer_overhead: float = 5e-3
    gpu_speedup: float = 20.0
    gpu_overhead: float = 0.2
    mpi_bandwidth: float = 10e9
    mpi_latency: float = 5e-6
    mpi_local_factor: float = 2.4
    source: str = "shipped defaults"

    @classmethod
    def from_dict(cls, data: dict) -> CostModel:
        """The model with ``data``'s rates; keys it does not know are refused.


        >>> CostModel.from_dict({"mps_rate": 1e-10}).mps_rate
        1e-10
        """
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise QfusionError(f"unknown cost-model constants {sorted(unknown)}; known: {sorted(known)}")
        return cls(**data)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> CostModel:
        """The calibrated model from the config directory, or the shipped defaults when there is none.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "cost.json")
        >>> _ = CostModel(statevector_rate=3e-9).save(path)
        >>> CostModel.load(path).statevector_rate
        3e-09
        """
        path = Path(path) if path is not None else config_dir() / FILE_NAME
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise QfusionError(f"cannot read the cost model {path}: {exc}; run 'qfusion calibrate' again") from exc
        return cls.from_dict(dict(data, source=str(path)))

    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Write the model as JSON to ``path`` (default: the config directory); returns the path written.


        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "cost.json")
        >>> CostModel().save(path).name
        'cost.json'
        """
        path = Path(path) if path is not None else config_dir() / FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in asdict(self).items() if k != "source"}
        path.write_text(json.dumps(data, indent=2) + "\n")
        return path

    # -- time formulas ----------------------------------------------------------------------

    def statevector_seconds(self, num_qubits: int, fused_gates: int, trajectories: int = 1) -> float:
        """Estimated seconds of ``trajectories`` state-vector runs of ``fused_gates`` fused gates on ``num_qubits``.


        >>> model = CostModel()
        >>> round(model.statevector_seconds(20, 10) / model.statevector_seconds(19, 10), 1) > 1.5
        True
        """
        per_trajectory = self.statevector_rate * 2.0 ** num_qubits * max(1, fused_gates)
        if trajectories > 1:
            per_trajectory += self.trajectory_overhead
        return self.statevector_overhead + trajectories * per_trajectory

    def density_seconds(self, num_qubits: int, operations: int) -> float:
        """Estimated seconds of a density-matrix run of ``operations`` gates and channels on ``num_qubits``.


        >>> CostModel().density_seconds(10, 50) > CostModel().statevector_seconds(10, 50)
        True
        """
        return self.density_overhead + self.density_rate * 4.0 ** num_qubits * max(1, operations)

    def distributed_seconds(self, local_qubits: int, fused_gates: int, exchanges: int, messages: int,
                            bytes_per_exchange: float, trajectories: int = 1) -> float:
        """The ``mpi`` backend: each rank's local sweeps plus its exchanges (all ranks in step).

        >>> model = CostModel(statevector_rate=1e-9, statevector_overhead=0.0, mpi_local_factor=1.0,
        ...                   mpi_latency=1e-5, mpi_bandwidth=1e9)
        >>> round(model.distributed_seconds(20, 10, exchanges=2, messages=4, bytes_per_exchange=8e6), 9)
        0.02656576
        >>> 1e-9 * 2**20 * 10 + 2 * (4 * 1e-5 + 8e6 / 1e9)     # local sweeps + two exchanges
        0.02656576
        """
        local = self.mpi_local_factor * self.statevector_rate * 2.0 ** local_qubits * max(1, fused_gates)
        exchange = exchanges * (messages * self.mpi_latency + bytes_per_exchange / self.mpi_bandwidth)
        per_trajectory = local + exchange + (self.trajectory_overhead if trajectories > 1 else 0.0)
        return self.statevector_overhead + trajectories * per_trajectory

    def mps_seconds(self, work, cap: float, num_qubits: int, shots: int) -> float:
        """``work``: (left bits, right bits, width) of each multi-site op; bonds capped at ``cap``.

        >>> CostModel().mps_seconds([(1, 1, 2)] * 10, cap=6, num_qubits=10, shots=100) > 0
        True
        """
        total = 0.0
        largest = 1.0
        for left_bits, right_bits, width in work:
            left, right = min(cap, 2.0 ** min(left_bits, 60)), min(cap, 2.0 ** min(right_bits, 60))
            m, n = left * 2.0 ** (width - 1), right * 2.0
            total += m * n * min(m, n)
            largest = max(largest, left)
        sampling = shots * num_qubits * largest * largest * self.mps_sample_rate
        return self.mps_overhead + self.mps_step * len(work) + self.mps_rate * total + sampling

    def stabilizer_seconds(self, num_qubits: int, gates: int, shots: int) -> float:
        """Estimated seconds of a tableau run of ``gates`` on ``num_qubits`` and ``shots`` sampled frames.


        >>> model = CostModel()
        >>> model.stabilizer_seconds(1000, 2000, 1000) < model.statevector_seconds(30, 2000)
        True
        """
        return (self.stabilizer_overhead + self.stabilizer_rate * gates * num_qubits
                + self.stabilizer_shot_rate * gates * max(1, shots))


def mps_bytes(bits, cap: float, itemsize: int) -> float:
    """Bytes of the tensors of an MPS whose bonds' log2 bounds are ``bits`` (capped at ``cap``).

    >>> mps_bytes([1, 2, 1], cap=10, itemsize=16)  # bonds 2, 4, 2 between four sites
    1408.0
    """
    bonds = [1.0] + [min(cap, 2.0 ** min(b, 60)) for b in bits] + [1.0]
    tensors = sum(bonds[k] * 2 * bonds[k + 1] for k in range(len(bonds) - 1))
    block = max((bonds[k] * 4 * bonds[k + 2] for k in range(len(bonds) - 2)), default=4.0)
    return (tensors + 3 * block) * itemsize


def human_seconds(seconds: float) -> str:
    """``'1.2 ms'``, ``'3.4 s'``, ``'2.1 h'``, ``'5e+12 years'``.

    >>> human_seconds(0.0012), human_seconds(7200)
    ('1.2 ms', '2 h')
    """
    if not math.isfinite(seconds):
        return "forever"
    for limit, unit, scale in ((1e-3, "us", 1e6), (1, "ms", 1e3), (120, "s", 1), (7200, "min", 1 / 60),
                               (86400 * 365, "h", 1 / 3600)):
        if seconds < limit:
            return f"{seconds * scale:.2g} {unit}" if seconds * scale < 10 else f"{seconds * scale:.0f} {unit}"
    return f"{seconds / (86400 * 365):.2g} years"
