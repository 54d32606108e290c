/* K3 from the modes of a model (modes.c): C(t_a, t_b) = Re Tr[Q e^{L(t_b - t_a)} (Q rho(t_a))] with
   e^{Lt} = V e^{Lambda t} V^{-1} per parity block, so any tau_opt costs the same; with the checks that the result is
   not noise: the propagated vectors well conditioned in the modes' basis, and the error that double precision leaves in
   the eigenvalues and the level energies, over the longest time, bounded (README: How the dynamics is computed). */
#include <math.h>
#include <quadmath.h>
#include "lmg/dynamics.h"
#include "lmg/modes.h"
#include <petscblaslapack.h>

#define MAX_REFINED 400 /* modes refined in quad precision per record; more: the record is skipped */

typedef struct {
  const LmgModes *M;
  PetscInt        n;
  PetscScalar    *qv[2]; /* [m_b]: Tr[Q v_j] of each mode */
  PetscScalar    *c[2];  /* [m_b] amplitudes, work */
  PetscScalar    *cq[2], *c0[2]; /* [m_b] amplitudes of Q rho0 and of rho0 */
  PetscScalar    *z[2], *ez[2];  /* [m_b] e^{lam_j s} at the time in hand, and c0 e^{lam_j s} */
  PetscScalar    *Y;     /* n x n work */
  PetscReal      *w[2];  /* [m_b]: the largest |Tr[Q v_j] c_j| over the vectors propagated (the modes' weights in C) */
  PetscReal      *err[2]; /* [m_b]: error bound of the eigenvalue (double: eps |L| kappa_j; lower once refined) */
  PetscReal       alpha; /* largest |c|_1 / |x|_2 over the vectors propagated */
} Exact;

/* Record the modes' weights |Tr[Q v_j] c_j| and the conditioning |c|_1 / |x|_2 of a propagated vector x (amplitudes c). */
static void Weigh(Exact *e, const PetscScalar *x, PetscScalar *const c[2])
{
  PetscReal xn = 0;
  for (PetscInt i = 0; i < e->n * e->n; i++) xn += PetscRealPart(x[i] * PetscConj(x[i]));
  xn = PetscSqrtReal(xn);
  for (PetscInt b = 0; b < 2; b++) {
    PetscReal c1 = 0;
    for (PetscInt j = 0; j < e->M->b[b].m; j++) {
      e->w[b][j] = PetscMax(e->w[b][j], PetscAbsScalar(e->qv[b][j] * c[b][j]));
      c1 += PetscAbsScalar(c[b][j]);
    }
    if (xn > 0) e->alpha = PetscMax(e->alpha, c1 / xn);
  }
}

/* Re Tr[Q e^{L s} x] from the amplitudes c of x and z = e^{lam s} (squared: e^{2 lam s}), both blocks. */
static PetscReal Sum(const Exact *e, PetscScalar *const c[2], PetscBool squared)
{
  PetscScalar sum = 0;
  for (PetscInt b = 0; b < 2; b++)
    for (PetscInt j = 0; j < e->M->b[b].m; j++) sum += e->qv[b][j] * c[b][j] * (squared ? e->z[b][j] * e->z[b][j] : e->z[b][j]);
  return PetscRealPart(sum);
}

/* The bound on K3's error from double precision: each mode's eigenvalue error (the solver's eps |L| kappa_j, and the
   level energies' errors through first-order perturbation) times its weight and the longest time it acts. */
static PetscReal ErrorBound(const Exact *e, LmgLiouville L, PetscReal tmax, PetscReal *energy_part)
{
  PetscReal tot = 0, en = 0;
  for (PetscInt b = 0; b < 2; b++) {
    const LmgBlock *B = &e->M->b[b];
    for (PetscInt j = 0; j < B->m; j++) {
      PetscReal re = PetscRealPart(B->lam[j]), act = re < 0 ? PetscMin(tmax, 1 / (2.718281828459045 * -re)) : tmax, dE = 0;
      if (e->w[b][j] < 1e-300) continue;
      for (PetscInt i = 0; i < B->m; i++) {
        const PetscInt a = B->idx[i] % e->n, c = B->idx[i] / e->n;
        if (a != c) dE += PetscAbsScalar(B->W[j + B->m * i] * B->V[i + B->m * j]) * (L->Eerr[a] + L->Eerr[c]); /* Omega_aa = 0 exactly */
      }
      tot += e->w[b][j] * act * (e->err[b][j] + dE);
      en += e->w[b][j] * act * dE;
    }
  }
  *energy_part = 3 * en;
  return 3 * tot; /* K3 has three correlators */
}

