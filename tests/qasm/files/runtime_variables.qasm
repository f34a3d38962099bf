// Written for qfusion's tests: classical variables whose values only measurements give (t1.qasm,
// scqec.qasm and vqe.qasm of the specification count outcomes and loop over run-time ranges this way).
OPENQASM 3.0;
include "stdgates.inc";
extern report(int[32], bit[3]);
extern angle_for(int[32]) -> float[64];
qubit[3] q;
qubit r;
qubit w;
bit[3] c;
bit flip;
bit parity;
int[32] ones = 0;
for int i in [0:2] {
  h q[i];
  c[i] = measure q[i];
  ones += int[1](c[i]);
}
report(ones, c);
float[64] theta = angle_for(ones);
rx(theta) r;
flip = measure r;
for int[32] k in [1:ones] {
  x w;
}
parity = measure w;
