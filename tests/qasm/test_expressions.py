"""Expression parsing (precedence, associativity) and evaluation (numbers, booleans, parameters)."""

from __future__ import annotations

import math
import re

import pytest

from qfusion.circuit import Parameter
from qfusion.circuit.parameter import ParameterExpression
from qfusion.errors import QasmError
from qfusion.qasm.evaluate import Evaluator, Scope, Variable
from qfusion.qasm.expressions import ExpressionParser
from qfusion.qasm.lexer import TokenStream


def value(text, version=3, **names):
    tree = ExpressionParser(TokenStream(text), version).expression()
    scope = Scope()
    for name, v in names.items():
        scope.names[name] = Variable(v, "const")
    return Evaluator(version).value(tree, scope)


@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 - 4 - 3", 3), ("2 ** 3 ** 2", 512), ("-2 ** 2", -4),
    ("2 ** -1", 0.5), ("-(-3)", 3), ("7 / 2", 3), ("-7 / 2", -3), ("7.0 / 2", 3.5), ("7 % 3", 1), ("-7 % 3", -1),
    ("1 << 4 | 1", 17), ("6 & 3 ^ 1", 3), ("~0", -1), ("1 < 2 && 2 <= 2", True), ("1 > 2 || !(1 == 1)", False),
    ("3 != 3", False), ("pi", math.pi), ("π / 2", math.pi / 2), ("tau", 2 * math.pi), ("ℇ", math.e),
    ("sin(pi / 2) + cos(0)", 2.0), ("arctan(1) * 4", math.pi), ("sqrt(16) + exp(0) + log(1)", 5.0),
    ("floor(-1.5) + ceiling(1.2)", 0), ("mod(7, 3) + pow(2, 3)", 9), ("int(2.9) + float(1)", 3.0),
    ("bool(0) || true", True), ("1_000 + 0x10 + 0b1 + 0o7", 1024), ("2.0 ** 0.5", math.sqrt(2)),
])
def test_version_3_arithmetic(text, expected):
    result = value(text)
    assert result == pytest.approx(expected) and type(result) is type(expected)


@pytest.mark.parametrize("text, expected", [
    ("7 / 2", 3.5), ("2 ^ 3 ^ 2", 512), ("-2 ^ 2", -4), ("ln(exp(2))", 2.0), ("-pi + pi", 0.0),
])
def test_version_2_arithmetic(text, expected):
    assert value(text, version=2) == pytest.approx(expected)


def test_names_resolve_through_scopes_and_gate_bodies_see_only_constants():
    outer = Scope()
    outer.names["k"] = Variable(2, "const")
    outer.names["v"] = Variable(3, "var")
    body = Scope(Scope(outer, is_gate=True))
    body.names["local"] = Variable(5, "loop")
    assert body.lookup("k").value == 2 and body.lookup("local").value == 5
    assert body.lookup("v") is None and Scope(outer).lookup("v").value == 3


def test_parameters_build_the_same_trees_as_python():
    theta, phi = Parameter("theta"), Parameter("phi")
    assert value("2 * theta + 0.5", theta=theta) == 2 * theta + 0.5
    assert value("-theta", theta=theta) == -theta
    assert value("theta / (phi - 1)", theta=theta, phi=phi) == theta / (phi - 1)
    assert value("theta ** 2", theta=theta) == theta ** 2
    assert value("pow(theta, phi)", theta=theta, phi=phi) == theta ** phi
    assert isinstance(value("sin(theta) + log(phi)", theta=theta, phi=phi), ParameterExpression)
    assert value("float(theta)", theta=theta) == theta


@pytest.mark.parametrize("text, message", [
    ("theta < 1", "operator '<' cannot be applied to a free parameter"),
    ("!theta", "operator '!' cannot be applied to a free parameter"),
    ("floor(theta)", "floor() cannot be applied to a free parameter"),
    ("theta + true", "operator '+' cannot combine a parameter and the boolean true"),
    ("nope(1)", "unknown function 'nope'"),
    ("undefined", "unknown name 'undefined'"),
    ("1 / 0", "division by zero"),
    ("0.0 ** -1", "division by zero (0 to a negative power)"),
    ("(-8.0) ** (1 / 3.0)", "cannot evaluate -8.0 ** 0.3333333333333333"),
    ("1e308 * 10", "expression evaluates to inf, not a finite number"),
    ('"01" + 1', "operator '+' cannot be applied to a bit string"),
    ("~1.5", "operator '~' needs an integer"),
    ("2 ** 65", "integer overflow in 2 ** 65"),
    ("4611686018427387904 * 16", "integer overflow (more than 64 bits)"),
])
def test_evaluation_errors(text, message):
    with pytest.raises(QasmError, match=re.escape(message)):
        value(text, theta=Parameter("theta"))


def test_symbolic_trees_are_bounded():
    from qfusion.qasm.limits import Limits
    evaluator = Evaluator(3, Limits(max_expression_size=50))
    scope = Scope()
    scope.names["t"] = Variable(Parameter("t"), "input")
    tree = ExpressionParser(TokenStream("t" + " * t" * 60), 3).expression()
    with pytest.raises(QasmError, match="parameter expression grows too large"):
        evaluator.value(tree, scope)
    assert evaluator.track(Parameter("t")) == (1, 1) and evaluator.track(2.0) == (0, 1)


def test_ranges_and_sets_parse():
    parser = ExpressionParser(TokenStream("[1:2:9] {1, 2} [:3]"), 3)
    parser.stream.next()
    rng = parser.range_or_expression("]")
    assert (rng.start.value, rng.step.value, rng.stop.value) == (1, 2, 9)
    parser.stream.next()
    assert [e.value for e in parser.set_expr().elements] == [1, 2]
    parser.stream.next()
    rng = parser.range_or_expression("]")
    assert rng.start is None and rng.stop.value == 3
