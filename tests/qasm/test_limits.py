"""Hostile input is refused before it costs memory or time, and never as a RecursionError.

The parser's work budget (``Limits``) is what refuses it; the clock here only catches a hang, so
its bound is generous enough for a heavily loaded CI machine: tests assert no speeds.
"""

from __future__ import annotations

import sys
import time

import pytest
from qasm_helpers import assert_qasm_error

from qfusion.circuit import Circuit, CircuitGate, InverseGate, Parameter
from qfusion.errors import QasmError
from qfusion.qasm import DEFAULT_LIMITS, Limits, dumps, load, loads

V3 = 'OPENQASM 3;\ninclude "stdgates.inc";\nqubit[2] q;\n'


HANG = 120.0  # seconds: a hang detector, not a speed target


def refused_quickly(text: str, message: str, seconds: float = HANG, positioned: bool = True,
                    **kwargs) -> QasmError:
    start = time.perf_counter()
    error = assert_qasm_error(text, message, **kwargs)
    assert (error.line is not None) == positioned
    assert time.perf_counter() - start < seconds, f"took {time.perf_counter() - start:.1f}s"
    return error


@pytest.mark.parametrize("text", [
    V3 + "rx(" + "(" * 10_000 + "1" + ")" * 10_000 + ") q[0];",
    V3 + "rx(" + "-" * 10_000 + "1) q[0];",
    V3 + "rx(" + "+".join(["1"] * 10_000) + ") q[0];",
    V3 + "rx(" + "**".join(["1"] * 10_000) + ") q[0];",
    V3 + "rx(" + "sin(" * 10_000 + "1" + ")" * 10_000 + ") q[0];",
    V3 + "h q[" + "(" * 10_000 + "0" + ")" * 10_000 + "];",
    V3 + "int v = 1;" + "v = v + 1 + 1 + 1 + 1;" * 5 + "rx(" + "v*" * 300 + "1) q[0];",
])
def test_deeply_nested_expressions(text):
    refused_quickly(text, "nested too deeply")


@pytest.mark.parametrize("opening, closing", [("{", "}"), ("if (true) {", "}"), ("for i in [0:0] {", "}"),
                                              ("if (true) ", ""), ("for i in {1} ", "")])
def test_deeply_nested_blocks(opening, closing):
    refused_quickly(V3 + opening * 10_000 + "h q[0];" + closing * 10_000, "blocks nested too deeply")


def test_nesting_up_to_the_limits_works_even_from_deep_in_the_stack():
    def nested(depth):
        if depth:
            return nested(depth - 1)
        blocks = "for i in [0:0] { " * 60 + "rx(" + "(" * 190 + "1" + ")" * 190 + ") q[0];" + " }" * 60
        gates = "gate g0 a { x a; } " + " ".join(f"gate g{i} a {{ g{i - 1} a; }}" for i in range(1, 63))
        return loads(V3 + blocks + gates + " g62 q[0];")
    old = sys.getrecursionlimit()
    circuit = nested(old - 200)  # close to the recursion limit before loads even starts
    assert len(circuit) == 2 and sys.getrecursionlimit() == old


def test_recursive_and_too_deeply_nested_gates():
    refused_quickly(V3 + "gate g a { h a; g a; }", "gate 'g' cannot call itself")
    chain = "gate g0 a { x a; } " + " ".join(f"gate g{i} a {{ g{i - 1} a; }}" for i in range(1, 80))
    refused_quickly(V3 + chain + " g79 q[0];", "gate calls nested more than 64 levels deep")
    chain = "gate g0 a { x a; } " + " ".join(f"gate g{i} a {{ g{i - 1} a; }}" for i in range(1, 20))
    refused_quickly(V3 + chain + " g19 q[0];", "gate calls nested more than 8 levels deep",
                    limits=Limits(max_gate_depth=8))


