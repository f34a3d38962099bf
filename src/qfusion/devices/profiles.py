"""Four built-in machines, one per modality, with parameters from published calibrations.

The numbers are representative published values (medians or data-sheet typicals), not a
snapshot of one day's calibration; a user who has a real calibration can load it as JSON or
YAML (:func:`qfusion.devices.load`). Sources:

* ``superconducting`` - 27 transmons on IBM's heavy-hex lattice (Falcon layout: Chamberland et
  al., PRX 10, 011022 (2020)), CZ + SX + RZ as on IBM Heron, with errors and times of the
  order of IBM's published Heron r2 medians (IBM Quantum Platform, Compute resources, 2024:
  2Q error ~3e-3, SX ~2.5e-4, readout ~1.5e-2, T1 ~200 µs, T2 ~150 µs, CZ ~70 ns, SX 32 ns,
  readout ~1.6 µs). RZ is virtual (McKay et al., PRA 96, 022330 (2017)).
* ``trapped_ion`` - 20 all-to-all ions with native U1q (here RX/RY), virtual RZ and
  arbitrary-angle RZZ, after the Quantinuum System Model H1 Product Data Sheet (2024:
  1Q infidelity ~2e-5, 2Q ~1e-3, SPAM ~3e-3) and Pino et al., Nature 592, 209 (2021) for
  time scales (gates of tens to hundreds of µs including transport, coherence of seconds).
* ``neutral_atom`` - 24 Rb atoms in a reconfigurable tweezer array, Rydberg CZ with 99.5 %
  fidelity (Evered et al., Nature 622, 268 (2023)), global Raman rotations and local Z
  rotations, atom moves with acousto-optic tweezers at ~0.55 µm/µs and coherence ~1 s
  (Bluvstein et al., Nature 604, 451 (2022); Nature 626, 58 (2024)); atom loss is an erasure.
* ``photonic`` - 16 dual-rail photonic qubits on a 4x4 fusion lattice: SPAM 99.98 % and
  two-qubit fusion fidelity 99.22 % (PsiQuantum, Nature 641, 876 (2025)), entangling gates
  heralded with success 3/4 (boosted fusion: Ewert & van Loock, PRL 113, 140403 (2014);
  Bartolucci et al., Nat. Commun. 14, 912 (2023)) and repeated until success; photon loss is
  an erasure.

>>> superconducting().num_qubits, trapped_ion().entangler, neutral_atom().atoms.blockade_radius
(27, 'rzz', 6.0)
"""

from __future__ import annotations

import math

import numpy as np

from qfusion.devices.coupling import grid, heavy_hex_27
from qfusion.devices.device import AtomArray, Device, GateCalibration, PhotonicLinks, QubitCalibration


def _spread(count: int, mean: float, relative: float, seed: int) -> np.ndarray:
    """Qubit-to-qubit variation of a calibration: log-normal around ``mean``, fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    return mean * np.exp(relative * rng.standard_normal(count) - relative ** 2 / 2)


def superconducting() -> Device:
    """27 transmons on IBM's heavy-hex lattice with CZ, SX, X and virtual RZ (Heron-like medians)."""
    n = 27
    t1 = _spread(n, 200e-6, 0.25, 1)
    t2 = np.minimum(_spread(n, 150e-6, 0.3, 2), 2 * t1)
    readout = _spread(n, 0.015, 0.4, 3)
    qubits = tuple(QubitCalibration(float(a), float(b), (float(r) * 0.7, float(r) * 1.3))
                   for a, b, r in zip(t1, t2, readout))
    return Device(
        name="superconducting", modality="superconducting", num_qubits=n,
        native_gates=("rz", "sx", "x", "cz"), coupling_map=heavy_hex_27(),
        gates=(GateCalibration("sx", 32e-9, 2.5e-4), GateCalibration("x", 32e-9, 2.5e-4),
               GateCalibration("cz", 68e-9, 3e-3), GateCalibration("measure", 1.6e-6, 0.0)),
        qubits=qubits, measure_duration=1.6e-6, max_shots=100_000, max_duration=1e-3,
        description="27-qubit heavy-hex transmon processor, CZ + SX + RZ (IBM Heron-like medians)",
        references=("IBM Quantum Platform, Compute resources: Heron r2 median calibrations (2024)",
                    "Chamberland et al., Phys. Rev. X 10, 011022 (2020) (heavy-hex lattice)",
                    "McKay et al., Phys. Rev. A 96, 022330 (2017) (virtual Z gates)"))


