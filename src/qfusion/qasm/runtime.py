"""Classical values only known at run time, in OpenQASM 3: expressions over measured bits become
the run-time expressions of :mod:`qfusion.circuit.classical`, evaluated per shot by the simulator.

So ``while`` on measured bits is a :class:`~qfusion.circuit.classical.WhileLoop`, an ``if`` whose
condition is not a plain comparison of bits an :class:`~qfusion.circuit.classical.IfElse`, and an
assignment to bits (``flags = "11";``, ``c[0] = c[1] ^ c[2];``, ``r = vote(c);`` with an extern
given as a Python function) a :class:`~qfusion.circuit.classical.Store`.

A classical variable of another type (``int``, ``uint``, ``bool``, ``angle``, ``float``) is folded while
its value is known when the circuit is built; once it takes a value known only at run time (from
measurements, or from an ``extern`` the program calls without a Python function), or is set under a
condition on measurements, it moves into classical bits of its own (a :class:`RuntimeVariable`) and
its later reads and writes are run-time expressions and stores. A ``for`` loop over a range whose
ends are known only at run time becomes a :class:`~qfusion.circuit.classical.WhileLoop`.

>>> from qfusion.qasm import loads
>>> c = loads('''OPENQASM 3; include "stdgates.inc"; qubit q; bit b = 0;
... while (b == 0) { reset q; h q; b = measure q; } b = 1;''')
>>> [inst.name for inst in c.instructions]
['while_loop', 'store']
"""

from __future__ import annotations

import math

from qfusion.circuit.circuit import Condition, Instruction
from qfusion.circuit.classical import OPERATORS, Bits, IfElse, Op, Store, Value, WhileLoop, block_qubits
from qfusion.circuit.parameter import Parameter, ParameterExpression
from qfusion.qasm.calls import Target
from qfusion.qasm.evaluate import DeclaredVariable, Variable
from qfusion.qasm.limits import position
from qfusion.qasm.syntax import Binary, Call, Index, Name, Unary

_ALWAYS = Condition((), 0)   # what a body run at run time carries while it is built: "a measured condition"
_DEFAULT_WIDTHS = {"int": 64, "uint": 64, "float": 64, "angle": 32, "bool": 1, "bit": 1}


class RuntimeVariable:
    """A classical variable whose value is known only at run time (it depends on measurements, or on an
    extern the program calls without a Python function), kept in classical bits of its own register:
    an ``int[n]`` / ``uint[n]`` as its ``n`` bits (two's complement), a ``bool`` as one bit, an
    ``angle[n]`` as its ``n`` bits, a ``float`` as the 64 bits of an IEEE 754 double.

    >>> from qfusion.qasm.symbols import RegisterInfo
    >>> RuntimeVariable(RegisterInfo("k", 0, 4, True, None), "int", 4).read().op
    'signed_int'
    """
    __slots__ = ("register", "type_name", "width")

    def __init__(self, register, type_name: str, width: int):
        self.register, self.type_name, self.width = register, type_name, width

    def read(self):
        """The run-time expression of the variable's value."""
        bits = Bits(tuple(self.register.indices))
        if self.type_name == "int":
            return Op("signed_int", (bits, Value(self.width)))
        if self.type_name == "float":
            return Op("bits_float", (bits,))
        if self.type_name == "angle":
            return Op("*", (bits, Value(2 * math.pi / (1 << self.width))))
        return bits

    def written(self, value):
        """The expression a :class:`Store` writes into the variable's bits for ``value``."""
        if self.type_name == "float":
            return Op("float_bits", (value,))
        if self.type_name == "angle":
            return Op("angle_bits", (value, Value(self.width)))
        if self.type_name == "bool":
            return Op("bool", (value,))
        return value


def _where(token) -> str:
    line, column, filename = position(token)
    return f"{filename + ':' if filename else ''}{line}:{column}"


