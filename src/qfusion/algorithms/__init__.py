"""Algorithms: QFT and phase estimation, Grover search, Shor factoring, HHL, QAOA."""

from qfusion.algorithms.adapt import ADAPTResult, adapt_vqe  # noqa: E402
from qfusion.algorithms.ansatze import hardware_efficient_ansatz  # noqa: E402
from qfusion.algorithms.vqe import VQEProgress, VQEResult, vqe  # noqa: E402
