/* Full Dicke space (n = N+1) in the eigenbasis of H, built per parity sector (LAPACK dstevd): H = diag(E) exactly, and
   A = <E_a|Jz|E_b> banded (measured: |A_ab| < 1e-14 max|A| beyond ~12 levels of the same energy, for any N), so the
   dissipator -gphi/2 [A, [A, x]] costs O(n^2 x width) instead of O(n^3). The eigenstates are interleaved by sector
   (state k of parity +1 at 2k, of parity -1 at 2k + 1): A, which only couples opposite parities at nearby energies, is
   then a band of every second row around the diagonal, and a block of columns of rho needs only its neighbours' band. */
#include "lmg/band.h"
#include "lmg/dicke.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

extern void dstevd_(const char *, const PetscBLASInt *, double *, double *, double *, const PetscBLASInt *, double *, const PetscBLASInt *, PetscBLASInt *, const PetscBLASInt *, PetscBLASInt *);
extern void dgemm_(const char *, const char *, const PetscBLASInt *, const PetscBLASInt *, const PetscBLASInt *, const double *, const double *, const PetscBLASInt *, const double *, const PetscBLASInt *, const double *, double *, const PetscBLASInt *);

#define LMG_BAND_DROP 1e-14 /* entries of A dropped outside each column's range: below 1e-14 max|A| (roundoff ~1e-16) */

/* The model's index of eigenstate k of sector s (s = 0: parity +1, with at least as many states as s = 1). */
#define Idx(s, k) (2 * (k) + (s))

typedef struct {
  PetscInt     ns[2], off[2]; /* sector dimension, half-chain index of its row 0 */
  PetscReal   *W[2];          /* ns x ns eigenvectors (columns) in the sector's half-chain basis */
  PetscReal   *mh;            /* m of half-chain index h */
  LmgBand      A;             /* <E_a|Jz|E_b> */
  PetscScalar *Z, *z;         /* whole matrices: n x n work (one rank) or n x nc; [n] phases */
  LmgHalo      halo;          /* more ranks: the columns the band of this rank's reaches ... */
  PetscScalar *e1, *e2;       /* ... held for x' and for F (columns h0 .. h1-1 each; packed on one rank: all) */
} Full;

/* One rank: y = alpha conj(P) o (gphi/2 (W + W^dagger) + s i h(t) F), F = Z^dagger - Z, W = F A, Z = x' A,
   x' = P o x (P = 1 unless frame): for Hermitian x', [A, x'] = F and [A, [A, x']] = -(W + W^dagger); s = +1 for L,
   -1 for L^dagger. y is Hermitian. */
static void PerturbOne(LmgLiouville L, Full *f, PetscBool rot, PetscReal c, PetscScalar cb, const PetscScalar *X, PetscScalar *Y)
{
  const PetscInt n = L->n;
  if (rot) {
    LmgRotate(n, n, 0, f->z, PETSC_FALSE, X, Y);
    LmgBandMultRight(&f->A, 0, n, Y, 0, f->Z);
  } else LmgBandMultRight(&f->A, 0, n, X, 0, f->Z);
  LmgFoldAntiHermitian(n, f->Z);
  LmgBandMultRight(&f->A, 0, n, f->Z, 0, Y);
  LmgFoldHermitian(n, c, rot ? f->z : NULL, Y);
  if (cb != 0) LmgAddRotated(n, n, 0, cb, rot ? f->z : NULL, f->Z, Y);
}

/* More ranks, without a transpose: F = [A, x'] = A x' - x' A and W + W^dagger = F A - A F, the right products over
   the halo, the left ones on this rank's columns alone. */
