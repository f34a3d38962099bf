"""Numbers, expressions and identifiers as OpenQASM text; 1-qubit unitaries as U angles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qasm_helpers import random_unitary

from qfusion.circuit import Parameter, StandardGate
from qfusion.circuit.parameter import ParameterExpression, apply
from qfusion.errors import QasmError
from qfusion.qasm.evaluate import Evaluator, Scope, Variable
from qfusion.qasm.expressions import ExpressionParser
from qfusion.qasm.formatting import format_expression, format_number, identifier, zyz
from qfusion.qasm.lexer import TokenStream

A, B = Parameter("a"), Parameter("b")
NAMES = {"a": "a", "b": "b"}


def read_back(text: str, version: int):
    scope = Scope()
    scope.names.update({"a": Variable(A, "input"), "b": Variable(B, "input")})
    return Evaluator(version).value(ExpressionParser(TokenStream(text), version).expression(), scope)


@given(st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=300, derandomize=True)
def test_numbers_read_back_exactly(value):
    for version in (2, 3):
        assert read_back(format_number(value), version) == value


def test_number_forms():
    assert [format_number(v) for v in (math.pi, -math.pi / 4, 3 * math.pi / 2, 7, 1e300, 2.5e-8, -0.0)] == [
        "pi", "-pi/4", "3*pi/2", "7", "1.0e+300", "2.5e-08", "-0.0"]
    with pytest.raises(QasmError):
        format_number(float("inf"))
    with pytest.raises(QasmError):
        format_number(True)


def _expressions():
    leaves = st.one_of(st.sampled_from([A, B]), st.floats(-10, 10, allow_nan=False).filter(lambda x: x != 0),
                       st.sampled_from([math.pi / 2, -math.pi, 2, -3]))

    def extend(children):
        binary = st.tuples(st.sampled_from(["+", "-", "*", "/", "**"]), children, children)
        unary = st.tuples(st.sampled_from(["neg", "sin", "cos", "exp", "sqrt", "ln", "arctan"]), children)
        return st.one_of(binary, unary)

    def build(tree):
        if not isinstance(tree, tuple):
            return tree
        if len(tree) == 2:
            op, arg = tree[0], build(tree[1])
            if not isinstance(arg, ParameterExpression):
                return None  # Python folds functions of numbers; such trees never occur
            return -arg if op == "neg" else apply(op, arg)
        op, left, right = tree[0], build(tree[1]), build(tree[2])
        if left is None or right is None:
            return None
        if not isinstance(left, ParameterExpression) and not isinstance(right, ParameterExpression):
            return None
        operations = {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
                      "/": lambda: left / right, "**": lambda: left ** right}
        return operations[op]()

    return st.recursive(leaves, extend, max_leaves=12).map(build).filter(
        lambda e: isinstance(e, ParameterExpression))


@given(_expressions())
@settings(max_examples=300, derandomize=True)
def test_expressions_read_back_as_the_same_tree(expression):
    for version in (2, 3):
        if version == 2 and "arctan" in str(expression):
            with pytest.raises(QasmError, match="OpenQASM 2 has no function 'arctan'"):
                format_expression(expression, NAMES, version)
            continue
        text = format_expression(expression, NAMES, version)
        assert read_back(text, version) == expression, text


def test_expression_text():
    assert format_expression(-(A + B) * (A - -B), NAMES, 3) == "-(a + b)*(a - (-b))"
    assert format_expression(A ** B ** 2, NAMES, 2) == "a^b^2"
    assert format_expression((A ** B) ** 2, NAMES, 3) == "(a**b)**2"
    assert format_expression(A * -2.0, NAMES, 3) == "a*(-2.0)"
    assert format_expression(apply("ln", A), NAMES, 3) == "log(a)"
    assert format_expression(apply("ln", A), NAMES, 2) == "ln(a)"
    assert format_expression(A * (math.pi / 2), NAMES, 3) == "a*(pi/2)"


def test_identifiers():
    used = {"h", "for"}
    assert [identifier(n, used, 3) for n in ("q", "h", "for", "θ", "a b", "2x", "q")] == [
        "q", "h_1", "for_1", "θ", "a_b", "x_2x", "q_1"]
    used = set()
    assert [identifier(n, used, 2, "r") for n in ("Q", "θ", "_x", "ok")] == ["r_Q", "r__", "r__x", "ok"]


@pytest.mark.parametrize("seed", range(30))
def test_zyz_reconstructs_the_matrix(seed):
    matrix = random_unitary(np.random.default_rng(seed), 1)
    theta, phi, lam, phase = zyz(matrix)
    np.testing.assert_allclose(np.exp(1j * phase) * StandardGate("u", (theta, phi, lam)).matrix(), matrix, atol=1e-12)


@pytest.mark.parametrize("name", ["x", "y", "z", "h", "s", "t", "sx", "id"])
def test_zyz_of_special_matrices(name):
    matrix = StandardGate(name).matrix()
    theta, phi, lam, phase = zyz(matrix)
    np.testing.assert_allclose(np.exp(1j * phase) * StandardGate("u", (theta, phi, lam)).matrix(), matrix, atol=1e-12)
    assert all(-math.pi <= angle <= math.pi for angle in (phi, lam, phase))
