"""lgref: an independent dense-numpy reference for the Leggett-Garg correlator K3 with a stray bias, a finite detection
resolution and a thermal initial state (PHYSICS sections 1, 3 and 7), and for the tolerances of section 7.

Nothing here comes from the engine: the LMG Hamiltonian is built in the Dicke basis from its matrix elements, the
models are dense matrices, the Liouvillian is the n^2 x n^2 superoperator on column-major vec(rho), and the
propagator is its eigendecomposition (small models; scipy.linalg.expm if that is ill conditioned), the eigenpairs of H
(the whole Dicke space at gamma_phi = 0) or scipy's expm_multiply (the whole Dicke space).

Units: hbar = 1, energies and J in rad/s, gamma_phi in 1/s, times in s, T in K (k_B T/hbar in rad/s).

    H_h = -(2J/N) Jz^2 - 2 Gamma Jx - h Jz,   h = bias * h1,   h1 = dE/(2 J01) of H0
    L = sqrt(gamma_phi) Jz (k levels: sqrt(gamma_phi) P Jz P, in the eigenbasis of H0)
    measurement at t_a:  M(rho)_{mm'} = rho_{mm'} [sqrt(Phi_m Phi_m') - sqrt((1 - Phi_m)(1 - Phi_m'))],  Phi_m = Phi(2m/sigma)
                         sigma = 0: the ideal measurement, Re Tr[Q e^{Lt} (Q rho)] = Tr[Q e^{Lt} (Q rho + rho Q)/2]
    read-out at t_b:     Q_sigma = sum_m erf(sqrt2 m / sigma) |m><m|  (sigma = 0: sign(m), 0 at m = 0)
    C(t_a, t_b) = Re Tr[Q_sigma e^{L (t_b - t_a)} M(rho(t_a))],  K3(tau) = C(0, tau) + C(tau, 2 tau) - C(0, 2 tau)
"""
import functools
import math

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.sparse
import scipy.sparse.linalg
from scipy.special import erf, erfc

J_DEFAULT = 37195.4
KB_OVER_HBAR = 1.380649e-23 / 1.054571817e-34  # k_B/hbar in rad/(s K)


def dicke(N):
    """m = -j .. j, Jz (diagonal), Jx (tridiagonal) of the symmetric sector of N spins 1/2."""
    j = N / 2
    m = np.arange(-j, j + 1e-9, 1.0)
    off = 0.5 * np.sqrt(j * (j + 1) - m[:-1] * (m[:-1] + 1))  # <m+1|Jx|m>
    Jx = np.diag(off, 1) + np.diag(off, -1)
    return m, np.diag(m), Jx


def hamiltonian(N, gamma_over_J, J=J_DEFAULT, h=0.0):
    """H = -(2J/N) Jz^2 - 2 Gamma Jx - h Jz in the Dicke basis (dense, real symmetric)."""
    m, Jz, Jx = dicke(N)
    return -(2 * J / N) * np.diag(m * m) - 2 * (gamma_over_J * J) * Jx - h * Jz


@functools.lru_cache(maxsize=64)
def spectrum(N, gamma_over_J, J=J_DEFAULT):
    """All eigenpairs of H0 (ascending; E1 signed so that <E0|Jz|E1> > 0) and the derived scales."""
    E, V = np.linalg.eigh(hamiltonian(N, gamma_over_J, J))
    m = dicke(N)[0]
    if V[:, 0] @ (m * V[:, 1]) < 0:
        V[:, 1] *= -1
    dE = E[1] - E[0]
    J01 = abs(V[:, 0] @ (m * V[:, 1]))
    q01 = abs(V[:, 0] @ (np.sign(m) * V[:, 1]))
    return dict(E=E, V=V, m=m, dE=dE, J01=J01, q01=q01, h1=dE / (2 * J01), tau_opt=math.pi / (3 * dE),
                Jz2=np.einsum("mi,m,mi->i", V, m * m, V))


def measurement_factors(m, sigma):
    """F with M(X) = F * X (elementwise, Dicke basis) and the diagonal of Q_sigma."""
    if sigma == 0:
        s = np.sign(m)
        return 0.5 * (s[:, None] + s[None, :]), s
    x = 2 * m / sigma
    phi, phic = 0.5 * erfc(-x / math.sqrt(2)), 0.5 * erfc(x / math.sqrt(2))  # Phi(x), 1 - Phi(x) without cancellation
    F = np.sqrt(phi[:, None] * phi[None, :]) - np.sqrt(phic[:, None] * phic[None, :])
    return F, erf(math.sqrt(2) * m / sigma)


