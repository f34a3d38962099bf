"""What travels between client, server and workers: circuits as OpenQASM or qfusion's JSON form.

qfusion's JSON form of a circuit is plain data::

    {"num_qubits": 2, "num_clbits": 2,
     "instructions": [{"name": "h", "qubits": [0]},
                      {"name": "rx", "qubits": [1], "params": ["theta"]},
                      {"name": "cx", "qubits": [0, 1]},
                      {"name": "measure", "qubits": [0], "clbits": [0]},
                      {"name": "x", "qubits": [1], "condition": {"clbits": [0], "value": 1}}]}

Gate names are qfusion's standard gates (``qfusion.circuit.STANDARD_GATES``, ``mcx``) plus
``measure``, ``reset`` and ``barrier``; a parameter is a number or the name of an input
parameter bound by the job's parameter values. Anything else (defined gates, unitaries)
travels as OpenQASM 3, which :func:`encode_circuit` chooses automatically.

>>> from qfusion.circuit import Circuit
>>> form = circuit_to_json(Circuit(2).h(0).cx(0, 1).measure_all())
>>> form["instructions"][:2]
[{'name': 'h', 'qubits': [0]}, {'name': 'cx', 'qubits': [0, 1]}]
>>> circuit_from_json(form) == Circuit(2).h(0).cx(0, 1).measure_all()
True
"""

from __future__ import annotations

import math
import numbers
import re

from qfusion.circuit import Barrier, Circuit, Condition, Measure, Operation, Parameter, Reset, StandardGate
from qfusion.errors import CircuitError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_STRUCTURAL = {"measure", "reset", "barrier"}


def circuit_to_json(circuit: Circuit) -> dict:
    """qfusion's JSON form of ``circuit`` (standard gates, measure, reset, barrier, conditions).

    >>> circuit_to_json(Circuit(1).rz(0.5, 0))
    {'num_qubits': 1, 'num_clbits': 0, 'instructions': [{'name': 'rz', 'qubits': [0], 'params': [0.5]}]}
    """
    instructions = []
    for instruction in circuit.instructions:
        operation = instruction.operation
        if not isinstance(operation, (StandardGate, Measure, Reset, Barrier)):
            raise CircuitError(f"gate {operation.name!r} has no JSON form; send the circuit as OpenQASM 3")
        entry: dict = {"name": operation.name, "qubits": list(instruction.qubits)}
        if instruction.clbits:
            entry["clbits"] = list(instruction.clbits)
        if isinstance(operation, StandardGate) and operation.params:
            entry["params"] = [_param_to_json(p) for p in operation.params]
        if instruction.condition is not None:
            entry["condition"] = {"clbits": list(instruction.condition.clbits),
                                  "value": instruction.condition.value}
        instructions.append(entry)
    if circuit.global_phase:
        raise CircuitError("a circuit with a global phase has no JSON form; send it as OpenQASM 3")
    return {"num_qubits": circuit.num_qubits, "num_clbits": circuit.num_clbits, "instructions": instructions}


def _param_to_json(value):
    if isinstance(value, Parameter):
        return value.name
    if isinstance(value, numbers.Real):
        return float(value)
    raise CircuitError(f"parameter expression {value} has no JSON form; send the circuit as OpenQASM 3")


