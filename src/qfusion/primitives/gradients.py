"""Gradients of expectation values: adjoint sweeps, parameter-shift rules, finite differences.

* ``"adjoint"``: exact, on the state vector, one forward and one backward sweep for every
  parameter at once (:mod:`qfusion.primitives.adjoint`); ``backend="gpu"`` runs the sweeps on
  the GPU (the states stay on the device).
* ``"parameter_shift"``: exact in expectation on *any* backend, shot-based or noisy; every
  gate occurrence of a parameter is shifted by its own rule (:mod:`.shift_rules`), and the
  chain rule adds the occurrences (``2*theta``, a parameter shared by several gates).
* ``"finite_difference"``: central differences on any backend.

>>> from qfusion.circuit import Circuit, Parameter
>>> from qfusion.observables import PauliSum
>>> a, b = Parameter("a"), Parameter("b")
>>> c = Circuit(2).ry(a, 0).crx(2 * b, 0, 1)
>>> H = PauliSum.from_list([("ZI", 1.0), ("IX", 0.5)])
>>> exact = value_and_gradient(c, H, [0.4, 0.3])
>>> shifted = value_and_gradient(c, H, [0.4, 0.3], method="parameter_shift")
>>> bool(abs(exact.gradient - shifted.gradient).max() < 1e-12)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qfusion.circuit import Circuit, ControlledGate, InverseGate, PowerGate, StandardGate
from qfusion.errors import CircuitError
from qfusion.primitives.adjoint import AdjointTape
from qfusion.primitives.circuits import inline, parameter_values, unitary_part
from qfusion.primitives.estimator import Estimator
from qfusion.primitives.expressions import value_and_partials
from qfusion.primitives.measurement import as_observable
from qfusion.primitives.shift_rules import shift_rule

METHODS = ("adjoint", "parameter_shift", "finite_difference")


@dataclass(frozen=True)
class GradientResult:
    """The value ``<H>``, its gradient (``circuit.parameters`` order) and their standard errors.

    >>> from qfusion.circuit import Parameter
    >>> result = value_and_gradient(Circuit(1).ry(Parameter("t"), 0), "Z", [0.5])
    >>> round(result.value, 12) == round(float(np.cos(0.5)), 12), np.round(result.gradient, 12).tolist()
    (True, [-0.479425538604])
    """
    value: float
    gradient: np.ndarray
    value_std_error: float = 0.0
    std_errors: np.ndarray | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def value_and_gradient(circuit: Circuit, observable, params, *, method: str = "adjoint",
                       estimator: Estimator | None = None, step: float | None = None,
                       backend: str = "statevector") -> GradientResult:
    """``<H>`` and ``d<H>/d theta`` at ``params`` by ``method`` (see the module docstring).

    ``estimator`` (default: exact, on ``backend``) runs the circuits of the shift and
    finite-difference methods, so they work on every backend and with shots. ``step`` of the
    finite differences defaults to ``1e-6`` when exact and ``0.1`` with shots. ``backend`` is
    where the adjoint sweeps run (``"statevector"`` or ``"gpu"``), or the exact estimator's backend.

    >>> from qfusion.circuit import Parameter
    >>> circuit = Circuit(1).ry(Parameter("t"), 0)
    >>> [round(float(value_and_gradient(circuit, "Z", [0.5], method=m).gradient[0]), 6)
    ...  for m in ("adjoint", "parameter_shift", "finite_difference")]
    [-0.479426, -0.479426, -0.479426]
    """
    if estimator is not None and backend != "statevector":
        raise CircuitError("give either estimator= or backend=, not both (the estimator has its backend)")
    if method == "adjoint":
        if estimator is not None:
            raise CircuitError("adjoint differentiation runs on the exact state vector; give the estimator "
                               "to method='parameter_shift' or 'finite_difference' instead")
        return adjoint_gradient(circuit, observable, params, backend=backend)
    if estimator is None and backend != "statevector" and method in METHODS:
        estimator = Estimator(backend=backend)
    if method == "parameter_shift":
        return parameter_shift_gradient(circuit, observable, params, estimator=estimator)
    if method == "finite_difference":
        return finite_difference_gradient(circuit, observable, params, estimator=estimator, step=step)
    raise CircuitError(f"unknown gradient method {method!r}; choose one of {', '.join(METHODS)}")


def adjoint_gradient(circuit: Circuit, observable, params, *, backend: str = "statevector") -> GradientResult:
    """Adjoint differentiation on ``backend`` ("statevector" or "gpu"; for many calls on one
    circuit, keep an :class:`AdjointTape`).

    >>> from qfusion.circuit import Parameter
    >>> np.round(adjoint_gradient(Circuit(1).rx(Parameter("t"), 0), "Z", [np.pi / 2]).gradient, 12).tolist()
    [-1.0]
    """
    tape = AdjointTape(circuit, backend=backend)
    value, grad = tape.value_and_gradient(as_observable(observable, circuit.num_qubits), params)
    return GradientResult(value, grad, 0.0, np.zeros_like(grad), {"method": "adjoint", "backend": backend})


def finite_difference_gradient(circuit: Circuit, observable, params, *, estimator: Estimator | None = None,
                               step: float | None = None) -> GradientResult:
    """Central differences ``(E(theta + h e_j) - E(theta - h e_j)) / 2h``, one batch on the estimator
    (``h`` defaults to ``1e-6`` when exact, ``0.1`` with shots, where a tiny step drowns in noise).

    >>> from qfusion.circuit import Parameter
    >>> float(np.round(finite_difference_gradient(Circuit(1).rx(Parameter("t"), 0), "Z", [0.0]).gradient[0], 6))
    0.0
    """
    estimator = estimator or Estimator()
    if step is None:
        step = 1e-6 if estimator.shots is None else 0.1
    values = parameter_values(circuit, params)
    x = np.array([values[p.name] for p in circuit.parameters])
    eye = np.eye(len(x)) * step
    rows = np.concatenate([x[None, :], x + eye, x - eye]) if len(x) else x[None, :]
    result = estimator.run(circuit, observable, rows)
    count = len(x)
    plus, minus = result.values[1:1 + count], result.values[1 + count:]
    se_plus, se_minus = result.std_errors[1:1 + count], result.std_errors[1 + count:]
    return GradientResult(float(result.values[0]), (plus - minus) / (2 * step), float(result.std_errors[0]),
                          np.sqrt(se_plus ** 2 + se_minus ** 2) / (2 * step),
                          {"method": "finite_difference", "step": step, **result.metadata})


def parameter_shift_gradient(circuit: Circuit, observable, params, *,
                             estimator: Estimator | None = None) -> GradientResult:
    """The general parameter-shift rule, every shifted circuit in one batch on the estimator.

    >>> from qfusion.circuit import Parameter
    >>> t = Parameter("t")
    >>> np.round(parameter_shift_gradient(Circuit(1).rx(2 * t, 0), "Z", [np.pi / 4]).gradient, 12).tolist()
    [-2.0]
    """
    estimator = estimator or Estimator()
    prepared = inline(unitary_part(circuit))
    values = parameter_values(prepared, params)
    index = {p.name: j for j, p in enumerate(prepared.parameters)}
    bound = prepared.bind(values)
    circuits = [bound]
    terms = []  # (first circuit, rule weights, {parameter index: d slot / d parameter})
    for position, inst in enumerate(prepared.instructions):
        op = inst.operation
        if not op.is_parameterized:
            continue
        slots = [value_and_partials(p, values) for p in op.params]
        floats = [v for v, _ in slots]
        for slot, (a, partials) in enumerate(slots):
            if not partials:
                continue
            def matrix_at(v, op=op, slot=slot, floats=floats):
                return with_slot(op, slot, v, floats).matrix()
            rule = shift_rule(matrix_at, a)
            first = len(circuits)
            for shift in rule.shifts:
                for sign in (1, -1):
                    shifted = bound.copy()
                    shifted.instructions[position] = type(inst)(with_slot(op, slot, a + sign * shift, floats),
                                                                inst.qubits)
                    circuits.append(shifted)
            terms.append((first, rule.weights, {index[k]: d for k, d in partials.items()}))
    result = estimator.run(circuits, observable)
    grad = np.zeros(len(index))
    variance = np.zeros(len(index))
    for first, weights, partials in terms:
        plus = result.values[first:first + 2 * len(weights):2]
        minus = result.values[first + 1:first + 2 * len(weights):2]
        derivative = float(np.dot(weights, plus - minus))
        errors = result.std_errors[first:first + 2 * len(weights)].reshape(-1, 2)
        spread = float(np.dot(np.square(weights), (errors ** 2).sum(axis=1)))
        for j, d in partials.items():
            grad[j] += d * derivative
            variance[j] += d * d * spread
    return GradientResult(float(result.values[0]), grad, float(result.std_errors[0]), np.sqrt(variance),
                          {"method": "parameter_shift", "circuits": len(circuits), **result.metadata})


def with_slot(op, slot: int, value: float, floats: list[float]):
    """``op`` with every parameter bound to ``floats`` except parameter ``slot``, set to ``value``.

    >>> from qfusion.circuit import standard_gate
    >>> with_slot(standard_gate("u", 0.0, 0.0, 0.0), 1, 0.5, [0.1, 0.2, 0.3])
    Gate('u', 0.1, 0.5, 0.3)
    """
    params = list(floats)
    params[slot] = value
    if isinstance(op, StandardGate):
        return StandardGate(op.name, tuple(params), op.num_qubits)
    if isinstance(op, ControlledGate):
        return ControlledGate(with_slot(op.base, slot, value, floats), op.num_ctrl_qubits, op.ctrl_state)
    if isinstance(op, InverseGate):
        return InverseGate(with_slot(op.base, slot, value, floats))
    if isinstance(op, PowerGate):
        return PowerGate(with_slot(op.base, slot, value, floats), op.exponent)
    raise CircuitError(f"the parameter-shift rule does not know how to shift gate {op.name!r}; use "
                       f"method='finite_difference' or 'adjoint'")
