"""Converters and drawings import their heavy dependencies only when called."""

import subprocess
import sys


def test_importing_interop_and_drawing_loads_no_optional_dependency():
    code = ("import sys, qfusion.interop, qfusion.circuit.drawing; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'qiskit', 'cirq', 'sympy', 'matplotlib'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
