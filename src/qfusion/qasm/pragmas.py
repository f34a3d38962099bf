"""``#pragma qfusion ...`` lines: the annotations the exporter writes (detectors, observables, qubit
coordinates), read back into the same instructions. Other pragmas are skipped, as the lexer always did.

>>> from qfusion.circuit import Circuit
>>> from qfusion.qasm import dumps, loads
>>> c = Circuit(2, 2).measure(0, 0).measure(1, 1)
>>> c.detector([-1, -2], coords=[0.5, 1])
Circuit(num_qubits=2, num_clbits=2, instructions=3)
>>> loads(dumps(c)) == c
True
"""

from __future__ import annotations

import re

from qfusion.circuit.annotations import Detector, ObservableInclude, QubitCoords
from qfusion.circuit.circuit import Instruction
from qfusion.qasm.syntax import Literal, Operand

_PRAGMA = re.compile(r"#?pragma\s+qfusion\s+(\w+)\s*(.*?)\s*$")
_RECORD = re.compile(r"rec\[(-?\d+)\]")
_COORDS = re.compile(r"(?:coords)?\(([^)]*)\)")
_QUBIT = re.compile(r"(\$\d+|[^\W\d]\w*)(?:\[(\d+)\])?")


class PragmaStatement:
    """A ``#pragma qfusion`` line (its text is the token's).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, pragma = Parser("qubit q;\\n#pragma qfusion detector rec[-1]\\n").statements()
    >>> type(pragma).__name__, pragma.token.text
    ('PragmaStatement', '#pragma qfusion detector rec[-1]')
    """
    __slots__ = ("token",)

    def __init__(self, token):
        self.token = token


def _numbers(text: str, token) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise token.error(f"expected numbers in the coordinates ({text})") from None


class Pragmas:
    """Mixin of the interpreter: ``#pragma qfusion`` lines as annotations.

    >>> from qfusion.qasm import loads
    >>> c = loads("OPENQASM 3.0; qubit[2] q; bit[2] c; c[0] = measure q[0];\\n"
    ...           "#pragma qfusion detector rec[-1] (0.5, 1)\\n#pragma qfusion qubit_coords q[1] (2, 3)\\n")
    >>> [(inst.name, inst.qubits) for inst in c.instructions], c.instructions[1].operation
    ([('measure', (0,)), ('detector', ()), ('qubit_coords', (1,))], Detector(records=(-1,), coords=(0.5, 1.0)))
    """

    def _pragma(self, statement: PragmaStatement, context) -> None:
        token = statement.token
        match = _PRAGMA.match(token.text)
        if match is None:
            return
        kind, rest = match.groups()
        records = [int(r) for r in _RECORD.findall(rest)]
        if kind == "detector":
            coords = _COORDS.search(rest)
            operation, qubits = Detector(records, _numbers(coords.group(1), token) if coords else ()), ()
        elif kind == "observable":
            index = re.match(r"(\d+)", rest)
            if index is None:
                raise token.error("expected the observable's index after '#pragma qfusion observable'")
            operation, qubits = ObservableInclude(int(index.group(1)), records), ()
        elif kind == "qubit_coords":
            qubit, coords = _QUBIT.match(rest), _COORDS.search(rest)
            if qubit is None or coords is None:
                raise token.error("expected a qubit and its coordinates: '#pragma qfusion qubit_coords q[0] (1, 2)'")
            name, index = qubit.groups()
            operand = Operand(token, name, None if index is None else Literal(token, int(index)))
            qubits = tuple(self.qubits_of(operand, context)[0][:1])
            operation = QubitCoords(_numbers(coords.group(1), token))
        else:
            raise token.error(f"unknown qfusion pragma '{kind}' (detector, observable and qubit_coords are read)")
        context.target.instructions.append(Instruction(operation, qubits, (), None))


PRAGMA_HANDLERS = {PragmaStatement: "_pragma"}
