"""Subroutines (``def``), ``return``, aliases (``let``) and bits declared inside blocks, in OpenQASM 3.

A subroutine call is expanded where it is made: its qubit parameters become aliases of the
caller's qubits, its classical parameters local variables holding the values of the arguments,
and its ``return`` gives the caller a value (a number known when the circuit is built, or bits:
``c = f(q);`` makes the measurements that produced the returned bits write ``c``'s bits).

>>> from qfusion.qasm import loads
>>> c = loads('''OPENQASM 3; include "stdgates.inc";
... def bell(qubit a, qubit b) { h a; cx a, b; }
... def flip(qubit[2] r) -> bit[2] { bit[2] m; x r; m = measure r; return m; }
... qubit[4] q; bit[2] out;
... bell(q[0], q[1]); let pair = q[2] ++ q[3]; bell(pair[0], pair[1]); out = flip(q[2:3]);''')
>>> c.count_ops()
{'h': 2, 'cx': 2, 'x': 2, 'measure': 2}
>>> [inst.clbits for inst in c.instructions if inst.name == "measure"]
[(0,), (1,)]
"""

from __future__ import annotations

from dataclasses import replace

from qfusion.circuit.circuit import Condition
from qfusion.circuit.classical import Store
from qfusion.circuit.parameter import ParameterExpression
from qfusion.errors import QasmError
from qfusion.qasm.evaluate import DeclaredVariable, Scope, Variable
from qfusion.qasm.symbols import RegisterInfo
from qfusion.qasm.syntax import (
    Assign,
    Call,
    Index,
    Let,
    MeasureExpr,
    Name,
    Operand,
    Return,
    SubroutineDef,
    Switch,
    While,
)


class _Returned(Exception):
    """``return`` leaving a subroutine body, with its value."""

    def __init__(self, value):
        super().__init__()
        self.value = value