/* Y = L X for the n x n matrix X in quad precision: -i(E_a - E_c) X_ac + gphi (Z X Z - (Z^2 X + X Z^2)/2). */
static void ApplyQuad(PetscInt n, const __float128 *E, const __float128 *Z, const __float128 *Z2, __float128 g, const __complex128 *X, __complex128 *T, __complex128 *Y)
{
  for (PetscInt c = 0; c < n; c++)
    for (PetscInt a = 0; a < n; a++) {
      __complex128 s = 0, h = 0;
      for (PetscInt d = 0; d < n; d++) s += Z[a + n * d] * X[d + n * c], h += Z2[a + n * d] * X[d + n * c] + X[a + n * d] * Z2[d + n * c];
      T[a + n * c] = s;
      Y[a + n * c] = -0.5Q * g * h + (__complex128)(-1.0Qi) * (E[a] - E[c]) * X[a + n * c];
    }
  for (PetscInt c = 0; c < n; c++)
    for (PetscInt a = 0; a < n; a++) {
      __complex128 s = 0;
      for (PetscInt d = 0; d < n; d++) s += T[a + n * d] * Z[d + n * c];
      Y[a + n * c] += g * s;
    }
}

/* Where a mode matters for K3 but its eigenvalue's double-precision error would show over the longest time (slow
   modes of deep tunnelling: |lambda| far below eps |L|), refine it by its two-sided Rayleigh quotient w^T L v / w^T v in
   quad precision: the error drops to ~(eps |L| kappa)^2 / gap. *nref: modes refined (-1: too many). */
