"""make bench peer: QuTiP mesolve for ONE tau (K3 at tau_opt, quantum regression: three propagations) in the full
Dicke space, N atoms, Gamma/J = 0.95, gamma_phi = 0.05, J = 37195.4 rad/s. Usage: qutip_one_tau.py N; prints 'N seconds K3'."""
import sys
import time

import numpy as np
import qutip as qt

N = int(sys.argv[1])
J, g, gphi = 37195.4, 0.95, 0.05
j = N / 2
Jz, Jx = qt.jmat(j, "z"), qt.jmat(j, "x")
H = -(2 * J / N) * Jz * Jz - 2 * g * J * Jx
Q = qt.Qobj(np.diag(np.sign(np.diag(Jz.full().real))))
E, V = H.eigenstates(eigvals=2)
tau = np.pi / (3 * (E[1] - E[0]))
rho0 = V[0] * V[0].dag()
opts = qt.Options(atol=1e-10, rtol=1e-8, nsteps=10**8, use_openmp=False)
c_ops = [np.sqrt(gphi) * Jz]
t0 = time.perf_counter()
ev = lambda X, t: qt.mesolve(H, X, [0, t], c_ops, [], options=opts).states[-1]
rho_t = ev(rho0, tau)
C = lambda X, t: (Q * ev(Q * X, t)).tr().real
K3 = C(rho0, tau) + C(rho_t, tau) - C(rho0, 2 * tau)
print(N, "%.2f" % (time.perf_counter() - t0), "%.8f" % K3)
