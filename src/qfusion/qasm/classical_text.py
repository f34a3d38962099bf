"""Writing run-time classical instructions (:mod:`qfusion.circuit.classical`) as OpenQASM 3:
``while``, ``if``/``else`` on expressions of bits, and assignments to bits.

>>> from qfusion.circuit import Circuit
>>> from qfusion.circuit.classical import Bits, Op, Value, WhileLoop
>>> from qfusion.qasm import dumps
>>> c = Circuit(1, 1)
>>> body = tuple(Circuit(1, 1).h(0).measure(0, 0).instructions)
>>> print(dumps(c.append(WhileLoop(Op("==", (Bits((0,)), Value(0))), body, 1), (0,))).splitlines()[-4:])
['while (c == 0) {', '  h q[0];', '  c[0] = measure q[0];', '}']
"""

from __future__ import annotations

from qfusion.circuit.classical import Bits, DynamicGate, IfElse, Op, Store, Value, WhileLoop
from qfusion.errors import QasmError
from qfusion.qasm.formatting import format_number

_UNARY = {"-", "!", "~"}


def expression_text(expr, exporter) -> str:
    """A run-time expression as OpenQASM 3 (bits by their register or label).

    >>> from types import SimpleNamespace
    >>> from qfusion.circuit.classical import Bits, Op, Value
    >>> exporter = SimpleNamespace(creg_ranges={(0, 1): "c"}, clbit_labels=["c[0]", "c[1]", "d"], externs={})
    >>> expression_text(Op("==", (Bits((0, 1)), Value(2))), exporter), expression_text(Op("!", (Bits((2,)),)), exporter)
    ('(c == 2)', '!(d)')
    """
    if isinstance(expr, Bits):
        name = exporter.creg_ranges.get(expr.clbits)
        if name is not None:
            return name
        if len(expr.clbits) == 1:
            return exporter.clbit_labels[expr.clbits[0]]
        parts = [f"(int({exporter.clbit_labels[b]}) << {j})" if j else f"int({exporter.clbit_labels[b]})"
                 for j, b in enumerate(expr.clbits)]
        return "(" + " | ".join(parts) + ")"
    if isinstance(expr, Value):
        value = expr.value
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, int) else format_number(float(value))
    if isinstance(expr, Op):
        args = [expression_text(a, exporter) for a in expr.args]
        if expr.op.startswith("extern:"):
            exporter.externs[expr.op[7:]] = len(args)
            return f"{expr.op[7:]}({', '.join(args)})"
        if len(args) == 1 and expr.op in _UNARY:
            return f"{expr.op}({args[0]})" if expr.op != "-" else f"-({args[0]})"
        if len(args) == 2 and not expr.op.isidentifier():
            return f"({args[0]} {expr.op} {args[1]})"
        return f"{expr.op}({', '.join(args)})"
    raise QasmError(f"cannot write the run-time expression {expr!r} as OpenQASM")


def _strip(text: str) -> str:
    return text[1:-1] if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]) else text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _body(instructions, exporter) -> list[str]:
    lines = []
    for inst in instructions:
        statements = exporter._instruction(inst)
        if inst.condition is not None:
            statements = exporter._if_block(inst.condition, statements)
        lines += ["  " + s for s in statements]
    return lines


def runtime_statements(op, exporter, qubits=()) -> list[str]:
    """The statements of a :class:`Store`, :class:`WhileLoop`, :class:`IfElse` or :class:`DynamicGate`
    (on the qubits labelled ``qubits``).

    >>> from types import SimpleNamespace
    >>> from qfusion.circuit.classical import Bits, Op, Store, Value
    >>> exporter = SimpleNamespace(version=3, creg_ranges={(0, 1): "c"}, clbit_labels=["c[0]", "c[1]"], externs={})
    >>> runtime_statements(Store((0, 1), Op("+", (Bits((0, 1)), Value(1)))), exporter)
    ['c = c + 1;']
    """
    if exporter.version < 3:
        raise QasmError(f"OpenQASM 2 has no run-time classical computation ({op.name}); write version=3")
    if isinstance(op, DynamicGate):
        names = dict(exporter.names)
        for placeholder, expr in op.params:
            names[placeholder.name] = "(" + _strip(expression_text(expr, exporter)) + ")"
        return exporter._gate_statements(op.gate, qubits, names)
    if isinstance(op, Store):
        value = _strip(expression_text(op.value, exporter))
        if not op.target:
            return [f"{value};"]
        name = exporter.creg_ranges.get(op.target)
        if name is not None:
            return [f"{name} = {value};"]
        if len(op.target) == 1:
            return [f"{exporter.clbit_labels[op.target[0]]} = {value};"]
        return [f"{exporter.clbit_labels[b]} = (({value}) >> {j}) & 1;" for j, b in enumerate(op.target)]
    condition = _strip(expression_text(op.condition, exporter))
    if isinstance(op, WhileLoop):
        return [f"while ({condition}) {{", *_body(op.body, exporter), "}"]
    if isinstance(op, IfElse):
        lines = [f"if ({condition}) {{", *_body(op.then_body, exporter), "}"]
        if op.else_body:
            lines[-1] = "} else {"
            lines += [*_body(op.else_body, exporter), "}"]
        return lines
    raise QasmError(f"cannot write the operation {op.name!r} as OpenQASM")
