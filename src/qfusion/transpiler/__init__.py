"""The transpiler: any circuit in a device's native gates, on its connectivity, scheduled.

>>> import qfusion as qf
>>> tc = qf.transpile(qf.Circuit(2).h(0).cx(0, 1).measure_all(), backend="superconducting", seed=7)
>>> sorted(tc.report.native_gate_counts), tc.report.two_qubit_gates
(['cz', 'rz', 'sx'], 1)
"""

from qfusion._numba_cache import install_notice

install_notice()  # one line on stderr while qfusion's kernels first compile

from qfusion.transpiler.atoms import AtomMove, check_moves, route_by_moves  # noqa: E402
from qfusion.transpiler.decompose import unroll  # noqa: E402
from qfusion.transpiler.one_qubit import synthesize_one_qubit, zyz_angles  # noqa: E402
from qfusion.transpiler.routing import Routed, route, sabre_layout  # noqa: E402
from qfusion.transpiler.scheduling import Schedule, schedule_circuit  # noqa: E402
from qfusion.transpiler.transpile import TranspiledCircuit, TranspileReport, check_native, target_of, transpile  # noqa: E402
from qfusion.transpiler.two_qubit import entangler_count, interaction_coefficients, synthesize_two_qubit  # noqa: E402
from qfusion.transpiler.weyl import SynthesisError, local_equivalence  # noqa: E402

__all__ = ["AtomMove", "check_moves", "route_by_moves", "unroll", "synthesize_one_qubit", "zyz_angles",
           "Routed", "route", "sabre_layout", "Schedule", "schedule_circuit", "TranspiledCircuit",
           "TranspileReport", "check_native", "target_of", "transpile", "entangler_count",
           "interaction_coefficients", "synthesize_two_qubit", "SynthesisError", "local_equivalence"]
