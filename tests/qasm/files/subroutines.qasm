// Written for qfusion's tests: subroutines with qubit and classical parameters, a returned
// value, and aliases made by slicing and concatenation.
OPENQASM 3.0;
include "stdgates.inc";
const int n = 3;

def angle_of(int k) -> float {
  return pi / k;
}

def layer(qubit[n] r, float theta) {
  for int i in [0:n - 1] {
    rx(theta * (i + 1)) r[i];
  }
  cx r[0], r[1];
}

def entangle(qubit a, qubit b) {
  h a;
  cx a, b;
}

qubit[n] q;
qubit[2] w;
layer(q, angle_of(4));
let both = q[2] ++ w[1];
entangle(both[0], both[1]);
let reversed = q[2:-1:0];
cz reversed[0], reversed[2];
entangle w[0], q[1];
