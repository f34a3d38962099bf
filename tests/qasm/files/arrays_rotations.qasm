// Written for qfusion's tests: arrays of angles, sliced, passed to subroutines and read by gates.
OPENQASM 3.0;
include "stdgates.inc";
const uint[8] N = 3;
array[float[64], 2, N] angles = {{0.1, 0.2, 0.3}, {1.0, 2.0, 3.0}};
array[int[32], 4] steps = {1, 2, 3, 4};
angles[0, 2] = angles[1, 0] + sizeof(steps);
angles[1, 0:1] = angles[0, 0:1];
steps[1:2] = steps[2:3];
def rotate(readonly array[float[64], #dim = 2] a, qubit[3] q) {
  for uint i in [0:sizeof(a, 1) - 1] {
    rx(a[0, i]) q[i];
    rz(a[1, i]) q[i];
  }
}
def double_last(mutable array[int[32], 4] s) {
  s[3] = 2 * s[3];
}
qubit[3] q;
rotate(angles, q);
double_last(steps);
for int k in [0:3] {
  ry(steps[k] * 0.125) q[0];
}
