"""Primitives: expectation values (:class:`Estimator`), samples (:class:`Sampler`) and gradients.

They sit above the backends: every backend name works, exactly or with shots.

>>> from qfusion.circuit import Circuit, Parameter
>>> from qfusion.observables import PauliSum
>>> t = Parameter("t")
>>> c = Circuit(1).ry(t, 0)
>>> round(float(Estimator().run(c, PauliSum.from_label("X"), [0.5]).values), 6)
0.479426
>>> [round(float(g), 6) for g in value_and_gradient(c, "X", [0.5]).gradient]
[0.877583]
"""

from qfusion.observables.evolution import append_pauli_evolution, append_pauli_rotation
from qfusion.primitives.adjoint import AdjointTape
from qfusion.primitives.estimator import Estimator, EstimatorResult
from qfusion.primitives.gradients import (
                                          GradientResult,
                                          adjoint_gradient,
                                          finite_difference_gradient,
                                          parameter_shift_gradient,
                                          value_and_gradient,
)
from qfusion.primitives.interfaces import ExpectationFunction, jax_expectation, torch_expectation
from qfusion.primitives.optimizers import OptimizerResult, adam, minimize, spsa
from qfusion.primitives.sampler import Sampler, SamplerResult
from qfusion.primitives.shift_rules import ShiftRule, shift_rule

__all__ = ["AdjointTape", "Estimator", "EstimatorResult", "ExpectationFunction", "GradientResult",
           "OptimizerResult", "Sampler", "append_pauli_evolution", "append_pauli_rotation", "SamplerResult", "ShiftRule", "adam", "adjoint_gradient",
           "finite_difference_gradient", "jax_expectation", "minimize", "parameter_shift_gradient",
           "shift_rule", "spsa", "torch_expectation", "value_and_gradient"]
