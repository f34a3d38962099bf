"""Phase oracles: ``|x> -> (-1)**f(x) |x>`` for ``f`` given by marked states or a Boolean expression.

A Boolean expression uses the variables ``x0, x1, ...`` (``x_i`` is qubit ``i``) or names given
in order, with ``&``/``and``, ``|``/``or``, ``^``, ``~``/``not`` and parentheses. Its truth table
picks the marked states; each is flipped by a multi-controlled Z between X gates.

>>> sorted(marked_states("x0 & ~x1", 2))
[1]
>>> sorted(marked_states("(a or b) and not c", 3, variables=["a", "b", "c"]))
[1, 2, 3]
>>> phase_oracle(2, ["11"]).count_ops()
{'h': 2, 'cx': 1}
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

from qfusion.circuit import Circuit
from qfusion.errors import CircuitError

_MAX_TRUTH_TABLE_QUBITS = 20


def marked_states(marked, num_qubits: int, variables: Sequence[str] | None = None) -> set[int]:
    """The marked basis states (integers, little-endian) from integers, bitstrings or an expression.

    >>> sorted(marked_states(["01", 3], 2)), sorted(marked_states("x0 ^ x1", 2))
    ([1, 3], [1, 2])
    """
    if isinstance(marked, str) and not set(marked) <= {"0", "1"}:
        return _truth_table(marked, num_qubits, variables)
    items = [marked] if isinstance(marked, (str, int)) else list(marked)
    found = set()
    for item in items:
        if isinstance(item, str):
            if len(item) != num_qubits or set(item) - {"0", "1"}:
                raise CircuitError(f"marked state {item!r} must be {num_qubits} characters of 0 and 1 "
                                   f"(qubit 0 rightmost)")
            item = int(item, 2)
        if not 0 <= int(item) < 2 ** num_qubits:
            raise CircuitError(f"marked state {item} does not fit in {num_qubits} qubits")
        found.add(int(item))
    return found


def _truth_table(expression: str, num_qubits: int, variables) -> set[int]:
    if num_qubits > _MAX_TRUTH_TABLE_QUBITS:
        raise CircuitError(f"Boolean-expression oracles are built from a truth table, for at most "
                           f"{_MAX_TRUTH_TABLE_QUBITS} variables")
    names = list(variables) if variables is not None else [f"x{i}" for i in range(num_qubits)]
    if len(names) != num_qubits:
        raise CircuitError(f"{len(names)} variable names for {num_qubits} qubits")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise CircuitError(f"cannot read the Boolean expression {expression!r}: {exc.msg}") from None
    position = {name: i for i, name in enumerate(names)}
    return {x for x in range(2 ** num_qubits) if _evaluate(tree.body, x, position, expression)}


def _evaluate(node, x: int, position: dict, text: str) -> bool:
    if isinstance(node, ast.Name):
        if node.id not in position:
            raise CircuitError(f"unknown variable {node.id!r} in {text!r}; the variables are "
                               f"{', '.join(position)}")
        return bool((x >> position[node.id]) & 1)
    if isinstance(node, ast.Constant) and node.value in (0, 1, True, False):
        return bool(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
        return not _evaluate(node.operand, x, position, text)
    if isinstance(node, ast.BoolOp):
        values = [_evaluate(v, x, position, text) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
        left, right = _evaluate(node.left, x, position, text), _evaluate(node.right, x, position, text)
        if isinstance(node.op, ast.BitAnd):
            return left and right
        return (left or right) if isinstance(node.op, ast.BitOr) else left != right
    raise CircuitError(f"the Boolean expression {text!r} may use variables, and, or, not, &, |, ^, ~ and "
                       f"parentheses only")


def multi_controlled_z(circuit: Circuit, qubits: Sequence[int]) -> Circuit:
    """``Z`` on ``qubits[-1]`` controlled on the others (symmetric: a phase -1 on all-ones).

    >>> import numpy as np
    >>> from qfusion.circuit.unitary import circuit_unitary
    >>> np.diag(circuit_unitary(multi_controlled_z(Circuit(3), [0, 1, 2]))).real
    array([ 1.,  1.,  1.,  1.,  1.,  1.,  1., -1.])
    """
    *controls, target = qubits
    if not controls:
        return circuit.z(target)
    circuit.h(target)
    if len(controls) == 1:
        circuit.cx(controls[0], target)
    else:
        circuit.mcx(controls, target)
    return circuit.h(target)


def phase_oracle(num_qubits: int, marked: Iterable | str, variables: Sequence[str] | None = None) -> Circuit:
    """The phase oracle of the marked states (integers, bitstrings) or of a Boolean expression.

    >>> import numpy as np
    >>> from qfusion.circuit.unitary import circuit_unitary
    >>> np.diag(circuit_unitary(phase_oracle(2, [2]))).real.round(6)
    array([ 1.,  1., -1.,  1.])
    """
    circuit = Circuit(num_qubits, name="oracle")
    qubits = list(range(num_qubits))
    for state in sorted(marked_states(marked, num_qubits, variables)):
        zeros = [q for q in qubits if not (state >> q) & 1]
        for q in zeros:
            circuit.x(q)
        multi_controlled_z(circuit, qubits)
        for q in zeros:
            circuit.x(q)
    return circuit