static PetscErrorCode PerturbMany(LmgLiouville L, Full *f, PetscBool rot, PetscReal c, PetscScalar cb, const PetscScalar *X, PetscScalar *Y)
{
  const PetscInt  n = L->n, nc = L->cols.nc, c0 = L->cols.c0, h0 = f->halo.h0;
  PetscScalar    *x1 = f->e1 + n * (c0 - h0), *F = f->e2 + n * (c0 - h0), *Z = f->Z;
  PetscFunctionBeginUser;
  if (rot) LmgRotate(n, nc, c0, f->z, PETSC_FALSE, X, x1);
  else PetscCall(PetscArraycpy(x1, X, n * nc));
  PetscCall(LmgHaloExchange(&L->cols, &f->halo, f->e1));
  LmgBandMultRight(&f->A, c0, c0 + nc, f->e1, h0, Z);
  LmgBandMultLeft(&f->A, nc, x1, F);
  for (PetscInt i = 0; i < n * nc; i++) F[i] -= Z[i];
  PetscCall(LmgHaloExchange(&L->cols, &f->halo, f->e2));
  LmgBandMultRight(&f->A, c0, c0 + nc, f->e2, h0, Z);
  LmgBandMultLeft(&f->A, nc, F, Y);
  for (PetscInt b = 0; b < nc; b++) {
    const PetscScalar zb = rot ? f->z[c0 + b] : 1;
    for (PetscInt a = 0; a < n; a++) {
      const PetscInt    i = a + n * b;
      const PetscScalar v = c * (Z[i] - Y[i]) + cb * F[i];
      Y[i]                = rot ? PetscConj(f->z[a]) * zb * v : v;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Lower triangles (L->cols.lower): F = [A, x'] (anti-Hermitian), G = [A, F] (Hermitian) on this rank's columns over
   the halo (one rank: all columns), y = alpha conj(P) o (-gphi/2 G + s i h(t) F). */
static PetscErrorCode PerturbLower(LmgLiouville L, Full *f, PetscBool rot, PetscReal c, PetscScalar cb, const PetscScalar *X, PetscScalar *Y)
{
  const PetscBool    many = (PetscBool)(L->cols.size > 1);
  const PetscInt     n = L->n, nc = L->cols.nc, c0 = L->cols.c0, h0 = many ? f->halo.h0 : 0, o = LmgPackedOffset(n, c0) - LmgPackedOffset(n, h0);
  PetscScalar       *x1 = f->e1 + o, *F = f->e2 + o;
  const PetscScalar *x = f->e1;
  PetscFunctionBeginUser;
  if (rot) LmgRotateLower(n, nc, c0, f->z, PETSC_FALSE, X, x1);
  else if (many) PetscCall(PetscArraycpy(x1, X, LmgPackedOffset(n, c0 + nc) - LmgPackedOffset(n, c0)));
  else x = X;
  if (many) PetscCall(LmgHaloExchange(&L->cols, &f->halo, f->e1));
  LmgBandCommLower(&f->A, c0, c0 + nc, x, h0, 1, F);
  if (many) PetscCall(LmgHaloExchange(&L->cols, &f->halo, f->e2));
  LmgBandCommLower(&f->A, c0, c0 + nc, f->e2, h0, -1, Y);
  for (PetscInt b = 0, i = 0; b < nc; b++) {
    const PetscScalar zb = rot ? f->z[c0 + b] : 1;
    for (PetscInt a = c0 + b; a < n; a++, i++) {
      const PetscScalar v = cb * F[i] - c * Y[i];
      Y[i]                = rot ? PetscConj(f->z[a]) * zb * v : v;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Perturb_Full(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscBool frame, PetscReal alpha, Vec x, Vec y)
{
  Full              *f   = (Full *)L->data;
  const PetscBool    rot = (PetscBool)(frame && t != 0);
  const PetscScalar  cb  = L->bias ? (adjoint ? -1 : 1) * PETSC_i * alpha * L->bias(t, L->bias_ctx) : 0;
  const PetscScalar *X;
  PetscScalar       *Y;
  PetscFunctionBeginUser;
  if (rot) LmgLiouvillePhases(L, adjoint, t, f->z);
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArrayWrite(y, &Y));
  if (L->cols.lower) PetscCall(PerturbLower(L, f, rot, 0.5 * alpha * L->gphi, cb, X, Y));
  else if (L->cols.size == 1) PerturbOne(L, f, rot, 0.5 * alpha * L->gphi, cb, X, Y);
  else PetscCall(PerturbMany(L, f, rot, 0.5 * alpha * L->gphi, cb, X, Y));
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArrayWrite(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* psi += c |E_i>. Eigenvector i of the spectrum record is, up to roundoff, +-1 times one basis state of this model
   (an eigenvector of the same sector matrix): that basis state, exactly, keeps rho's support exact. */
static void State_Full(LmgLiouville L, PetscInt i, PetscReal c, PetscReal *psi)
{
  const Full        *f  = (const Full *)L->data;
  const LmgSpectrum *sp = L->sp;
  const PetscInt   s = sp->parity[i] > 0 ? 0 : 1;
  const PetscReal *v = sp->vec + i * sp->nh + f->off[s], *W = f->W[s];
  PetscReal        best = 0;
  PetscInt         k    = 0;
  for (PetscInt a = 0; a < f->ns[s]; a++) {
    PetscReal t = 0;
    for (PetscInt h = 0; h < f->ns[s]; h++) t += W[h + f->ns[s] * a] * v[h];
    if (PetscAbsReal(t) > PetscAbsReal(best)) best = t, k = a;
  }
  psi[Idx(s, k)] += best > 0 ? c : -c;
}

/* Column Idx(s, k) of V: eigenvector k of sector s in the Dicke basis. */
static PetscErrorCode Dicke_Full(LmgLiouville L, PetscReal *V)
{
  const Full    *f  = (const Full *)L->data;
  const PetscInt N = L->sp->N, nd = N + 1, nh = LmgHalfLength(N);
  PetscReal     *v;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(nh, &v));
  for (PetscInt s = 0; s < 2; s++)
    for (PetscInt k = 0; k < f->ns[s]; k++) {
      for (PetscInt i = 0; i < f->ns[s]; i++) v[f->off[s] + i] = f->W[s][i + f->ns[s] * k];
      LmgHalfToDicke(N, s ? -1 : 1, v, V + nd * Idx(s, k));
      for (PetscInt i = 0; i < f->ns[s]; i++) v[f->off[s] + i] = 0;
    }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal Constant(PetscReal t, void *ctx)
{
  (void)t;
  return *(const PetscReal *)ctx;
}

/* The bias as the Landau-Zener sweep's, constant in time: H - h A in the eigenbasis of H. */
static PetscErrorCode StaticBias_Full(LmgLiouville L, PetscReal h)
{
  PetscFunctionBeginUser;
  (void)h; /* LmgLiouvilleSetStaticBias stores it in L->h */
  PetscCall(LmgLiouvilleSetBias(L, Constant, &L->h));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = A x from the band (column j holds rows lo[j] ..). */
static void JzMult_Full(LmgLiouville L, const PetscScalar *x, PetscScalar *y)
{
  const LmgBand *A = &((const Full *)L->data)->A;
  for (PetscInt i = 0; i < L->n; i++) y[i] = 0;
  for (PetscInt j = 0; j < L->n; j++)
    for (PetscInt q = A->ptr[j]; q < A->ptr[j + 1]; q++) y[A->lo[j] + A->stride * (q - A->ptr[j])] += A->val[q] * x[j];
}

/* Dense A from its band. */
static PetscErrorCode Jz_Full(LmgLiouville L, PetscReal *Z)
{
  Full          *f = (Full *)L->data;
  const LmgBand *A = &f->A;
  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(Z, L->n * L->n));
  for (PetscInt j = 0; j < L->n; j++)
    for (PetscInt q = A->ptr[j]; q < A->ptr[j + 1]; q++) Z[A->lo[j] + A->stride * (q - A->ptr[j]) + L->n * j] = A->val[q];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_Full(LmgLiouville L)
{
  Full *f = (Full *)L->data;
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(f->W[0], f->W[1], f->mh));
  PetscCall(LmgBandDestroy(&f->A));
  PetscCall(PetscFree3(L->Q, f->Z, f->z));
  if (L->cols.size > 1) PetscCall(LmgHaloDestroy(&f->halo));
  PetscCall(PetscFree2(f->e1, f->e2));
  PetscCall(PetscFree3(L->E, L->Eerr, L->p));
  PetscCall(PetscFree(f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Sector s: all eigenpairs of its tridiagonal (LAPACK dstevd), energies (rad/s, ascending) into E[0 .. ns). */
static PetscErrorCode Diagonalize(const LmgSector *sec, PetscReal J, PetscReal *W, PetscReal *E)
{
  PetscBLASInt n, lwork, liwork, info, *iwork;
  PetscReal   *e, *work;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(sec->n, &n));
  lwork  = 1 + 4 * n + n * n;
  liwork = 3 + 5 * n;
  PetscCall(PetscMalloc3(sec->n, &e, lwork, &work, liwork, &iwork));
  for (PetscInt i = 0; i < sec->n; i++) E[i] = J * sec->d[i], e[i] = i < sec->n - 1 ? J * sec->e[i] : 0;
  dstevd_("V", &n, E, e, W, &n, work, &lwork, iwork, &liwork, &info);
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dstevd failed: info %d", (int)info);
  PetscCall(PetscFree3(e, work, iwork));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Columns c0 .. c0+nc-1 of M = <E_a|f(Jz)|E_b> (n x nc real, column-major; zero between equal parities), f = sign
   (sign) or the identity: block (-p, p) = W_{-p}^T F W_p, F|h,p> = f(m_h)|h,-p>, for the columns of sector p among them. */
static PetscErrorCode OddOperator(const Full *f, PetscInt n, PetscBool sign, PetscInt c0, PetscInt nc, PetscReal *M)
{
  PetscReal   *R, *B;
  const double one = 1, zero = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(f->ns[0] * (nc / 2 + 1), &R, f->ns[0] * (nc / 2 + 1), &B));
  PetscCall(PetscArrayzero(M, n * nc));
  for (PetscInt p = 0; p < 2; p++) {
    const PetscInt q = 1 - p, np = f->ns[p], nq = f->ns[q], d = f->off[q] - f->off[p];
    const PetscInt j0 = (c0 - p + 1) / 2, j1 = PetscMin(np, (c0 + nc - 1 - p) / 2 + 1); /* Idx(p, j) in [c0, c0 + nc) */
    PetscBLASInt   a, b;
    if (j1 <= j0) continue;
    for (PetscInt j = j0; j < j1; j++) /* R = F W_p[:, j0 .. j1), nq x (j1 - j0) */
      for (PetscInt i = 0; i < nq; i++) {
        const PetscReal m = f->mh[i + f->off[q]];
        R[i + nq * (j - j0)] = (i + d >= 0 && i + d < np) ? (sign ? (m > 0) : m) * f->W[p][i + d + np * j] : 0;
      }
    PetscCall(PetscBLASIntCast(nq, &a));
    PetscCall(PetscBLASIntCast(j1 - j0, &b));
    if (a && b) dgemm_("T", "N", &a, &b, &a, &one, f->W[q], &a, R, &a, &zero, B, &a);
    for (PetscInt j = j0; j < j1; j++)
      for (PetscInt i = 0; i < nq; i++) M[Idx(q, i) + n * (Idx(p, j) - c0)] = B[i + nq * (j - j0)];
  }
  PetscCall(PetscFree2(R, B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L->Q = sign(Jz) and f->A = Jz (banded, every second row) in the eigenbasis, each rank computing its own columns
   (O(n^2 nc) and n nc numbers: the team shares the work and memory of the dense operators); more ranks: the halo of the
   columns the band of this rank's reaches. */
static PetscErrorCode BuildOperators(LmgLiouville L, Full *f, PetscInt n)
{
  const PetscInt c0 = L->cols.c0, nc = L->cols.nc;
  PetscReal     *M;
  PetscInt       h0 = c0, h1 = c0 + nc;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n * nc, &M));
  PetscCall(OddOperator(f, n, PETSC_TRUE, c0, nc, M));
  for (PetscInt i = 0; i < n * nc; i++) L->Q[i] = M[i];
  PetscCall(OddOperator(f, n, PETSC_FALSE, c0, nc, M));
  PetscCall(LmgBandCreateColumns(L->cols.comm, n, c0, nc, M, LMG_BAND_DROP, 2, &f->A));
  PetscCall(PetscFree(M));
  if (L->cols.size == 1) {
    if (L->cols.lower) PetscCall(PetscMalloc2(LmgPackedOffset(n, n), &f->e1, LmgPackedOffset(n, n), &f->e2));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (PetscInt j = c0; j < c0 + nc; j++) {
    const PetscInt c = f->A.ptr[j + 1] - f->A.ptr[j];
    if (c) h0 = PetscMin(h0, f->A.lo[j]), h1 = PetscMax(h1, f->A.lo[j] + 2 * (c - 1) + 1);
  }
  if (L->cols.lower && f->A.nd) /* the lower triangle's B X also reads across the diagonal: the diagonals' reach */
    h0 = PetscMax(0, PetscMin(h0, c0 + f->A.d[0])), h1 = PetscMin(n, PetscMax(h1, c0 + nc + f->A.d[f->A.nd - 1]));
  PetscCall(LmgHaloCreate(&L->cols, h0, h1, &f->halo));
  h0 = LmgColumnsOffset(&L->cols, f->halo.h1) - LmgColumnsOffset(&L->cols, f->halo.h0);
  PetscCall(PetscMalloc2(h0, &f->e1, h0, &f->e2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleCreate_Full(const LmgSpectrum *sp, LmgLiouville L)
{
  Full     *f;
  PetscInt  N = sp->N, n = N + 1, nh = LmgHalfLength(N), lo[2];
  PetscReal E0, *e;
  LmgSector sec[2];
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&f));
  for (PetscInt s = 0; s < 2; s++) {
    PetscCall(LmgSectorCreate(N, sp->g, s ? -1 : 1, &sec[s]));
    f->ns[s]  = sec[s].n;
    f->off[s] = sec[s].offset;
  }
  PetscCheck(f->ns[0] - f->ns[1] == 0 || f->ns[0] - f->ns[1] == 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "sectors of %" PetscInt_FMT " and %" PetscInt_FMT " states", f->ns[0], f->ns[1]);
  PetscCall(PetscMalloc3(f->ns[0] * f->ns[0], &f->W[0], f->ns[1] * f->ns[1], &f->W[1], nh, &f->mh));
  PetscCall(PetscMalloc3(n * L->cols.nc, &L->Q, L->cols.lower ? 0 : n * L->cols.nc, &f->Z, n, &f->z));
  PetscCall(PetscMalloc3(n, &L->E, n, &L->Eerr, n, &L->p));
  for (PetscInt h = 0; h < nh; h++) f->mh[h] = LmgHalfM(N, h);
  PetscCall(PetscMalloc1(n, &e));
  for (PetscInt s = 0; s < 2; s++) {
    PetscCall(Diagonalize(&sec[s], sp->J, f->W[s], e));
    for (PetscInt k = 0; k < f->ns[s]; k++) L->E[Idx(s, k)] = e[k];
    PetscCall(LmgSectorDestroy(&sec[s]));
  }
  PetscCall(PetscFree(e));
  /* energies relative to E0; the doublet partner at the spectrum's resolved dE (as the k-level models) */
  lo[0] = Idx(sp->parity[0] > 0 ? 0 : 1, 0), lo[1] = Idx(sp->parity[1] > 0 ? 0 : 1, 0);
  E0 = L->E[lo[0]];
  for (PetscInt a = 0; a < n; a++) { /* dstevd: absolute errors ~ n eps |H| */
    L->E[a] -= E0;
    L->Eerr[a] = 4 * n * PETSC_MACHINE_EPSILON * (PetscAbsReal(E0) + sp->J * sp->N * (1 + sp->g));
    L->p[a]    = a % 2 ? -1 : 1;
  }
  if (lo[1] != lo[0]) L->E[lo[1]] = sp->dE, L->Eerr[lo[1]] = sp->dE_bits > 53 ? 1e-10 * sp->dE : sp->Eerr[0] + sp->Eerr[1];
  L->Eerr[lo[0]] = 0;
  PetscCall(BuildOperators(L, f, n));
  L->n              = n;
  L->sp             = sp;
  L->data           = f;
  L->ops.perturb    = Perturb_Full;
  L->ops.state      = State_Full;
  L->ops.jzmult     = JzMult_Full;
  L->ops.jz         = Jz_Full;
  L->ops.destroy    = Destroy_Full;
  L->ops.dicke      = Dicke_Full;
  L->ops.staticbias = StaticBias_Full;
  PetscFunctionReturn(PETSC_SUCCESS);
}
