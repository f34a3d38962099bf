"""Pulse-level calibrations of OpenQASM 3: ``defcalgrammar``, ``defcal`` and ``cal``, kept in the IR.

Their bodies are written in a calibration grammar (OpenPulse, ...) that is not OpenQASM, so the
reader checks only that the braces balance and keeps each statement's text in a
:class:`~qfusion.circuit.Calibration` instruction. Simulators skip it (a gate that has a ``defcal``
runs as its unitary); the exporter writes it back unchanged.

>>> from qfusion.qasm import dumps, loads
>>> c = loads('OPENQASM 3; defcalgrammar "openpulse"; defcal x $0 { play drive($0), gaussian(...); }')
>>> [(inst.operation.kind, inst.operation.physical_qubits) for inst in c.instructions]
[('defcalgrammar', ()), ('defcal', (0,))]
>>> loads(dumps(c)) == c
True
"""

from __future__ import annotations

from qfusion.circuit.annotations import Calibration
from qfusion.circuit.circuit import Instruction


class CalibrationStatement:
    """``defcalgrammar "name";``, ``defcal ... { ... }`` or ``cal { ... }``: its keyword, its text and
    the physical qubits its header names."""
    __slots__ = ("token", "kind", "text", "physical_qubits")

    def __init__(self, token, kind: str, text: str, physical_qubits: tuple):
        self.token, self.kind, self.text, self.physical_qubits = token, kind, text, physical_qubits


class CalibrationParser:
    """Mixin of :class:`~qfusion.qasm.parser.Parser`: calibration statements, read as text."""

    def _defcalgrammar(self):
        stream = self.stream
        token = stream.next()
        stream.expect_kind("string", "the name of a calibration grammar in quotes, as in \"openpulse\"")
        end = stream.expect(";", "the calibration grammar")
        return CalibrationStatement(token, "defcalgrammar", _text(token, end), ())

    def _defcal(self):
        stream = self.stream
        token = stream.next()
        physical, previous = [], token
        while not stream.at("{"):
            part = stream.next()
            if part.kind == "eof" or part.text in (";", "}"):
                raise part.error(f"expected '{{' to start the body of the 'defcal', found {part.describe()}")
            if previous.text == "$" and part.kind == "int" and part.offset == previous.offset + 1:
                physical.append(int(part.text))
            previous = part
        end = self._balanced("'defcal'")
        return CalibrationStatement(token, "defcal", _text(token, end), tuple(dict.fromkeys(physical)))

    def _cal(self):
        stream = self.stream
        token = stream.next()
        if not stream.at("{"):
            raise stream.token.error(f"expected '{{' after 'cal', found {stream.token.describe()}")
        end = self._balanced("'cal'")
        return CalibrationStatement(token, "cal", _text(token, end), ())

    def _balanced(self, after: str):
        """Consume ``{ ... }`` (the current token is ``{``), braces balanced; the closing token."""
        stream = self.stream
        open_token = stream.next()
        depth = 1
        while True:
            part = stream.next()
            if part.kind == "eof":
                raise open_token.error(f"'{{' after {after} is never closed")
            if part.kind == "op":
                depth += {"{": 1, "}": -1}.get(part.text, 0)
                if depth == 0:
                    return part


def _text(first, last) -> str:
    source = first.source
    if last.source is not source:   # (an included file cannot end a statement it did not start)
        raise last.error("a calibration statement must end in the file where it starts")
    return source.text[first.offset:last.offset + len(last.text)]


class Calibrations:
    """Mixin of the interpreter: calibration statements become :class:`Calibration` instructions."""

    def _calibration(self, statement: CalibrationStatement, context) -> None:
        if context.scope is not self.globals:
            raise statement.token.error(f"'{statement.kind}' is only allowed at the top level of the program")
        self.budget.charge(1, statement.token)
        operation = Calibration(statement.kind, statement.text, statement.physical_qubits)
        context.target.instructions.append(Instruction(operation, (), (), None))


CALIBRATION_HANDLERS = {CalibrationStatement: "_calibration"}