class Model:
    """One record's model: level 'full' (the whole Dicke space) or an integer k >= 2 (lowest k eigenstates of H0).

    bias in units of h1 of H0, sigma in atoms of imbalance, gamma_phi in 1/s, initial ground | pointer | thermal, T in K.
    Everything lives in an orthonormal basis of dimension d: the Dicke basis (full) or the eigenbasis of H0 (k levels)."""

    def __init__(self, N, gamma_over_J, level="full", gamma_phi=0.0, bias=0.0, sigma=0.0, initial="ground", T=1e-8,
                 J=J_DEFAULT):
        sp = spectrum(N, gamma_over_J, J)
        self.N, self.g, self.level, self.gamma_phi, self.bias, self.sigma = N, gamma_over_J, level, gamma_phi, bias, sigma
        self.initial, self.T, self.J, self.sp = initial, T, J, sp
        self.h = bias * sp["h1"]
        self.tau_opt = sp["tau_opt"]
        m = sp["m"]
        F, qd = measurement_factors(m, sigma)
        if level == "full":
            d = N + 1
            self.H = hamiltonian(N, gamma_over_J, J, self.h)
            self.Z = np.diag(m)
            self.Qs = np.diag(qd)
            self.Msup = scipy.sparse.diags(F.flatten(order="F"))
            self.E0vec = sp["V"][:, :2]
        else:
            d = int(level)
            V = sp["V"][:, :d]
            self.Z = V.T @ (m[:, None] * V)
            self.H = np.diag(sp["E"][:d]) - self.h * self.Z
            self.Qs = V.T @ (qd[:, None] * V)
            # P_k M(.) P_k: <e_i|V^T (F * (V X V^T)) V|e_j> = sum_{a,b} X_ab sum_{m,m'} V_mi V_ma F_mm' V_m'j V_m'b;
            # with W[m, (i, a)] = V_mi V_ma it is (W^T F W)[(i, a), (j, b)], row i + d j and column a + d b of vec
            W = (V[:, :, None] * V[:, None, :]).reshape(N + 1, d * d)
            S = (W.T @ F @ W).reshape(d, d, d, d)  # [i, a, j, b]
            self.Msup = S.transpose(2, 0, 3, 1).reshape(d * d, d * d)  # [(j, i), (b, a)]: C order j*d + i = i + d j
            self.E0vec = np.eye(d)[:, :2]
        self.d = d
        self.rho0 = self._initial()

    def _initial(self):
        if self.initial == "pointer":
            psi = (self.E0vec[:, 0] + self.E0vec[:, 1]) / math.sqrt(2)
            return np.outer(psi, psi)
        E, U = np.linalg.eigh(self.H)
        if self.initial == "ground":
            return np.outer(U[:, 0], U[:, 0])
        if self.initial == "thermal":
            w = np.exp(-(E - E[0]) / (KB_OVER_HBAR * self.T)) if self.T > 0 else (np.arange(len(E)) == 0).astype(float)
            w /= w.sum()
            return (U * w) @ U.T
        raise ValueError(self.initial)

    def liouvillian(self):
        """Dense superoperator on column-major vec: vec(A X B) = (B^T kron A) vec(X)."""
        d, H, Z = self.d, self.H, self.Z
        I = np.eye(d)
        Z2 = Z @ Z
        L = -1j * (np.kron(I, H) - np.kron(H.T, I))
        if self.gamma_phi:
            L = L + self.gamma_phi * (np.kron(Z.T, Z) - 0.5 * np.kron(I, Z2) - 0.5 * np.kron(Z2.T, I))
        return L

    @functools.cached_property
    def propagator(self):
        if self.d > 12 and self.gamma_phi == 0:
            return UnitaryPropagator(self.H)
        return Propagator(self.liouvillian(), dense=self.d <= 12)

    def K3(self, taus):
        """K3 at taus (units of tau_opt of H0) and the three correlators C(0,tau), C(tau,2tau), C(0,2tau)."""
        t = np.atleast_1d(np.asarray(taus, float)) * self.tau_opt
        vec = lambda X: np.asarray(X, complex).flatten(order="F")
        x0, q = vec(self.rho0), vec(self.Qs)
        m0 = self.Msup @ x0
        P = self.propagator
        rho_t = P.apply(x0, t)  # (nt, d^2): rho(tau)
        qh = P.apply_adjoint(q, np.concatenate((t, 2 * t)))  # Heisenberg Q_sigma at tau and at 2 tau
        q_t, q_2t = qh[: len(t)], qh[len(t):]
        c01 = (q_t.conj() @ m0).real
        c02 = (q_2t.conj() @ m0).real
        c12 = np.einsum("ij,ij->i", q_t.conj(), (self.Msup @ rho_t.T).T).real
        return c01 + c12 - c02, (c01, c12, c02)

    def K3_best(self, n=200):
        """max over tau in (0, 2] tau_opt of K3(tau): a grid of n points, then a bounded Brent refinement around the best."""
        grid = 2.0 * np.arange(1, n + 1) / n
        k = self.K3(grid)[0]
        i = int(np.argmax(k))
        lo, hi = grid[max(i - 1, 0)] if i > 0 else 1e-9, grid[min(i + 1, n - 1)]
        r = scipy.optimize.minimize_scalar(lambda x: -self.K3([x])[0][0], bounds=(lo, hi), method="bounded",
                                           options=dict(xatol=1e-12))
        if -r.fun > k[i]:
            return -r.fun, r.x
        return k[i], grid[i]


