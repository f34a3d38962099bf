"""Classical arrays of OpenQASM 3: ``array[int[8], 4, 2] a = {{...}, ...};``, indexing and slicing
(``a[1, 0]``, ``a[0:1]``), assignment to elements and slices, ``sizeof``, and array parameters of
subroutines (``readonly array[int[32], 3] x``, ``mutable array[...] y``, ``array[float, #dim = 2] z``).

Arrays hold values known when the circuit is built (NumPy arrays inside the reader), as the
program's other classical variables do; an element used in a gate call is a number.

>>> from qfusion.qasm import loads
>>> c = loads('''OPENQASM 3; include "stdgates.inc"; qubit q;
... array[float[64], 2, 2] angles = {{0.5, 1.0}, {1.5, 2.0}};
... angles[1, 0] = sizeof(angles, 1) * 0.25;
... rx(angles[1, 0]) q;''')
>>> c.instructions[0].operation
Gate('rx', 0.5)
"""

from __future__ import annotations

import numpy as np

from qfusion.qasm import qasm3
from qfusion.qasm.evaluate import Variable
from qfusion.qasm.syntax import Expr, RangeExpr, SetExpr

_DTYPES = {"float": np.float64, "angle": np.float64, "int": object, "uint": object, "bit": object, "bool": bool}


class ArrayLiteral(Expr):
    """``{a, b, {c, d}}``: the elements of an array, row after row."""
    __slots__ = ("elements",)

    def __init__(self, token, elements: list):
        self.token, self.elements = token, elements
        self.depth = max((getattr(e, "depth", 1) for e in elements), default=0) + 1


class IndexList:
    """``[i, j]``: an index of each of several dimensions (``token`` is the first ``,``)."""
    __slots__ = ("token", "parts", "depth")

    def __init__(self, token, parts: list):
        self.token, self.parts = token, parts
        self.depth = max((getattr(p, "depth", 1) for p in parts), default=0) + 1


class ArrayType:
    """``array[element, d0, d1, ...]`` (``dims``), or ``array[element, #dim = n]`` (``ndim``)."""
    __slots__ = ("token", "element", "dims", "ndim")

    def __init__(self, token, element: str, dims: list, ndim):
        self.token, self.element, self.dims, self.ndim = token, element, dims, ndim


class ArrayDecl:
    """``array[...] name;`` or ``array[...] name = value;`` (``const`` when ``modifier`` says so)."""
    __slots__ = ("token", "type", "name", "name_token", "init", "modifier")

    def __init__(self, token, array_type: ArrayType, name_token, init, modifier=None):
        self.token, self.type, self.name, self.name_token = token, array_type, name_token.text, name_token
        self.init, self.modifier = init, modifier


class ArrayParser:
    """Mixin of :class:`~qfusion.qasm.parser.Parser`: array types, declarations and literals."""

    def array_type(self) -> ArrayType:
        stream = self.stream
        token = stream.expect("array", "an array type")
        stream.expect("[", "'array'")
        element = stream.expect_kind("id", "the type of the array's elements")
        if element.text not in qasm3.CLASSICAL_TYPES:
            raise element.error(f"an array holds int, uint, float, angle, bool or bit values, not '{element.text}'")
        if stream.accept("["):
            self.expression()
            stream.expect("]", f"the width of '{element.text}'")
        stream.expect(",", "the type of the array's elements")
        dims, ndim = [], None
        if stream.at("#"):
            stream.next()
            word = stream.expect_kind("id", "'dim' after '#'")
            if word.text != "dim":
                raise word.error(f"expected '#dim = n', found '#{word.text}'")
            stream.expect("=", "'#dim'")
            ndim = self.expression()
        else:
            dims.append(self.expression())
            while stream.accept(","):
                dims.append(self.expression())
        stream.expect("]", "the dimensions of the array")
        return ArrayType(token, element.text, dims, ndim)

    def _array(self, modifier=None):
        stream = self.stream
        token = stream.token
        array_type = self.array_type()
        if array_type.ndim is not None:
            raise array_type.token.error("'#dim' is for subroutine parameters; a declared array gives its sizes")
        name = self._name("array")
        init = None
        if stream.accept("="):
            init = self.array_literal() if stream.at("{") else self.expression()
        stream.expect(";", f"the declaration of array '{name.text}'")
        return ArrayDecl(token, array_type, name, init, modifier)

    def array_literal(self) -> ArrayLiteral:
        stream = self.stream
        token = stream.expect("{", "an array value")
        elements = []
        while True:
            elements.append(self.array_literal() if stream.at("{") else self.expression())
            if not stream.accept(","):
                break
        stream.expect("}", "the elements of an array value")
        return ArrayLiteral(token, elements)


def array_index(value: np.ndarray, index, evaluator, scope, token):
    """``value[index]`` for an index of the syntax tree: an element (a Python number) or a sub-array."""
    selected = value[_key(index, value, evaluator, scope, token)]
    if isinstance(selected, np.ndarray):
        return selected.item() if selected.ndim == 0 else selected
    return selected.item() if isinstance(selected, np.generic) else selected


