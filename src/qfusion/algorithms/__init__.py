"""Algorithms: QFT and phase estimation, Grover search, Shor factoring, HHL, QAOA; randomized
benchmarking and quantum volume in :mod:`qfusion.algorithms.characterization`.

>>> from qfusion.algorithms import shor, grover_search
>>> shor(15, seed=1).factors
(3, 5)
>>> grover_search(3, ["101"]).top_measurement
'101'
"""

from qfusion.algorithms.arithmetic import MultiplierLayout, controlled_modular_multiplication
from qfusion.algorithms.grover import (
                                       GroverResult,
                                       amplitude_amplification,
                                       diffuser,
                                       grover_circuit,
                                       grover_search,
                                       optimal_iterations,
)
from qfusion.algorithms.hhl import HHLResult, hhl, hhl_circuit
from qfusion.algorithms.oracles import marked_states, phase_oracle
from qfusion.algorithms.phase_estimation import PhaseEstimationResult, estimate_phase, phase_estimation_circuit
from qfusion.algorithms.problems import (
                                       Graph,
                                       brute_force,
                                       cut_value,
                                       diagonal,
                                       ising_hamiltonian,
                                       maxcut_hamiltonian,
                                       portfolio_hamiltonian,
                                       portfolio_qubo,
                                       qubo_hamiltonian,
                                       read_graph,
)
from qfusion.algorithms.qaoa import QAOAResult, interpolate, qaoa, qaoa_circuit, qaoa_ladder
from qfusion.algorithms.qft import inverse_qft, qft
from qfusion.algorithms.shor import ShorResult, factors_from_order, order_finding_circuit, order_from_phase, shor

__all__ = [
    "GroverResult", "HHLResult", "Graph", "MultiplierLayout", "PhaseEstimationResult", "QAOAResult", "ShorResult",
    "amplitude_amplification", "brute_force", "controlled_modular_multiplication", "cut_value", "diagonal",
    "diffuser", "estimate_phase", "factors_from_order", "grover_circuit", "grover_search", "hhl", "hhl_circuit",
    "interpolate", "inverse_qft", "ising_hamiltonian", "marked_states", "maxcut_hamiltonian", "optimal_iterations",
    "order_finding_circuit", "order_from_phase", "phase_estimation_circuit", "phase_oracle",
    "portfolio_hamiltonian", "portfolio_qubo", "qaoa", "qaoa_circuit", "qaoa_ladder", "qft", "qubo_hamiltonian",
    "read_graph", "shor",
]

from qfusion.algorithms.adapt import ADAPTResult, adapt_vqe  # noqa: E402
from qfusion.algorithms.ansatze import hardware_efficient_ansatz  # noqa: E402
from qfusion.algorithms.vqe import VQEProgress, VQEResult, vqe  # noqa: E402

__all__ += ["ADAPTResult", "VQEProgress", "VQEResult", "adapt_vqe", "hardware_efficient_ansatz", "vqe"]
