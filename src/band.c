/* Dense-times-banded products, the (anti-)Hermitian folds and the interaction-picture rotation; built with -O3 and
   -fcx-limited-range (plain complex products: no inf/NaN recovery), the product also for x86-64-v3, chosen at run time. */
#include "lmg/band.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#define LMG_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define LMG_CLONES
#endif

#define ROWS 512 /* reals per row chunk: the chunks of a column range stay in cache while j advances */
#define TILE 32  /* square tiles of the folds */

PetscErrorCode LmgBandCreate(PetscInt n, const PetscReal *M, PetscReal droptol, LmgBand *B)
{
  PetscReal big = 0;
  PetscInt  nnz = 0, *hi;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n * n; i++) big = PetscMax(big, PetscAbsReal(M[i]));
  B->n     = n;
  B->width = 0;
  PetscCall(PetscMalloc2(n, &B->lo, n + 1, &B->ptr));
  PetscCall(PetscMalloc1(n, &hi));
  for (PetscInt j = 0; j < n; j++) {
    const PetscReal *m = M + n * j;
    PetscInt         a = 0, b = n - 1;
    while (a < n && !(PetscAbsReal(m[a]) > droptol * big)) a++;
    while (b > a && !(PetscAbsReal(m[b]) > droptol * big)) b--;
    B->lo[j] = a < n ? a : 0, hi[j] = a < n ? b : -1;
    B->ptr[j] = nnz;
    nnz += hi[j] - B->lo[j] + 1;
    B->width = PetscMax(B->width, hi[j] - B->lo[j] + 1);
  }
  B->ptr[n] = nnz;
  PetscCall(PetscMalloc1(PetscMax(nnz, 1), &B->val));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = B->lo[j]; i <= hi[j]; i++) B->val[B->ptr[j] + i - B->lo[j]] = M[i + n * j];
  PetscCall(PetscFree(hi));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgBandDestroy(LmgBand *B)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree2(B->lo, B->ptr));
  PetscCall(PetscFree(B->val));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* On the real view (2n reals per column): Z[:, j] = sum_q val_q X[:, lo_j + q], four columns per pass over a chunk. */
LMG_CLONES void LmgBandMultRight(const LmgBand *B, const PetscScalar *Xc, PetscScalar *Zc)
{
  const PetscInt   n = B->n, m = 2 * n;
  const PetscReal *X = (const PetscReal *)Xc;
  PetscReal       *Z = (PetscReal *)Zc;
  for (PetscInt a0 = 0; a0 < m; a0 += ROWS) {
    const PetscInt len = PetscMin(ROWS, m - a0);
    for (PetscInt j = 0; j < n; j++) {
      PetscReal *restrict       z = Z + m * j + a0;
      const PetscReal          *v = B->val + B->ptr[j];
      const PetscReal *restrict x = X + m * B->lo[j] + a0;
      const PetscInt            c = B->ptr[j + 1] - B->ptr[j];
      PetscInt                  q = 0;
      for (PetscInt a = 0; a < len; a++) z[a] = 0;
      for (; q + 4 <= c; q += 4) {
        const PetscReal *restrict x0 = x + m * q, *restrict x1 = x0 + m, *restrict x2 = x1 + m, *restrict x3 = x2 + m;
        const PetscReal           v0 = v[q], v1 = v[q + 1], v2 = v[q + 2], v3 = v[q + 3];
        for (PetscInt a = 0; a < len; a++) z[a] += v0 * x0[a] + v1 * x1[a] + v2 * x2[a] + v3 * x3[a];
      }
      for (; q < c; q++) {
        const PetscReal *restrict x0 = x + m * q;
        const PetscReal           v0 = v[q];
        for (PetscInt a = 0; a < len; a++) z[a] += v0 * x0[a];
      }
    }
  }
}

void LmgRotate(PetscInt n, const PetscScalar *z, PetscBool inverse, const PetscScalar *in, PetscScalar *out)
{
  for (PetscInt b = 0; b < n; b++) {
    const PetscScalar zb = inverse ? z[b] : PetscConj(z[b]);
    if (inverse)
      for (PetscInt a = 0; a < n; a++) out[a + n * b] = PetscConj(z[a]) * zb * in[a + n * b];
    else
      for (PetscInt a = 0; a < n; a++) out[a + n * b] = z[a] * zb * in[a + n * b];
  }
}

void LmgFoldAntiHermitian(PetscInt n, PetscScalar *Z)
{
  for (PetscInt J0 = 0; J0 < n; J0 += TILE)
    for (PetscInt I0 = 0; I0 <= J0; I0 += TILE)
      for (PetscInt j = J0; j < PetscMin(J0 + TILE, n); j++)
        for (PetscInt i = I0; i < PetscMin(I0 + TILE, j + 1); i++) {
          const PetscScalar a = Z[i + n * j], b = Z[j + n * i];
          Z[i + n * j] = PetscConj(b) - a;
          Z[j + n * i] = PetscConj(a) - b;
        }
}

void LmgFoldHermitian(PetscInt n, PetscReal c, const PetscScalar *z, PetscScalar *Y)
{
  for (PetscInt J0 = 0; J0 < n; J0 += TILE)
    for (PetscInt I0 = 0; I0 <= J0; I0 += TILE)
      for (PetscInt j = J0; j < PetscMin(J0 + TILE, n); j++) {
        const PetscScalar zj = z ? c * z[j] : c;
        for (PetscInt i = I0; i < PetscMin(I0 + TILE, j + 1); i++) {
          const PetscScalar s = (Y[i + n * j] + PetscConj(Y[j + n * i])) * (z ? PetscConj(z[i]) * zj : zj);
          Y[i + n * j]        = s;
          Y[j + n * i]        = PetscConj(s);
        }
      }
}

void LmgAddRotated(PetscInt n, PetscScalar c, const PetscScalar *z, const PetscScalar *F, PetscScalar *Y)
{
  for (PetscInt b = 0; b < n; b++) {
    const PetscScalar cb = z ? c * z[b] : c;
    if (z)
      for (PetscInt a = 0; a < n; a++) Y[a + n * b] += PetscConj(z[a]) * cb * F[a + n * b];
    else
      for (PetscInt a = 0; a < n; a++) Y[a + n * b] += cb * F[a + n * b];
  }
}
