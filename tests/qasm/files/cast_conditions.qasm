// Written for qfusion's tests: casts of measured registers in conditions (as in the
// specification's inverseqft1 example), and a bool cast of one bit.
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[2] c;
x q[0];
c[0] = measure q[0];
if (int[2](c) == 1) { x q[1]; }
c[1] = measure q[1];
if (uint(c) == 3) x q[2];
if (bool(c[1])) { h q[0]; } else { z q[0]; }
