"""Every failure of the ``qfusion`` command is one ``qfusion: error:`` line and a non-zero exit code."""

import json
import signal
import subprocess
import sys

import pytest
from cli_helpers import EXAMPLES, assert_one_line_error, qfusion

BELL = EXAMPLES / "bell.qasm"


def test_malformed_qasm_names_file_line_and_column():
    out = qfusion("run", EXAMPLES / "bad.qasm", "--json", check=False)
    line = assert_one_line_error(out, 2, "bad.qasm:6:1: expected ';'")
    assert line.startswith(f"qfusion: error: {EXAMPLES / 'bad.qasm'}:6:1:")


@pytest.mark.parametrize("args, fragments", [
    (["run", "does-not-exist.qasm"], ["does-not-exist.qasm", "No such file"]),
    (["simulate", EXAMPLES], [str(EXAMPLES)]),
    (["run", BELL, "--backend", "nope"], ["unknown backend 'nope'", "statevector"]),
    (["simulate", BELL, "--backend", "nope"], ["unknown backend 'nope'"]),
    (["run", BELL, "--shots", "0"], ["--shots", "at least 1", "qfusion run --help"]),
    (["run", BELL, "--shots", "many"], ["--shots", "whole number"]),
    (["run", BELL, "--param", "theta"], ["NAME=VALUE"]),
    (["run", BELL, "--param", "theta=1"], ["no parameter 'theta'", "it has none"]),
    (["simulate", BELL, "--dtype", "float32"], ["--dtype", "invalid choice"]),
    (["bench", "--qubits", "twenty"], ["--qubits", "20,22"]),
    (["bench", "--families", "qft,nope"], ["unknown circuit family nope", "qft,brickwork,ghz,qaoa"]),
    (["bench", "--qubits", "5", "--families", "qaoa"], ["3-regular graph", "even number of qubits"]),
    (["frobnicate"], ["invalid choice: 'frobnicate'", "qfusion --help"]),
    ([], ["required: COMMAND"]),
])
def test_input_errors_exit_2(args, fragments):
    assert_one_line_error(qfusion(*args, check=False), 2, *fragments)


def test_unbound_parameter_asks_for_a_value(tmp_path):
    program = tmp_path / "p.qasm"
    program.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float theta;\nqubit[1] q;\nrx(theta) q[0];\n')
    assert_one_line_error(qfusion("simulate", program, check=False), 2, "unbound parameter(s) theta",
                          "--param NAME=VALUE")


@pytest.mark.parametrize("command", ["run", "simulate"])
def test_too_many_qubits_is_refused_before_allocating(tmp_path, command):
    big = tmp_path / "big.qasm"
    big.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[40];\ncreg c[40];\nh q[0];\nmeasure q -> c;\n')
    assert_one_line_error(qfusion(command, big, check=False), 2, "40 qubits need 16.0 TiB")


def test_non_utf8_file(tmp_path):
    binary = tmp_path / "binary.qasm"
    binary.write_bytes(b"OPENQASM 2.0;\xff\xfe\n")
    assert_one_line_error(qfusion("run", binary, check=False), 2, "binary.qasm")


def test_missing_optional_dependency_is_one_line(tmp_path):
    fake = tmp_path / "fake" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('matplotlib is hidden for this test')\n")
    out = qfusion("draw", BELL, "--output", "mpl", "--filename", tmp_path / "x.png", check=False,
                  env={"PYTHONPATH": str(tmp_path / "fake")})
    assert_one_line_error(out, 1, "matplotlib is needed", "pip install 'qfusion[viz]'")


def test_peers_with_a_missing_benchmark_script(tmp_path):
    out = qfusion("bench", "--peers", "--qubits", "4", check=False,
                  env={"QFUSION_BENCH_SCRIPT": str(tmp_path / "missing.py")})
    assert_one_line_error(out, 2, "missing.py, which is not a file", "bench/bench_statevector.py")


@pytest.mark.parametrize("how", [["--traceback"], "QFUSION_DEBUG"])
def test_tracebacks_on_request(how):
    args = ["run", EXAMPLES / "bad.qasm"]
    env = None
    if how == "QFUSION_DEBUG":
        env = {"QFUSION_DEBUG": "1"}
    else:
        args += how
    out = qfusion(*args, check=False, env=env)
    assert out.returncode != 0 and "Traceback (most recent call last)" in out.stderr
    assert "QasmError" in out.stderr


def _interruptible():
    # as in a terminal: a parent that ignores SIGINT (pytest-xdist's workers do) would pass that on,
    # and Python then installs no KeyboardInterrupt handler at all
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_is_one_line_and_exit_130():
    process = subprocess.Popen([sys.executable, "-m", "qfusion.cli", "bench", "--qubits", ",".join(["18"] * 50),
                                "--families", "brickwork", "--repeat", "3"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_interruptible)
    try:
        header = process.stdout.readline()  # printed once the kernels are warm: main() is running
        assert header.startswith("qfusion ")
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert stderr.strip() == "qfusion: error: interrupted"


def test_a_closed_pipe_is_not_an_error(tmp_path):
    program = tmp_path / "wide.qasm"
    program.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[16];\nh q;\n')
    process = subprocess.Popen([sys.executable, "-m", "qfusion.cli", "simulate", str(program), "--all"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().startswith("|0000000000000000>")
    process.stdout.close()  # like `qfusion simulate ... | head -1`
    stderr = process.stderr.read()
    process.wait(timeout=120)
    assert stderr == "" and process.returncode == 1


def test_a_warning_is_one_line_without_the_librarys_source(tmp_path):
    from cli_helpers import qfusion
    path = tmp_path / "unmeasured.qasm"
    path.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nx q[1];\n')
    out = qfusion("run", path, "--shots", "5", "--json", check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["counts"] == {"10": 5}
    assert out.stderr.strip().splitlines() == [
        "qfusion: warning: the circuit has no measurements; measuring every qubit (call measure_all() on it "
        "to say so and silence this warning)"]
