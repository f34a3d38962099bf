// Written for qfusion's tests: a three-qubit bit-flip code whose syndrome a subroutine
// measures into bits of its own and returns; the caller corrects on the returned bits.
OPENQASM 3.0;
include "stdgates.inc";

def parity(qubit[3] data, qubit[2] anc) -> bit[2] {
  bit[2] s;
  reset anc;
  cx data[0], anc[0];
  cx data[1], anc[0];
  cx data[1], anc[1];
  cx data[2], anc[1];
  s = measure anc;
  return s;
}

def check(qubit q) -> bit {
  return measure q;
}

qubit[3] d;
qubit[2] a;
bit[2] syn;
bit[3] out;
bit flag;
x d[1];  // the error to find
syn = parity(d, a);
if (syn == 1) x d[0];
if (syn == 3) x d[1];
if (syn == 2) x d[2];
flag = check(a[0]);
out = measure d;
