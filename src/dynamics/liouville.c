/* Liouvillian interface: dispatch to the k-level (Trunc) or full Dicke-space (Full) implementation; the bias; the
   frames. */
#include "lmg/band.h"
#include "lmg/dicke.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

PetscErrorCode LmgLiouvilleCreate(MPI_Comm comm, const LmgSpectrum *sp, PetscInt level, PetscReal gphi, PetscBool lower, LmgLiouville *L)
{
  PetscMPIInt size;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(level == 0 || size == 1, comm, PETSC_ERR_ARG_WRONG, "a k-level model is not distributed: it needs a one-rank communicator");
  PetscCall(PetscNew(L));
  (*L)->gphi = gphi;
  (*L)->T    = sp->T;
  PetscCall(LmgColumnsCreate(comm, level > 0 ? level : sp->N + 1, (PetscBool)(lower && level == 0), &(*L)->cols));
  if (level > 0) PetscCall(LmgLiouvilleCreate_Trunc(sp, level, *L));
  else PetscCall(LmgLiouvilleCreate_Full(sp, *L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleCreateWindow(const LmgSpectrum *sp, const LmgWindow *w, PetscReal gphi, LmgLiouville *L)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(L));
  (*L)->gphi = gphi;
  (*L)->T    = sp->T;
  PetscCall(LmgColumnsCreate(PETSC_COMM_SELF, w->K, PETSC_FALSE, &(*L)->cols));
  PetscCall(LmgLiouvilleCreate_Window(sp, w, *L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleCreateVec(LmgLiouville L, Vec *v)
{
  PetscFunctionBeginUser;
  PetscCall(LmgColumnsVec(&L->cols, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleDestroy(LmgLiouville *L)
{
  PetscFunctionBeginUser;
  if (!*L) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall((*L)->ops.destroy(*L));
  PetscCall(PetscFree2((*L)->Kp, (*L)->Km));
  PetscCall(LmgColumnsDestroy(&(*L)->cols));
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

PetscErrorCode LmgLiouvilleSetBias(LmgLiouville L, LmgBiasFn h, void *ctx)
{
  PetscFunctionBeginUser;
  L->bias     = h;
  L->bias_ctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleInteraction(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscReal alpha, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  PetscCall(L->ops.perturb(L, adjoint, t, PETSC_TRUE, alpha, x, y));
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
    (L->cols.lower ? LmgRotateLower : LmgRotate)(L->n, L->cols.nc, L->cols.c0, z, inverse, Y, Y);
    PetscCall(VecRestoreArray(out, &Y));
  } else {
    PetscCall(VecGetArrayRead(in, &X));
    PetscCall(VecGetArrayWrite(out, &Y));
    (L->cols.lower ? LmgRotateLower : LmgRotate)(L->n, L->cols.nc, L->cols.c0, z, inverse, X, Y);
    PetscCall(VecRestoreArrayRead(in, &X));
    PetscCall(VecRestoreArrayWrite(out, &Y));
  }
  PetscCall(PetscFree(z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = s (E_a - E_b) x_ab + V_t x */
PetscErrorCode LmgLiouvilleApplyAt(LmgLiouville L, PetscBool adjoint, PetscReal t, Vec x, Vec y)
{
  const PetscInt     n = L->n, c0 = L->cols.c0, nc = L->cols.nc;
  const PetscScalar  s = adjoint ? PETSC_i : -PETSC_i;
  const PetscReal   *E = L->E;
  const PetscScalar *X;
  PetscScalar       *Y;
  PetscFunctionBeginUser;
  PetscCall(L->ops.perturb(L, adjoint, t, PETSC_FALSE, 1, x, y));
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArray(y, &Y));
  for (PetscInt b = 0, i = 0; b < nc; b++)
    for (PetscInt a = L->cols.lower ? c0 + b : 0; a < n; a++, i++) Y[i] += s * (E[a] - E[c0 + b]) * X[i];
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArray(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleApply(LmgLiouville L, PetscBool adjoint, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  PetscCall(LmgLiouvilleApplyAt(L, adjoint, 0, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void LmgHalfToDicke(PetscInt N, PetscInt p, const PetscReal *v, PetscReal *psi)
{
  const PetscInt odd = N % 2;
  for (PetscInt a = 0; a <= N; a++) { /* m = a - N/2; half-chain index k of |m| */
    PetscInt twom = 2 * a - N, k = (PetscAbsInt(twom) - odd) / 2;
    if (twom == 0) psi[a] = v[0];
    else psi[a] = (twom < 0 && p < 0 ? -1 : 1) * v[k] / PETSC_SQRT2;
  }
}

PetscErrorCode LmgSpectrumFullVector(const LmgSpectrum *sp, PetscInt i, PetscReal *psi)
{
  PetscFunctionBeginUser;
  LmgHalfToDicke(sp->N, sp->parity[i], sp->vec + i * sp->nh, psi);
  PetscFunctionReturn(PETSC_SUCCESS);
}