class Arrays:
    """Mixin of the interpreter: array declarations, assignments and arguments."""

    def array_of(self, array_type: ArrayType, value, context, token) -> np.ndarray:
        """``value`` (an :class:`ArrayLiteral`, an array or None: zeros) as an array of ``array_type``."""
        evaluator, scope = self.evaluator, context.scope
        dims = [evaluator.integer(d, scope, "an array dimension") for d in array_type.dims]
        for size, d in zip(dims, array_type.dims, strict=True):
            if size < 1:
                raise d.token.error(f"an array dimension must be at least 1, got {size}")
        count = int(np.prod(dims))
        self.budget.charge(count, token)
        dtype = _DTYPES[array_type.element]
        if value is None:
            return np.zeros(dims, dtype=dtype) if dtype is not object else np.full(dims, 0, dtype=object)
        if isinstance(value, ArrayLiteral):
            nested = self._literal_values(value, array_type.element, context)
            try:
                array = np.array(nested, dtype=dtype)
            except ValueError:
                raise value.token.error("the rows of an array value must all have the same length") from None
        else:
            array = evaluator.value(value, scope)
            if not isinstance(array, np.ndarray):
                raise value.token.error(f"an array takes an array value, got {array!r}")
            array = np.array(array, dtype=dtype)    # (a copy: arrays are assigned by value)
        if list(array.shape) != dims:
            raise getattr(value, "token", token).error(f"an array of shape {tuple(dims)} cannot take a value of "
                                                       f"shape {array.shape}")
        return array

    def _literal_values(self, literal: ArrayLiteral, element: str, context):
        values = []
        for item in literal.elements:
            if isinstance(item, ArrayLiteral):
                values.append(self._literal_values(item, element, context))
            else:
                value = self.evaluator.value(item, context.scope)
                if isinstance(value, np.ndarray):
                    values.append(value.tolist())
                else:
                    values.append(self._converted(element if element != "bit" else "int", value, item))
        return values

    def _array_decl(self, decl: ArrayDecl, context) -> None:
        self._check_new_name(decl.name_token, decl.name, context.scope)
        if decl.modifier not in (None, "const"):
            raise decl.token.error(f"'{decl.modifier}' arrays are not supported")
        array = self.array_of(decl.type, decl.init, context, decl.token)
        if decl.modifier == "const":
            array.flags.writeable = False
        context.scope.names[decl.name] = Variable(array, "const" if decl.modifier == "const" else "var",
                                                  decl.name_token)

    def assign_array(self, statement, variable, context) -> None:
        """``a[i, j] = v;``, ``a[0:1] = b[2:3];`` or ``a = b;`` for an array ``a``."""
        target, array = statement.target, variable.value
        if statement.op != "=":
            raise statement.token.error(f"'{statement.op}' is not defined for arrays; write 'a[i] = a[i] ...'")
        value = self.evaluator.value(statement.value, context.scope)
        if not array.flags.writeable:
            raise target.token.error(f"'{target.name}' cannot be written: it is a constant or a readonly array "
                                     f"argument")
        if target.index is None:
            key = Ellipsis
        else:
            key = _key(target.index, array, self.evaluator, context.scope, target.token)
        try:
            if isinstance(value, np.ndarray):
                view = array[key]
                if view.shape != value.shape:
                    raise statement.token.error(f"cannot assign an array of shape {value.shape} to one of shape "
                                                f"{view.shape}")
                array[key] = value.copy()
            else:
                if isinstance(value, (str,)) or hasattr(value, "free_parameters"):
                    raise statement.token.error("an array element takes a number known when the circuit is built")
                array[key] = value
        except (TypeError, ValueError) as exc:
            raise statement.token.error(f"cannot assign {value!r} to '{target.name}': {exc}") from None

    def array_argument(self, definition, param, arg, context) -> Variable:
        """An array argument: the caller's array itself (``mutable``) or a read-only view (``readonly``)."""
        access, array_type = param.size
        value = self.evaluator.value(arg, context.scope)
        if not isinstance(value, np.ndarray):
            raise arg.token.error(f"parameter '{param.name}' of '{definition.name}' takes an array, got {value!r}")
        if array_type.ndim is not None:
            ndim = self.evaluator.integer(array_type.ndim, self.globals, "'#dim'")
            if value.ndim != ndim:
                raise arg.token.error(f"parameter '{param.name}' of '{definition.name}' takes an array of {ndim} "
                                      f"dimension(s), got {value.ndim}")
        else:
            dims = tuple(self.evaluator.integer(d, self.globals, "an array dimension") for d in array_type.dims)
            if value.shape != dims:
                raise arg.token.error(f"parameter '{param.name}' of '{definition.name}' takes an array of shape "
                                      f"{dims}, got {value.shape}")
        if access == "readonly":
            value = value.view()
            value.flags.writeable = False
        return Variable(value, "var", param.token)


def _key(index, array, evaluator, scope, token) -> tuple:
    """The NumPy key of an index (a range ``[a:b]`` includes ``b``, as in OpenQASM)."""
    parts = index.parts if isinstance(index, IndexList) else [index]
    if len(parts) > array.ndim:
        raise token.error(f"{len(parts)} indices for an array of {array.ndim} dimension(s)")
    key = []
    for axis, part in enumerate(parts):
        size = array.shape[axis]
        if isinstance(part, RangeExpr):
            start = 0 if part.start is None else evaluator.integer(part.start, scope, "a slice start")
            stop = size - 1 if part.stop is None else evaluator.integer(part.stop, scope, "a slice end")
            step = 1 if part.step is None else evaluator.integer(part.step, scope, "a slice step")
            if step == 0:
                raise part.token.error("a range step cannot be 0")
            for p in (start, stop):
                if not -size <= p < size:
                    raise part.token.error(f"array index {p} out of range for a dimension of size {size}")
            start, stop = start % size, stop % size
            key.append(slice(start, stop + 1, step) if step > 0 else slice(start, stop - 1 if stop else None, step))
        elif isinstance(part, SetExpr):
            raise part.token.error("an array is indexed by numbers and ranges, not sets")
        else:
            p = evaluator.integer(part, scope, "an array index")
            if not -size <= p < size:
                raise part.token.error(f"array index {p} out of range for a dimension of size {size}")
            key.append(p)
    return tuple(key)


ARRAY_HANDLERS = {ArrayDecl: "_array_decl"}
