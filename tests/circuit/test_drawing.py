"""Circuit drawings: exact text for small circuits, properties of random ones, matplotlib figures."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from qfusion.circuit import (
    STANDARD_GATES,
    Circuit,
    CircuitGate,
    ControlledGate,
    InverseGate,
    Parameter,
    PowerGate,
    Register,
    StandardGate,
    UnitaryGate,
)
from qfusion.circuit.drawing import draw
from qfusion.circuit.drawing.layout import format_param, layout
from qfusion.errors import CircuitError


def text(circuit: Circuit, **kwargs) -> str:
    drawing = draw(circuit, "text", **kwargs)
    return "\n".join(line.rstrip() for line in drawing.split("\n"))


def lines(*rows: str) -> str:
    return "\n".join(rows)


# -- exact drawings ------------------------------------------------------------------------

def test_bell():
    assert text(Circuit(2).h(0).cx(0, 1)) == lines(
        "q0: ─H──■──",
        "        │",
        "q1: ────⊕──")


def test_ghz_with_measurements():
    assert text(Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all()) == lines(
        "q0: ─H──■─────M────────",
        "        │     ║",
        "q1: ────⊕──■──╫──M─────",
        "           │  ║  ║",
        "q2: ───────⊕──╫──╫──M──",
        "              ║  ║  ║",
        " c: ══════════╩══╩══╩══",
        "              0  1  2")


def test_parameterised_gates():
    theta = Parameter("theta")
    circuit = Circuit(2).rx(theta, 0).rz(0.5, 1).cp(math.pi / 2, 0, 1).u(math.pi, 0, -math.pi / 4, 1)
    assert text(circuit) == lines(
        "q0: ──Rx(θ)─────■──────────────────",
        "                │",
        "q1: ─Rz(0.5)──P(π/2)──U(π,0,-π/4)──")


def test_barriers():
    assert text(Circuit(3).h(0).barrier().x(1).barrier(0, 1).z(2)) == lines(
        "q0: ─H──░─────░──",
        "        ░     ░",
        "q1: ────░──X──░──",
        "        ░",
        "q2: ────░──Z─────")


def test_condition():
    assert text(Circuit(2, 1).h(0).measure(0, 0).x(1).c_if(0, 1)) == lines(
        "q0: ─H──M────────",
        "        ║",
        "q1: ────╫───X────",
        "        ║   ║",
        " c: ════╩═══■════",
        "        0  c==1")


def test_condition_on_one_bit_of_a_register():
    assert text(Circuit(2, 2).measure(0, 1).x(1).c_if(1, 0)) == lines(
        "q0: ─M───────────",
        "     ║",
        "q1: ─╫─────X─────",
        "     ║     ║",
        " c: ═╩═════■═════",
        "     1  c[1]==0")


def test_swap_and_toffoli():
    assert text(Circuit(3).swap(0, 2).ccx(2, 0, 1)) == lines(
        "q0: ─×──■──",
        "     │  │",
        "q1: ─┼──⊕──",
        "     │  │",
        "q2: ─×──■──")


def test_controlled_gates_and_modifiers():
    circuit = Circuit(3).cz(0, 2).append(ControlledGate(StandardGate("h"), 2, ctrl_state=1), [0, 1, 2])
    circuit.append(InverseGate(StandardGate("t")), [0]).append(PowerGate(StandardGate("x"), 0.5), [1])
    circuit.mcx([0, 1], 2).cu(0.1, 0.2, 0.3, 0.4, 2, 0)
    assert text(circuit) == lines(
        "q0: ─■──■───T†────■──U(0.1,0.2,0.3,0.4)──",
        "     │  │         │          │",
        "q1: ─┼──○──X^0.5──■──────────┼───────────",
        "     │  │         │          │",
        "q2: ─■──H─────────⊕──────────■───────────")


def test_nested_controls():
    circuit = Circuit(4).append(ControlledGate(StandardGate("cx"), 1, 0), [3, 0, 1])
    circuit.append(StandardGate("ccx").control(1), [0, 1, 2, 3])
    assert text(circuit) == lines(
        "q0: ─■──■──",
        "     │  │",
        "q1: ─⊕──■──",
        "     │  │",
        "q2: ─┼──■──",
        "     │  │",
        "q3: ─○──⊕──")


def test_multi_qubit_boxes():
    circuit = Circuit(3).rzz(0.3, 0, 2).unitary(np.eye(4), [2, 1], label="V").iswap(0, 1)
    circuit.append(Circuit(2, name="bell").h(0).cx(0, 1).to_gate(), [1, 0])
    assert text(circuit) == lines(
        "q0: ─Rzz(0.3)──────iSwap───#2───",
        "        │            │     │",
        "q1: ────┼──────#2──iSwap──bell──",
        "        │      │",
        "q2: ─Rzz(0.3)──V────────────────")


def test_registers_reset_and_global_phase():
    circuit = Circuit.from_registers([Register("a", 1), Register("b1", 1)], [Register("m", 1), Register("n", 1)],
                                     global_phase=math.pi / 4)
    circuit.reset(0).measure(1, 1)
    assert text(circuit) == lines(
        "global phase: π/4",
        "  a0: ─|0>──",
        "",
        "b1_0: ──M───",
        "        ║",
        "   m: ══╬═══",
        "        ║",
        "   n: ══╩═══",
        "        0")


def test_empty_circuits():
    assert str(Circuit(0)) == ""
    assert text(Circuit(2)) == lines("q0: ──", "", "q1: ──")
    assert text(Circuit(1, 1)) == lines("q0: ──", "", " c: ══")
    assert str(Circuit(0, global_phase=0.5)) == "global phase: 0.5"


def test_folding():
    circuit = Circuit(2)
    for _ in range(30):
        circuit.h(0).cx(0, 1)
    pages = text(circuit, fold=40).split("\n\n")
    assert len(pages) > 1
    assert all(len(line) <= 40 for line in draw(circuit, fold=40).split("\n"))
    assert pages[0].split("\n")[0].endswith("»") and pages[1].startswith("«q0: ")
    assert "»" not in pages[-1]
    assert "\n\n" not in draw(circuit, fold=None)
    with pytest.raises(CircuitError, match="fold"):
        draw(circuit, fold=3)


def test_str_is_the_text_drawing():
    circuit = Circuit(2).h(0).cx(0, 1).measure_all()
    assert str(circuit) == draw(circuit, "text") == circuit.draw()


def test_unknown_output_is_an_error():
    with pytest.raises(CircuitError, match="'svg'"):
        draw(Circuit(1), "svg")


@pytest.mark.parametrize("value, expected", [(0.5, "0.5"), (math.pi, "π"), (-math.pi / 2, "-π/2"),
                                             (3 * math.pi / 4, "3π/4"), (2 * math.pi, "2π"), (0.0, "0"),
                                             (1.23456789, "1.235"), (1e-5, "1e-05"),
                                             (2 * Parameter("theta") + 1, "2*θ + 1"),
                                             (Parameter("phi_1") - Parameter("x"), "φ_1 - x")])
def test_parameter_format(value, expected):
    assert format_param(value) == expected


def test_layout_shares_columns_between_disjoint_gates():
    plan = layout(Circuit(4).h(0).h(1).cx(0, 2).h(3).x(3).x(1))
    assert plan.columns == ((0, 1, 3), (2, 4), (5,))  # x(1) waits for the link of cx across q1


# -- properties of random circuits ---------------------------------------------------------

def random_circuit(rng: np.random.Generator, num_qubits: int, num_clbits: int, size: int) -> Circuit:
    """Every kind of instruction: standard, mcx, unitary, controlled, inverse, power, circuit gates,
    measurements, resets, barriers and conditions."""
    circuit = Circuit(num_qubits, num_clbits)
    theta = Parameter("theta")
    for _ in range(size):
        kind = rng.integers(12)
        qubits = [int(q) for q in rng.permutation(num_qubits)]
        if kind == 0 and num_clbits:
            circuit.measure(qubits[0], int(rng.integers(num_clbits)))
        elif kind == 1:
            circuit.reset(qubits[0])
        elif kind == 2:
            circuit.barrier(*qubits[:int(rng.integers(1, num_qubits + 1))])
        else:
            gate = _random_gate(rng, num_qubits, theta)
            circuit.append(gate, qubits[:gate.num_qubits])
        if num_clbits and rng.random() < 0.1 and circuit.instructions[-1].name != "barrier":
            bits = [int(b) for b in rng.permutation(num_clbits)[:int(rng.integers(1, num_clbits + 1))]]
            circuit.c_if(bits, int(rng.integers(1 << len(bits))))
    return circuit


def _random_gate(rng, num_qubits: int, theta: Parameter):
    names = [n for n in STANDARD_GATES if STANDARD_GATES[n].num_qubits <= num_qubits]
    name = names[rng.integers(len(names))]
    spec = STANDARD_GATES[name]
    params = [theta * 2 if rng.random() < 0.2 else float(rng.uniform(-4, 4)) for _ in range(spec.num_params)]
    gate = StandardGate(name, params)
    kind = rng.integers(8)
    if kind == 0 and num_qubits >= 2:
        return StandardGate("mcx", (), int(rng.integers(2, num_qubits + 1)))
    if kind == 1:
        return UnitaryGate(np.eye(2), label=None if rng.random() < 0.5 else "mine")
    if kind == 2 and gate.num_qubits < num_qubits:
        k = int(rng.integers(1, num_qubits - gate.num_qubits + 1))
        return ControlledGate(gate, k, int(rng.integers(1 << k)))
    if kind == 3:
        return InverseGate(gate)
    if kind == 4:
        return PowerGate(gate, 0.5)
    if kind == 5:
        return CircuitGate(Circuit(min(num_qubits, 2)).h(0), name="sub")
    return gate


@pytest.mark.parametrize("seed", range(60))
def test_random_circuit_drawings(seed):
    rng = np.random.default_rng(seed)
    num_qubits, num_clbits = int(rng.integers(1, 6)), int(rng.integers(0, 4))
    circuit = random_circuit(rng, num_qubits, num_clbits, int(rng.integers(0, 40)))
    drawing = draw(circuit, fold=int(rng.choice([30, 80, -1])))
    for page in drawing.split("\n\n"):
        page_lines = page.split("\n")
        assert len({len(line) for line in page_lines}) == 1, page
        wire_labels = [line.lstrip("«").split(":")[0].strip() for line in page_lines[::2]]
        assert wire_labels == [f"q{i}" for i in range(num_qubits)] + (["c"] if num_clbits else [])
    unfolded = draw(circuit, fold=None)
    measurements = circuit.count_ops().get("measure", 0)
    assert unfolded.count("M") == unfolded.count("╩") == measurements
    assert unfolded.count("|0>") == circuit.count_ops().get("reset", 0)
    assert ("░" in unfolded) == ("barrier" in circuit.count_ops())
    assert unfolded.count("==") == sum(1 for inst in circuit.instructions if inst.condition)
    assert str(circuit) == draw(circuit)


def test_every_standard_gate_draws():
    for name, spec in STANDARD_GATES.items():
        params = [0.25] * spec.num_params
        circuit = Circuit(spec.num_qubits).append(StandardGate(name, params), range(spec.num_qubits))
        drawing = str(circuit)
        assert drawing.count("\n") == 2 * spec.num_qubits - 2


# -- matplotlib ----------------------------------------------------------------------------

mpl = pytest.importorskip("matplotlib")


def gids(figure) -> Counter:
    """How many patches of each kind (gate, control, target, measure, barrier...) the figure has."""
    from matplotlib.patches import Patch
    return Counter(a.get_gid() for a in figure.axes[0].get_children() if isinstance(a, Patch) and a.get_gid())


def test_mpl_figure_parts():
    figure = draw(Circuit(3).h(0).cx(0, 1).ccx(0, 1, 2).rz(0.3, 2).barrier().measure_all(), "mpl")
    assert type(figure).__module__ == "matplotlib.figure"
    counts = gids(figure)
    assert counts["gate"] == 2 and counts["control"] == 3 and counts["target"] == 2
    assert counts["measure"] == 3 and counts["barrier"] == 1
    texts = [t.get_text() for t in figure.axes[0].texts]
    for expected in ("H", "Rz(0.3)", "q0", "q1", "q2", "c", "0", "1", "2"):
        assert expected in texts


def test_mpl_multi_qubit_box_and_condition():
    circuit = Circuit(3, 1).rzz(0.5, 0, 1).unitary(np.eye(4), [0, 2], label="V").measure(0, 0).x(1).c_if(0, 1)
    figure = draw(circuit, "mpl")
    counts = gids(figure)
    assert counts["gate"] == 1 + 2 + 1  # one box spanning q0-q1, two separate boxes, the conditioned X
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "c==1" in texts and "Rzz(0.5)" in texts and "#2" in texts


def test_mpl_saves_png(tmp_path):
    path = tmp_path / "circuit.png"
    rng = np.random.default_rng(1)
    figure = draw(random_circuit(rng, 4, 2, 30), "mpl", filename=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert figure.get_figwidth() > figure.get_figheight()


@pytest.mark.parametrize("seed", range(10))
def test_mpl_random_circuits(seed):
    rng = np.random.default_rng(100 + seed)
    circuit = random_circuit(rng, int(rng.integers(1, 5)), int(rng.integers(0, 3)), 25)
    figure = draw(circuit, "mpl")
    assert len(figure.axes) == 1


def test_mpl_empty_circuit():
    assert gids(draw(Circuit(0), "mpl")) == Counter()
    assert gids(draw(Circuit(2), "mpl")) == Counter()
