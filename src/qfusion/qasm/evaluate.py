"""Evaluating OpenQASM expressions to numbers, booleans or symbolic parameter expressions.

Numbers fold as the program is read; an expression that involves an ``input``
parameter becomes a :class:`~qfusion.circuit.ParameterExpression`. The size and depth
of those symbolic trees are bounded (gate definitions can compound them), so that later
printing or binding them cannot exhaust the recursion limit.

>>> from qfusion.qasm.lexer import TokenStream
>>> from qfusion.qasm.expressions import ExpressionParser
>>> tree = ExpressionParser(TokenStream("2 * pi / 4 + 1"), version=3).expression()
>>> Evaluator(3).value(tree, Scope())
2.5707963267948966
"""

from __future__ import annotations

import math

from qfusion.circuit.parameter import Parameter, ParameterExpression, apply
from qfusion.errors import QasmError
from qfusion.qasm.limits import DEFAULT_LIMITS, Limits
from qfusion.qasm.syntax import Binary, Call, DurationOfExpr, Expr, Index, Literal, Name, Unary

CONSTANTS_V2 = {"pi": math.pi}
CONSTANTS_V3 = {"pi": math.pi, "π": math.pi, "tau": math.tau, "τ": math.tau, "euler": math.e, "ℇ": math.e}
_MAX_INT = 2**64
_REAL_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "ln": math.log,
    "sqrt": math.sqrt, "arcsin": math.asin, "arccos": math.acos, "arctan": math.atan, "log": math.log,
}
_V2_FUNCTIONS = {"sin", "cos", "tan", "exp", "ln", "sqrt"}
_SYMBOLIC_NAMES = {"log": "ln"}


class Variable:
    """A name's value in a scope; ``kind`` is ``const``, ``var``, ``loop``, ``input`` or ``param``.

    >>> scope = Scope()
    >>> scope.names["n"] = Variable(4, "const")
    >>> scope.lookup("n").value, scope.lookup("n").kind
    (4, 'const')
    """
    __slots__ = ("value", "kind", "token")

    def __init__(self, value, kind: str, token=None):
        self.value, self.kind, self.token = value, kind, token


class DeclaredVariable(Variable):
    """A classical variable the program declared (``int[32] n = 0;``, a local ``bit[4] b;``): its type,
    its width in bits and the instruction list it was declared in, so that it can move into classical
    bits when it first takes a value known only at run time."""
    __slots__ = ("type_name", "width", "is_array", "target")

    def __init__(self, value, kind: str, token, type_name: str, width: int, is_array: bool, target):
        super().__init__(value, kind, token)
        self.type_name, self.width, self.is_array, self.target = type_name, width, is_array, target


class Scope:
    """Names visible to expressions. A gate body's scope sees only constants of outer scopes.

    >>> outer = Scope()
    >>> outer.names["n"], outer.names["x"] = Variable(4, "const"), Variable(1.5, "var")
    >>> body = Scope(outer, is_gate=True)          # a gate body sees only the outer constants
    >>> body.lookup("n").value, body.lookup("x"), Scope(outer).lookup("x").value
    (4, None, 1.5)
    """
    __slots__ = ("names", "parent", "is_gate")

    def __init__(self, parent: Scope | None = None, is_gate: bool = False):
        self.names: dict[str, Variable] = {}
        self.parent = parent
        self.is_gate = is_gate

    def lookup(self, name: str) -> Variable | None:
        """The variable ``name`` refers to, or None.

        >>> scope = Scope()
        >>> scope.names["theta"] = Variable(0.5, "var")
        >>> scope.lookup("theta").value, scope.lookup("phi")
        (0.5, None)
        """
        scope, only_constants = self, False
        while scope is not None:
            variable = scope.names.get(name)
            if variable is not None and (not only_constants or variable.kind == "const"):
                return variable
            only_constants = only_constants or scope.is_gate
            scope = scope.parent
        return None