@pytest.mark.parametrize("inline", [False, True])
def test_exponential_gate_definitions_are_refused_by_their_expanded_size(inline):
    doubling = "gate g0 a { h a; } " + " ".join(f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}" for i in range(1, 60))
    refused_quickly(V3 + doubling + " g59 q[0];", "unrolls to more than 10,000,000 operations", inline_gates=inline)
    circuit = loads(V3 + doubling + " g10 q[0];", inline_gates=inline)
    assert len(circuit) == (1024 if inline else 1)


@pytest.mark.parametrize("loop", [
    "for i in [0:1000000000000] { h q[0]; }",
    "for i in [0:100000000000000000000000000000] { }",
    "for i in [0:100000] { for j in [0:100000] { h q[0]; } }",
    "for i in [0:1000] { for j in [0:1000] { for k in [0:1000] { } } }",
    "for i in [0:10000] { for j in [0:10000] { x q[0]; } }",
    "for i in [0:10000] { h q; }",
])
def test_huge_loops_are_refused_before_they_start(loop):
    refused_quickly(V3 + loop, "Limits.max_operations", limits=Limits(max_operations=10_000))


def test_the_operation_limit_counts_broadcasts_and_is_configurable():
    small = Limits(max_operations=100)
    assert len(loads(V3 + "for i in [0:48] { h q[0]; }", limits=small)) == 49
    refused_quickly(V3 + "qubit[200] r; h r;", "unrolls to more than 100 operations", limits=small)
    refused_quickly(V3 + "for i in [0:1] { for j in [0:i * 1000] { x q[0]; } }", "Limits.max_operations",
                    limits=small)


def test_many_qubits_and_bits_are_refused_before_anything_is_allocated():
    refused_quickly(V3 + "qubit[100000000000] r;", "more than the limit of 10,000 (Limits.max_qubits)")
    refused_quickly(V3 + "qubit[9000] r; qubit[2000] t2;", "makes 11,002 qubits")
    refused_quickly(V3 + "bit[100000000000] c;", "(Limits.max_clbits)")
    assert loads(V3 + "qubit[9998] r;").num_qubits == DEFAULT_LIMITS.max_qubits
    refused_quickly(V3 + "qubit[3] r;", "Limits.max_qubits", limits=Limits(max_qubits=4))


def test_huge_numbers_are_refused():
    refused_quickly(V3 + "rx(2 ** 100000000) q[0];", "integer overflow")
    refused_quickly(V3 + "const int big = 1 << 62; rx(big * big * big) q[0];", "integer overflow")
    refused_quickly(V3 + "rx(" + "9" * 5000 + ") q[0];", "integer literal of 5,000 digits is too long")
    refused_quickly(V3 + "qubit[" + "9" * 25 + "] r;", "Limits.max_qubits")


def test_growing_parameter_expressions_are_refused():
    chain = "gate g0(x) a { rx(x) a; } " + " ".join(f"gate g{i}(x) a {{ g{i - 1}(x * x + x) a; }}" for i in range(1, 60))
    refused_quickly("input float t;" + V3.replace("OPENQASM 3;", "") + chain + " g59(t) q[0];",
                    "parameter expression grows too large")


def test_source_size(tmp_path):
    refused_quickly(V3 + "// " + "x" * 2000, "exceeds the limit of 1,000 (Limits.max_source_bytes)",
                    positioned=False, limits=Limits(max_source_bytes=1000))
    path = tmp_path / "big.qasm"
    path.write_text(V3 + " " * 5000)
    with pytest.raises(QasmError, match="exceeds the limit"):
        load(path, limits=Limits(max_source_bytes=1000))
    (tmp_path / "big.inc").write_text(" " * 5000)
    path.write_text(V3 + 'include "big.inc";')
    with pytest.raises(QasmError, match="exceeds the source size limit"):
        load(path, limits=Limits(max_source_bytes=1000))


