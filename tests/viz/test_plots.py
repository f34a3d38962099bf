"""The plots (issue 12): each returns a Figure that renders to PNG; what they draw is checked
against the data and, for Bloch vectors, against Qiskit's partial traces."""

from __future__ import annotations

import io

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import qfusion as qf  # noqa: E402
from qfusion.errors import QfusionError  # noqa: E402
from qfusion.viz import (  # noqa: E402
    bloch_vectors,
    plot_bloch_multivector,
    plot_convergence,
    plot_decay,
    plot_histogram,
    plot_state_city,
)


def png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = buffer.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    return data


def test_histogram_of_several_results_side_by_side(tmp_path):
    ideal = qf.run(qf.Circuit(2).h(0).cx(0, 1).measure_all(), shots=500, seed=1)
    noisy = {"00": 240, "01": 12, "10": 9, "11": 239}
    fig = plot_histogram([ideal, noisy], legend=["ideal", "noisy"], filename=tmp_path / "h.png")
    assert (tmp_path / "h.png").stat().st_size > 2000
    axes = fig.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["00", "01", "10", "11"]
    heights = [p.get_height() for p in axes.patches]
    assert heights[:4] == [ideal.counts.get(k, 0) for k in ("00", "01", "10", "11")]
    assert heights[4:] == [240, 12, 9, 239]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["ideal", "noisy"]
    png(fig)


def test_histogram_keeps_the_most_frequent_and_validates():
    fig = plot_histogram({"00": 5, "01": 1, "10": 2, "11": 7}, number_to_keep=2, sort="value")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["11", "00", "rest"]
    assert [p.get_height() for p in fig.axes[0].patches] == [7, 5, 3]
    with pytest.raises(QfusionError, match="legend"):
        plot_histogram({"0": 1}, legend=["a", "b"])
    with pytest.raises(QfusionError, match="takes counts"):
        plot_histogram(3)


def test_bloch_vectors_match_qiskit_partial_traces():
    qiskit = pytest.importorskip("qiskit")
    from qiskit.quantum_info import DensityMatrix, Pauli, Statevector, partial_trace
    c = qf.Circuit(3).ry(0.7, 0).cx(0, 1).rx(0.4, 2).rz(0.3, 2).h(1)
    state = np.asarray(qf.simulate(c))
    ours = bloch_vectors(state)
    qiskit_state = Statevector(state)
    for q in range(3):
        reduced = DensityMatrix(partial_trace(qiskit_state, [k for k in range(3) if k != q]))
        expected = [reduced.expectation_value(Pauli(p)).real for p in "XYZ"]
        np.testing.assert_allclose(ours[q], expected, atol=1e-12)
    assert qiskit  # used


def test_state_city_and_bloch_render():
    bell = np.asarray(qf.simulate(qf.Circuit(2).h(0).cx(0, 1)))
    city = plot_state_city(bell)
    assert [a.get_title() for a in city.axes] == ["real part", "imaginary part"]
    png(city)
    png(plot_bloch_multivector(bell))
    with pytest.raises(QfusionError, match="at most 5 qubits"):
        plot_state_city(np.asarray(qf.simulate(qf.Circuit(6))))


def test_convergence_of_vqe_and_qaoa_results():
    from qfusion.algorithms import vqe
    from qfusion.observables import PauliSum
    t = qf.Parameter("t")
    result = vqe(PauliSum.from_list([("Z", 1.0), ("X", 1.0)]), qf.Circuit(1).ry(t, 0), initial_point=[0.1])
    fig = plot_convergence([result, list(result.history)], reference=-np.sqrt(2), labels=["vqe", "copy"])
    lines = fig.axes[0].lines
    np.testing.assert_allclose(lines[0].get_ydata(), result.history)
    assert lines[-1].get_ydata()[0] == pytest.approx(-np.sqrt(2))
    png(fig)
    log = plot_convergence(result, reference=-np.sqrt(2), log_error=True)
    assert log.axes[0].get_yscale() == "log"
    with pytest.raises(QfusionError, match="empty history"):
        plot_convergence([])


def test_decay_curves_for_rb_and_quantum_volume():
    from qfusion.algorithms.characterization import QuantumVolumeResult, RBResult
    alpha, a, b = 0.98, 0.5, 0.5
    lengths = (1, 10, 50, 100)
    survival = tuple(tuple(a * alpha ** m + b + d for d in (-0.01, 0.0, 0.01)) for m in lengths)
    rb = RBResult(1, lengths, survival, alpha, 0.001, a, b, (1 - alpha) / 2, {})
    fig = plot_decay(rb)
    fit = fig.axes[0].lines[-1]
    m = fit.get_xdata()
    np.testing.assert_allclose(fit.get_ydata(), a * alpha ** m + b)
    png(fig)
    qv = QuantumVolumeResult(3, (0.8, 0.75, 0.7, 0.85), 0.775, 0.6, False)
    fig = plot_decay(qv)
    assert "quantum volume, 3 qubits" in fig.axes[0].get_title()
    png(fig)
    with pytest.raises(QfusionError, match="RBResult"):
        plot_decay(object())


def test_front_door_name():
    assert qf.visualization.plot_histogram is plot_histogram