class Evaluator:
    """Evaluates expression trees; ``describe_name`` explains names that are not values.

    >>> from qfusion.qasm.expressions import ExpressionParser
    >>> from qfusion.qasm.lexer import TokenStream
    >>> def parsed(text):
    ...     return ExpressionParser(TokenStream(text)).expression()
    >>> scope = Scope()
    >>> scope.names["n"] = Variable(5, "const")
    >>> Evaluator().value(parsed("n * 2 + pi"), scope)
    13.141592653589793
    """

    def __init__(self, version: int = 3, limits: Limits = DEFAULT_LIMITS, describe_name=None):
        self.version = version
        self.limits = limits
        self.constants = CONSTANTS_V3 if version >= 3 else CONSTANTS_V2
        self.describe_name = describe_name
        self._symbolic: dict[int, tuple] = {}  # id -> (expression, depth, size), keeps it alive
        self.externs: dict[str, tuple] = {}  # declared name -> (number of arguments, Python function or None)
        self.functions: dict = {}  # Python functions for externs, from loads(..., externs=...)
        self.subroutines: dict = {}  # the program's subroutines, called through subroutine_call(expr, scope)
        self.subroutine_call = None
        self.durationof = None  # the interpreter's: durationof({...}) runs its block aside

    def value(self, expr, scope: Scope):
        """The value of ``expr``: int, float, bool, str (bit string) or ParameterExpression.

        >>> from qfusion.qasm.expressions import ExpressionParser
        >>> from qfusion.qasm.lexer import TokenStream
        >>> def parsed(text):
        ...     return ExpressionParser(TokenStream(text)).expression()
        >>> Evaluator().value(parsed("(3 > 2) && true"), Scope()), Evaluator().value(parsed("2 ** 10"), Scope())
        (True, 1024)
        >>> Evaluator().value(parsed("m + 1"), Scope())
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: 1:1: unknown name 'm'
        """
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, Name):
            return self._name(expr, scope)
        if isinstance(expr, Binary):
            return self._binary(expr, self.value(expr.left, scope), self.value(expr.right, scope))
        if isinstance(expr, Unary):
            return self._unary(expr, self.value(expr.operand, scope))
        if isinstance(expr, Call):
            if expr.name in self.subroutines:
                return self.subroutine_call(expr, scope)
            return self._call(expr, [self.value(a, scope) for a in expr.args])
        if isinstance(expr, Index):
            return self._bit_of_integer(expr, scope)
        if isinstance(expr, DurationOfExpr) and self.durationof is not None:
            return self.durationof(expr, scope)
        raise expr.token.error("expected a single value, not a range or set")

    def _bit_of_integer(self, expr: Index, scope: Scope):
        """``a[i]`` of an integer variable known when the circuit is built: its bit ``i`` (or an element
        or part of an array)."""
        variable = scope.lookup(expr.name)
        value = None if variable is None or variable.kind == "runtime" else variable.value
        if hasattr(value, "ndim"):
            from qfusion.qasm.arrays import array_index
            return array_index(value, expr.index, self, scope, expr.token)
        if type(value) is not int or not isinstance(expr.index, Expr):
            raise expr.token.error(f"'{expr.name}[...]' is not a value known when the circuit is built")
        position = self.integer(expr.index, scope, "a bit index")
        if position < 0:
            raise expr.index.token.error(f"bit index {position} of '{expr.name}' is negative")
        return (value >> position) & 1

    def number(self, expr, scope: Scope, what: str):
        """A real number or parameter expression (a gate argument).

        >>> from qfusion.qasm.expressions import ExpressionParser
        >>> from qfusion.qasm.lexer import TokenStream
        >>> def parsed(text):
        ...     return ExpressionParser(TokenStream(text)).expression()
        >>> from qfusion.circuit import Parameter
        >>> scope = Scope()
        >>> scope.names["t"] = Variable(Parameter("t"), "input")
        >>> Evaluator().number(parsed("2 * t"), scope, "an angle"), Evaluator().number(parsed("pi / 2"), scope, "an angle")
        (ParameterExpression('2*t'), 1.5707963267948966)
        """
        if type(expr) is Literal:
            value = expr.value
            if type(value) is int or (type(value) is float and value - value == 0):
                return value
        value = self.value(expr, scope)
        if isinstance(value, bool) or not isinstance(value, (int, float, ParameterExpression)):
            raise expr.token.error(f"{what} must be a number, got {_describe(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise expr.token.error(f"{what} is not a finite number ({value})")
        return value

    def integer(self, expr, scope: Scope, what: str) -> int:
        """An integer known when the circuit is built (a size, an index, a loop bound).

        >>> from qfusion.qasm.expressions import ExpressionParser
        >>> from qfusion.qasm.lexer import TokenStream
        >>> def parsed(text):
        ...     return ExpressionParser(TokenStream(text)).expression()
        >>> scope = Scope()
        >>> scope.names["n"] = Variable(5, "const")
        >>> Evaluator().integer(parsed("n << 1"), scope, "a size")
        10
        >>> Evaluator().integer(parsed("n / 2.0"), scope, "a size")
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: 1:3: a size must be an integer known when the circuit is built, got 2.5
        """
        if type(expr) is Literal and type(expr.value) is int:
            return expr.value
        value = self.value(expr, scope)
        if isinstance(value, float) and value.is_integer() and self.version < 3:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise expr.token.error(f"{what} must be an integer known when the circuit is built, "
                                   f"got {_describe(value)}")
        return value

    # -- names -----------------------------------------------------------------------------
    def _name(self, expr: Name, scope: Scope):
        name = expr.name
        if name in self.constants:
            return self.constants[name]
        variable = scope.lookup(name)
        if variable is not None:
            if variable.kind == "runtime":
                raise expr.token.error(f"'{name}' holds a value known only at run time (it depends on measurements "
                                       f"or on an extern without a Python function), and this needs a value "
                                       f"known when the circuit is built")
            if variable.value is None:
                raise expr.token.error(f"'{name}' is used before it is given a value (a value that only "
                                       f"measurements give at run time, such as an angle built from measured "
                                       f"bits, is not supported: gate parameters are fixed when the circuit "
                                       f"is built, or are input parameters)")
            return variable.value
        detail = self.describe_name(name) if self.describe_name else None
        raise expr.token.error(detail or f"unknown name '{name}'")

    # -- operators -------------------------------------------------------------------------
    def _binary(self, expr: Binary, left, right):
        op = expr.op
        if isinstance(left, ParameterExpression) or isinstance(right, ParameterExpression):
            return self._symbolic_binary(expr, op, left, right)
        if isinstance(left, str) or isinstance(right, str):
            raise expr.token.error(f"operator '{op}' cannot be applied to a bit string")
        try:
            result = self._numeric_binary(expr, op, left, right)
        except QasmError:
            raise
        except (OverflowError, ValueError) as exc:
            raise expr.token.error(f"cannot evaluate {left!r} {op} {right!r}: {exc}") from None
        except TypeError:   # durations combine only with durations and numbers, as the units allow
            raise expr.token.error(f"operator '{op}' cannot combine {_describe(left)} and "
                                   f"{_describe(right)}") from None
        return self._checked(expr, result)

    def _numeric_binary(self, expr, op, left, right):
        both_int = isinstance(left, int) and isinstance(right, int)
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op in ("/", "%"):
            if right == 0:
                raise expr.token.error("division by zero")
            if op == "/":
                if both_int and self.version >= 3:  # OpenQASM 3: int / int truncates
                    quotient = abs(left) // abs(right)
                    return quotient if (left >= 0) == (right >= 0) else -quotient
                return left / right
            return left - right * int(left / right) if both_int else math.fmod(left, right)
        if op == "**" or (op == "^" and self.version < 3):
            if both_int and right >= 0:
                if abs(left) > 1 and right > 64:
                    raise expr.token.error(f"integer overflow in {left} ** {right}")
                return left ** right
            if left == 0 and right < 0:
                raise expr.token.error("division by zero (0 to a negative power)")
            return math.pow(left, right)
        if op in ("==", "!=", "<", "<=", ">", ">="):
            return {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
                    ">": left > right, ">=": left >= right}[op]
        if op == "&&":
            return bool(left) and bool(right)
        if op == "||":
            return bool(left) or bool(right)
        if not both_int:
            raise expr.token.error(f"operator '{op}' needs integers, got {_describe(left)} and {_describe(right)}")
        if op in ("<<", ">>"):
            if not 0 <= right < 64:
                raise expr.token.error(f"shift by {right} bits is out of range (0 to 63)")
            return left << right if op == "<<" else left >> right
        return {"&": left & right, "|": left | right, "^": left ^ right}[op]

    def _checked(self, expr, result):
        if isinstance(result, float) and not math.isfinite(result):
            raise expr.token.error(f"expression evaluates to {result}, not a finite number")
        if isinstance(result, int) and not isinstance(result, bool) and abs(result) >= _MAX_INT:
            raise expr.token.error("integer overflow (more than 64 bits)")
        return result

    def _symbolic_binary(self, expr, op, left, right):
        for side in (left, right):
            if isinstance(side, (bool, str)):
                raise expr.token.error(f"operator '{op}' cannot combine a parameter and {_describe(side)}")
        if op == "+":
            result = left + right
        elif op == "-":
            result = left - right
        elif op == "*":
            result = left * right
        elif op == "/":
            result = left / right
        elif op == "**" or (op == "^" and self.version < 3):
            result = left ** right
        else:
            raise expr.token.error(f"operator '{op}' cannot be applied to a free parameter")
        return self._track(expr, result, (left, right))

    def _unary(self, expr: Unary, operand):
        op = expr.op
        if isinstance(operand, ParameterExpression):
            if op != "-":
                raise expr.token.error(f"operator '{op}' cannot be applied to a free parameter")
            return self._track(expr, -operand, (operand,))
        if isinstance(operand, str):
            raise expr.token.error(f"operator '{op}' cannot be applied to a bit string")
        if op == "-":
            return self._checked(expr, -operand)
        if op == "!":
            return not operand
        if not isinstance(operand, int) or isinstance(operand, bool):
            raise expr.token.error(f"operator '~' needs an integer, got {_describe(operand)}")
        return ~operand

    # -- functions -------------------------------------------------------------------------
    def _call(self, expr: Call, args: list):
        name = expr.name
        known = _V2_FUNCTIONS if self.version < 3 else set(_REAL_FUNCTIONS) | {
            "floor", "ceiling", "mod", "pow", "float", "int", "uint", "angle", "bool", "bit"}
        if name in self.externs:
            return self._extern(expr, name, args)
        if name == "sizeof" and self.version >= 3:
            return self._sizeof(expr, args)
        if name not in known:
            raise expr.token.error(f"unknown function '{name}'")
        arity = 2 if name in ("mod", "pow") else 1
        if len(args) != arity:
            raise expr.token.error(f"{name}() takes {arity} argument(s), got {len(args)}")
        if any(isinstance(a, str) for a in args):
            raise expr.token.error(f"{name}() cannot be applied to a bit string")
        if any(isinstance(a, ParameterExpression) for a in args):
            return self._symbolic_call(expr, name, args)
        try:
            if name in _REAL_FUNCTIONS:
                return self._checked(expr, _REAL_FUNCTIONS[name](args[0]))
            if name == "pow":
                return self._binary(Binary(expr.token, "**", expr, expr), *args)
            if name == "mod":
                return self._binary(Binary(expr.token, "%", expr, expr), *args)
            value = args[0]
            if name in ("floor", "ceiling"):
                return math.floor(value) if name == "floor" else math.ceil(value)
            if name in ("int", "uint", "bit"):
                return int(value)
            if name == "bool":
                return bool(value)
            return float(value)
        except QasmError:
            raise
        except (OverflowError, ValueError) as exc:
            raise expr.token.error(f"cannot evaluate {name}({', '.join(map(repr, args))}): "
                                   f"{exc}") from None

    def _extern(self, expr, name: str, args: list):
        num_args, function = self.externs[name]
        if function is None:
            raise expr.token.error(f"extern function '{name}' has no definition qfusion can run: pass a Python "
                                   f"function for it, loads(..., externs={{'{name}': function}}) (it is called "
                                   f"when the circuit is built, with values known then)")
        if len(args) != num_args:
            raise expr.token.error(f"extern '{name}' takes {num_args} argument(s), got {len(args)}")
        if any(isinstance(a, ParameterExpression) for a in args):
            raise expr.token.error(f"extern '{name}' cannot take an input parameter (it runs when the circuit "
                                   f"is built)")
        try:
            value = function(*args)
        except Exception as exc:  # the user's function: its failure, at the call
            raise expr.token.error(f"extern '{name}' raised {type(exc).__name__}: {exc}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise expr.token.error(f"extern '{name}' returned {value!r}; it must return a number")
        return value

    def _sizeof(self, expr, args) -> int:
        """``sizeof(a)`` or ``sizeof(a, k)``: the size of dimension ``k`` (0 by default) of array ``a``."""
        if not 1 <= len(args) <= 2 or not hasattr(args[0], "ndim"):
            raise expr.token.error("sizeof() takes an array and, optionally, the number of a dimension")
        dimension = args[1] if len(args) == 2 else 0
        if isinstance(dimension, bool) or not isinstance(dimension, int) or not 0 <= dimension < args[0].ndim:
            raise expr.token.error(f"sizeof(): dimension {dimension!r} of an array of {args[0].ndim} dimension(s)")
        return int(args[0].shape[dimension])

    def _symbolic_call(self, expr, name, args):
        if name == "pow":
            return self._symbolic_binary(expr, "**", *args)
        if name in ("float", "angle"):
            return args[0]
        name = _SYMBOLIC_NAMES.get(name, name)
        if name not in _REAL_FUNCTIONS:
            raise expr.token.error(f"{name}() cannot be applied to a free parameter")
        return self._track(expr, apply(name, args[0]), args)

    # -- bounding symbolic trees -----------------------------------------------------------
    def _track(self, expr, result, operands):
        depth, size = 1, 1
        for operand in operands:
            sub_depth, sub_size = self._measure(operand)
            depth = max(depth, sub_depth + 1)
            size += sub_size
        limits = self.limits
        if depth > limits.max_expression_depth or size > limits.max_expression_size:
            raise expr.token.error(f"parameter expression grows too large (depth {depth}, {size} nodes; "
                                   f"limits {limits.max_expression_depth} and {limits.max_expression_size})")
        self._symbolic[id(result)] = (result, depth, size)
        return result

    def _measure(self, value) -> tuple[int, int]:
        if not isinstance(value, ParameterExpression):
            return 0, 1
        if isinstance(value, Parameter):
            return 1, 1
        known = self._symbolic.get(id(value))
        if known is not None and known[0] is value:
            return known[1], known[2]
        return _measure_tree(value, self.limits.max_expression_size)

    def track(self, value) -> tuple[int, int]:
        """``(depth, size)`` of a value's expression tree (0, 1 for numbers).

        >>> from qfusion.circuit import Parameter
        >>> t = Parameter("t")
        >>> Evaluator().track(2.0), Evaluator().track(t), Evaluator().track(2 * t + 1)
        ((0, 1), (1, 1), (3, 5))
        """
        return self._measure(value)


def _measure_tree(value, cap: int) -> tuple[int, int]:
    """Depth and node count of an expression tree not built here; stops counting past ``cap``."""
    stack, depth, size = [(value, 1)], 0, 0
    while stack and size <= cap:
        node, level = stack.pop()
        size += 1
        depth = max(depth, level)
        if isinstance(node, ParameterExpression) and not isinstance(node, Parameter):
            stack.extend((arg, level + 1) for arg in node._args)
    return depth, size


def _describe(value) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, ParameterExpression):
        return f"the parameter expression {value}"
    if isinstance(value, str):
        return f'the bit string "{value}"'
    return repr(value)
