/* The Liouvillian's parity blocks as dense matrices, their eigendecompositions (LAPACK zgeev, V^{-1} by LU), and
   propagation by modes. */
#include <string.h>
#include "lmg/modes.h"
#include <petscblaslapack.h>

PetscInt LmgModesBlockOf(const PetscInt *p, PetscInt n, PetscInt e)
{
  return p[e % n] * p[e / n] > 0 ? 0 : 1;
}

/* The block b as an m x m matrix: L e_cd = -i(E_c - E_d) e_cd + gphi (Z e_cd Z - (Z^2 e_cd + e_cd Z^2)/2). */
static void Assemble(PetscInt n, const PetscReal *E, PetscReal g, const PetscReal *Z, const PetscReal *Z2, const LmgBlock *B, PetscScalar *A)
{
  const PetscInt m = B->m;
  for (PetscInt j = 0; j < m; j++) {
    const PetscInt c = B->idx[j] % n, d = B->idx[j] / n;
    for (PetscInt i = 0; i < m; i++) {
      const PetscInt a = B->idx[i] % n, b = B->idx[i] / n;
      PetscScalar    v = g * (Z[a + n * c] * Z[d + n * b] - 0.5 * ((b == d ? Z2[a + n * c] : 0) + (a == c ? Z2[d + n * b] : 0)));
      if (i == j) v -= PETSC_i * (E[c] - E[d]);
      A[i + m * j] = v;
    }
  }
}

