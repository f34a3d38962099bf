"""NumPy-style broadcasting of circuits x observables x parameter sets.

Circuits and observables become object arrays (a single one is a 0-d array); parameter
values become a float array whose last axis holds one value per circuit parameter. Their
shapes broadcast as NumPy's do: 3 observables and 5 parameter sets give shape ``(3, 5)``
when the observables come as a column ``[[H1], [H2], [H3]]``.

>>> import numpy as np
>>> from qfusion.circuit import Circuit, Parameter
>>> c = Circuit(1).rx(Parameter("t"), 0)
>>> plan = broadcast(c, [["Z"], ["X"]], np.zeros((3, 1)), is_item=lambda v: isinstance(v, str))
>>> plan.shape, plan.observable_index.tolist(), plan.parameter_index.tolist()
((2, 3), [[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from qfusion.backends.base import check_circuit
from qfusion.circuit import Circuit
from qfusion.errors import CircuitError


@dataclass(frozen=True)
class Broadcast:
    """Flat circuits, observables and parameter rows, and for each output entry the index of each.

    >>> from qfusion.circuit import Circuit
    >>> plan = broadcast([Circuit(1), Circuit(1).x(0)], "Z", None, is_item=lambda v: isinstance(v, str))
    >>> plan.shape, plan.circuit_index.tolist(), plan.observables
    ((2,), [0, 1], ('Z',))
    """
    shape: tuple[int, ...]
    circuits: tuple
    observables: tuple
    parameter_rows: np.ndarray  # (number of parameter sets, number of parameters)
    circuit_index: np.ndarray
    observable_index: np.ndarray
    parameter_index: np.ndarray


def object_array(value, is_item) -> np.ndarray:
    """An object array of the items of a (nested) sequence; a single item gives a 0-d array.

    >>> object_array([["a", "b"], ["c", "d"]], lambda v: isinstance(v, str)).shape
    (2, 2)
    >>> object_array("a", lambda v: isinstance(v, str)).shape
    ()
    """
    if is_item(value):
        out = np.empty((), dtype=object)
        out[()] = value
        return out
    items = [object_array(v, is_item) for v in value]
    if not items:
        return np.empty((0,), dtype=object)
    shapes = {item.shape for item in items}
    if len(shapes) != 1:
        raise CircuitError(f"a batch must be rectangular, got rows of shapes {sorted(shapes)}")
    out = np.empty((len(items),) + items[0].shape, dtype=object)
    for i, item in enumerate(items):
        out[i, ...] = item
    return out


def parameter_array(params, num_parameters: int) -> np.ndarray:
    """Values as a float array ``(..., num_parameters)``; ``None`` for circuits without parameters.

    >>> parameter_array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], 2).shape
    (3, 2)
    >>> parameter_array([0.1], 2)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: params must end in an axis of 2 value(s) (one per circuit parameter), got shape (1,)
    """
    if params is None:
        if num_parameters:
            raise CircuitError(f"the circuit has {num_parameters} parameter(s); pass params=")
        return np.zeros((0,))
    values = np.asarray(params, dtype=float)
    if num_parameters == 0 and values.size == 0:
        return values.reshape(values.shape[:-1] + (0,)) if values.ndim else np.zeros((0,))
    if values.ndim == 0 or values.shape[-1] != num_parameters:
        raise CircuitError(f"params must end in an axis of {num_parameters} value(s) (one per circuit "
                           f"parameter), got shape {values.shape}")
    return values


def _row_from_mapping(circuit_array, params: Mapping) -> list[float]:
    """One parameter set given by name (``{"theta": 0.1}``), as the row in ``circuit.parameters``
    order; unknown and missing names are errors that name them."""
    from qfusion.circuit.circuit import check_parameter_names
    circuits = list(circuit_array.reshape(-1))
    names = [p.name for p in circuits[0].parameters] if circuits else []
    if any([p.name for p in c.parameters] != names for c in circuits):
        raise CircuitError("parameter values by name need circuits with the same parameters; give an array instead")
    if circuits:
        check_parameter_names(circuits[0], params)
    by_name = {getattr(k, "name", k): v for k, v in params.items()}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise CircuitError(f"parameter(s) {', '.join(missing)} need values")
    return [float(by_name[n]) for n in names]


def _is_circuit(value) -> bool:
    """Whether ``value`` is one circuit (a list or array is a batch of them); anything else is a
    :class:`CircuitError` that says how to make a Circuit of it."""
    if isinstance(value, Circuit):
        return True
    if isinstance(value, (list, tuple, np.ndarray)):
        return False
    check_circuit(None, value, "Sampler.run/Estimator.run")
    return True


def broadcast(circuits, observables, params, is_item) -> Broadcast:
    """Broadcast the three inputs; ``is_item`` tells one observable from a batch of them.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> c = Circuit(1).rx(Parameter("t"), 0)
    >>> plan = broadcast(c, ["Z", "X"], [[0.0], [1.0]], is_item=lambda v: isinstance(v, str))
    >>> plan.shape, plan.parameter_rows.tolist()
    ((2,), [[0.0], [1.0]])
    """
    circuit_array = object_array(circuits, _is_circuit)
    observable_array = object_array(observables, is_item) if observables is not None else object_array(None, lambda v: True)
    counts = {len(c.parameters) for c in circuit_array.reshape(-1)}
    if len(counts) > 1:
        raise CircuitError(f"circuits in one batch must have equally many parameters, got {sorted(counts)}")
    if isinstance(params, Mapping):
        params = _row_from_mapping(circuit_array, params)
    values = parameter_array(params, counts.pop() if counts else 0)
    param_shape = values.shape[:-1]
    try:
        shape = np.broadcast_shapes(circuit_array.shape, observable_array.shape, param_shape)
    except ValueError:
        raise CircuitError(f"cannot broadcast {circuit_array.shape} circuits, {observable_array.shape} observables "
                           f"and {param_shape} parameter sets together (NumPy rules); give observables as a "
                           f"column, e.g. [[H1], [H2]], for every observable at every parameter set") from None

    def index(array_shape):
        return np.broadcast_to(np.arange(int(np.prod(array_shape))).reshape(array_shape), shape)

    return Broadcast(shape, tuple(circuit_array.reshape(-1)), tuple(observable_array.reshape(-1)),
                     values.reshape(int(np.prod(param_shape)), values.shape[-1]), index(circuit_array.shape),
                     index(observable_array.shape), index(param_shape))


class _Default:
    """The default of a ``run`` keyword: "what the primitive was built with" (so ``shots=-1`` is
    refused as the bad value it is, not taken as the default)."""

    def __repr__(self) -> str:
        return "<the primitive's own>"


DEFAULT: Any = _Default()


def mitigation_list(mitigation, runner: str) -> list:
    """``mitigation=`` as a list of techniques that have ``runner``: None, one technique or a list
    of them (a name such as ``"zne"`` is refused, saying which object to give).

    >>> mitigation_list(None, "estimator_runner")
    []
    >>> mitigation_list("zne", "estimator_runner")
    Traceback (most recent call last):
    ...
    qfusion.errors.CircuitError: mitigation= takes error-mitigation techniques (qfusion.mitigation), got the string 'zne': give objects such as qf.mitigation.ZNE() or [qf.mitigation.ReadoutMitigation(), qf.mitigation.ZNE()]
    """
    from qfusion.errors import CircuitError
    if isinstance(mitigation, str):
        raise CircuitError(f"mitigation= takes error-mitigation techniques (qfusion.mitigation), got the string "
                           f"{mitigation!r}: give objects such as qf.mitigation.ZNE() or "
                           "[qf.mitigation.ReadoutMitigation(), qf.mitigation.ZNE()]")
    if mitigation is None:
        return []
    techniques = [mitigation] if hasattr(mitigation, runner) or not hasattr(mitigation, "__iter__") else \
        list(mitigation)
    for technique in techniques:
        if not hasattr(technique, runner):
            raise CircuitError(f"mitigation= takes error-mitigation techniques (qfusion.mitigation), "
                               f"got {technique!r}")
    return techniques