class Propagator:
    """e^{A t} v and e^{A^H t} v at many t. dense: the eigendecomposition of A when its eigenvector matrix is well
    conditioned (cond < 1e6), else scipy.linalg.expm per time; otherwise scipy.sparse.linalg.expm_multiply, over a
    uniform grid when the times are multiples of one step, else chained over the sorted times."""

    def __init__(self, A, dense=True):
        self.A, self.dense = A, dense
        if dense:
            lam, R = np.linalg.eig(A)
            self.lam, self.R, self.Ri = lam, R, np.linalg.inv(R)
            self.eig_ok = np.linalg.cond(R) < 1e6
        else:
            self.As = scipy.sparse.csr_matrix(A)
            self.AsH = scipy.sparse.csr_matrix(A.conj().T)

    def _dense(self, v, t, adjoint):
        if self.eig_ok:
            if adjoint:  # A^H = Ri^H diag(conj lam) R^H
                c = self.R.conj().T @ v
                return (np.exp(np.outer(t, self.lam.conj())) * c) @ self.Ri.conj()
            c = self.Ri @ v
            return (np.exp(np.outer(t, self.lam)) * c) @ self.R.T
        A = self.A.conj().T if adjoint else self.A
        return np.array([scipy.linalg.expm(A * ti) @ v for ti in t])

    def _chain(self, A, v, t):
        tt = np.unique(np.concatenate(([0.0], t)))
        step = np.diff(tt).min() if len(tt) > 2 else 0.0
        n = int(round(tt[-1] / step)) if step > 0 else 0
        if 2 < n <= 4000 and np.allclose(tt / step, np.round(tt / step), rtol=0, atol=1e-9):
            # the times are multiples of one step: one call of expm_multiply over the uniform grid 0, step, ..., n step
            xs = scipy.sparse.linalg.expm_multiply(A, np.asarray(v, complex), start=0.0, stop=n * step, num=n + 1,
                                                   endpoint=True)
            return xs[np.round(np.asarray(t) / step).astype(int)]
        order = np.argsort(t)
        out = np.empty((len(t), len(v)), complex)
        x, now = np.asarray(v, complex), 0.0
        for i in order:
            if t[i] > now:
                x = scipy.sparse.linalg.expm_multiply(A * (t[i] - now), x)
                now = t[i]
            out[i] = x
        return out

    def apply(self, v, t):
        return self._dense(v, t, False) if self.dense else self._chain(self.As, v, t)

    def apply_adjoint(self, v, t):
        return self._dense(v, t, True) if self.dense else self._chain(self.AsH, v, t)