def trapped_ion() -> Device:
    """20 all-to-all trapped ions with RX/RY, virtual RZ and arbitrary-angle RZZ (Quantinuum H1-like)."""
    n = 20
    return Device(
        name="trapped_ion", modality="trapped_ion", num_qubits=n,
        native_gates=("rz", "rx", "ry", "rzz"), coupling_map=None,
        gates=(GateCalibration("rx", 15e-6, 2e-5), GateCalibration("ry", 15e-6, 2e-5),
               GateCalibration("rzz", 250e-6, 1e-3), GateCalibration("measure", 150e-6, 0.0)),
        qubits=(QubitCalibration(60.0, 4.0, (2e-3, 4e-3)),) * n,
        measure_duration=150e-6, max_shots=10_000, max_duration=60.0,
        description="20-qubit all-to-all trapped-ion QCCD machine, RZZ(θ) native (Quantinuum H1-like)",
        references=("Quantinuum System Model H1 Product Data Sheet (2024)",
                    "Pino et al., Nature 592, 209 (2021) (QCCD architecture, time scales)"))


def _checkerboard(rows: int, columns: int, spacing: float) -> tuple[tuple[float, float], ...]:
    return tuple((c * spacing, r * spacing) for r in range(rows) for c in range(columns) if (r + c) % 2 == 0)


def neutral_atom() -> Device:
    """24 Rydberg atoms on a checkerboard of a 6x8 site lattice; CZ within the blockade radius,
    atom moves change who can interact (Harvard/QuEra-like)."""
    spacing = 4.0
    positions = _checkerboard(6, 8, spacing)
    n = len(positions)
    radius = 6.0  # covers the diagonal neighbours at 4√2 = 5.66 µm, not the next ones at 8 µm
    pairs = tuple((a, b) for a in range(n) for b in range(a + 1, n)
                  if math.dist(positions[a], positions[b]) <= radius)
    return Device(
        name="neutral_atom", modality="neutral_atom", num_qubits=n,
        native_gates=("rz", "rx", "ry", "cz", "global_rx", "global_ry"), coupling_map=pairs,
        gates=(GateCalibration("rx", 2e-6, 5e-4), GateCalibration("ry", 2e-6, 5e-4),
               GateCalibration("global_rx", 1e-6, 2e-4), GateCalibration("global_ry", 1e-6, 2e-4),
               GateCalibration("cz", 250e-9, 5e-3, erasure=1e-3), GateCalibration("measure", 500e-6, 0.0)),
        qubits=(QubitCalibration(4.0, 1.0, (0.01, 0.02)),) * n,
        measure_duration=500e-6, max_shots=1_000, max_duration=2.0,
        atoms=AtomArray(positions=positions, blockade_radius=radius, site_spacing=spacing,
                        move_speed=0.55e6, move_overhead=15e-6, loss_per_move=5e-4,
                        global_gates=("global_rx", "global_ry")),
        description="24-atom Rydberg array on a reconfigurable lattice, CZ + global rotations + local RZ",
        references=("Evered et al., Nature 622, 268 (2023) (99.5% parallel CZ)",
                    "Bluvstein et al., Nature 604, 451 (2022) (coherent atom transport)",
                    "Bluvstein et al., Nature 626, 58 (2024) (logical processor, zoned moves)"))


def photonic() -> Device:
    """16 dual-rail photonic qubits on a 4x4 lattice, heralded CZ repeated until success (PsiQuantum-like)."""
    n = 16
    success = 0.75
    attempt = 10e-9
    return Device(
        name="photonic", modality="photonic", num_qubits=n,
        native_gates=("u", "cz"), coupling_map=grid(4, 4),
        gates=(GateCalibration("u", 1e-9, 1e-4, erasure=1e-3),
               GateCalibration("cz", attempt / success, 7.8e-3, erasure=0.02),
               GateCalibration("measure", 1e-9, 0.0)),
        qubits=(QubitCalibration(1.0, 1.0, (1e-4, 1e-4)),) * n,
        measure_duration=1e-9, max_shots=1_000_000, max_duration=1e-3,
        photonics=PhotonicLinks(entangling_success_probability=success, attempt_duration=attempt,
                                loss_per_attempt=0.015),
        description="16 dual-rail photonic qubits, boosted-fusion heralded CZ (PsiQuantum-like)",
        references=("PsiQuantum, Nature 641, 876 (2025) (SPAM 99.98%, fusion 99.22%)",
                    "Ewert & van Loock, Phys. Rev. Lett. 113, 140403 (2014) (3/4 boosted Bell measurement)",
                    "Bartolucci et al., Nat. Commun. 14, 912 (2023) (fusion-based quantum computation)"))


PROFILES = {"superconducting": superconducting, "trapped_ion": trapped_ion,
            "neutral_atom": neutral_atom, "photonic": photonic}
