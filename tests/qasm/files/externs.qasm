// Written for qfusion's tests: an extern function the caller supplies in Python.
OPENQASM 3.0;
include "stdgates.inc";
extern scale(float[64], int[32]) -> float[64];
qubit q;
rx(scale(0.25, 3)) q;
