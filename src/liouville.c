/* Liouvillian interface: dispatch to the k-level (Trunc) or full Dicke-space (Full) implementation. */
#include "lmg/band.h"
#include "lmg/dicke.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

PetscErrorCode LmgLiouvilleCreate(const LmgSpectrum *sp, PetscInt level, PetscReal gphi, LmgLiouville *L)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(L));
  (*L)->gphi = gphi;
  if (level > 0) PetscCall(LmgLiouvilleCreate_Trunc(sp, level, *L));
  else PetscCall(LmgLiouvilleCreate_Full(sp, *L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleDestroy(LmgLiouville *L)
{
  PetscFunctionBeginUser;
  if (!*L) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall((*L)->ops.destroy(*L));
  PetscCall(PetscFree(*L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleJz(LmgLiouville L, PetscReal *Z)
{
  PetscFunctionBeginUser;
  PetscCall(L->ops.jz(L, Z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt LmgLiouvilleSize(LmgLiouville L)
{
  return L->n;
}

PetscErrorCode LmgLiouvilleDissipate(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscReal alpha, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  PetscCall(L->ops.dissipate(L, adjoint, t, alpha, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void LmgLiouvillePhases(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscScalar *z)
{
  const PetscReal s = adjoint ? 1 : -1;
  for (PetscInt a = 0; a < L->n; a++) z[a] = PetscExpComplex(PETSC_i * s * L->E[a] * t);
}

PetscErrorCode LmgLiouvilleRotate(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscBool inverse, Vec in, Vec out)
{
  PetscScalar       *z, *Y;
  const PetscScalar *X;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(L->n, &z));
  LmgLiouvillePhases(L, adjoint, t, z);
  if (in == out) {
    PetscCall(VecGetArray(out, &Y));
    LmgRotate(L->n, z, inverse, Y, Y);
    PetscCall(VecRestoreArray(out, &Y));
  } else {
    PetscCall(VecGetArrayRead(in, &X));
    PetscCall(VecGetArrayWrite(out, &Y));
    LmgRotate(L->n, z, inverse, X, Y);
    PetscCall(VecRestoreArrayRead(in, &X));
    PetscCall(VecRestoreArrayWrite(out, &Y));
  }
  PetscCall(PetscFree(z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = s (E_a - E_b) x_ab + D x */
PetscErrorCode LmgLiouvilleApply(LmgLiouville L, PetscBool adjoint, Vec x, Vec y)
{
  const PetscInt     n = L->n;
  const PetscScalar  s = adjoint ? PETSC_i : -PETSC_i;
  const PetscReal   *E = L->E;
  const PetscScalar *X;
  PetscScalar       *Y;
  PetscFunctionBeginUser;
  PetscCall(L->ops.dissipate(L, adjoint, 0, 1, x, y));
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArray(y, &Y));
  for (PetscInt b = 0; b < n; b++)
    for (PetscInt a = 0; a < n; a++) Y[a + n * b] += s * (E[a] - E[b]) * X[a + n * b];
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArray(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Entries of rho below this fraction of its largest are outside its support S in LmgLiouvilleCorrelate. */
#define LMG_SUPPORT_DROP 1e-17

static inline PetscReal Abs2(PetscScalar v)
{
  return PetscRealPart(v) * PetscRealPart(v) + PetscImaginaryPart(v) * PetscImaginaryPart(v);
}

PetscErrorCode LmgLiouvilleCorrelate(LmgLiouville L, Vec x, Vec rho, PetscReal *c)
{
  const PetscInt     n = L->n;
  const PetscScalar *X, *R, one = 1, zero = 0;
  PetscScalar       *Rs, *Qs, *Y, sum = 0;
  PetscInt          *S, m = 0;
  PetscReal          big = 0;
  PetscBLASInt       bn, bm;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArrayRead(rho, &R));
  for (PetscInt i = 0; i < n * n; i++) big = PetscMax(big, Abs2(R[i])); /* squared moduli: no hypot per entry */
  PetscCall(PetscMalloc1(n, &S));
  for (PetscInt a = 0; a < n; a++) { /* column a of Hermitian rho is row a */
    PetscInt b = 0;
    while (b < n && !(Abs2(R[b + n * a]) > LMG_SUPPORT_DROP * LMG_SUPPORT_DROP * big)) b++;
    if (b < n) S[m++] = a;
  }
  PetscCall(PetscMalloc3(m * m, &Rs, n * m, &Qs, n * m, &Y));
  for (PetscInt j = 0; j < m; j++) {
    for (PetscInt i = 0; i < m; i++) Rs[i + m * j] = R[S[i] + n * S[j]];
    PetscCall(PetscArraycpy(Qs + n * j, L->Q + n * S[j], n));
  }
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(m, &bm));
  if (m) PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bn, &bm, &bm, &one, Qs, &bn, Rs, &bm, &zero, Y, &bn));
  for (PetscInt j = 0; j < m; j++) /* Tr[X Y] = sum_a sum_b X_ab Y_ba, Y_ba = 0 for a outside S */
    for (PetscInt b = 0; b < n; b++) sum += X[S[j] + n * b] * Y[b + n * j];
  *c = PetscRealPart(sum);
  PetscCall(PetscFree3(Rs, Qs, Y));
  PetscCall(PetscFree(S));
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArrayRead(rho, &R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleInitial(LmgLiouville L, const char *initial, PetscReal T, Vec rho)
{
  PetscFunctionBeginUser;
  PetscCall(L->ops.initial(L, initial, T, rho));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleObservable(LmgLiouville L, Vec q)
{
  PetscScalar *Y;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayWrite(q, &Y));
  PetscCall(PetscArraycpy(Y, L->Q, L->n * L->n));
  PetscCall(VecRestoreArrayWrite(q, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgSpectrumFullVector(const LmgSpectrum *sp, PetscInt i, PetscReal *psi)
{
  PetscInt         N = sp->N, n = N + 1, odd = N % 2;
  const PetscReal *v = sp->vec + i * sp->nh;
  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < n; a++) { /* m = a - N/2; half-chain index k of |m| */
    PetscInt twom = 2 * a - N, k = (PetscAbsInt(twom) - odd) / 2;
    if (twom == 0) psi[a] = v[0];
    else psi[a] = (twom < 0 && sp->parity[i] < 0 ? -1 : 1) * v[k] / PETSC_SQRT2;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
