// Written for qfusion's tests: a file that defines gates whose names Qiskit's extended
// qelib1.inc also has (but the specification's does not), each with a meaning of its own.
OPENQASM 2.0;
include "qelib1.inc";
gate cu(theta, phi, lam) c, t { cu3(theta, phi, lam) c, t; }
gate sx a { h a; t a; }
gate rzz(theta) a, b { cx a, b; rz(2*theta) b; cx a, b; }
gate csx a, b { cx a, b; h b; }
qreg q[3];
h q[0];
cu(0.3, 0.2, 0.1) q[0], q[1];
sx q[2];
rzz(0.7) q[1], q[2];
csx q[2], q[0];
