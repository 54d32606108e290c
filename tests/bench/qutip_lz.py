#!/usr/bin/python3
"""make bench: the full-space Landau-Zener sweep by QuTiP mesolve with the same time-dependent H(t) = H0 - h(t) Jz and
L = sqrt(gamma_phi) Jz as lmgsweep. Usage: qutip_lz.py N GAMMA_OVER_J GAMMA_PHI H0 TQ_SECONDS; prints
'N seconds P_error P_not_ground peak_MB'."""
import resource
import sys
import time

import numpy as np
import qutip as qt

N, g, gphi, h0, tq = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
J = 37195.4
t0 = time.perf_counter()
Jz, Jx = qt.jmat(N / 2, "z"), qt.jmat(N / 2, "x")
H0 = -(2 * J / N) * Jz * Jz - 2 * g * J * Jx
Q = qt.Qobj(np.diag(np.sign(np.real(np.diag(Jz.full())))))
rho0 = qt.ket2dm((H0 + h0 * Jz).groundstate()[1])
gf = (H0 - h0 * Jz).groundstate()[1]
H = [H0, [-Jz, lambda t, args: h0 * (2 * t / tq - 1)]]
opts = qt.Options(atol=1e-10, rtol=1e-8, nsteps=10**8)
rho = qt.mesolve(H, rho0, [0, tq], [np.sqrt(gphi) * Jz] if gphi > 0 else [], [], options=opts).states[-1]
t = time.perf_counter() - t0
print(N, "%.3f" % t, "%.10f" % (0.5 * (1 - qt.expect(Q, rho))), "%.10f" % (1 - qt.expect(qt.ket2dm(gf), rho)),
      "%.1f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
