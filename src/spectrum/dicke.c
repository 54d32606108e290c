/* Dicke basis: the two parity-sector tridiagonals of H/J, their Sturm counts, their PETSc matrices. */
#include <math.h>
#include "lmg/dicke.h"

PetscInt LmgHalfLength(PetscInt N)
{
  return N % 2 ? (N + 1) / 2 : N / 2 + 1;
}

PetscReal LmgHalfM(PetscInt N, PetscInt k)
{
  return (PetscReal)k + (N % 2 ? 0.5 : 0.0);
}

/* <m+1|H|m>/J = -g sqrt(j(j+1) - m(m+1)); 4j(j+1) - 4m(m+1) is an exact integer in double. */
static PetscReal Hop(PetscInt N, PetscReal g, PetscReal m)
{
  PetscReal twoj = (PetscReal)N;
  return -g * 0.5 * PetscSqrtReal(twoj * (twoj + 2) - 4 * m * (m + 1));
}

PetscErrorCode LmgSectorCreate(PetscInt N, PetscReal g, PetscInt parity, LmgSector *s)
{
  PetscInt nh = LmgHalfLength(N), odd = N % 2;

  PetscFunctionBeginUser;
  s->N      = N;
  s->g      = g;
  s->parity = parity;
  s->offset = (!odd && parity < 0) ? 1 : 0; /* the odd sector of even N has no m = 0 */
  s->n      = nh - s->offset;
  PetscCall(PetscMalloc3(s->n, &s->d, s->n, &s->e, s->n, &s->e2));
  for (PetscInt i = 0; i < s->n; i++) {
    PetscReal m = LmgHalfM(N, i + s->offset);
    s->d[i]     = -2 * m * m / (PetscReal)N;
    if (i < s->n - 1) s->e[i] = Hop(N, g, m);
  }
  if (odd) s->d[0] += parity * Hop(N, g, -0.5); /* <1/2|H|-1/2> folds onto the diagonal */
  else if (parity > 0 && s->n > 1) s->e[0] *= PETSC_SQRT2; /* |0> couples to (|1> + |-1>)/sqrt2 */
  s->norm = 0;
  for (PetscInt i = 0; i < s->n; i++) {
    PetscReal r = PetscAbsReal(s->d[i]) + (i ? PetscAbsReal(s->e[i - 1]) : 0) + (i < s->n - 1 ? PetscAbsReal(s->e[i]) : 0);
    s->norm     = PetscMax(s->norm, r);
    s->e2[i]    = i < s->n - 1 ? s->e[i] * s->e[i] : 0;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgSectorDestroy(LmgSector *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(s->d, s->e, s->e2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt LmgSectorCount(const LmgSector *s, PetscReal sigma)
{
  const PetscReal *d = s->d, *e2 = s->e2, pivmin = PETSC_MACHINE_EPSILON * PETSC_MACHINE_EPSILON * (s->norm + 1);
  PetscReal        q = d[0] - sigma;
  PetscInt         c = 0;

  for (PetscInt i = 0;; i++) {
    if (PetscAbsReal(q) < pivmin) q = -pivmin;
    c += q < 0;
    if (i == s->n - 1) break;
    q = d[i + 1] - sigma - e2[i] / q;
  }
  return c;
}

/* A start interval around the mean-field ground energy, -N(1 + g^2)/2 (g < 1) or -gN, checked by Sturm counts
   to hold eigenvalues 0..i, widened until it does (at worst the Gershgorin interval). */
static void StartInterval(const LmgSector *s, PetscInt i, PetscReal *a, PetscReal *b)
{
  PetscReal g = s->g, e = g < 1 ? -0.5 * s->N * (1 + g * g) : -g * s->N, c = 4 + 1e-5 * PetscAbsReal(e);
  for (; c < 2 * s->norm; c *= 8) {
    *a = e - c;
    *b = e + c;
    if (LmgSectorCount(s, *a) == 0 && LmgSectorCount(s, *b) > i) return;
  }
  *a = -s->norm * (1 + 1e-12) - 1e-300;
  *b = s->norm * (1 + 1e-12) + 1e-300;
}

PetscErrorCode LmgSectorMat(MPI_Comm comm, const LmgSector *s, MatType type, Mat *A)
{
  PetscInt  rs, re;
  PetscBool dense;

  PetscFunctionBeginUser;
  PetscCall(PetscStrcmp(type, MATAIJ, &dense));
  dense = (PetscBool)!dense;
  PetscCall(MatCreate(comm, A));
  PetscCall(MatSetSizes(*A, PETSC_DECIDE, PETSC_DECIDE, s->n, s->n));
  PetscCall(MatSetType(*A, type));
  if (!dense) {
    PetscCall(MatSeqAIJSetPreallocation(*A, 3, NULL));
    PetscCall(MatMPIAIJSetPreallocation(*A, 3, NULL, 2, NULL));
  }
  PetscCall(MatSetUp(*A));
  PetscCall(MatGetOwnershipRange(*A, &rs, &re));
  for (PetscInt i = rs; i < re; i++) {
    PetscCall(MatSetValue(*A, i, i, s->d[i], INSERT_VALUES));
    if (i > 0) PetscCall(MatSetValue(*A, i, i - 1, s->e[i - 1], INSERT_VALUES));
    if (i < s->n - 1) PetscCall(MatSetValue(*A, i, i + 1, s->e[i], INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatSetOption(*A, MAT_HERMITIAN, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define LMG_SHIFTS 8 /* shifts per pass of LmgSectorCountMany */

void LmgSectorCountMany(const LmgSector *s, PetscInt m, const PetscReal *sigma, PetscInt *count)
{
  const PetscReal *d = s->d, *e2 = s->e2, pivmin = PETSC_MACHINE_EPSILON * PETSC_MACHINE_EPSILON * (s->norm + 1);
  for (PetscInt k0 = 0; k0 < m; k0 += LMG_SHIFTS) {
    PetscReal x[LMG_SHIFTS], q[LMG_SHIFTS];
    PetscInt  c[LMG_SHIFTS] = {0};
    for (PetscInt k = 0; k < LMG_SHIFTS; k++) x[k] = sigma[PetscMin(k0 + k, m - 1)], q[k] = d[0] - x[k];
    for (PetscInt i = 0;; i++) { /* LmgSectorCount's recurrence, LMG_SHIFTS at a time: the divisions overlap */
      for (PetscInt k = 0; k < LMG_SHIFTS; k++) {
        if (PetscAbsReal(q[k]) < pivmin) q[k] = -pivmin;
        c[k] += q[k] < 0;
      }
      if (i == s->n - 1) break;
      for (PetscInt k = 0; k < LMG_SHIFTS; k++) q[k] = d[i + 1] - x[k] - e2[i] / q[k];
    }
    for (PetscInt k = 0; k < LMG_SHIFTS && k0 + k < m; k++) count[k0 + k] = c[k];
  }
}

void LmgSectorIsolate(const LmgSector *s, PetscInt k, PetscReal tol, PetscReal *lo, PetscReal *hi)
{
  PetscReal a, b;
  StartInterval(s, k - 1, &a, &b);
  for (PetscInt i = 0; i < k; i++) lo[i] = a, hi[i] = b;
  for (PetscInt i = 0; i < k; i++)
    while (hi[i] - lo[i] > tol) { /* multisection: LMG_SHIFTS - 1 points split the bracket in LMG_SHIFTS per pass */
      PetscReal x[LMG_SHIFTS - 1], w = (hi[i] - lo[i]) / LMG_SHIFTS;
      PetscInt  c[LMG_SHIFTS - 1], m = 0;
      for (PetscInt p = 1; p < LMG_SHIFTS; p++) {
        PetscReal y = lo[i] + p * w;
        if (y > lo[i] && y < hi[i] && (!m || y > x[m - 1])) x[m++] = y;
      }
      if (!m) break; /* no double strictly inside */
      LmgSectorCountMany(s, m, x, c); /* eigenvalue j lies below x iff j < c */
      for (PetscInt p = 0; p < m; p++)
        for (PetscInt j = 0; j < k; j++) {
          if (j < c[p]) hi[j] = PetscMin(hi[j], x[p]);
          else lo[j] = PetscMax(lo[j], x[p]);
        }
    }
}
