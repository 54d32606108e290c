/* The experiment's imperfections on a model: a static bias (dispatched to the model) and a finite detection
   resolution — the noisy which-well measurement sign(2m + xi), xi ~ N(0, sigma^2): effects E+- = Phi(+-2 Jz/sigma),
   Luders update M(x) = K+ x K+ - K- x K- (K+- = sqrt(E+-)), read-out Q_sigma = E+ - E- = erf(sqrt2 Jz/sigma). */
#include <math.h>
#include "lmg/band.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

extern void dgemm_(const char *, const char *, const PetscBLASInt *, const PetscBLASInt *, const PetscBLASInt *, const double *, const double *, const PetscBLASInt *, const double *, const PetscBLASInt *, const double *, double *,
                   const PetscBLASInt *);

PetscErrorCode LmgLiouvilleSetStaticBias(LmgLiouville L, PetscReal h)
{
  PetscFunctionBeginUser;
  PetscCheck(!L->Kp, PETSC_COMM_SELF, PETSC_ERR_ORDER, "set the bias before the detection");
  if (h == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(L->ops.staticbias, PETSC_COMM_SELF, PETSC_ERR_SUP, "this model has no static bias");
  PetscCall(L->ops.staticbias(L, h));
  L->h = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* F = V^T diag(f) V (n x n, real) for the basis V ((N+1) x n) and f over m = -j..j. */
static PetscErrorCode Diagonal(PetscInt nd, PetscInt n, const PetscReal *V, const PetscReal *f, PetscReal *T, PetscReal *F)
{
  PetscBLASInt a, b;
  const double one = 1, zero = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(nd, &a));
  PetscCall(PetscBLASIntCast(n, &b));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < nd; i++) T[i + nd * j] = f[i] * V[i + nd * j];
  dgemm_("T", "N", &b, &b, &a, &one, V, &a, T, &a, &zero, F, &b);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleSetDetection(LmgLiouville L, PetscReal sigma)
{
  const PetscInt nd = L->sp->N + 1, n = L->n;
  PetscReal     *V, *T, *F, *f;
  PetscFunctionBeginUser;
  if (sigma == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(sigma > 0 && L->ops.dicke, PETSC_COMM_SELF, PETSC_ERR_SUP, "detection resolution %g: needs sigma > 0 and a model with Dicke amplitudes", (double)sigma);
  PetscCall(PetscMalloc4(nd * n, &V, nd * n, &T, n * n, &F, 3 * nd, &f));
  PetscCall(PetscMalloc2(n * n, &L->Kp, n * n, &L->Km));
  PetscCall(L->ops.dicke(L, V));
  for (PetscInt a = 0; a < nd; a++) { /* Phi(2m/sigma) = erfc(-sqrt2 m/sigma)/2: both tails accurate */
    const PetscReal x = PETSC_SQRT2 * (a - 0.5 * (nd - 1)) / sigma;
    f[a] = PetscSqrtReal(0.5 * erfc(-x)), f[nd + a] = PetscSqrtReal(0.5 * erfc(x)), f[2 * nd + a] = erf(x);
  }
  PetscCall(Diagonal(nd, n, V, f, T, F));
  for (PetscInt i = 0; i < n * n; i++) L->Kp[i] = F[i];
  PetscCall(Diagonal(nd, n, V, f + nd, T, F));
  for (PetscInt i = 0; i < n * n; i++) L->Km[i] = F[i];
  PetscCall(Diagonal(nd, n, V, f + 2 * nd, T, F));
  for (PetscInt i = 0; i < n * L->cols.nc; i++) L->Q[i] = F[i + n * L->cols.c0]; /* this rank's columns */
  PetscCall(PetscFree4(V, T, F, f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleMeasure(LmgLiouville L, const PetscScalar *X, PetscScalar *Y)
{
  const PetscInt n = L->n;
  PetscScalar   *T;
  PetscFunctionBeginUser;
  PetscCheck(L->cols.size == 1, PETSC_COMM_SELF, PETSC_ERR_SUP, "LmgLiouvilleMeasure needs a one-rank model");
  if (!L->Kp) {
    PetscCall(LmgDenseMult(n, 1, L->Q, X, 0, Y));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscMalloc1(n * n, &T));
  PetscCall(LmgDenseMult(n, 1, L->Kp, X, 0, T));
  PetscCall(LmgDenseMult(n, 1, T, L->Kp, 0, Y));
  PetscCall(LmgDenseMult(n, 1, L->Km, X, 0, T));
  PetscCall(LmgDenseMult(n, -1, T, L->Km, 1, Y));
  PetscCall(PetscFree(T));
  PetscFunctionReturn(PETSC_SUCCESS);
}
