"""The names a program declares: registers, classical variables, constants and inputs, and
assignments to them (all known when the circuit is built, except measured bits).

>>> from qfusion.qasm import loads
>>> loads('OPENQASM 3; input float t; const int n = 2; qubit[n] q; bit[n] c; int k = 1; k += n;').cregs
[Register(name='c', size=2)]
"""

from __future__ import annotations

from qfusion.circuit.classical import Value
from qfusion.circuit.parameter import Parameter, ParameterExpression
from qfusion.qasm.evaluate import DeclaredVariable, Scope, Variable
from qfusion.qasm.syntax import Assign, Binary, Call, ClassicalDecl, Index, Literal, MeasureExpr, Name, QuantumDecl


class RegisterInfo:
    """A declared register: its first index in the circuit, its size, and whether it is an array;
    ``indices`` are its qubits or bits in the circuit (any list of them for an alias, ``let``).

    >>> from qfusion.qasm.interpreter import Context, Interpreter
    >>> from qfusion.qasm.parser import Parser
    >>> interpreter = Interpreter()
    >>> _ = interpreter.run(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c;').statements())
    >>> context = Context(interpreter.globals, interpreter.main)
    >>> q, c = interpreter.qregs["q"], interpreter.cregs["c"]
    >>> (q.start, q.size, list(q.indices)), c.is_array
    ((0, 2, [0, 1]), True)
    """
    __slots__ = ("name", "start", "size", "is_array", "token", "indices")

    def __init__(self, name, start, size, is_array, token, indices=None):
        self.name, self.start, self.size, self.is_array, self.token = name, start, size, is_array, token
        self.indices = range(start, start + size) if indices is None else indices