class Runtime:
    """Mixin of the interpreter: run-time expressions, loops, branches and stores.

    >>> from qfusion.qasm import loads
    >>> c = loads('OPENQASM 3.0; include "stdgates.inc"; qubit q; bit b; b = measure q; while (b == 0) { h q; b = measure q; }')
    >>> [inst.name for inst in c.instructions]
    ['measure', 'while_loop']
    """

    def runtime_expr(self, expr, context):
        """``expr`` as a run-time expression when it reads measured bits; None when it is known now.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.execute(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c; int n = 3;').statements(), context)
        >>> def parsed(text):
        ...     return next(Parser(f"int x = {text};").statements()).init
        >>> interpreter.runtime_expr(parsed("c + 1"), context), interpreter.runtime_expr(parsed("n + 1"), context)
        (Op(op='+', args=(Bits(clbits=(0, 1)), Value(value=1)), function=None, where='1:11'), None)
        """
        if self.version < 3:     # OpenQASM 2 compares a register with an integer, and nothing else
            return None
        if isinstance(expr, Name) and expr.name in self.angle_registers and context.scope.lookup(expr.name) is None:
            register = self.cregs[expr.name]     # an angle[n] of measured bits: bits * 2 pi / 2^n
            return Op("*", (Bits(tuple(register.indices)), Value(2 * math.pi / (1 << register.size))), None,
                      _where(expr.token))
        if isinstance(expr, (Name, Index)):
            variable = context.scope.lookup(expr.name)
            if variable is not None and variable.kind == "runtime":
                if isinstance(expr, Name):
                    return variable.value.read()
                register = variable.value.register
                position = self.evaluator.integer(expr.index, context.scope, "a bit index")
                if not 0 <= position < register.size:
                    raise expr.token.error(f"bit index {position} out of range for '{expr.name}' "
                                           f"({register.size} bits)")
                return Bits((register.indices[position],))
        bits = self._bits_of(expr, context)
        if bits is not None:
            if isinstance(expr, Call) and expr.name == "bool":
                return Op("!=", (Bits(bits), Value(0)))
            return Bits(bits)
        if isinstance(expr, Binary):
            left, right = self.runtime_expr(expr.left, context), self.runtime_expr(expr.right, context)
            if left is None and right is None:
                return None
            return Op(expr.op, (left or self._constant(expr.left, context), right or self._constant(expr.right, context)),
                      None, _where(expr.token))
        if isinstance(expr, Unary):
            operand = self.runtime_expr(expr.operand, context)
            return None if operand is None else Op(expr.op, (operand,), None, _where(expr.token))
        if isinstance(expr, Call) and expr.name not in self.subroutines:
            args = [self.runtime_expr(a, context) for a in expr.args]
            unknown_extern = expr.name in self.evaluator.externs and self.evaluator.externs[expr.name][1] is None
            if all(a is None for a in args) and not unknown_extern:
                return None
            if unknown_extern and len(expr.args) != self.evaluator.externs[expr.name][0]:
                raise expr.token.error(f"extern '{expr.name}' takes {self.evaluator.externs[expr.name][0]} "
                                       f"argument(s), got {len(expr.args)}")
            args = tuple(a or self._constant(e, context) for a, e in zip(args, expr.args, strict=True))
            if expr.name in self.evaluator.externs:
                return Op(f"extern:{expr.name}", args, self.evaluator.externs[expr.name][1], _where(expr.token))
            if expr.name not in OPERATORS:
                raise expr.token.error(f"'{expr.name}' cannot be applied to measured bits at run time")
            return Op(expr.name, args, None, _where(expr.token))
        return None

    def runtime_args(self, call, context):
        """``(args, placeholders)`` of a gate call whose parameters read measured bits: a placeholder
        :class:`~qfusion.circuit.Parameter` per run-time parameter, with its expression; None if none does.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.execute(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c; int n = 3;').statements(), context)
        >>> call = next(Parser("rz(c * 0.5) q[0];").statements())
        >>> args, placeholders = interpreter.runtime_args(call, context)
        >>> args, placeholders[0][1].op
        ([Parameter('_runtime0')], '*')
        >>> interpreter.runtime_args(next(Parser("rz(n * 0.5) q[0];").statements()), context) is None
        True
        """
        if self.version < 3 or context.qubits is not None:
            return None
        exprs = [self.runtime_expr(a, context) for a in call.args]
        if all(e is None for e in exprs):
            return None
        args, runtime = [], []
        for i, (arg, expr) in enumerate(zip(call.args, exprs, strict=True)):
            if expr is None:
                args.append(self.evaluator.number(arg, context.scope, f"parameter {i + 1} of '{call.name}'"))
            else:
                placeholder = Parameter(f"_runtime{i}")
                args.append(placeholder)
                runtime.append((placeholder, expr))
        return args, tuple(runtime)

    def _constant(self, expr, context) -> Value:
        if isinstance(expr, Name):   # a declared variable given no value yet reads 0 at run time, as its bits would
            variable = context.scope.lookup(expr.name)
            if isinstance(variable, DeclaredVariable) and variable.value is None:
                return Value(0)
        value = self.evaluator.value(expr, context.scope)
        if isinstance(value, ParameterExpression):
            raise expr.token.error("a run-time expression on measured bits cannot use an input parameter")
        if isinstance(value, str):
            value = int(value, 2) if value else 0
        return Value(value)

    def body_instructions(self, body, context, token) -> tuple:
        """The instructions of ``body`` run at run time (not unrolled): built once, with a context
        that refuses what needs values known now (assignments to classical variables).

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.execute(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c; int n = 3;').statements(), context)
        >>> loop = next(Parser("while (c == 0) { h q[0]; c[0] = measure q[0]; }").statements())
        >>> interpreter.body_instructions(loop.body, context, loop.token)
        (Instruction(Gate('h'), qubits=(0,)), Instruction(Measure(), qubits=(0,), clbits=(0,)))
        """
        target = Target()
        inner = type(context)(context.scope.__class__(context.scope), target, _ALWAYS, context.qubits)
        self.run_block(body, inner, token)
        if target.phase:
            raise token.error("a global phase inside a run-time loop or branch is a relative phase; "
                              "write it as a gate")
        return tuple(inst if inst.condition != _ALWAYS else Instruction(inst.operation, inst.qubits, inst.clbits)
                     for inst in target.instructions)

    def _outer(self, context):
        return None if context.condition == _ALWAYS else context.condition

    def runtime_while(self, statement, condition, context) -> None:
        """Append ``statement`` as a :class:`~qfusion.circuit.classical.WhileLoop` on the run-time ``condition``.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.execute(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c; int n = 3;').statements(), context)
        >>> loop = next(Parser("while (c == 0) { h q[0]; c[0] = measure q[0]; }").statements())
        >>> interpreter.runtime_while(loop, interpreter.runtime_expr(loop.condition, context), context)
        >>> interpreter.main.instructions[-1].operation.name, interpreter.main.instructions[-1].qubits
        ('while_loop', (0,))
        """
        if context.qubits is not None:
            raise statement.token.error("'while' on measured bits is not allowed inside a gate definition")
        body = self.body_instructions(statement.body, context, statement.token)
        qubits = block_qubits(body)
        self.budget.charge(1, statement.token)
        loop = WhileLoop(condition, body, len(qubits), self.limits.max_while_iterations)
        context.target.instructions.append(Instruction(loop, qubits, (), self._outer(context)))

    def runtime_if(self, statement, condition, context) -> None:
        """Append ``statement`` as an :class:`~qfusion.circuit.classical.IfElse` on the run-time ``condition``.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.execute(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c; int n = 3;').statements(), context)
        >>> branch = next(Parser("if (c == 1) { x q[1]; } else { h q[1]; }").statements())
        >>> interpreter.runtime_if(branch, interpreter.runtime_expr(branch.condition, context), context)
        >>> operation = interpreter.main.instructions[-1].operation
        >>> operation.name, [i.name for i in operation.then_body], [i.name for i in operation.else_body]
        ('if_else', ['x'], ['h'])
        """
        if context.qubits is not None:
            raise statement.token.error("conditions on measured bits are not allowed inside gate definitions")
        then_body = self.body_instructions(statement.then_body, context, statement.token)
        else_body = self.body_instructions(statement.else_body or [], context, statement.token)
        qubits = block_qubits(then_body, else_body)
        self.budget.charge(1, statement.token)
        branch = IfElse(condition, then_body, else_body, len(qubits))
        context.target.instructions.append(Instruction(branch, qubits, (), self._outer(context)))

    def store_bits(self, clbits, value_expr, context, token) -> None:
        """Write the value of ``value_expr`` (now or at run time) into ``clbits``.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.execute(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c; int n = 3;').statements(), context)
        >>> assignment = next(Parser("c = 2;").statements())
        >>> interpreter.store_bits([0, 1], assignment.value, context, assignment.token)
        >>> interpreter.main.instructions[-1]
        Instruction(Store((0, 1), Value(value=2)), qubits=())
        """
        value = self.runtime_expr(value_expr, context) or self._constant(value_expr, context)
        if isinstance(value, Value):
            if isinstance(value.value, bool) or isinstance(value.value, int):
                value = Value(int(value.value))
            else:
                raise value_expr.token.error(f"bits take an integer, a boolean or a bit string, "
                                             f"got {value.value!r}")
        self.budget.charge(1, token)
        context.target.instructions.append(Instruction(Store(tuple(clbits), value), (), (),
                                                       self._outer(context)))

    # -- variables known only at run time --------------------------------------------------------
    def emit_store(self, target, clbits, value, condition, token) -> None:
        """Append a :class:`Store` of ``value`` into ``clbits`` to ``target`` (a :class:`Target`)."""
        self.budget.charge(1, token)
        condition = None if condition == _ALWAYS else condition
        target.instructions.append(Instruction(Store(tuple(clbits), value), (), (), condition))

    def declared_width(self, type_name: str, size, context) -> int:
        if type_name == "float":
            return 64
        if size is None or type_name == "bool":
            return _DEFAULT_WIDTHS[type_name]
        return self._register_size(size, context, f"a '{type_name}'")

    def runtime_variable(self, name: str, type_name: str, width: int, token, context, value, output=False):
        """A new :class:`RuntimeVariable` ``name`` in fresh bits, given ``value`` (an expression; None
        leaves it 0) where ``context`` is now; an ``output`` variable's register has its own name."""
        register = self._local_bits(name if output else f"{name}_0", width, type_name != "bool" and width > 1, token)
        variable = RuntimeVariable(register, type_name, width)
        if value is not None:
            self.emit_store(context.target, register.indices, variable.written(value), context.condition, token)
        return variable

    def promote(self, variable, token):
        """Move a declared variable known so far into classical bits (its value from now on is set at run
        time): its value so far is stored where it was declared, before what is being built now."""
        value = variable.value
        if variable.type_name == "bit":
            register = self._local_bits(f"{variable.token.text}_0", variable.width, variable.is_array, variable.token)
            if value:
                self.emit_store(variable.target, register.indices, Value(int(value)), None, token)
            variable.value, variable.kind = register, "bits"
            return register
        initial = None if value in (None, 0) and variable.target is self.main else Value(value or 0)
        register = self._local_bits(f"{variable.token.text}_0", variable.width, variable.width > 1, variable.token)
        runtime = RuntimeVariable(register, variable.type_name, variable.width)
        if initial is not None:
            self.emit_store(variable.target, register.indices, runtime.written(initial), None, token)
        variable.value, variable.kind = runtime, "runtime"
        return runtime

    def now_or_later(self, expr, context):
        """``(value, None)`` for a value known now, or ``(None, expression)`` for one known at run time;
        a subroutine call is made here, once."""
        if isinstance(expr, Call) and expr.name in self.subroutines:
            result = self.call_subroutine(self.subroutines[expr.name], expr.token, expr.args, context)
            if result is None:
                raise expr.token.error(f"subroutine '{expr.name}' returns no value")
            if isinstance(result, RuntimeVariable):
                return None, result.read()
            if hasattr(result, "indices"):           # measured bits
                return None, Bits(tuple(result.indices))
            return result, None
        dynamic = self.runtime_expr(expr, context)
        if dynamic is not None:
            return None, dynamic
        return self.evaluator.value(expr, context.scope), None

    def extern_statement(self, call, context) -> None:
        """``f(a, b);`` for an ``extern f``: called now when it has a Python function and its arguments
        are known, else kept as a run-time call (a :class:`Store` into no bits)."""
        if call.operands or call.modifiers:
            raise call.token.error(f"extern '{call.name}' takes values in parentheses, not qubits or modifiers")
        expr = Call(call.token, call.name, list(call.args))
        dynamic = self.runtime_expr(expr, context)
        if dynamic is None:
            num_args, function = self.evaluator.externs[call.name]
            args = [self.evaluator.value(a, context.scope) for a in call.args]
            if len(args) != num_args:
                raise call.token.error(f"extern '{call.name}' takes {num_args} argument(s), got {len(args)}")
            try:
                function(*args)
            except Exception as exc:  # the user's function: its failure, at the call
                raise call.token.error(f"extern '{call.name}' raised {type(exc).__name__}: {exc}") from None
            return
        self.emit_store(context.target, (), dynamic, context.condition, call.token)

    def runtime_for(self, statement, context) -> bool:
        """A ``for`` over a range whose ends are known only at run time, as a run-time loop; False when
        the range is known now (then the loop is unrolled)."""
        rng = statement.iterable
        if self.version < 3 or context.qubits is not None:
            return False
        ends = [None if e is None else self.runtime_expr(e, context) for e in (rng.start, rng.stop)]
        if all(e is None for e in ends):
            return False
        if rng.start is None or rng.stop is None:
            raise rng.token.error("a loop range needs a start and an end, as in [0:n]")
        start, stop = (e or self._constant(x, context) for e, x in zip(ends, (rng.start, rng.stop), strict=True))
        step = 1 if rng.step is None else self.evaluator.integer(rng.step, context.scope, "a range step")
        if step == 0:
            raise rng.token.error("a range step cannot be 0")
        type_name = statement.type_name or "int"
        width = self.declared_width(type_name, statement.type_size, context)
        scope = context.scope.__class__(context.scope)
        variable = self.runtime_variable(statement.variable, type_name, width, statement.token, context, start)
        scope.names[statement.variable] = Variable(variable, "runtime", statement.token)
        inner = context.with_scope(scope)
        body = self.body_instructions(statement.body, inner, statement.token)
        increment = Store(tuple(variable.register.indices), variable.written(Op("+", (variable.read(), Value(step)))))
        body += (Instruction(increment, (), ()),)
        condition = Op("<=" if step > 0 else ">=", (variable.read(), stop), None, _where(statement.token))
        qubits = block_qubits(body)
        self.budget.charge(1, statement.token)
        loop = WhileLoop(condition, body, len(qubits), self.limits.max_while_iterations)
        context.target.instructions.append(Instruction(loop, qubits, (), self._outer(context)))
        return True
