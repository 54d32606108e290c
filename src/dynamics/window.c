/* The full space on a window: its options, the lowest K eigenstates of H0 per parity sector (LAPACK dstevr, index
   range), the window's operators over the half chain, projections of Dicke-basis states and the leak bound. */
#include <math.h>
#include "lmg/dicke.h"
#include "lmg/options.h"
#include "lmg/window.h"
#include <petscblaslapack.h>

extern void dstevr_(const char *, const char *, const PetscBLASInt *, double *, double *, const double *, const double *, const PetscBLASInt *, const PetscBLASInt *, const double *, PetscBLASInt *, double *, double *, const PetscBLASInt *, PetscBLASInt *, double *, const PetscBLASInt *, PetscBLASInt *, const PetscBLASInt *, PetscBLASInt *);
extern void dgemm_(const char *, const char *, const PetscBLASInt *, const PetscBLASInt *, const PetscBLASInt *, const double *, const double *, const PetscBLASInt *, const double *, const PetscBLASInt *, const double *, double *, const PetscBLASInt *);

static const LmgOption opts[] = {
  {"-full_method", "window", "The full space of the Landau-Zener sweep of rho: on a window of the lowest eigenstates of H0 with the whole-space generator and a bound on what the rest could change (window), or the whole space (whole: the cross-check)"},
  {"-full_tol", "1e-08", "Bound a window must reach on the error of P_error and P_not_ground; the window is doubled until it does"},
  {"-full_window", "16", "The first window (levels of H0)"},
  {"-full_window_max", "512", "The largest window; a record no window up to it certifies is computed in the whole space"},
};
const LmgOptionTable LmgWindowOptionTable = LMG_TABLE("The full space on a window", opts);

