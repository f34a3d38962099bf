// Written for qfusion's tests: user gates named like gates qfusion writes definitions for.
OPENQASM 3.0;
include "stdgates.inc";
gate ryy(theta) a, b { h a; cx a, b; ry(theta) b; cx a, b; h a; }
gate iswap a, b { swap a, b; s a; }
qubit[2] q;
ryy(0.4) q[0], q[1];
iswap q[0], q[1];
