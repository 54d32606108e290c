"""make bench peer: the doublet modes from a dense eigendecomposition (numpy.linalg.eig, LAPACK zgeev) of the whole
n^2 x n^2 Lindbladian of the full Dicke space (n = N+1) in the Jz basis, J = 37195.4 rad/s.
Usage: numpy_modes.py N Gamma/J gamma_phi; prints 'N seconds rate_slow rate_fast freq gap peak_MB'."""
import resource
import sys
import time

import numpy as np

N, g, gphi = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
J, j = 37195.4, N / 2
m = np.arange(-j, j + 1)
n = len(m)
jz = np.diag(m)
jp = np.diag(np.sqrt(j * (j + 1) - m[:-1] * (m[:-1] + 1)), -1)  # J+ |m> = c |m+1>
jx = (jp + jp.T) / 2
H = -(2 * J / N) * jz @ jz - 2 * g * J * jx
t0 = time.perf_counter()
I = np.eye(n)
# vec column-major: vec(A X B) = (B^T kron A) vec(X)
L = -1j * (np.kron(I, H) - np.kron(H.T, I)) + gphi * (np.kron(jz.T, jz) - 0.5 * np.kron(I, jz @ jz) - 0.5 * np.kron((jz @ jz).T, I))
lam, V = np.linalg.eig(L)
E, U = np.linalg.eigh(H)
w = np.empty(len(lam))
for k in range(len(lam)):
    X = V[:, k].reshape(n, n, order="F")
    Y = U.T @ X @ U
    w[k] = (abs(Y[0, 1]) ** 2 + abs(Y[1, 0]) ** 2) / np.sum(abs(X) ** 2)
top = np.argsort(-w)[:2]
rates = sorted(-lam[top].real)
still = np.argmin(abs(lam))
gap = min(-lam[k].real for k in range(len(lam)) if k != still)
secs = time.perf_counter() - t0
print(N, "%.2f" % secs, "%.10g %.10g %.10g %.10g" % (rates[0], rates[1], abs(lam[top[0]].imag), gap), "%.1f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