class Subroutines:
    """Mixin of the interpreter: definitions and calls of subroutines, ``return``, ``let``.

    >>> from qfusion.qasm import loads
    >>> c = loads('OPENQASM 3.0; include "stdgates.inc"; def flip(qubit a) { x a; } qubit[2] q; flip(q[1]); flip(q[0]);')
    >>> [(inst.name, inst.qubits) for inst in c.instructions]
    [('x', (1,)), ('x', (0,))]
    """

    def __init__(self):
        self.subroutines: dict[str, SubroutineDef] = {}
        self.aliases_live = 0  # subroutine calls being expanded (their parameters may shadow registers)
        self.current_context = None
        self.evaluator.subroutines = self.subroutines
        self.evaluator.subroutine_call = self._subroutine_value

    def alias(self, name: str, context, kind: str, promote: bool = True):
        """The :class:`RegisterInfo` an alias ``name`` of ``kind`` ("qubits" or "bits") stands for, or None
        (local bits known so far get their classical bits now, unless ``promote`` is false).

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.execute(Parser("qubit[3] q; let pair = q[1:2];").statements(), context)
        >>> list(interpreter.alias("pair", context, "qubits").indices), interpreter.alias("q", context, "qubits")
        ([1, 2], None)
        """
        variable = context.scope.lookup(name)
        if variable is None:
            return None
        if promote and kind == "bits" and variable.kind == "var" and getattr(variable, "type_name", None) == "bit":
            self.promote(variable, variable.token)
        return variable.value if variable.kind == kind else None

    # -- definitions ---------------------------------------------------------------------------
    def _subroutine_def(self, definition: SubroutineDef, context) -> None:
        self._check_new_name(definition.token, definition.name)
        if definition.name in self.subroutines or definition.name in self.evaluator.externs:
            raise definition.token.error(f"'{definition.name}' is already defined")
        seen = set()
        for param in definition.params:
            if param.name in seen:
                raise param.token.error(f"parameter '{param.name}' appears twice in subroutine "
                                        f"'{definition.name}'")
            seen.add(param.name)
        self.subroutines[definition.name] = definition

    def _return(self, statement: Return, context) -> None:
        if not self.aliases_live:
            raise statement.token.error("'return' outside a subroutine")
        value = statement.value
        if isinstance(value, MeasureExpr):
            qubits, single = self.qubits_of(value.operand, context)
            register = self._local_bits("returned", len(qubits), not single, statement.token)
            self._measure_pairs(qubits, list(register.indices), value.token, context)
            raise _Returned(register)
        if isinstance(value, (Name, Index)) and self.alias(value.name, context, "bits") is not None:
            bits, single = self.clbits_of(Operand(value.token, value.name, getattr(value, "index", None)),
                                          context)
            raise _Returned(RegisterInfo("returned", 0, len(bits), not single, value.token, bits))
        if isinstance(value, Name):
            variable = context.scope.lookup(value.name)
            if variable is not None and variable.kind == "runtime":
                raise _Returned(variable.value)
        if value is not None and self.runtime_expr(value, context) is not None:
            raise value.token.error("a subroutine returns a run-time value by a variable: assign the expression "
                                    "to a variable and return that")
        raise _Returned(None if value is None else self.evaluator.value(value, context.scope))

    # -- aliases and local bits ----------------------------------------------------------------
    def _let(self, statement: Let, context) -> None:
        self._check_new_name(statement.token, statement.name, context.scope)
        kind, indices = None, []
        for part in statement.parts:
            is_qubits = part.name in self.qregs or self.alias(part.name, context, "qubits") is not None
            found, _ = self.qubits_of(part, context) if is_qubits else self.clbits_of(part, context)
            part_kind = "qubits" if is_qubits else "bits"
            if kind not in (None, part_kind):
                raise part.token.error(f"alias '{statement.name}' cannot join qubits and bits")
            kind = part_kind
            indices.extend(found)
        if len(set(indices)) != len(indices):
            raise statement.token.error(f"alias '{statement.name}' names a {kind[:-1]} twice")
        single = len(statement.parts) == 1 and self._names_one(statement.parts[0], context, kind)
        register = RegisterInfo(statement.name, 0, len(indices), not single, statement.token, indices)
        context.scope.names[statement.name] = Variable(register, kind, statement.token)

    def _names_one(self, operand, context, kind) -> bool:
        found = self.qubits_of(operand, context) if kind == "qubits" else self.clbits_of(operand, context)
        return found[1]

    def release_scope_bits(self, names: dict) -> None:
        """The bits of the variables a loop's pass declared (``names``, its scope) may hold the next
        pass's: those variables are gone (so an unrolled loop does not take new bits each pass)."""
        free = self.__dict__.setdefault("_free_bits", {})
        for variable in names.values():
            register = variable.value if variable.kind == "bits" else getattr(variable.value, "register", None)
            if (variable.kind in ("bits", "runtime") and isinstance(register, RegisterInfo)
                    and self.cregs.get(register.name) is register):
                free.setdefault((register.size, register.is_array), []).append(register)

    def _local_bits(self, name: str, size: int, is_array: bool, token) -> RegisterInfo:
        """Fresh classical bits in the circuit, in a register of a name of its own (or the bits of a
        variable of an earlier pass of a loop, of the same size)."""
        reusable = self.__dict__.get("_free_bits", {}).get((size, is_array))
        if reusable:
            return reusable.pop()
        counts = self.__dict__.setdefault("_name_counts", {})   # (names made before: no quadratic search)
        unique, count = name, counts.get(name, 0)
        if count:
            unique = f"{name}_{count}"
        while unique in self.cregs or unique in self.qregs:
            count += 1
            unique = f"{name}_{count}"
        counts[name] = count
        if self.num_clbits + size > self.limits.max_clbits:
            raise token.error(f"more than {self.limits.max_clbits:,} classical bits (Limits.max_clbits)")
        register = RegisterInfo(unique, self.num_clbits, size, is_array, token)
        self.cregs[unique] = register
        self.num_clbits += size
        return register

    def local_bit_decl(self, decl, context) -> bool:
        """``bit[n] b;`` inside a block or subroutine: fresh bits, named ``b`` in that scope only.

        >>> from qfusion.qasm import loads
        >>> c = loads('OPENQASM 3.0; qubit q; { bit b; b = measure q; }')     # b lives in the block only
        >>> c.num_clbits, [(inst.name, inst.clbits) for inst in c.instructions]
        (1, [('measure', (0,))])
        """
        if context.scope is self.globals:
            return False
        if decl.name in context.scope.names or decl.name in self.qregs:
            raise decl.name_token.error(f"'{decl.name}' is already declared")
        if decl.modifier is not None:
            raise decl.token.error(f"'{decl.modifier}' bits are only allowed at the top level")
        size = 1 if decl.size is None else self._register_size(decl.size, context, f"register '{decl.name}'")
        init = decl.init
        if context.condition is None and not isinstance(init, MeasureExpr) and (
                init is None or self.runtime_expr(init, context) is None):
            # bits whose value is known now stay a value (no classical bits) until measured or set at run time
            value = 0 if init is None else self._bits_value(init, size, context)
            context.scope.names[decl.name] = DeclaredVariable(value, "var", decl.name_token, "bit", size,
                                                              decl.size is not None, context.target)
            return True
        register = self._local_bits(f"{decl.name}_0", size, decl.size is not None, decl.token)
        context.scope.names[decl.name] = Variable(register, "bits", decl.name_token)
        if isinstance(decl.init, MeasureExpr):
            qubits, _ = self.qubits_of(decl.init.operand, context)
            self._measure_pairs(qubits, list(register.indices), decl.init.token, context)
        elif decl.init is not None:
            self.initial_bits(list(register.indices), decl.init, context)
        return True

    def _bits_value(self, init, size: int, context) -> int:
        value = self.evaluator.value(init, context.scope)
        if isinstance(value, str):
            if len(value) != size or set(value) - {"0", "1"}:
                raise init.token.error(f'"{value}" is not a bit string of length {size}')
            return int(value, 2) if value else 0
        if isinstance(value, ParameterExpression) or isinstance(value, float):
            raise init.token.error(f"bits take an integer, a boolean or a bit string, got {value!r}")
        return int(value) & ((1 << size) - 1)

    # -- calls ---------------------------------------------------------------------------------
    def call_statement(self, call, context) -> None:
        """``f(a, b);`` or ``f a, b;``: the call, its value dropped.

        >>> from qfusion.qasm import loads
        >>> c = loads('OPENQASM 3.0; include "stdgates.inc"; def m(qubit a) -> bit { return measure a; } qubit q; m(q);')
        >>> [inst.name for inst in c.instructions]                  # the value is dropped, the measurement stays
        ['measure']
        """
        if call.modifiers:
            raise call.token.error(f"modifiers cannot be applied to subroutine '{call.name}'")
        args = list(call.args) + [operand_expr(o) for o in call.operands]
        self.call_subroutine(self.subroutines[call.name], call.token, args, context)

    def assign_bits(self, target, call: Call, context) -> None:
        """``c = f(...);`` with ``f`` returning bits: the bits it measured are ``c``'s.

        >>> from qfusion.qasm import loads
        >>> c = loads('OPENQASM 3.0; include "stdgates.inc"; def m(qubit a) -> bit { h a; return measure a; } '
        ...           'qubit q; bit b; b = m(q);')
        >>> [(inst.name, inst.qubits, inst.clbits) for inst in c.instructions]    # measured straight into b
        [('h', (0,), ()), ('measure', (0,), (0,))]
        """
        clbits, _ = self.clbits_of(target, context)   # (first: the bits the call returns are then the last made)
        start = len(context.target.instructions)
        value = self.call_subroutine(self.subroutines[call.name], call.token, call.args, context)
        if hasattr(value, "read"):    # a variable known at run time: its value stored in the bits
            return self.emit_store(context.target, clbits, value.read(), context.condition, call.token)
        if not isinstance(value, RegisterInfo):
            raise call.token.error(f"subroutine '{call.name}' returns no bits to store in '{target.name}'")
        if len(clbits) != value.size:
            raise call.token.error(f"'{call.name}' returns {value.size} bit(s), '{target.name}' has {len(clbits)}")
        mapping = dict(zip(value.indices, clbits, strict=True))
        instructions = context.target.instructions
        for i in range(start, len(instructions)):
            instructions[i] = _remapped(instructions[i], mapping)
        self._free_returned(value)

    def _free_returned(self, register: RegisterInfo) -> None:
        """Give back the bits a subroutine measured into for its return, once the caller's bits have
        replaced them (when they are the last bits made: a subroutine called in a loop reuses them)."""
        if (self.cregs.get(register.name) is register
                and register.start + register.size == self.num_clbits):
            del self.cregs[register.name]
            self.num_clbits = register.start

    def _subroutine_value(self, expr: Call, scope):
        context = self.current_context
        value = self.call_subroutine(self.subroutines[expr.name], expr.token, expr.args, context)
        if value is None or isinstance(value, RegisterInfo):
            raise expr.token.error(f"subroutine '{expr.name}' gives no value known when the circuit is built"
                                   + (" (it returns measured bits: assign them to bits, 'c = "
                                      f"{expr.name}(...);')" if value is not None else ""))
        return value

    def call_subroutine(self, definition: SubroutineDef, token, args: list, context):
        """Run ``definition`` on ``args`` in a scope of its own; its return value (None without one).

        >>> from qfusion.qasm import loads
        >>> c = loads('OPENQASM 3.0; include "stdgates.inc"; def turn(qubit a, float t) { rz(2 * t) a; } qubit q; turn(q, 0.25);')
        >>> c.instructions[0].operation.params
        (0.5,)
        >>> loads('OPENQASM 3.0; def f(qubit a) { } qubit q; f(q, q);')
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: 1:43: subroutine 'f' takes 1 argument(s), got 2
        """
        if len(args) != len(definition.params):
            raise token.error(f"subroutine '{definition.name}' takes {len(definition.params)} argument(s), "
                              f"got {len(args)}")
        if self.aliases_live >= self.limits.max_gate_depth:
            raise token.error(f"subroutine calls nested more than {self.limits.max_gate_depth} levels deep "
                              f"(calling '{definition.name}')")
        scope = Scope(self.globals, is_gate=True)  # a subroutine sees the program's constants only
        for param, arg in zip(definition.params, args, strict=True):
            scope.names[param.name] = self._argument(definition, param, arg, context)
        inner = type(context)(scope, context.target, context.condition, None)
        self.aliases_live += 1
        self.enter_block(token)
        try:
            self.execute(definition.body, inner)
        except _Returned as returned:
            return returned.value
        finally:
            self.aliases_live -= 1
            self._depth -= 1
        return None

    def _argument(self, definition, param, arg, context) -> Variable:
        if param.kind == "array":
            return self.array_argument(definition, param, arg, context)
        if param.kind in ("qubit", "bit"):
            if not isinstance(arg, (Name, Index)):
                raise arg.token.error(f"parameter '{param.name}' of '{definition.name}' takes "
                                      f"{'qubits' if param.kind == 'qubit' else 'bits'}, not a value")
            operand = Operand(arg.token, arg.name, getattr(arg, "index", None))
            found, single = (self.qubits_of(operand, context) if param.kind == "qubit"
                             else self.clbits_of(operand, context))
            size = 1 if param.size is None else self.evaluator.integer(param.size, self.globals, "a size")
            if len(found) != size or (param.size is None and not single):
                raise arg.token.error(f"parameter '{param.name}' of '{definition.name}' takes {size} "
                                      f"{param.kind}(s), got {len(found)}")
            register = RegisterInfo(param.name, 0, size, param.size is not None, param.token, found)
            return Variable(register, "qubits" if param.kind == "qubit" else "bits", param.token)
        now, later = self.now_or_later(arg, context)
        if later is not None:   # an argument known only at run time: the parameter is a variable of its own
            width = self.declared_width(param.kind, param.size, type(context)(self.globals, None))
            variable = self.runtime_variable(param.name, param.kind, width, param.token, context, later)
            return Variable(variable, "runtime", param.token)
        value = self._converted(param.kind, now, arg)
        return Variable(value, "var", param.token)


