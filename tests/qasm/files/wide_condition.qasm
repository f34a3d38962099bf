// Written for qfusion's tests: a 151-bit register compared with its value, 2**150.
OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[151];
x q[0];
measure q[0] -> c[150];
if(c==1427247692705959881058285969449495136382746624) x q[1];
measure q[1] -> c[0];
