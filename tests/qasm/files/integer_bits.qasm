// Written for qfusion's tests: the bits of integer variables select gates (as the
// specification's adder example does with a_in[i]).
OPENQASM 3.0;
include "stdgates.inc";
qubit[4] a;
uint[4] value = 11; // 1011
for uint i in [0:3] {
  if (bool(value[i])) x a[i];
}
int[8] flags = 6;
if (flags[1] == 1) { h a[3]; }
if (flags[0] == 1) { h a[0]; }