class ControlFlow:
    """Mixin of the interpreter: ``while`` and ``switch``.

    >>> from qfusion.qasm import loads
    >>> c = loads('OPENQASM 3.0; include "stdgates.inc"; qubit[3] q; int i = 0; while (i < 3) { x q[i]; i += 1; } '
    ...           'switch (i) { case 3 { h q[0]; } default { } }')
    >>> [(inst.name, inst.qubits) for inst in c.instructions]     # both known when the circuit is built: unrolled
    [('x', (0,)), ('x', (1,)), ('x', (2,)), ('h', (0,))]
    """

    def _while(self, statement: While, context) -> None:
        self._promote_loop_variables(statement, context)
        dynamic = self.runtime_expr(statement.condition, context)
        if dynamic is not None:
            return self.runtime_while(statement, dynamic, context)
        self.enter_block(statement.token)
        try:
            iterations, most = 0, self.limits.max_while_iterations
            while self._static_truth(statement.condition, context):
                iterations += 1
                if iterations > most:
                    raise statement.token.error(f"the 'while' loop runs more than {most:,} iterations "
                                                f"(Limits.max_while_iterations)")
                self.budget.charge(1, statement.token, "the 'while' loop")
                self.execute(statement.body, context.with_scope())
        finally:
            self._depth -= 1

    def _promote_loop_variables(self, statement: While, context) -> None:
        """A variable the condition reads and the body sets to a run-time value makes the loop a run-time
        one from its first test (repeat until success: ``bool ok = false; while (!ok) { ok = f(q); }``)."""
        names = _names_read(statement.condition)
        assigned = _assigned_names(statement.body) & names
        for name in assigned:
            variable = context.scope.lookup(name)
            if isinstance(variable, DeclaredVariable) and variable.kind == "var" and variable.type_name != "bit" \
                    and self._runtime_assignment(statement.body, name, context):
                self.promote(variable, variable.token)

    def _runtime_assignment(self, body, name: str, context) -> bool:
        """Whether ``body`` assigns ``name`` a value that reads measurements (or a subroutine's)."""
        for statement in _statements(body):
            if isinstance(statement, Assign) and statement.target.name == name:
                value = statement.value
                if isinstance(value, MeasureExpr) or (isinstance(value, Call) and value.name in self.subroutines):
                    return True
                try:
                    if self.runtime_expr(value, context) is not None:
                        return True
                except QasmError:
                    return True
        return False

    def _static_truth(self, expr, context) -> bool:
        value = self.evaluator.value(expr, context.scope)
        if isinstance(value, (ParameterExpression, str)):
            raise expr.token.error("a condition must be known when the circuit is built (or test measured bits)")
        return bool(value)

    def _switch(self, statement: Switch, context) -> None:
        bits = self._bits_of(statement.value, context)
        cases = [([self.evaluator.integer(v, context.scope, "a 'case' value") for v in values], body)
                 for values, body in statement.cases]
        taken = [v for values, _ in cases for v in values]
        if len(set(taken)) != len(taken):
            raise statement.token.error("a value appears in two 'case' branches of this 'switch'")
        if bits is None:
            value = self.evaluator.integer(statement.value, context.scope, "the 'switch' value")
            body = next((body for values, body in cases if value in values), statement.default)
            if body:
                self.run_block(body, context.with_scope(), statement.token)
            return
        if context.qubits is not None:
            raise statement.token.error("a 'switch' on measured bits is not allowed inside a gate definition")
        if statement.default is not None:
            if len(bits) > _MAX_DEFAULT_BITS:
                raise statement.token.error(f"'default' of a 'switch' on {len(bits)} measured bits would take "
                                            f"{2 ** len(bits) - len(taken):,} conditions (at most "
                                            f"{_MAX_DEFAULT_BITS} bits)")
            others = [v for v in range(1 << len(bits)) if v not in set(taken)]
            cases.append((others, statement.default))
        for values, body in cases:
            for value in values:
                if not 0 <= value < (1 << len(bits)):
                    raise statement.token.error(f"case value {value} does not fit in {len(bits)} bit(s)")
                condition = self.combine(context.condition, bits, value)
                if condition is not None:
                    self.run_block(body, context.with_scope(condition=condition), statement.token)