class UnitaryPropagator:
    """gamma_phi = 0: e^{Lt} X = U e^{-iEt} U^T X U e^{iEt} U^T from the eigenpairs of H (real symmetric); e^{L^H t} = e^{-Lt}."""

    def __init__(self, H):
        self.E, self.U = np.linalg.eigh(H)
        self.d = len(self.E)

    def apply(self, v, t):
        d, U = self.d, self.U
        Xe = U.T @ np.asarray(v, complex).reshape(d, d, order="F") @ U
        w = self.E[:, None] - self.E[None, :]
        return np.array([(U @ (Xe * np.exp(-1j * w * ti)) @ U.T).flatten(order="F") for ti in np.atleast_1d(t)])

    def apply_adjoint(self, v, t):
        return self.apply(v, -np.asarray(t))


# ---------------------------------------------------------------------------------------------------------------
# closed forms (PHYSICS section 3 and 7, k = 2)

def k2_closed_K3(q01, dE, J01, h, taus_s):
    """gamma_phi = 0, k = 2, any state: K3 = q01^2 [c^2 + (1 - c^2)(2 cos W tau - cos 2 W tau)], W = sqrt(dE^2 + (2 h J01)^2)."""
    W = math.hypot(dE, 2 * h * J01)
    c2 = (2 * h * J01 / W) ** 2
    t = np.asarray(taus_s, float)
    return q01 ** 2 * (c2 + (1 - c2) * (2 * np.cos(W * t) - np.cos(2 * W * t)))


def k2_closed_bias_c(q01):
    """gamma_phi = 0, k = 2: q01^2 (1.5 - 0.5 c^2) = 1 at c^2 = 3 - 2/q01^2; bias_c = sqrt(c^2/(1 - c^2)) (units of h1)."""
    c2 = 3 - 2 / q01 ** 2
    return math.sqrt(c2 / (1 - c2))


def k2_closed_dephased_K3(q01, dE, J01, gamma_phi, taus_s):
    """k = 2, bias 0, rho0 = |E0><E0|: C = q01^2 e^{-kappa t}(cos W t + (kappa/W) sin W t), kappa = gamma_phi J01^2."""
    kappa = gamma_phi * J01 ** 2
    W = math.sqrt(dE ** 2 - kappa ** 2)
    C = lambda t: q01 ** 2 * np.exp(-kappa * t) * (np.cos(W * t) + kappa / W * np.sin(W * t))
    t = np.asarray(taus_s, float)
    return 2 * C(t) - C(2 * t)


# ---------------------------------------------------------------------------------------------------------------
# tolerances: the first crossing of K3_best = 1 above the record's value

PARAMS = ("gamma_phi", "bias", "sigma", "T")


def K3_best_at(base, param, value):
    """K3_best of the model `base` (a dict of Model's keyword arguments) with one parameter changed; T forces thermal."""
    kw = dict(base)
    if param == "T":
        kw["initial"] = "thermal"
    kw[param] = value
    return Model(**kw).K3_best()[0]


def default_step(param, p, sp):
    """The outward step of the search: fine enough not to jump over a window (2 % of the value, or an absolute floor)."""
    if param == "bias":
        return 0.02
    if param == "gamma_phi":
        return max(0.02 * p, 0.002 * sp["dE"] / sp["J01"] ** 2)
    if param == "sigma":
        return max(0.02 * p, 0.25)
    if param == "T":
        return 0.02 * p
    raise ValueError(param)


def tolerance(base, param, limit, xtol_rel=1e-12, step=None):
    """The first p > p0 (p0 = the record's value; bias: |bias|) with K3_best(p) = 1, found by stepping outward and
    brentq on the first sign change. Returns (status, value, lo, hi, evaluations): status 0 found, 1 no violation at
    p0, 2 no crossing up to `limit` (lo = last violating value, hi = limit)."""
    sp = spectrum(base["N"], base["gamma_over_J"], base.get("J", J_DEFAULT))
    p0 = abs(base.get(param, 0.0 if param != "T" else 1e-8))
    count = [0]

    def f(p):
        count[0] += 1
        return K3_best_at(base, param, p) - 1.0

    if f(p0) <= 0:
        return 1, float("nan"), float("nan"), float("nan"), count[0]
    lo = p0
    while lo < limit:
        hi = min(lo + (step or default_step)(param, lo, sp), limit)
        if f(hi) <= 0:
            root = scipy.optimize.brentq(f, lo, hi, xtol=xtol_rel * hi * 1e-3, rtol=xtol_rel, maxiter=200)
            return 0, root, lo, hi, count[0]
        lo = hi
    return 2, float("nan"), lo, limit, count[0]