def circuit_from_json(form, *, max_qubits: int = 10_000, max_operations: int = 1_000_000,
                      max_clbits: int = 1_000_000) -> Circuit:
    """The circuit of a JSON form; :class:`~qfusion.errors.CircuitError` says what is wrong where.

    >>> circuit_from_json({"num_qubits": 1, "instructions": [{"name": "hadamard", "qubits": [0]}]})
    Traceback (most recent call last):
    ...
    qfusion.errors.CircuitError: instruction 0: unknown gate 'hadamard'; standard gates are: ...
    """
    if not isinstance(form, dict):
        raise CircuitError("a JSON circuit is an object with num_qubits and instructions")
    num_qubits, num_clbits = form.get("num_qubits"), form.get("num_clbits", 0)
    for what, value in (("num_qubits", num_qubits), ("num_clbits", num_clbits)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CircuitError(f"{what} must be a non-negative integer, got {value!r}")
    assert isinstance(num_qubits, int) and isinstance(num_clbits, int)  # checked just above
    if num_qubits > max_qubits:
        raise CircuitError(f"the circuit has {num_qubits} qubits; at most {max_qubits} are accepted")
    if num_clbits > max_clbits:  # the same caps as OpenQASM's (qfusion.qasm.Limits)
        raise CircuitError(f"the circuit has {num_clbits:,} classical bits; at most {max_clbits:,} are accepted")
    instructions = form.get("instructions", [])
    if not isinstance(instructions, list):
        raise CircuitError("instructions must be a list")
    if len(instructions) > max_operations:
        raise CircuitError(f"the circuit has {len(instructions):,} instructions; at most {max_operations:,} "
                           f"are accepted")
    circuit = Circuit(num_qubits, num_clbits)
    parameters: dict[str, Parameter] = {}
    for index, entry in enumerate(instructions):
        try:
            _append(circuit, entry, parameters)
        except (CircuitError, TypeError, ValueError) as exc:
            raise CircuitError(f"instruction {index}: {exc}") from None
    return circuit


def _append(circuit: Circuit, entry, parameters: dict) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise CircuitError("each instruction is an object with a name and qubits")
    name, qubits, clbits = entry["name"], entry.get("qubits", []), entry.get("clbits", [])
    if not isinstance(qubits, list) or not isinstance(clbits, list):
        raise CircuitError("qubits and clbits must be lists of integers")
    for index in qubits + clbits:
        if isinstance(index, bool) or not isinstance(index, int):
            raise CircuitError(f"qubit and clbit indices must be integers, got {index!r}")
    operation: Operation
    if name == "measure":
        operation = Measure()
    elif name == "reset":
        operation = Reset()
    elif name == "barrier":
        operation = Barrier(len(qubits))
    else:
        params = tuple(_param_from_json(p, parameters) for p in entry.get("params", []))
        operation = StandardGate(name, params, len(qubits) if name == "mcx" else None)
    condition = None
    if entry.get("condition") is not None:
        cond = entry["condition"]
        if not isinstance(cond, dict) or not isinstance(cond.get("clbits"), list) \
                or isinstance(cond.get("value"), bool) or not isinstance(cond.get("value"), int):
            raise CircuitError("a condition is {\"clbits\": [...], \"value\": integer}")
        condition = Condition(tuple(cond["clbits"]), cond["value"])
    circuit.append(operation, qubits, clbits, condition)


def _param_from_json(value, parameters: dict):
    if isinstance(value, str):
        if not _NAME.match(value):
            raise CircuitError(f"a parameter is a number or a parameter name, got {value!r}")
        return parameters.setdefault(value, Parameter(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CircuitError(f"a gate parameter must be a finite number or a name, got {value!r}")
    return float(value)


def encode_circuit(circuit) -> dict:
    """How the client sends one circuit: its JSON form when it has one, else OpenQASM 3 text.

    >>> encode_circuit(Circuit(1).x(0))["format"]
    'json'
    >>> encode_circuit('OPENQASM 3; qubit q;')["format"]
    'qasm'
    """
    if isinstance(circuit, str):
        return {"format": "qasm", "source": circuit}
    if isinstance(circuit, dict):
        return {"format": "json", "circuit": circuit}
    try:
        return {"format": "json", "circuit": circuit_to_json(circuit)}
    except CircuitError:
        from qfusion.qasm import dumps
        return {"format": "qasm", "source": dumps(circuit, version=3)}


def decode_circuit(item, *, max_qubits: int, max_operations: int, max_source_bytes: int,
                   max_clbits: int = 1_000_000, max_statement_bytes: int | None = None) -> Circuit:
    """The circuit of one submitted item (``{"format": "qasm"|"json", ...}`` or a bare QASM string).

    Only the standard libraries may be included: a job cannot read the server's files.

    >>> decode_circuit('OPENQASM 3; include "/etc/passwd";', max_qubits=30, max_operations=10,
    ...                max_source_bytes=1000)
    Traceback (most recent call last):
    ...
    qfusion.errors.QasmError: 1:21: only "stdgates.inc" and "qelib1.inc" may be included in a job
    """
    if isinstance(item, str):
        item = {"format": "qasm", "source": item}
    if not isinstance(item, dict) or item.get("format") not in ("qasm", "json"):
        raise CircuitError('each circuit is {"format": "qasm", "source": TEXT} or {"format": "json", '
                           '"circuit": {...}} (or an OpenQASM string)')
    if item["format"] == "json":
        return circuit_from_json(item.get("circuit"), max_qubits=max_qubits, max_operations=max_operations,
                                 max_clbits=max_clbits)
    source = item.get("source")
    if not isinstance(source, str):
        raise CircuitError("an OpenQASM circuit needs its program text in 'source'")
    from qfusion.qasm import Limits, loads
    _refuse_file_includes(source)
    if len(source) > max_source_bytes:  # before anything reads it
        raise CircuitError(f"the OpenQASM program is {len(source):,} characters; at most {max_source_bytes:,} "
                           f"are accepted")
    if max_statement_bytes is not None:
        _refuse_long_statements(source, max_statement_bytes)
    limits = Limits(max_source_bytes=max_source_bytes, max_operations=max_operations, max_qubits=max_qubits,
                    max_clbits=max_clbits)
    return loads(source, limits=limits)


def _refuse_long_statements(source: str, limit: int) -> None:
    """Refuse a statement (text between ``;``, ``{`` and ``}``) longer than ``limit`` characters with
    one regular-expression scan, before the tokenizer spends seconds on a megabyte-long expression.

    >>> _refuse_long_statements("OPENQASM 3; qubit q; rx(" + "1+" * 50 + "1) q;", 64)
    Traceback (most recent call last):
    ...
    qfusion.errors.CircuitError: an OpenQASM statement is longer than 64 characters (at character 20); ...
    """
    if len(source) <= limit:
        return
    import numpy as np
    data = np.frombuffer(source.encode("utf-8", "replace"), dtype=np.uint8)
    ends = np.flatnonzero((data == 59) | (data == 123) | (data == 125))  # ; { }
    bounds = np.concatenate(([-1], ends, [data.size]))
    gaps = np.diff(bounds) - 1
    longest = int(np.argmax(gaps))
    if gaps[longest] > limit:
        raise CircuitError(f"an OpenQASM statement is longer than {limit:,} characters (at character "
                           f"{int(bounds[longest]) + 1:,}); split it, or send the circuit in qfusion's JSON form")


_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_FOR_RANGE = re.compile(r"\bfor\s+(?:[A-Za-z_]\w*(?:\[[^\]]*\])?\s+)?[A-Za-z_]\w*\s+in\s+"
                        r"\[\s*(-?\d+)\s*:\s*(-?\d+)\s*(?::\s*(-?\d+)\s*)?\]")


def loop_iterations(source: str) -> int:
    """A lower bound on the operations an OpenQASM 3 program unrolls to, read without parsing it: the
    iterations of its ``for`` loops over literal ranges (each iteration counts as an operation in
    :class:`qfusion.qasm.Limits`; nesting only multiplies them). A job whose bound is over its
    budget is refused in microseconds instead of after seconds of unrolling.

    >>> loop_iterations("OPENQASM 3; qubit q; for int i in [0:9] { x q; } // for int j in [0:99] { }")
    10
    >>> loop_iterations("for uint i in [0:2:9] { } for i in [5:1] { }")
    5
    """
    total = 0
    for start, second, third in _FOR_RANGE.findall(_COMMENT.sub(" ", source)):
        start, second = int(start), int(second)
        step, stop = (int(second), int(third)) if third else (1, second)
        if step != 0:
            total += len(range(start, stop + (1 if step > 0 else -1), step))
    return total


_ALLOWED_INCLUDE = re.compile(r'include\s*"(?:stdgates\.inc|qelib1\.inc)"')


def _refuse_file_includes(source: str) -> None:
    # The common case costs no second tokenisation: every "include" in the text is one of the two
    # allowed ones. Anything else (a comment between, a word that contains "include") is tokenised.
    if source.count("include") == len(_ALLOWED_INCLUDE.findall(source)):
        return
    from qfusion.qasm.lexer import tokenize
    tokens = tokenize(source)
    for token, following in zip(tokens, tokens[1:], strict=False):
        if token.text == "include" and following.text.strip('"') not in ("stdgates.inc", "qelib1.inc"):
            raise following.error('only "stdgates.inc" and "qelib1.inc" may be included in a job')


def bind_by_name(circuit: Circuit, values) -> Circuit:
    """``circuit`` with its parameters bound by name from ``values`` (a dict name -> number).

    >>> c = circuit_from_json({"num_qubits": 1, "instructions": [{"name": "rx", "qubits": [0], "params": ["t"]}]})
    >>> bind_by_name(c, {"t": 0.25}).instructions[0].operation
    Gate('rx', 0.25)
    """
    by_name = {p.name: p for p in circuit.parameters}
    values = values or {}
    if not isinstance(values, dict):
        raise CircuitError("parameter values are an object mapping parameter names to numbers")
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise CircuitError(f"the circuit has no parameter(s) {', '.join(unknown)}; its parameters are "
                           f"{', '.join(by_name) or 'none'}")
    missing = sorted(set(by_name) - set(values))
    if missing:
        raise CircuitError(f"parameter(s) {', '.join(missing)} need values")
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise CircuitError(f"parameter {name} must be a finite number, got {value!r}")
    if not by_name:
        return circuit
    return circuit.bind({by_name[name]: float(value) for name, value in values.items()})


__all__ = ["circuit_to_json", "circuit_from_json", "encode_circuit", "decode_circuit", "bind_by_name"]
