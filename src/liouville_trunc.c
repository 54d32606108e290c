/* k-level truncation (eigenbasis of H): H_k = diag(E_i - E_0), L_k = sqrt(gphi) P Jz P, Q_k = P sign(Jz) P (README (What is computed, §3)). */
#include "lmg/band.h"
#include "lmg/dicke.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

typedef struct {
  PetscScalar *Z, *Z2, *T1, *T2; /* k x k, column-major (Q: L->Q) */
  PetscScalar *z;                /* [k] phases */
} Trunc;

/* <E_i| f(Jz) |E_j> for f odd (power 1: Jz; power 0: sign(Jz)): nonzero only between opposite parities. */
static PetscReal Element(const LmgSpectrum *sp, PetscInt i, PetscInt j, PetscInt power)
{
  const PetscReal *a = sp->vec + i * sp->nh, *b = sp->vec + j * sp->nh;
  PetscReal        s = 0;
  if (sp->parity[i] == sp->parity[j]) return 0;
  for (PetscInt k = 0; k < sp->nh; k++) {
    PetscReal m = LmgHalfM(sp->N, k);
    s += (power ? m : (m > 0 ? 1.0 : 0.0)) * a[k] * b[k];
  }
  return s;
}

static PetscErrorCode Gemm(PetscInt k, PetscScalar alpha, const PetscScalar *A, const PetscScalar *B, PetscScalar beta, PetscScalar *C)
{
  PetscBLASInt n;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(k, &n));
  PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &n, &n, &n, &alpha, A, &n, B, &n, &beta, C, &n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = alpha gphi conj(P) o (Z x' Z - {Z^2, x'}/2), x' = P o x (the interaction picture at t; t = 0: P = 1). */
static PetscErrorCode Dissipate_Trunc(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscReal alpha, Vec x, Vec y)
{
  Trunc             *r = (Trunc *)L->data;
  const PetscInt     k = L->n;
  const PetscScalar  g = alpha * L->gphi;
  const PetscScalar *Xin, *X;
  PetscScalar       *Y;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &Xin));
  PetscCall(VecGetArrayWrite(y, &Y));
  X = Xin;
  if (t != 0) {
    LmgLiouvillePhases(L, adjoint, t, r->z);
    LmgRotate(k, r->z, PETSC_FALSE, Xin, r->T2);
    X = r->T2;
  }
  PetscCall(Gemm(k, 1, r->Z, X, 0, r->T1));
  PetscCall(Gemm(k, g, r->T1, r->Z, 0, Y));
  PetscCall(Gemm(k, -0.5 * g, r->Z2, X, 1, Y));
  PetscCall(Gemm(k, -0.5 * g, X, r->Z2, 1, Y));
  if (t != 0) LmgRotate(k, r->z, PETSC_TRUE, Y, Y);
  PetscCall(VecRestoreArrayRead(x, &Xin));
  PetscCall(VecRestoreArrayWrite(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Initial_Trunc(LmgLiouville L, const char *initial, PetscReal T, Vec rho)
{
  PetscInt     k = L->n;
  PetscScalar *R;
  PetscBool    ground, pointer;
  PetscReal    kT = LMG_KB * T / LMG_HBAR, Z = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscStrcmp(initial, "ground", &ground));
  PetscCall(PetscStrcmp(initial, "pointer", &pointer));
  PetscCall(VecZeroEntries(rho));
  PetscCall(VecGetArray(rho, &R));
  if (ground) R[0] = 1;
  else if (pointer) R[0] = R[1] = R[k] = R[k + 1] = 0.5;
  else {
    for (PetscInt i = 0; i < k; i++) Z += PetscExpReal(-L->E[i] / kT);
    for (PetscInt i = 0; i < k; i++) R[i + k * i] = PetscExpReal(-L->E[i] / kT) / Z;
  }
  PetscCall(VecRestoreArray(rho, &R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Jz_Trunc(LmgLiouville L, PetscReal *Z)
{
  Trunc *t = (Trunc *)L->data;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < L->n * L->n; i++) Z[i] = PetscRealPart(t->Z[i]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_Trunc(LmgLiouville L)
{
  Trunc *t = (Trunc *)L->data;
  PetscFunctionBeginUser;
  PetscCall(PetscFree6(t->Z, t->Z2, L->Q, t->T1, t->T2, t->z));
  PetscCall(PetscFree3(L->E, L->Eerr, L->p));
  PetscCall(PetscFree(t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleCreate_Trunc(const LmgSpectrum *sp, PetscInt k, LmgLiouville L)
{
  Trunc *t;
  PetscFunctionBeginUser;
  PetscCheck(k <= sp->nev, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "level %" PetscInt_FMT " needs %" PetscInt_FMT " eigenpairs, the spectrum has %" PetscInt_FMT, k, k, sp->nev);
  PetscCall(PetscNew(&t));
  PetscCall(PetscMalloc6(k * k, &t->Z, k * k, &t->Z2, k * k, &L->Q, k * k, &t->T1, k * k, &t->T2, k, &t->z));
  PetscCall(PetscMalloc3(k, &L->E, k, &L->Eerr, k, &L->p));
  for (PetscInt i = 0; i < k; i++) { /* E1 - E0 is the resolved dE (to 1e-10 relative, or by its bounds in double) */
    L->E[i]    = i == 1 ? sp->dE : sp->E[i] - sp->E[0];
    L->Eerr[i] = i == 0 ? 0 : i == 1 ? (sp->dE_bits > 53 ? 1e-10 * sp->dE : sp->Eerr[0] + sp->Eerr[1]) : sp->Eerr[0] + sp->Eerr[i];
    L->p[i]    = sp->parity[i];
  }
  for (PetscInt j = 0; j < k; j++)
    for (PetscInt i = 0; i < k; i++) {
      t->Z[i + k * j] = Element(sp, i, j, 1);
      L->Q[i + k * j] = Element(sp, i, j, 0);
    }
  L->n = k;
  PetscCall(Gemm(k, 1, t->Z, t->Z, 0, t->Z2));
  L->data           = t;
  L->sp             = sp;
  L->ops.dissipate  = Dissipate_Trunc;
  L->ops.initial    = Initial_Trunc;
  L->ops.jz         = Jz_Trunc;
  L->ops.destroy    = Destroy_Trunc;
  PetscFunctionReturn(PETSC_SUCCESS);
}
