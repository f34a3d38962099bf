// Written for qfusion's tests: a while loop over a classical counter, and a switch on
// measured bits with a default branch.
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[2] c;
bit[1] flag;
int k = 0;
while (k < 2) {
  h q[k];
  k += 1;
}
c = measure q[0:1];
switch (c) {
  case 0 { x q[2]; }
  case 1, 2 { }
  default { x q[2]; z q[2]; }
}
flag[0] = measure q[2];