class Symbols:
    """Mixin of the interpreter: declarations and classical assignments.

    >>> from qfusion.qasm.interpreter import Context, Interpreter
    >>> from qfusion.qasm.parser import Parser
    >>> interpreter = Interpreter()
    >>> _ = interpreter.run(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c;').statements())
    >>> context = Context(interpreter.globals, interpreter.main)
    >>> sorted(interpreter.qregs), sorted(interpreter.cregs), interpreter.num_qubits
    (['q'], ['c'], 2)
    """

    def _check_new_name(self, token, name: str, scope: Scope | None = None) -> None:
        if name in self.qregs or name in self.cregs:
            raise token.error(f"'{name}' is already declared as a register")
        scope = scope or self.globals
        if name in scope.names:
            raise token.error(f"'{name}' is already declared in this scope")
        if scope is self.globals and name in self.gates:
            raise token.error(f"'{name}' is already the name of a gate")

    def _register_size(self, expr, context, what: str) -> int:
        size = self.evaluator.integer(expr, context.scope, f"the size of {what}")
        if size < 1:
            raise expr.token.error(f"the size of {what} must be at least 1, got {size}")
        return size

    def physical_qubit(self, operand) -> int:
        """The qubit ``$k`` names: qubit ``k`` of a program that declares no qubits of its own (the
        circuit has as many qubits as the highest ``$k`` used needs).

        >>> from qfusion.qasm.interpreter import Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> Interpreter().run(Parser('include "stdgates.inc"; h $3;').statements()).num_qubits
        4
        """
        index = int(operand.name[1:])
        declared = [name for name in self.qregs if name != "$"]
        if declared:
            raise operand.token.error(f"physical qubit {operand.name} in a program that declares qubits "
                                      f"('{declared[0]}'): a program uses either physical or declared qubits")
        if index >= self.limits.max_qubits:
            raise operand.token.error(f"physical qubit {operand.name} makes more than {self.limits.max_qubits:,} "
                                      f"qubits (Limits.max_qubits)")
        register = self.qregs.get("$")
        if register is None or index >= register.size:
            self.forget_fast_calls()
            self.qregs["$"] = RegisterInfo("$", 0, index + 1, True, operand.token)
            self.num_qubits = index + 1
        return index

    def _quantum_decl(self, decl: QuantumDecl, context) -> None:
        if "$" in self.qregs:
            raise decl.token.error("this program uses physical qubits ($0, $1, ...); it cannot also declare "
                                   "qubits")
        self._check_new_name(decl.name_token, decl.name)
        size = 1 if decl.size is None else self._register_size(decl.size, context, f"register '{decl.name}'")
        if self.num_qubits + size > self.limits.max_qubits:
            raise decl.name_token.error(f"declaring {decl.name}[{size}] makes {self.num_qubits + size:,} qubits, "
                                        f"more than the limit of {self.limits.max_qubits:,} (Limits.max_qubits)")
        self.forget_fast_calls()
        self.qregs[decl.name] = RegisterInfo(decl.name, self.num_qubits, size, decl.size is not None, decl.token)
        self.num_qubits += size

    def _classical_decl(self, decl: ClassicalDecl, context) -> None:
        if decl.type_name == "bit":
            return self._bit_decl(decl, context)
        if (decl.type_name == "angle" and decl.size is not None and decl.init is None and decl.modifier is None
                and self.version >= 3 and context.scope is self.globals):
            # an angle[n] given no value is n bits, which measurements fill (iterative phase estimation)
            self._bit_decl(decl, context)
            self.angle_registers[decl.name] = self.cregs[decl.name]
            return None
        if decl.type_name in ("duration", "stretch"):
            self._check_new_name(decl.name_token, decl.name, context.scope)
            return self.time_decl(decl, context)
        name, token = decl.name, decl.name_token
        self._check_new_name(token, name, context.scope)
        if decl.modifier == "input":
            if decl.type_name not in ("float", "angle", "int", "uint"):
                raise decl.token.error(f"'input {decl.type_name}' is not supported (only float and angle "
                                       f"inputs, which become circuit parameters)")
            if decl.init is not None:
                raise decl.init.token.error("an 'input' declaration cannot have a value")
            context.scope.names[name] = Variable(Parameter(name), "input", token)
            return
        value = later = None
        if decl.init is not None:
            if isinstance(decl.init, MeasureExpr):
                raise decl.init.token.error(f"only bits can hold a measurement, not '{decl.type_name}'")
            if decl.modifier == "const" or self.version < 3:
                value = self.evaluator.value(decl.init, context.scope)
            else:
                value, later = self.now_or_later(decl.init, context)
            if later is None:
                value = self._converted(decl.type_name, value, decl.init)
        elif decl.modifier == "const":
            raise token.error(f"constant '{name}' needs a value")
        if decl.modifier == "const" or self.version < 3:
            context.scope.names[name] = Variable(value, "const" if decl.modifier == "const" else "var", token)
            return None
        width = self.declared_width(decl.type_name, decl.size, context)
        if later is not None or context.condition is not None or decl.modifier == "output":
            # a value known only at run time (or set under a condition on measurements): in classical bits
            initial = later if later is not None else Value(value or 0)
            variable = self.runtime_variable(name, decl.type_name, width, token, context, initial,
                                             output=decl.modifier == "output")
            context.scope.names[name] = Variable(variable, "runtime", token)
            return None
        context.scope.names[name] = DeclaredVariable(value, "var", token, decl.type_name, width, False,
                                                     context.target)

    def _converted(self, type_name: str, value, expr):
        if isinstance(value, ParameterExpression):
            raise expr.token.error("a classical variable needs a value known when the circuit is built, "
                                   "not an input parameter")
        if isinstance(value, str):
            raise expr.token.error(f"a bit string cannot be stored in a '{type_name}' variable")
        if type_name in ("int", "uint"):
            return int(value)
        if type_name == "bool":
            return bool(value)
        return float(value)

    def _bit_decl(self, decl: ClassicalDecl, context) -> None:
        if self.local_bit_decl(decl, context):
            return None
        name = decl.name
        self._check_new_name(decl.name_token, name)
        if decl.modifier in ("input", "const"):
            raise decl.token.error(f"'{decl.modifier}' bits are not supported")
        size = 1 if decl.size is None else self._register_size(decl.size, context, f"register '{name}'")
        if self.num_clbits + size > self.limits.max_clbits:
            raise decl.name_token.error(f"declaring {name}[{size}] makes more than {self.limits.max_clbits:,} "
                                        f"classical bits (Limits.max_clbits)")
        register = RegisterInfo(name, self.num_clbits, size, decl.size is not None, decl.token)
        self.cregs[name] = register
        self.num_clbits += size
        init = decl.init
        if isinstance(init, MeasureExpr):
            qubits, _ = self.qubits_of(init.operand, context)
            self._measure_pairs(qubits, list(register.indices), init.token, context)
        elif init is not None:
            self.initial_bits(list(register.indices), init, context)

    def initial_bits(self, clbits: list, init, context) -> None:
        """A bit declaration's value: a store, unless it is the zero bits start with.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> _ = interpreter.run(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c;').statements())
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> *_, declaration = Parser('bit[2] d = "10";').statements()
        >>> interpreter.execute_one(declaration, context)
        >>> [inst.name for inst in interpreter.main.instructions]
        ['store']
        """
        if isinstance(init, Literal) and isinstance(init.value, str) and (
                len(init.value) != len(clbits) or set(init.value) - {"0", "1"}):
            raise init.token.error(f'"{init.value}" is not a bit string of length {len(clbits)}')
        dynamic = self.runtime_expr(init, context)
        if dynamic is None and self._constant(init, context).value in (0, False):
            return
        self.store_bits(clbits, init, context, init.token)

    def _assign(self, statement: Assign, context) -> None:
        target = statement.target
        if isinstance(statement.value, MeasureExpr):
            if statement.op != "=":
                raise statement.token.error(f"'{statement.op}' cannot take a measurement")
            qubits, _ = self.qubits_of(statement.value.operand, context)
            clbits, _ = self.clbits_of(target, context)
            return self._measure_pairs(qubits, clbits, statement.value.token, context)
        value = statement.value
        if isinstance(value, Call) and value.name in self.subroutines and statement.op == "=" and (
                target.name in self.cregs or self.alias(target.name, context, "bits") is not None):
            return self.assign_bits(target, value, context)
        if target.name in self.cregs or self.alias(target.name, context, "bits") is not None:
            clbits, _ = self.clbits_of(target, context)
            if statement.op != "=":
                read = Name(target.token) if target.index is None else Index(target.token, target.name, target.index)
                read = Call(target.token, "uint", [read])     # the bits themselves (an angle[n] reads as an angle)
                value = Binary(statement.token, statement.op[:-1], read, value)
            return self.store_bits(clbits, value, context, statement.token)
        variable = context.scope.lookup(target.name)
        if variable is None:
            raise target.token.error(f"unknown variable '{target.name}'")
        if hasattr(variable.value, "ndim") and variable.kind in ("var", "const"):
            return self.assign_array(statement, variable, context)
        if variable.kind == "runtime" or (isinstance(variable, DeclaredVariable) and variable.kind == "var"
                                          and target.index is None):
            return self._assign_variable(statement, variable, context)
        if variable.kind != "var" or target.index is not None:
            kinds = {"const": "a constant", "input": "an input parameter", "loop": "a loop variable",
                     "param": "a gate parameter"}
            raise target.token.error(f"cannot assign to '{target.name}': it is "
                                     f"{kinds.get(variable.kind, 'an indexed value')}")
        if context.condition is not None:
            raise statement.token.error("assignments to classical variables under a condition on measured "
                                        "bits are not supported")
        expr = statement.value
        if statement.op != "=":
            expr = Binary(statement.token, statement.op[:-1], Name(target.token), expr)
        value = self.evaluator.value(expr, context.scope)
        if isinstance(value, (ParameterExpression, str)):
            raise statement.token.error("a classical variable needs a value known when the circuit is built")
        variable.value = type(variable.value)(value) if isinstance(variable.value, (int, float)) else value

    def _assign_variable(self, statement: Assign, variable, context) -> None:
        """An assignment to a declared variable: folded now while its value is known when the circuit is
        built; a store into its classical bits once it depends on run-time values (or is set under a
        condition on measurements)."""
        target = statement.target
        expr = statement.value
        if statement.op != "=":
            expr = Binary(statement.token, statement.op[:-1], Name(target.token), expr)
        if variable.kind == "var" and context.condition is not None:
            self.promote(variable, target.token)   # (first: the value then reads the variable's bits)
        now, later = self.now_or_later(expr, context)
        if variable.kind == "var" and later is None and context.condition is None:
            if isinstance(now, (ParameterExpression, str)):
                raise statement.token.error("a classical variable needs a value known when the circuit is built")
            variable.value = self._converted(variable.type_name, now, statement.value)
            return None
        runtime = variable.value if variable.kind == "runtime" else self.promote(variable, target.token)
        clbits = runtime.register.indices
        if target.index is not None:      # one bit of an integer
            position = self.evaluator.integer(target.index, context.scope, "a bit index")
            if not 0 <= position < len(clbits):
                raise target.index.token.error(f"bit index {position} out of range for '{target.name}'")
            clbits = [clbits[position]]
            value = later if later is not None else Value(int(now))
        else:
            value = runtime.written(later if later is not None else self._constant_value(now, statement.value))
        self.emit_store(context.target, clbits, value, context.condition, statement.token)
        return None

    def _constant_value(self, value, expr):
        if isinstance(value, (ParameterExpression, str)):
            raise expr.token.error("a run-time variable cannot take an input parameter or a bit string")
        return Value(value)