def test_include_depth_cycles_and_relative_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.inc").write_text('include "deeper.inc";\ngate deep a { h a; }\n')
    (tmp_path / "sub" / "deeper.inc").write_text("gate deeper a { x a; }\n")
    main = tmp_path / "main.qasm"
    main.write_text(V3 + 'include "sub/deep.inc";\ndeep q[0]; deeper q[1];\n')
    assert [inst.name for inst in load(main)] == ["deep", "deeper"]

    (tmp_path / "self.inc").write_text('include "self.inc";\n')
    main.write_text(V3 + 'include "self.inc";\n')
    with pytest.raises(QasmError, match="include cycle: 'self.inc' is already being included") as info:
        load(main)
    assert info.value.filename == str(tmp_path / "self.inc") and info.value.line == 1

    (tmp_path / "a.inc").write_text('include "b.inc";\n')
    (tmp_path / "b.inc").write_text('include "a.inc";\n')
    main.write_text(V3 + 'include "a.inc";\n')
    with pytest.raises(QasmError, match="include cycle"):
        load(main)

    for i in range(12):
        (tmp_path / f"level{i}.inc").write_text(f'include "level{i + 1}.inc";\n')
    (tmp_path / "level12.inc").write_text("")
    main.write_text(V3 + 'include "level0.inc";\n')
    with pytest.raises(QasmError, match="includes nested deeper than 8 levels"):
        load(main)
    main.write_text(V3 + 'if (true) { include "level12.inc"; }')
    with pytest.raises(QasmError, match="'include' is only allowed at the top level"):
        load(main)


def test_limits_are_validated():
    with pytest.raises(ValueError, match="must be a positive integer"):
        Limits(max_operations=0)
    with pytest.raises(ValueError, match="at most 1000"):
        Limits(max_nesting=100_000)


def test_dumps_refuses_what_loads_would_refuse():
    deep = Parameter("a")
    for _ in range(300):
        deep = deep * 2 + 1
    with pytest.raises(QasmError, match="nested 601 levels deep cannot be written"):
        dumps(Circuit(1).rx(deep, 0))
    gate = CircuitGate(Circuit(1).x(0), "g0")
    for i in range(1, 80):
        gate = CircuitGate(Circuit(1).append(gate, [0]), f"g{i}")
    with pytest.raises(QasmError, match="nested more than 64 levels deep"):
        dumps(Circuit(1).append(gate, [0]))


def test_shared_sub_gates_cost_once_when_inverted_and_written():
    doubling = "gate g0(t) a { rx(t) a; } " + " ".join(
        f"gate g{i}(t) a {{ g{i - 1}(t) a; g{i - 1}(t / 2) a; }}" for i in range(1, 40))
    start = time.perf_counter()
    circuit = loads("input float w;" + V3.replace("OPENQASM 3;", "") + doubling + " g39(w) q[0];",
                    limits=Limits(max_operations=10**13))
    text = dumps(circuit)
    assert text.count("gate g") == 40 * 40 // 2 + 20  # one definition per distinct (name, argument)
    back = loads(text, limits=Limits(max_operations=10**13))
    assert len(back) == 1 and back.parameters == circuit.parameters
    chain = "gate h0 a { x a; } " + " ".join(f"gate h{i} a {{ h{i - 1} a; h{i - 1} a; }}" for i in range(1, 60))
    refused_quickly(V3 + chain + " inv @ h59 q[0];", "unrolls to more than")
    inverted = loads(V3 + chain + " inv @ h40 q[0]; inv @ ctrl @ h40 q[0], q[1];", limits=Limits(max_operations=10**13))
    wrapper = InverseGate(CircuitGate(Circuit(1).append(inverted.instructions[0].operation, [0]), "wrapper"))
    assert "gate h40_dg_dg" in dumps(Circuit(1).append(wrapper, [0]), 2)  # (the IR's own inverse is exponential)
    assert "inv @ wrapper q[0];" in dumps(Circuit(1).append(wrapper, [0]), 3)
    assert time.perf_counter() - start < HANG