PetscErrorCode LmgWindowSetFromOptions(LmgWindowOptions *o, const char **given, char *err)
{
  const char *methods[] = {"window", "whole", NULL}, *text;
  PetscFunctionBeginUser;
  o->method = LMG_FULL_WINDOW, o->tol = 1e-8, o->k0 = 16, o->kmax = 512;
  PetscCall(LmgOptionsChoice(&opts[0], methods, &o->method, err));
  PetscCall(LmgOptionsReal(&opts[1], 0, PETSC_TRUE, 1, &o->tol, err));
  PetscCall(LmgOptionsInt(&opts[2], 2, 1000000000, &o->k0, err));
  PetscCall(LmgOptionsInt(&opts[3], 2, 1000000000, &o->kmax, err));
  if (!err[0] && o->kmax < o->k0) snprintf(err, LMG_ERR_LEN, "-full_window_max %" PetscInt_FMT ": below -full_window %" PetscInt_FMT, o->kmax, o->k0);
  *given = NULL;
  for (int i = 3; i >= 0; i--) {
    PetscBool s;
    PetscCall(LmgOptionsText(&opts[i], &text, &s));
    if (s) *given = opts[i].name;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The lowest m eigenpairs of a symmetric tridiagonal (d, e: n, n - 1; kept) by dstevr: w[m], Z n x m. */
static PetscErrorCode Lowest(PetscInt n, const PetscReal *d, const PetscReal *e, PetscInt m, PetscReal *w, PetscReal *Z)
{
  PetscBLASInt bn, one = 1, bm, found, lwork, liwork, info, *isuppz, *iwork;
  PetscReal   *dd, *ee, *work, zero = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(m, &bm));
  lwork = 20 * bn, liwork = 10 * bn;
  PetscCall(PetscMalloc5(n, &dd, n, &ee, 2 * m, &isuppz, lwork, &work, liwork, &iwork));
  PetscCall(PetscArraycpy(dd, d, n));
  for (PetscInt i = 0; i < n; i++) ee[i] = i < n - 1 ? e[i] : 0;
  dstevr_("V", "I", &bn, dd, ee, &zero, &zero, &one, &bm, &zero, &found, w, Z, &bn, isuppz, work, &lwork, iwork, &liwork, &info);
  PetscCheck(!info && found == bm, PETSC_COMM_SELF, PETSC_ERR_LIB, "dstevr failed: info %d, %d of %d eigenpairs", (int)info, (int)found, (int)bm);
  PetscCall(PetscFree5(dd, ee, isuppz, work, iwork));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |(T - lambda) z| of a sector's tridiagonal T */
static PetscReal Residual(const LmgSector *sec, PetscReal lambda, const PetscReal *z)
{
  PetscReal r = 0;
  for (PetscInt i = 0; i < sec->n; i++) {
    PetscReal y = (sec->d[i] - lambda) * z[i];
    if (i > 0) y += sec->e[i - 1] * z[i - 1];
    if (i < sec->n - 1) y += sec->e[i] * z[i + 1];
    r += y * y;
  }
  return PetscSqrtReal(r);
}

/* M = V^T diag(f) V over the half chain (K x K), kept where the parities of a and b are (same) or are not (!same) equal. */
static PetscErrorCode Element(const LmgWindow *w, const PetscReal *f, PetscBool same, PetscReal *DV, PetscReal *M)
{
  PetscBLASInt nh, K;
  const double one = 1, zero = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(w->nh, &nh));
  PetscCall(PetscBLASIntCast(w->K, &K));
  for (PetscInt a = 0; a < w->K; a++)
    for (PetscInt k = 0; k < w->nh; k++) DV[k + w->nh * a] = f[k] * w->v[k + w->nh * a];
  dgemm_("T", "N", &K, &K, &nh, &one, w->v, &nh, DV, &nh, &zero, M, &K);
  for (PetscInt b = 0; b < w->K; b++)
    for (PetscInt a = 0; a < w->K; a++)
      if ((w->p[a] == w->p[b]) != same) M[a + w->K * b] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* G = |R^T R| (same parities: R's columns live in one sector each), R = diag(m) V - V A = (1 - P) Jz P; G2 = |A G A|. */
static PetscErrorCode Coupling(LmgWindow *w, const PetscReal *m, PetscReal *R)
{
  const PetscInt K = w->K, nh = w->nh;
  PetscBLASInt   bK, bnh;
  const double   one = 1, zero = 0, mone = -1;
  PetscReal     *T;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(nh, &bnh));
  PetscCall(PetscBLASIntCast(K, &bK));
  for (PetscInt a = 0; a < K; a++)
    for (PetscInt k = 0; k < nh; k++) R[k + nh * a] = m[k] * w->v[k + nh * a];
  dgemm_("N", "N", &bnh, &bK, &bK, &mone, w->v, &bnh, w->A, &bK, &one, R, &bnh);
  dgemm_("T", "N", &bK, &bK, &bnh, &one, R, &bnh, R, &bnh, &zero, w->G, &bK);
  for (PetscInt b = 0; b < K; b++)
    for (PetscInt a = 0; a < K; a++)
      if (w->p[a] != w->p[b]) w->G[a + K * b] = 0;
  PetscCall(PetscMalloc1(K * K, &T));
  dgemm_("N", "N", &bK, &bK, &bK, &one, w->G, &bK, w->A, &bK, &zero, T, &bK);
  dgemm_("N", "N", &bK, &bK, &bK, &one, w->A, &bK, T, &bK, &zero, w->G2, &bK);
  for (PetscInt i = 0; i < K * K; i++) w->G[i] = PetscAbsReal(w->G[i]), w->G2[i] = PetscAbsReal(w->G2[i]);
  PetscCall(PetscFree(T));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgWindowCreate(const LmgSpectrum *sp, PetscInt K, LmgWindow *w)
{
  const PetscInt N = sp->N, nh = LmgHalfLength(N);
  LmgSector      sec[2];
  PetscInt       ms[2], i[2] = {0, 0};
  PetscReal     *ev[2], *Z[2], *f, *DV, E0;
  PetscFunctionBeginUser;
  PetscCheck(K >= 2 && K <= N + 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "window of %" PetscInt_FMT " levels for N = %" PetscInt_FMT, K, N);
  PetscCall(PetscMemzero(w, sizeof *w));
  w->N = N, w->K = K, w->nh = nh, w->jmax = 0.5 * N;
  PetscCall(PetscCalloc1(K * nh, &w->v));
  PetscCall(PetscMalloc2(K, &w->E, K, &w->p));
  PetscCall(PetscMalloc5(K * K, &w->A, K * K, &w->S, K * K, &w->Q, K * K, &w->G, K * K, &w->G2));
  for (PetscInt s = 0; s < 2; s++) {
    PetscCall(LmgSectorCreate(N, sp->g, s ? -1 : 1, &sec[s]));
    ms[s] = PetscMin(sec[s].n, K / 2 + 1);
    PetscCall(PetscMalloc2(ms[s], &ev[s], sec[s].n * ms[s], &Z[s]));
    PetscCall(Lowest(sec[s].n, sec[s].d, sec[s].e, ms[s], ev[s], Z[s]));
  }
  for (PetscInt a = 0; a < K; a++) { /* merge the sectors by energy */
    const PetscInt s = i[1] >= ms[1] || (i[0] < ms[0] && ev[0][i[0]] <= ev[1][i[1]]) ? 0 : 1;
    PetscCheck(i[s] < ms[s], PETSC_COMM_SELF, PETSC_ERR_PLIB, "window: sector %" PetscInt_FMT " exhausted", s);
    w->E[a] = sp->J * ev[s][i[s]], w->p[a] = s ? -1 : 1;
    w->hres = PetscMax(w->hres, sp->J * Residual(&sec[s], ev[s][i[s]], Z[s] + sec[s].n * i[s]));
    for (PetscInt k = 0; k < sec[s].n; k++) w->v[k + sec[s].offset + nh * a] = Z[s][k + sec[s].n * i[s]];
    i[s]++;
  }
  w->hres *= PetscSqrtReal((PetscReal)K);
  E0 = w->E[0];
  for (PetscInt a = 0; a < K; a++) w->E[a] -= E0;
  if (w->p[1] != w->p[0] && sp->dE_resolved) w->E[1] = sp->dE; /* as the k-level models: the resolved splitting */
  for (PetscInt s = 0; s < 2; s++) {
    PetscCall(PetscFree2(ev[s], Z[s]));
    PetscCall(LmgSectorDestroy(&sec[s]));
  }
  PetscCall(PetscMalloc2(nh, &f, K * nh, &DV));
  for (PetscInt k = 0; k < nh; k++) f[k] = LmgHalfM(N, k);
  PetscCall(Element(w, f, PETSC_FALSE, DV, w->A));
  PetscCall(Coupling(w, f, DV));
  for (PetscInt k = 0; k < nh; k++) f[k] = PetscSqr(LmgHalfM(N, k));
  PetscCall(Element(w, f, PETSC_TRUE, DV, w->S));
  for (PetscInt k = 0; k < nh; k++) f[k] = LmgHalfM(N, k) > 0 ? 1 : 0;
  PetscCall(Element(w, f, PETSC_FALSE, DV, w->Q));
  PetscCall(PetscFree2(f, DV));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgWindowDestroy(LmgWindow *w)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(w->v));
  PetscCall(PetscFree2(w->E, w->p));
  PetscCall(PetscFree5(w->A, w->S, w->Q, w->G, w->G2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Half-chain components of a Dicke-basis psi: u[0] of the even sector, u[1] of the odd (m = 0: psi(0), 0; else
   (psi(m) +- psi(-m))/sqrt2). */
static void HalfParts(PetscInt N, PetscInt nh, const PetscReal *psi, PetscReal *u0, PetscReal *u1)
{
  for (PetscInt k = 0; k < nh; k++) {
    const PetscReal m = LmgHalfM(N, k);
    const PetscInt  i = (PetscInt)lround(m + 0.5 * N), j = (PetscInt)lround(-m + 0.5 * N);
    if (m == 0) u0[k] = psi[i], u1[k] = 0;
    else u0[k] = (psi[i] + psi[j]) / PETSC_SQRT2, u1[k] = (psi[i] - psi[j]) / PETSC_SQRT2;
  }
}

PetscErrorCode LmgWindowProject(const LmgWindow *w, const PetscReal *psi, PetscReal *c, PetscReal *rest)
{
  PetscReal *u[2], r = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(w->nh, &u[0], w->nh, &u[1]));
  HalfParts(w->N, w->nh, psi, u[0], u[1]);
  for (PetscInt a = 0; a < w->K; a++) {
    const PetscReal *v = w->v + w->nh * a, *x = u[w->p[a] > 0 ? 0 : 1];
    c[a] = 0;
    for (PetscInt k = 0; k < w->nh; k++) c[a] += v[k] * x[k];
  }
  for (PetscInt a = 0; a < w->K; a++) { /* the remainders, in place */
    PetscReal *x = u[w->p[a] > 0 ? 0 : 1];
    for (PetscInt k = 0; k < w->nh; k++) x[k] -= c[a] * w->v[k + w->nh * a];
  }
  for (PetscInt k = 0; k < w->nh; k++) r += PetscSqr(u[0][k]) + PetscSqr(u[1][k]);
  *rest = PetscSqrtReal(r);
  PetscCall(PetscFree2(u[0], u[1]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgDickeGround(PetscInt N, PetscReal g, PetscReal J, PetscReal h, PetscReal *psi)
{
  const PetscInt  n = N + 1;
  const PetscReal j = 0.5 * N;
  PetscReal      *d, *e, w, big = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n, &d, n, &e));
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal m = i - j;
    d[i] = -2 * J * m * m / N - h * m;
    e[i] = i < n - 1 ? -g * J * PetscSqrtReal(j * (j + 1) - m * (m + 1)) : 0;
  }
  PetscCall(Lowest(n, d, e, 1, &w, psi));
  for (PetscInt i = 0; i < n; i++)
    if (PetscAbsReal(psi[i]) > PetscAbsReal(big)) big = psi[i];
  if (big < 0)
    for (PetscInt i = 0; i < n; i++) psi[i] = -psi[i];
  PetscCall(PetscFree2(d, e));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal LmgWindowLeak(const LmgWindow *w, PetscReal gphi, PetscReal h, const PetscScalar *rho)
{
  const PetscInt K = w->K;
  PetscReal      l = 0, l2 = 0;
  for (PetscInt i = 0; i < K * K; i++) {
    const PetscReal r = PetscAbsScalar(rho[i]);
    l += w->G[i] * r, l2 += w->G2[i] * r;
  }
  return gphi * l + 2 * (PetscAbsReal(h) + 1.5 * gphi * w->jmax) * PetscSqrtReal(l) + gphi * PetscSqrtReal(l2);
}
