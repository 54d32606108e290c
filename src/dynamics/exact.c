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
  PetscScalar    *X, *Y; /* n x n work */
  PetscReal      *w[2];  /* [m_b]: the largest |Tr[Q v_j] c_j| over the vectors propagated (the modes' weights in C) */
  PetscReal      *err[2]; /* [m_b]: error bound of the eigenvalue (double: eps |L| kappa_j; lower once refined) */
  PetscReal       alpha; /* largest |c|_1 / |x|_2 over the vectors propagated */
} Exact;

/* Re Tr[Q e^{L s} x] for the vec x (n*n), both blocks; records the modes' weights and the conditioning. */
static PetscErrorCode Propagated(Exact *e, const PetscScalar *x, PetscReal s, PetscReal *val)
{
  PetscScalar sum = 0;
  PetscReal   xn  = 0;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < e->n * e->n; i++) xn += PetscRealPart(x[i] * PetscConj(x[i]));
  xn = PetscSqrtReal(xn);
  for (PetscInt b = 0; b < 2; b++) {
    const LmgBlock *B  = &e->M->b[b];
    PetscReal       c1 = 0;
    PetscCall(LmgModesAmplitudes(e->M, b, x, e->c[b]));
    for (PetscInt j = 0; j < B->m; j++) {
      const PetscScalar t = e->qv[b][j] * e->c[b][j];
      sum += t * PetscExpComplex(B->lam[j] * s);
      e->w[b][j] = PetscMax(e->w[b][j], PetscAbsScalar(t));
      c1 += PetscAbsScalar(e->c[b][j]);
    }
    if (xn > 0) e->alpha = PetscMax(e->alpha, c1 / xn);
  }
  *val = PetscRealPart(sum);
  PetscFunctionReturn(PETSC_SUCCESS);
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

/* One pass over the grid with the modes as they are: C1, C2, C3, the weights, rho's diagnostics. */
static PetscErrorCode Pass(Exact *e, LmgLiouville L, const PetscScalar *r0, const PetscScalar *Qr0, PetscScalar *R, PetscInt m, const PetscReal *t, PetscReal tau_opt, PetscReal *C1, PetscReal *C2, PetscReal *C3, LmgDynamics *dyn)
{
  const PetscInt n = L->n;
  PetscFunctionBeginUser;
  dyn->trace_err = dyn->herm_err = 0;
  for (PetscInt i = 0; i < m; i++) { /* C(0, tau) and C(0, 2 tau) from Q rho0; C(tau, 2tau) from Q rho(tau) */
    PetscReal   s  = t[i] * tau_opt;
    PetscScalar tr = 0;
    PetscCall(Propagated(e, Qr0, s, &C1[i]));
    PetscCall(Propagated(e, Qr0, 2 * s, &C3[i]));
    for (PetscInt b = 0; b < 2; b++) {
      PetscCall(LmgModesAmplitudes(e->M, b, r0, e->c[b]));
      PetscCall(LmgModesEvolve(e->M, b, e->c[b], s, R));
    }
    for (PetscInt a = 0; a < n; a++) {
      tr += R[a + n * a];
      for (PetscInt c = 0; c < a; c++) dyn->herm_err = PetscMax(dyn->herm_err, PetscAbsScalar(R[a + n * c] - PetscConj(R[c + n * a])));
    }
    dyn->trace_err = PetscMax(dyn->trace_err, PetscAbsScalar(tr - 1));
    PetscCall(LmgLiouvilleMeasure(L, R, e->Y));
    PetscCall(Propagated(e, e->Y, s, &C2[i]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgExactCorrelators(LmgLiouville L, const char *initial, PetscInt m, const PetscReal *t, PetscReal tau_opt, LmgModesCache *cache, PetscReal *C1, PetscReal *C2, PetscReal *C3, LmgDynamics *dyn)
{
  const PetscInt n = L->n;
  LmgModes       own, *Mp = &own;
  Exact          e = {NULL, n, {NULL, NULL}, {NULL, NULL}, NULL, NULL, {NULL, NULL}, {NULL, NULL}, 0};
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
  PetscCall(PetscMalloc4(n * n, &e.X, n * n, &e.Y, n * n, &R, n * n, &Qr0));
  for (PetscInt b = 0; b < 2; b++) {
    const LmgBlock *B = &Mp->b[b];
    PetscCall(PetscCalloc4(B->m, &e.qv[b], B->m, &e.c[b], B->m, &e.w[b], B->m, &e.err[b]));
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
  for (PetscInt b = 0; b < 2; b++) PetscCall(PetscFree4(e.qv[b], e.c[b], e.w[b], e.err[b]));
  PetscCall(PetscFree4(e.X, e.Y, R, Qr0));
  PetscCall(VecDestroy(&rho0));
  if (!cache) PetscCall(LmgModesDestroy(&own));
  PetscFunctionReturn(PETSC_SUCCESS);
}