static PetscErrorCode Refine(LmgLiouville L, LmgModes *M, Exact *e, PetscReal tmax, PetscInt *nref)
{
  const PetscInt n = L->n;
  __float128    *Eq, *Zq, *Z2q;
  __complex128  *X, *T, *Y;
  PetscReal     *Zd;
  PetscFunctionBeginUser;
  *nref = 0;
  for (PetscInt b = 0; b < 2; b++)
    for (PetscInt j = 0; j < M->b[b].m; j++)
      if (e->w[b][j] * tmax * e->err[b][j] > 1e-13) (*nref)++;
  if (*nref == 0 || *nref > MAX_REFINED) {
    if (*nref) *nref = -1;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscMalloc4(n, &Eq, n * n, &Zq, n * n, &Z2q, n * n, &Zd));
  PetscCall(PetscMalloc3(n * n, &X, n * n, &T, n * n, &Y));
  PetscCall(LmgLiouvilleJz(L, Zd));
  for (PetscInt i = 0; i < n; i++) Eq[i] = L->E[i];
  for (PetscInt i = 0; i < n * n; i++) Zq[i] = Zd[i];
  for (PetscInt c = 0; c < n; c++)
    for (PetscInt a = 0; a < n; a++) {
      __float128 s = 0;
      for (PetscInt d = 0; d < n; d++) s += Zq[a + n * d] * Zq[d + n * c];
      Z2q[a + n * c] = s;
    }
  for (PetscInt b = 0; b < 2; b++) {
    LmgBlock *B = &M->b[b];
    for (PetscInt j = 0; j < B->m; j++) {
      __complex128 num = 0, den = 0;
      PetscReal    gap = PETSC_MAX_REAL, d0;
      if (!(e->w[b][j] * tmax * e->err[b][j] > 1e-13)) continue;
      for (PetscInt i = 0; i < n * n; i++) X[i] = 0;
      for (PetscInt i = 0; i < B->m; i++) X[B->idx[i]] = PetscRealPart(B->V[i + B->m * j]) + PetscImaginaryPart(B->V[i + B->m * j]) * 1.0Qi;
      ApplyQuad(n, Eq, Zq, Z2q, L->gphi, X, T, Y);
      for (PetscInt i = 0; i < B->m; i++) {
        const __complex128 wji = PetscRealPart(B->W[j + B->m * i]) + PetscImaginaryPart(B->W[j + B->m * i]) * 1.0Qi;
        num += wji * Y[B->idx[i]];
        den += wji * X[B->idx[i]];
      }
      num /= den;
      for (PetscInt i = 0; i < B->m; i++)
        if (i != j) gap = PetscMin(gap, PetscAbsScalar(B->lam[i] - B->lam[j]));
      B->lam[j]    = (PetscReal)crealq(num) + PETSC_i * (PetscReal)cimagq(num);
      d0           = e->err[b][j];
      e->err[b][j] = d0 * d0 / PetscMax(gap, d0) + 1e-32 * B->norm * B->kappa[j] + PETSC_MACHINE_EPSILON * PetscAbsScalar(B->lam[j]);
    }
  }
  PetscCall(PetscFree4(Eq, Zq, Z2q, Zd));
  PetscCall(PetscFree3(X, T, Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* C1 = C(0, s), C2 = C(s, 2s), C3 = C(0, 2s) at one time s from the amplitudes of rho0 (e->c0) and of Q rho0 (e->cq);
   rho(s) in R, its diagnostics into dyn. */
static PetscErrorCode Point(Exact *e, LmgLiouville L, PetscScalar *R, PetscReal s, PetscReal *C1, PetscReal *C2, PetscReal *C3, LmgDynamics *dyn)
{
  const PetscInt n  = L->n;
  PetscScalar    tr = 0;
  PetscFunctionBeginUser;
  for (PetscInt b = 0; b < 2; b++)
    for (PetscInt j = 0; j < e->M->b[b].m; j++) e->z[b][j] = PetscExpComplex(e->M->b[b].lam[j] * s), e->ez[b][j] = e->c0[b][j] * e->z[b][j];
  *C1 = Sum(e, e->cq, PETSC_FALSE);
  *C3 = Sum(e, e->cq, PETSC_TRUE);
  for (PetscInt b = 0; b < 2; b++) PetscCall(LmgModesCombine(e->M, b, e->ez[b], R));
  for (PetscInt a = 0; a < n; a++) {
    tr += R[a + n * a];
    for (PetscInt c = 0; c < a; c++) dyn->herm_err = PetscMax(dyn->herm_err, PetscAbsScalar(R[a + n * c] - PetscConj(R[c + n * a])));
  }
  dyn->trace_err = PetscMax(dyn->trace_err, PetscAbsScalar(tr - 1));
  PetscCall(LmgLiouvilleMeasure(L, R, e->Y));
  for (PetscInt b = 0; b < 2; b++) PetscCall(LmgModesAmplitudes(e->M, b, e->Y, e->c[b]));
  Weigh(e, e->Y, e->c);
  *C2 = Sum(e, e->c, PETSC_FALSE);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One pass over the grid with the modes as they are: C1, C2, C3, the weights, rho's diagnostics. */
static PetscErrorCode Pass(Exact *e, LmgLiouville L, const PetscScalar *r0, const PetscScalar *Qr0, PetscScalar *R, PetscInt m, const PetscReal *t, PetscReal tau_opt, PetscReal *C1, PetscReal *C2, PetscReal *C3, LmgDynamics *dyn)
{
  PetscFunctionBeginUser;
  dyn->trace_err = dyn->herm_err = 0;
  for (PetscInt b = 0; b < 2; b++) {
    PetscCall(LmgModesAmplitudes(e->M, b, Qr0, e->cq[b]));
    PetscCall(LmgModesAmplitudes(e->M, b, r0, e->c0[b]));
  }
  Weigh(e, Qr0, e->cq);
  for (PetscInt i = 0; i < m; i++) PetscCall(Point(e, L, R, t[i] * tau_opt, &C1[i], &C2[i], &C3[i], dyn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* K3 at s = x tau_opt (the weights and diagnostics recorded); *best, *tbest the largest seen so far. */
static PetscErrorCode K3At(Exact *e, LmgLiouville L, PetscScalar *R, PetscReal x, PetscReal tau_opt, PetscReal *K, PetscReal *best, PetscReal *tbest, LmgDynamics *dyn)
{
  PetscReal c1, c2, c3;
  PetscFunctionBeginUser;
  PetscCall(Point(e, L, R, x * tau_opt, &c1, &c2, &c3, dyn));
  *K = c1 + c2 - c3;
  if (*K > *best) *best = *K, *tbest = x;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The largest K3 on [lo, hi] (units of tau_opt) around the grid's best (x0, K0): Brent's minimisation of -K3 (golden
   sections and parabolic steps) to 1e-9 tau_opt (K3 then within ~K3'' 1e-18 of its maximum); *best, *tbest the
   largest value seen. */
static PetscErrorCode Maximise(Exact *e, LmgLiouville L, PetscScalar *R, PetscReal lo, PetscReal hi, PetscReal x0, PetscReal K0, PetscReal tau_opt, PetscReal *best, PetscReal *tbest, LmgDynamics *dyn)
{
  const PetscReal gr = 0.3819660112501051, tol = 1e-9;
  PetscReal       a = lo, b = hi, x = x0, w = x0, v = x0, fx = -K0, fw = fx, fv = fx, d = 0, E = 0, u, fu, K = 0;
  PetscFunctionBeginUser;
  *best = K0, *tbest = x0;
  for (PetscInt it = 0; it < 100; it++) {
    const PetscReal m = 0.5 * (a + b), t1 = tol + 1e-9 * PetscAbsReal(x), t2 = 2 * t1;
    PetscBool golden = PETSC_TRUE;
    if (PetscAbsReal(x - m) <= t2 - 0.5 * (b - a)) break;
    if (PetscAbsReal(E) > t1) { /* a parabola through x, w, v */
      PetscReal r = (x - w) * (fx - fv), q = (x - v) * (fx - fw), p = (x - v) * q - (x - w) * r, eo = E;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = PetscAbsReal(q), E = d;
      if (PetscAbsReal(p) < PetscAbsReal(0.5 * q * eo) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q, u = x + d, golden = PETSC_FALSE;
        if (u - a < t2 || b - u < t2) d = x < m ? t1 : -t1;
      }
    }
    if (golden) E = (x < m ? b : a) - x, d = gr * E;
    u = x + (PetscAbsReal(d) >= t1 ? d : (d > 0 ? t1 : -t1));
    PetscCall(K3At(e, L, R, u, tau_opt, &K, best, tbest, dyn));
    fu = -K;
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w, fv = fw, w = x, fw = fx, x = u, fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w == x) v = w, fv = fw, w = u, fw = fu;
      else if (fu <= fv || v == x || v == w) v = u, fv = fu;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The largest K3 near the grid t[0 .. nbest-1]: every local maximum of the grid whose parabola through it and its
   neighbours comes within 1e-3 of the highest parabola (at most 8, the highest first) refined by Maximise between its
   neighbours, so that a lobe that the grid ranks second but that peaks higher is not lost. */
static PetscErrorCode Best(Exact *e, LmgLiouville L, PetscScalar *R, PetscInt nbest, const PetscReal *t, const PetscReal *C1, const PetscReal *C2, const PetscReal *C3, PetscReal tau_opt, LmgDynamics *dyn)
{
  PetscReal *K, *est, top = -PETSC_MAX_REAL;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(nbest, &K, nbest, &est));
  for (PetscInt i = 0; i < nbest; i++) K[i] = C1[i] + C2[i] - C3[i];
  for (PetscInt i = 0; i < nbest; i++) {
    est[i] = -PETSC_MAX_REAL;
    if ((i > 0 && K[i - 1] > K[i]) || (i < nbest - 1 && K[i + 1] > K[i])) continue; /* not a local maximum */
    est[i] = K[i];
    if (i > 0 && i < nbest - 1 && K[i + 1] - 2 * K[i] + K[i - 1] < 0) est[i] -= PetscSqr(K[i + 1] - K[i - 1]) / (8 * (K[i + 1] - 2 * K[i] + K[i - 1]));
    top = PetscMax(top, est[i]);
  }
  dyn->K3_best = -PETSC_MAX_REAL;
  for (PetscInt r = 0; r < 8; r++) {
    PetscInt  i = -1;
    PetscReal kb, tb;
    for (PetscInt j = 0; j < nbest; j++)
      if (est[j] >= top - 1e-3 && (i < 0 || est[j] > est[i])) i = j;
    if (i < 0) break;
    est[i] = -PETSC_MAX_REAL;
    PetscCall(Maximise(e, L, R, i ? t[i - 1] : 0, i < nbest - 1 ? t[i + 1] : t[i], t[i], K[i], tau_opt, &kb, &tb, dyn));
    if (kb > dyn->K3_best) dyn->K3_best = kb, dyn->tau_best = tb;
  }
  PetscCall(PetscFree2(K, est));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgExactCorrelators(LmgLiouville L, const char *initial, PetscInt m, const PetscReal *t, PetscReal tau_opt, LmgModesCache *cache, PetscInt nbest, PetscReal *C1, PetscReal *C2, PetscReal *C3, LmgDynamics *dyn)
{
  const PetscInt n = L->n;
  LmgModes       own, *Mp = &own;
  Exact          e = {NULL, n, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}, NULL, {NULL, NULL}, {NULL, NULL}, 0};
  Vec            rho0;
  PetscScalar   *R, *Qr0;
  const PetscScalar *r0;
  PetscReal      tmax = 0, bound, energy;
  PetscInt       nref = 0;
  PetscBool      ok;
  PetscFunctionBeginUser;
  if (cache) PetscCall(LmgModesCacheGet(cache, L, &Mp, &ok, dyn->message, LMG_MSG_LEN));
  else PetscCall(LmgModesCreate(L, &own, &ok, dyn->message, LMG_MSG_LEN));
  e.M = Mp;
  if (!ok) {
    dyn->status = LMG_FAILED;
    if (!cache) PetscCall(LmgModesDestroy(&own));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n * n, &rho0));
  PetscCall(LmgLiouvilleInitial(L, initial, L->T, rho0));
  PetscCall(PetscMalloc3(n * n, &e.Y, n * n, &R, n * n, &Qr0));
  for (PetscInt b = 0; b < 2; b++) {
    const LmgBlock *B = &Mp->b[b];
    PetscCall(PetscCalloc4(B->m, &e.qv[b], B->m, &e.c[b], B->m, &e.w[b], B->m, &e.err[b]));
    PetscCall(PetscMalloc4(B->m, &e.cq[b], B->m, &e.c0[b], B->m, &e.z[b], B->m, &e.ez[b]));
    for (PetscInt j = 0; j < B->m; j++) e.err[b][j] = PETSC_MACHINE_EPSILON * B->norm * B->kappa[j];
    for (PetscInt j = 0; j < B->m; j++) /* Tr[Q v_j] = sum_(a,c) Q_ca v_ac */
      for (PetscInt i = 0; i < B->m; i++) e.qv[b][j] += L->Q[B->idx[i] / n + n * (B->idx[i] % n)] * B->V[i + B->m * j];
  }
  PetscCall(VecGetArrayRead(rho0, &r0));
  PetscCall(LmgLiouvilleMeasure(L, r0, Qr0));
  for (PetscInt i = 0; i < m; i++) tmax = PetscMax(tmax, 2 * t[i] * tau_opt);
  PetscCall(Pass(&e, L, r0, Qr0, R, m, t, tau_opt, C1, C2, C3, dyn));
  PetscCall(Refine(L, Mp, &e, tmax, &nref));
  if (nref > 0) PetscCall(Pass(&e, L, r0, Qr0, R, m, t, tau_opt, C1, C2, C3, dyn)); /* with the refined eigenvalues */
  if (nbest > 0) PetscCall(Best(&e, L, R, nbest, t, C1, C2, C3, tau_opt, dyn));
  PetscCall(VecRestoreArrayRead(rho0, &r0));
  bound = ErrorBound(&e, L, tmax, &energy);
  dyn->K3_err = bound;
  if (nref < 0) dyn->status = LMG_SKIPPED, snprintf(dyn->message, LMG_MSG_LEN, "exact propagation: more than %d modes would need eigenvalues beyond double precision over 2 tau_max = %.2g s", MAX_REFINED, (double)tmax);
  else if (PETSC_MACHINE_EPSILON * e.alpha > 1e-10) /* the modes' basis cannot represent the propagated vectors accurately */
    dyn->status = LMG_SKIPPED, snprintf(dyn->message, LMG_MSG_LEN, "exact propagation: the propagated vectors are ill-conditioned in the Liouvillian's modes (|c|_1/|x| = %.1e)", (double)e.alpha);
  else if (PetscIsInfOrNanReal(bound)) /* the bound overflows: K3 is not determined at all */
    dyn->status = LMG_SKIPPED, snprintf(dyn->message, LMG_MSG_LEN, "double precision leaves K3 undetermined over 2 tau_max = %.2g s: its error bound overflows (level energy errors times mode weights times time)", (double)tmax);
  else if (bound > 1e-6)
    dyn->status = LMG_SKIPPED, snprintf(dyn->message, LMG_MSG_LEN, "double precision leaves K3 uncertain by up to %.1e over 2 tau_max = %.2g s (the level energies' share: %.1e)", (double)bound, (double)tmax, (double)energy);
  snprintf(dyn->integrator, sizeof dyn->integrator, "exact (modes of the %" PetscInt_FMT "-level Liouvillian)", n);
  for (PetscInt b = 0; b < 2; b++) {
    PetscCall(PetscFree4(e.qv[b], e.c[b], e.w[b], e.err[b]));
    PetscCall(PetscFree4(e.cq[b], e.c0[b], e.z[b], e.ez[b]));
  }
  PetscCall(PetscFree3(e.Y, R, Qr0));
  PetscCall(VecDestroy(&rho0));
  if (!cache) PetscCall(LmgModesDestroy(&own));
  PetscFunctionReturn(PETSC_SUCCESS);
}