/* Diagonalise A (destroyed): lam, V with unit columns, W = V^{-1}, kappa; *ok false when LAPACK fails. */
static PetscErrorCode Diagonalise(PetscInt m, PetscScalar *A, LmgBlock *B, PetscBool *ok)
{
  PetscBLASInt bm, lwork, info = 0, *piv;
  PetscScalar *work, q;
  PetscReal   *rwork;
  PetscFunctionBeginUser;
  *ok = PETSC_TRUE;
  PetscCall(PetscBLASIntCast(m, &bm));
  lwork = -1;
  PetscCall(PetscMalloc2(2 * m, &rwork, m, &piv));
  PetscCallBLAS("LAPACKgeev", LAPACKgeev_("N", "V", &bm, A, &bm, B->lam, NULL, &bm, B->V, &bm, &q, &lwork, rwork, &info));
  lwork = (PetscBLASInt)PetscRealPart(q) + 1;
  PetscCall(PetscMalloc1(PetscMax(lwork, m * m), &work));
  PetscCallBLAS("LAPACKgeev", LAPACKgeev_("N", "V", &bm, A, &bm, B->lam, NULL, &bm, B->V, &bm, work, &lwork, rwork, &info));
  if (info) *ok = PETSC_FALSE;
  for (PetscInt j = 0; *ok && j < m; j++) { /* unit 2-norm columns (zgeev's already; made exact) */
    PetscReal s = 0;
    for (PetscInt i = 0; i < m; i++) s += PetscRealPart(B->V[i + m * j] * PetscConj(B->V[i + m * j]));
    s = PetscSqrtReal(s);
    for (PetscInt i = 0; i < m; i++) B->V[i + m * j] /= s;
  }
  if (*ok) {
    PetscCall(PetscArraycpy(B->W, B->V, m * m));
    PetscCallBLAS("LAPACKgetrf", LAPACKgetrf_(&bm, &bm, B->W, &bm, piv, &info));
    if (info) *ok = PETSC_FALSE;
  }
  if (*ok) {
    lwork = (PetscBLASInt)PetscMax(lwork, m * m);
    PetscCallBLAS("LAPACKgetri", LAPACKgetri_(&bm, B->W, &bm, piv, work, &lwork, &info));
    if (info) *ok = PETSC_FALSE;
  }
  for (PetscInt j = 0; *ok && j < m; j++) { /* |left eigenvector j| with left^H right = 1 */
    PetscReal s = 0;
    for (PetscInt i = 0; i < m; i++) s += PetscRealPart(B->W[j + m * i] * PetscConj(B->W[j + m * i]));
    B->kappa[j] = PetscSqrtReal(s);
  }
  PetscCall(PetscFree(work));
  PetscCall(PetscFree2(rwork, piv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgModesCreateFrom(PetscInt n, const PetscReal *E, const PetscInt *p, const PetscReal *Z, PetscReal gphi, LmgModes *M, PetscBool *ok, char *why, size_t len)
{
  PetscReal   *Z2;
  PetscScalar *A;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(M, sizeof *M));
  M->n = n;
  PetscCall(PetscMalloc1(n * n, &Z2));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < n; i++) {
      PetscReal s = 0;
      for (PetscInt c = 0; c < n; c++) s += Z[i + n * c] * Z[c + n * j];
      Z2[i + n * j] = s;
    }
  for (PetscInt e = 0; e < n * n; e++) M->b[LmgModesBlockOf(p, n, e)].m++;
  *ok = PETSC_TRUE;
  for (PetscInt b = 0; b < 2; b++) {
    LmgBlock *B = &M->b[b];
    PetscInt  m = B->m, k = 0;
    PetscCall(PetscMalloc5(m, &B->idx, m, &B->lam, m * m, &B->V, m * m, &B->W, m, &B->kappa));
    for (PetscInt e = 0; e < n * n; e++)
      if (LmgModesBlockOf(p, n, e) == b) B->idx[k++] = e;
    if (!m) continue;
    PetscCall(PetscMalloc1(m * m, &A));
    Assemble(n, E, gphi, Z, Z2, B, A);
    B->norm = 0;
    for (PetscInt i = 0; i < m * m; i++) B->norm += PetscRealPart(A[i] * PetscConj(A[i]));
    B->norm = PetscSqrtReal(B->norm);
    if (*ok) PetscCall(Diagonalise(m, A, B, ok));
    PetscCall(PetscFree(A));
  }
  if (!*ok) snprintf(why, len, "the eigendecomposition of the %" PetscInt_FMT "-level Liouvillian failed (LAPACK)", n);
  PetscCall(PetscFree(Z2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgModesCreate(LmgLiouville L, LmgModes *M, PetscBool *ok, char *why, size_t len)
{
  PetscReal *Z;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(L->n * L->n, &Z));
  PetscCall(LmgLiouvilleJz(L, Z));
  PetscCall(LmgModesCreateFrom(L->n, L->E, L->p, Z, L->gphi, M, ok, why, len));
  PetscCall(PetscFree(Z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgModesDestroy(LmgModes *M)
{
  PetscFunctionBeginUser;
  for (PetscInt b = 0; b < 2; b++) PetscCall(PetscFree5(M->b[b].idx, M->b[b].lam, M->b[b].V, M->b[b].W, M->b[b].kappa));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgModesAmplitudes(const LmgModes *M, PetscInt b, const PetscScalar *x, PetscScalar *c)
{
  const LmgBlock *B   = &M->b[b];
  PetscInt        nnz = 0;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < B->m; i++) nnz += x[B->idx[i]] != 0;
  if (nnz > B->m / 8) { /* dense: c = W x on the block (BLAS) */
    const PetscScalar one = 1, zero = 0;
    PetscBLASInt      bm, inc = 1;
    PetscScalar      *xb;
    PetscCall(PetscBLASIntCast(B->m, &bm));
    PetscCall(PetscMalloc1(B->m, &xb));
    for (PetscInt i = 0; i < B->m; i++) xb[i] = x[B->idx[i]];
    BLASgemv_("N", &bm, &bm, &one, B->W, &bm, xb, &inc, &zero, c, &inc);
    PetscCall(PetscFree(xb));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (PetscInt j = 0; j < B->m; j++) c[j] = 0;
  for (PetscInt i = 0; i < B->m; i++) {
    const PetscScalar xi = x[B->idx[i]];
    if (xi == 0) continue;
    for (PetscInt j = 0; j < B->m; j++) c[j] += B->W[j + B->m * i] * xi;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgModesCombine(const LmgModes *M, PetscInt b, const PetscScalar *e, PetscScalar *x)
{
  const LmgBlock   *B   = &M->b[b];
  const PetscScalar one = 1, zero = 0;
  PetscBLASInt      bm, inc = 1;
  PetscScalar      *xb;
  PetscFunctionBeginUser;
  if (!B->m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscBLASIntCast(B->m, &bm));
  PetscCall(PetscMalloc1(B->m, &xb));
  BLASgemv_("N", &bm, &bm, &one, B->V, &bm, e, &inc, &zero, xb, &inc);
  for (PetscInt i = 0; i < B->m; i++) x[B->idx[i]] = xb[i];
  PetscCall(PetscFree(xb));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgModesEvolve(const LmgModes *M, PetscInt b, const PetscScalar *c, PetscReal t, PetscScalar *x)
{
  const LmgBlock *B = &M->b[b];
  PetscScalar    *e;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(B->m, &e));
  for (PetscInt j = 0; j < B->m; j++) e[j] = c[j] == 0 ? 0 : c[j] * PetscExpComplex(B->lam[j] * t);
  PetscCall(LmgModesCombine(M, b, e, x));
  PetscCall(PetscFree(e));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgModesCacheGet(LmgModesCache *c, LmgLiouville L, LmgModes **M, PetscBool *ok, char *why, size_t len)
{
  const PetscInt n = L->n, nk = 2 * n + n * n;
  PetscReal     *key;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nk, &key));
  for (PetscInt i = 0; i < n; i++) key[i] = L->E[i], key[n + i] = (PetscReal)L->p[i];
  PetscCall(LmgLiouvilleJz(L, key + 2 * n));
  if (c->held && c->n == n && c->gphi == L->gphi && !memcmp(c->key, key, (size_t)nk * sizeof *key)) PetscCall(PetscFree(key));
  else {
    PetscCall(LmgModesCacheDestroy(c));
    c->n = n, c->gphi = L->gphi, c->key = key, c->held = PETSC_TRUE;
    PetscCall(LmgModesCreateFrom(n, L->E, L->p, key + 2 * n, L->gphi, &c->M, &c->ok, c->why, sizeof c->why));
  }
  *M = &c->M, *ok = c->ok;
  if (!c->ok) snprintf(why, len, "%s", c->why);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgModesCacheDestroy(LmgModesCache *c)
{
  PetscFunctionBeginUser;
  if (c->held) PetscCall(LmgModesDestroy(&c->M));
  PetscCall(PetscFree(c->key));
  PetscCall(PetscMemzero(c, sizeof *c));
  PetscFunctionReturn(PETSC_SUCCESS);
}
