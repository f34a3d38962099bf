// Written for qfusion's tests: pulse-level calibrations beside the gates they calibrate.
OPENQASM 3.0;
include "stdgates.inc";
defcalgrammar "openpulse";
cal {
  extern port d0;
  frame f0 = newframe(d0, 5.0e9, 0.0);
}
defcal x $0 {
  play f0, gaussian(160dt, 40dt, 0.2);
}
defcal rz(angle[20] theta) q {
  shift_phase f0, -theta;
}
defcal measure $0 -> bit {
  return threshold(capture(f0, 2048), 1234);
}
x $0;
rz(0.5) $0;
h $1;
cx $1, $2;