def operand_expr(operand: Operand):
    """The expression an operand reads as (a subroutine argument).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, barrier = Parser("qubit[2] q; barrier q[1], q;").statements()
    >>> [type(operand_expr(operand)).__name__ for operand in barrier.operands]
    ['Index', 'Name']
    """
    if operand.index is None:
        return Name(operand.token)
    return Index(operand.token, operand.name, operand.index)


def _remapped(instruction, mapping: dict):
    operation = instruction.operation
    if isinstance(operation, Store):     # a store into returned bits writes the caller's bits
        target = tuple(mapping.get(b, b) for b in operation.target)
        if target != operation.target:
            instruction = replace(instruction, operation=Store(target, operation.value))
    clbits = tuple(mapping.get(b, b) for b in instruction.clbits)
    condition = instruction.condition
    if condition is not None:
        condition = Condition(tuple(mapping.get(b, b) for b in condition.clbits), condition.value)
    if clbits == instruction.clbits and condition is instruction.condition:
        return instruction
    return replace(instruction, clbits=clbits, condition=condition)


SUBROUTINE_HANDLERS = {SubroutineDef: "_subroutine_def", Return: "_return", Let: "_let", While: "_while",
                       Switch: "_switch"}
_MAX_DEFAULT_BITS = 10  # a 'default' on measured bits is expanded into the values no case takes


def _names_read(expr) -> set:
    found, stack = set(), [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (Name, Index)):
            found.add(node.name)
        for attribute in ("left", "right", "operand"):
            child = getattr(node, attribute, None)
            if child is not None:
                stack.append(child)
        stack.extend(getattr(node, "args", ()) if isinstance(node, Call) else ())
    return found


def _statements(body):
    """Every statement of ``body``, inside nested blocks too."""
    stack = list(body or ())
    while stack:
        statement = stack.pop()
        yield statement
        for attribute in ("body", "then_body", "else_body", "default"):
            inner = getattr(statement, attribute, None)
            if isinstance(inner, list):
                stack.extend(inner)
        for _, inner in getattr(statement, "cases", ()) or ():
            stack.extend(inner)


def _assigned_names(body) -> set:
    return {s.target.name for s in _statements(body) if isinstance(s, Assign)}
