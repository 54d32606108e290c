/* Liouvillian interface: dispatch to the k-level (Trunc) or full Dicke-space (Full) implementation. */
#include "lmg/dicke.h"
#include "lmg/liouville.h"

PetscErrorCode LmgLiouvilleCreate(const LmgConfig *cfg, const LmgSpectrum *sp, PetscInt level, PetscReal gphi, LmgLiouville *L)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(L));
  (*L)->gphi = gphi;
  if (level > 0) PetscCall(LmgLiouvilleCreate_Trunc(cfg, sp, level, *L));
  else PetscCall(LmgLiouvilleCreate_Full(cfg, sp, *L));
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

PetscInt LmgLiouvilleSize(LmgLiouville L)
{
  return L->n;
}

PetscErrorCode LmgLiouvilleDissipate(LmgLiouville L, PetscBool adjoint, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  PetscCall(L->ops.dissipate(L, adjoint, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const PetscReal *LmgLiouvilleEnergies(LmgLiouville L)
{
  return L->E;
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
  PetscCall(L->ops.dissipate(L, adjoint, x, y));
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArray(y, &Y));
  for (PetscInt b = 0; b < n; b++)
    for (PetscInt a = 0; a < n; a++) Y[a + n * b] += s * (E[a] - E[b]) * X[a + n * b];
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArray(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleMultQ(LmgLiouville L, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  PetscCall(L->ops.multq(L, x, y));
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
