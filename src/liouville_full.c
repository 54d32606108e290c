/* Full Dicke space (n = N+1): L rho = -i[H, rho] - (gphi/2)(m - m')^2 rho, H tridiagonal; Q = sign(Jz) diagonal. */
#include "lmg/dicke.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

typedef struct {
  const LmgSpectrum *sp;
  PetscReal         *d, *u, *m; /* H diagonal, H off-diagonal <a+1|H|a> (rad/s), m of basis state a */
  PetscReal          J;
} Full;

/* The hot loop: y = s[H, x] + D x with s = -i (L) or +i (L^dagger); raw arrays, no calls inside. */
static PetscErrorCode Apply_Full(LmgLiouville L, PetscBool adjoint, Vec x, Vec y)
{
  Full              *f = (Full *)L->data;
  const PetscInt     n = L->n;
  const PetscReal   *d = f->d, *u = f->u, *m = f->m, hg = 0.5 * L->gphi;
  const PetscScalar  s = adjoint ? PETSC_i : -PETSC_i;
  const PetscScalar *X;
  PetscScalar       *Y;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArrayWrite(y, &Y));
  for (PetscInt b = 0; b < n; b++) {
    const PetscScalar *c = X + n * b, *cl = b > 0 ? c - n : NULL, *cr = b < n - 1 ? c + n : NULL;
    const PetscReal    ul = b > 0 ? u[b - 1] : 0, ur = b < n - 1 ? u[b] : 0;
    for (PetscInt a = 0; a < n; a++) {
      PetscScalar hx = (d[a] - d[b]) * c[a];
      if (a > 0) hx += u[a - 1] * c[a - 1];
      if (a < n - 1) hx += u[a] * c[a + 1];
      if (cl) hx -= cl[a] * ul;
      if (cr) hx -= cr[a] * ur;
      Y[a + n * b] = s * hx - hg * (m[a] - m[b]) * (m[a] - m[b]) * c[a];
    }
  }
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArrayWrite(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode MultQ_Full(LmgLiouville L, Vec x, Vec y)
{
  Full              *f = (Full *)L->data;
  const PetscInt     n = L->n;
  const PetscScalar *X;
  PetscScalar       *Y;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArrayWrite(y, &Y));
  for (PetscInt b = 0; b < n; b++)
    for (PetscInt a = 0; a < n; a++) Y[a + n * b] = (f->m[a] > 0 ? 1.0 : f->m[a] < 0 ? -1.0 : 0.0) * X[a + n * b];
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArrayWrite(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Observable_Full(LmgLiouville L, Vec q)
{
  Full        *f = (Full *)L->data;
  PetscScalar *Y;
  PetscFunctionBeginUser;
  PetscCall(VecZeroEntries(q));
  PetscCall(VecGetArray(q, &Y));
  for (PetscInt a = 0; a < L->n; a++) Y[a + L->n * a] = f->m[a] > 0 ? 1.0 : f->m[a] < 0 ? -1.0 : 0.0;
  PetscCall(VecRestoreArray(q, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Gibbs state over the whole space: full diagonalization of H (LAPACK). */
static PetscErrorCode Thermal_Full(LmgLiouville L, PetscReal T, PetscScalar *R)
{
  Full        *f = (Full *)L->data;
  PetscBLASInt n, lwork, info;
  PetscScalar *A, *work;
  PetscReal   *w, *rwork, kT = LMG_KB * T / LMG_HBAR, Z = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(L->n, &n));
  lwork = 4 * n;
  PetscCall(PetscCalloc4(L->n * L->n, &A, L->n, &w, lwork, &work, 3 * L->n, &rwork));
  for (PetscInt a = 0; a < L->n; a++) {
    A[a + L->n * a] = f->d[a];
    if (a < L->n - 1) A[a + 1 + L->n * a] = A[a + L->n * (a + 1)] = f->u[a];
  }
  PetscCallBLAS("LAPACKheev", LAPACKheev_("V", "L", &n, A, &n, w, work, &lwork, rwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "zheev failed: %d", (int)info);
  Z = 0;
  for (PetscInt i = 0; i < L->n; i++) Z += PetscExpReal(-(w[i] - w[0]) / kT);
  for (PetscInt i = 0; i < L->n; i++) {
    PetscReal p = PetscExpReal(-(w[i] - w[0]) / kT) / Z;
    for (PetscInt b = 0; b < L->n; b++)
      for (PetscInt a = 0; a < L->n; a++) R[a + L->n * b] += p * A[a + L->n * i] * PetscConj(A[b + L->n * i]);
  }
  PetscCall(PetscFree4(A, w, work, rwork));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Initial_Full(LmgLiouville L, const char *initial, PetscReal T, Vec rho)
{
  Full        *f = (Full *)L->data;
  PetscInt     n = L->n;
  PetscReal   *psi, *p1;
  PetscScalar *R;
  PetscBool    ground, pointer;
  PetscFunctionBeginUser;
  PetscCall(PetscStrcmp(initial, "ground", &ground));
  PetscCall(PetscStrcmp(initial, "pointer", &pointer));
  PetscCall(VecZeroEntries(rho));
  PetscCall(VecGetArray(rho, &R));
  if (ground || pointer) {
    PetscCall(PetscMalloc2(n, &psi, n, &p1));
    PetscCall(LmgSpectrumFullVector(f->sp, 0, psi));
    if (pointer) {
      PetscCall(LmgSpectrumFullVector(f->sp, 1, p1));
      for (PetscInt a = 0; a < n; a++) psi[a] = (psi[a] + p1[a]) / PETSC_SQRT2;
    }
    for (PetscInt b = 0; b < n; b++)
      for (PetscInt a = 0; a < n; a++) R[a + n * b] = psi[a] * psi[b];
    PetscCall(PetscFree2(psi, p1));
  } else PetscCall(Thermal_Full(L, T, R));
  PetscCall(VecRestoreArray(rho, &R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_Full(LmgLiouville L)
{
  Full *f = (Full *)L->data;
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(f->d, f->u, f->m));
  PetscCall(PetscFree(f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleCreate_Full(const LmgConfig *cfg, const LmgSpectrum *sp, LmgLiouville L)
{
  Full     *f;
  PetscInt  N = sp->N, n = N + 1;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&f));
  f->sp = sp;
  f->J  = cfg->J;
  PetscCall(PetscMalloc3(n, &f->d, n, &f->u, n, &f->m));
  for (PetscInt a = 0; a < n; a++) { /* PHYSICS.md §1 in rad/s, m = a - N/2 */
    PetscReal m = a - 0.5 * N;
    f->m[a]     = m;
    f->d[a]     = -2 * cfg->J * m * m / N;
    f->u[a]     = a < n - 1 ? -cfg->J * sp->g * 0.5 * PetscSqrtReal((PetscReal)N * (N + 2) - 4 * m * (m + 1)) : 0;
  }
  L->n                = n;
  L->data             = f;
  L->ops.apply        = Apply_Full;
  L->ops.multq        = MultQ_Full;
  L->ops.initial      = Initial_Full;
  L->ops.observable   = Observable_Full;
  L->ops.destroy      = Destroy_Full;
  PetscFunctionReturn(PETSC_SUCCESS);
}
