"""``qfusion qaoa`` and ``qfusion shor`` in subprocesses: JSON output, text output, one-line errors."""

import json

import pytest
from cli_helpers import assert_one_line_error, qfusion, qfusion_json


@pytest.fixture
def pentagon(tmp_path):
    path = tmp_path / "pentagon.txt"
    path.write_text("# a 5-cycle, one heavier edge\n0 1\n1 2\n2 3\n3 4 2.0\n4 0\n")
    return path


def test_qaoa_json_reports_a_cut_no_larger_than_brute_force(pentagon):
    out = qfusion_json("qaoa", pentagon, "--p", "2")
    assert out["num_nodes"] == 5 and out["num_edges"] == 5 and out["p"] == 2
    assert out["max_cut"] == 5.0  # brute force: cut every edge but one weight-1 edge of the odd cycle
    assert 0.7 * out["max_cut"] < out["expected_cut"] <= out["max_cut"] + 1e-9
    assert len(out["gammas"]) == len(out["betas"]) == 2
    assert out["cost_function_evals"] == out["nfev"] >= 1  # the API's name (as vqe --json), and the old one


def test_qaoa_text_with_shots_and_a_json_graph(tmp_path):
    path = tmp_path / "square.json"
    path.write_text(json.dumps({"edges": [[0, 1], [1, 2], [2, 3], [3, 0]]}))
    text = qfusion("qaoa", path, "--shots", "500", "--seed", "1", "--maxiter", "40").stdout
    assert "MaxCut of square.json (4 nodes, 4 edges" in text and "best bitstring" in text


def test_shor_json_and_text():
    out = qfusion_json("shor", "21", "--seed", "3", "--base", "2")
    assert sorted(out["factors"]) == [3, 7] and out["order"] == 6 and out["base"] == 2
    assert "15 = 3 x 5" in qfusion("shor", "15", "--seed", "1").stdout


@pytest.mark.parametrize("args, code, fragments", [
    (["shor", "13"], 2, ["13 is prime"]),
    (["shor", "twenty"], 2, ["invalid int value"]),
    (["shor", "15", "--backend", "nope"], 2, ["unknown backend 'nope'"]),
    (["qaoa", "missing-graph.txt"], 2, ["missing-graph.txt", "No such file"]),
    (["qaoa", "GRAPH", "--p", "0"], 2, ["--p", "at least 1"]),
])
def test_errors_are_one_line(args, code, fragments, tmp_path):
    args = [str(tmp_path / "g.txt") if a == "GRAPH" else a for a in args]
    (tmp_path / "g.txt").write_text("0 1\n")
    assert_one_line_error(qfusion(*args, check=False), code, *fragments)


def test_bad_graph_file_names_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("0 1\n1 x\n")
    assert_one_line_error(qfusion("qaoa", path, check=False), 2, "bad.txt:2", "u v [weight]")
