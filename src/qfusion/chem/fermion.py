"""Second-quantised fermionic operators: sums of products of creation and annihilation operators.

A term is a tuple of ladder operators ``(mode, action)``, ``action`` 1 for the creation
operator ``a_mode^†`` and 0 for the annihilation operator ``a_mode`` (OpenFermion's
convention), applied right to left like any operator product. A :class:`FermionOperator`
maps terms to complex coefficients.

>>> op = FermionOperator.from_term(((0, 1), (1, 0)), 0.5)   # 0.5 a_0^† a_1
>>> op
FermionOperator({((0, 1), (1, 0)): 0.5})
>>> print(op + op.adjoint())
0.5 [0^ 1] + 0.5 [1^ 0]
>>> print((FermionOperator.from_term(((0, 0), (0, 1)))).normal_ordered())  # a a^† = 1 - a^† a
-1.0 [0^ 0] + 1.0 []
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import cast

from qfusion.errors import CircuitError

Term = tuple[tuple[int, int], ...]
DEFAULT_ATOL = 1e-12


class FermionOperator:
    """A weighted sum of products of fermionic ladder operators (immutable).

    >>> n0 = FermionOperator.number(0)
    >>> print(n0 @ n0)          # a^† a a^† a, not yet normal ordered
    1.0 [0^ 0 0^ 0]
    >>> (n0 @ n0).normal_ordered() == n0    # n^2 = n for fermions
    True
    """

    __slots__ = ("_terms",)
    __hash__ = None  # type: ignore[assignment]  # unhashable: __eq__ compares by value

    def __init__(self, terms: Mapping[Term, complex] | None = None):
        clean: dict[Term, complex] = {}
        for term, coeff in (terms or {}).items():
            key = _check_term(term)
            clean[key] = clean.get(key, 0) + complex(coeff)
        self._terms = clean

    @classmethod
    def from_term(cls, term: Iterable[tuple[int, int]], coeff: complex = 1.0) -> FermionOperator:
        """One product of ladder operators, ``((mode, action), ...)``, times ``coeff``.

        >>> print(FermionOperator.from_term([(2, 1), (0, 0)], 2.0))
        2.0 [2^ 0]
        """
        return cls({tuple(term): coeff})

    @classmethod
    def identity(cls, coeff: complex = 1.0) -> FermionOperator:
        """``coeff`` times the identity (the empty product).

        >>> print(FermionOperator.identity(3.0))
        3.0 []
        """
        return cls({(): coeff})

    @classmethod
    def number(cls, mode: int) -> FermionOperator:
        """The occupation-number operator ``a_mode^† a_mode``.

        >>> print(FermionOperator.number(3))
        1.0 [3^ 3]
        """
        return cls({((mode, 1), (mode, 0)): 1.0})

    # -- views ---------------------------------------------------------------------------
    @property
    def terms(self) -> dict[Term, complex]:
        """A copy of the ``term -> coefficient`` dictionary.

        >>> FermionOperator.number(1).terms
        {((1, 1), (1, 0)): (1+0j)}
        """
        return dict(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self):
        return iter(self._terms.items())

    @property
    def num_modes(self) -> int:
        """One more than the highest mode index used (0 for a multiple of the identity).

        >>> FermionOperator.from_term([(5, 1), (2, 0)]).num_modes
        6
        """
        return 1 + max((mode for term in self._terms for mode, _ in term), default=-1)

    # -- algebra -------------------------------------------------------------------------
    def _coerce(self, other) -> FermionOperator:
        if isinstance(other, FermionOperator):
            return other
        if isinstance(other, numbers.Number):
            return FermionOperator.identity(cast(complex, other))
        raise TypeError(f"cannot combine a FermionOperator with {type(other).__name__}")

    def __add__(self, other) -> FermionOperator:
        if not isinstance(other, (numbers.Number, FermionOperator)):
            return NotImplemented
        out = dict(self._terms)
        for term, coeff in self._coerce(other)._terms.items():
            out[term] = out.get(term, 0) + coeff
        return FermionOperator._new(out)

    __radd__ = __add__

    def __neg__(self) -> FermionOperator:
        return FermionOperator._new({t: -c for t, c in self._terms.items()})

    def __sub__(self, other) -> FermionOperator:
        if not isinstance(other, (numbers.Number, FermionOperator)):
            return NotImplemented
        return self + (-self._coerce(other))

    def __rsub__(self, other) -> FermionOperator:
        return (-self) + other

    def __mul__(self, other) -> FermionOperator:
        """A number times the operator, or the operator product (same as ``@``)."""
        if isinstance(other, FermionOperator):
            return self @ other
        if not isinstance(other, numbers.Number):
            return NotImplemented
        return FermionOperator._new({t: c * complex(cast(complex, other)) for t, c in self._terms.items()})

    def __rmul__(self, other) -> FermionOperator:
        if not isinstance(other, numbers.Number):
            return NotImplemented
        return self * other

    def __truediv__(self, other) -> FermionOperator:
        if not isinstance(other, numbers.Number):
            return NotImplemented
        return self * (1 / complex(cast(complex, other)))

    def __matmul__(self, other) -> FermionOperator:
        if not isinstance(other, FermionOperator):
            return NotImplemented
        out: dict[Term, complex] = {}
        for t1, c1 in self._terms.items():
            for t2, c2 in other._terms.items():
                out[t1 + t2] = out.get(t1 + t2, 0) + c1 * c2
        return FermionOperator._new(out)

    def adjoint(self) -> FermionOperator:
        """The Hermitian conjugate: reversed products, creation <-> annihilation, conjugated coefficients.

        >>> print(FermionOperator.from_term([(3, 1), (1, 0)], 1j).adjoint())
        -1j [1^ 3]
        """
        return FermionOperator._new({tuple((m, 1 - a) for m, a in reversed(t)): c.conjugate()
                                     for t, c in self._terms.items()})

    def normal_ordered(self, atol: float = DEFAULT_ATOL) -> FermionOperator:
        """The same operator with every product normal ordered: creation operators left of
        annihilation operators, each group in descending mode order (OpenFermion's order),
        using ``{a_p, a_q^†} = δ_pq`` and ``a_p a_p = 0``.

        >>> print(FermionOperator.from_term([(0, 1), (1, 1)]).normal_ordered())
        -1.0 [1^ 0^]
        """
        out: dict[Term, complex] = {}
        for term, coeff in self._terms.items():
            for ordered, sign in _normal_order(term):
                out[ordered] = out.get(ordered, 0) + sign * coeff
        return FermionOperator._new(out).simplify(atol)

    def simplify(self, atol: float = DEFAULT_ATOL) -> FermionOperator:
        """Drop terms with ``|coeff| <= atol`` (terms are already merged by key).

        >>> len((FermionOperator.number(0) - FermionOperator.number(0)).simplify())
        0
        """
        return FermionOperator._new({t: c for t, c in self._terms.items() if abs(c) > atol})

    def equiv(self, other: FermionOperator, atol: float = 1e-10) -> bool:
        """Whether both are the same operator once normal ordered, to ``atol`` per coefficient.

        >>> a = FermionOperator.from_term([(0, 0), (1, 0)])
        >>> a.equiv(-FermionOperator.from_term([(1, 0), (0, 0)]))
        True
        """
        return len((self - self._coerce(other)).normal_ordered(atol)) == 0

    def __eq__(self, other) -> bool:
        if not isinstance(other, FermionOperator):
            return NotImplemented
        return self.equiv(other)

    def is_hermitian(self, atol: float = 1e-10) -> bool:
        """Whether the operator equals its adjoint.

        >>> h = FermionOperator.from_term([(0, 1), (1, 0)])
        >>> h.is_hermitian(), (h + h.adjoint()).is_hermitian()
        (False, True)
        """
        return self.equiv(self.adjoint(), atol)

    @classmethod
    def _new(cls, terms: dict[Term, complex]) -> FermionOperator:
        out = object.__new__(cls)
        out._terms = terms
        return out

    # -- text ----------------------------------------------------------------------------
    def __repr__(self) -> str:
        shown = {t: _plain(c) for t, c in list(self._terms.items())[:8]}
        more = f" + {len(self) - 8} more" if len(self) > 8 else ""
        return f"FermionOperator({shown!r}{more})"

    def __str__(self) -> str:
        if not self._terms:
            return "0"
        parts = []
        for i, (term, coeff) in enumerate(self._terms.items()):
            value = _plain(coeff)
            text = " ".join(f"{m}^" if a else f"{m}" for m, a in term)
            if isinstance(value, float) and value < 0:
                parts.append(("- " if i else "-") + f"{-value!r} [{text}]")
            else:
                parts.append(("+ " if i else "") + f"{value!r} [{text}]")
        return " ".join(parts)


def _plain(coeff: complex) -> complex | float:
    coeff = complex(coeff.real + 0.0, coeff.imag + 0.0)
    return coeff.real if coeff.imag == 0 else coeff


def _check_term(term) -> Term:
    try:
        key = tuple((int(mode), int(action)) for mode, action in term)
    except (TypeError, ValueError):
        raise CircuitError(f"a fermionic term is a sequence of (mode, action) pairs such as ((0, 1), (1, 0)), "
                           f"got {term!r}") from None
    for mode, action in key:
        if mode < 0 or action not in (0, 1):
            raise CircuitError(f"ladder operator {(mode, action)!r} needs a mode >= 0 and action 1 "
                               f"(creation) or 0 (annihilation)")
    return key


def _order_key(op: tuple[int, int]) -> tuple[int, int]:
    mode, action = op
    return (-action, -mode)  # creation first, then descending modes


def _normal_order(term: Term) -> list[tuple[Term, float]]:
    """Normal-ordered ``(term, sign)`` pieces of one product, by adjacent swaps (insertion sort)."""
    pending = [(list(term), 1.0)]
    done: list[tuple[Term, float]] = []
    while pending:
        ops, sign = pending.pop()
        clean = True
        for i in range(1, len(ops)):
            j = i
            while j > 0 and _order_key(ops[j]) < _order_key(ops[j - 1]):
                left, right = ops[j - 1], ops[j]
                if left[0] == right[0] and left[1] == 0 and right[1] == 1:
                    # a_p a_p^† = 1 - a_p^† a_p: the contracted piece goes back on the stack
                    pending.append((ops[:j - 1] + ops[j + 1:], sign))
                ops[j - 1], ops[j] = right, left
                sign = -sign
                j -= 1
            if j > 0 and ops[j] == ops[j - 1]:
                clean = False  # a_p a_p = 0 (or its adjoint)
                break
        if clean:
            done.append((tuple(ops), sign))
    return done
