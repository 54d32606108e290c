"""make bench peer: the lowest eigenpairs of the full LMG tridiagonal with scipy's eigh_tridiagonal(select='i')
(LAPACK stebz bisection + stein). Usage: scipy_doublet.py N GAMMA_OVER_J K REPS; prints 'N seconds peak_MB E0/J'."""
import resource
import sys
import time

import numpy as np
from scipy.linalg import eigh_tridiagonal

N, g, k, reps = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
j = N / 2
m = np.arange(-j, j + 1)
d = -2 * m**2 / N
e = -g * np.sqrt(j * (j + 1) - m[:-1] * (m[:-1] + 1))
best = 1e300
for _ in range(reps):
    t = time.perf_counter()
    w, v = eigh_tridiagonal(d, e, select="i", select_range=(0, k - 1))
    best = min(best, time.perf_counter() - t)
print(N, "%.4f" % best, "%.1f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "%.12g" % w[0])
