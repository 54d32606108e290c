/* k-level truncation (eigenbasis of H): H_k = diag(E_i - E_0), L_k = sqrt(gphi) P Jz P, Q_k = P sign(Jz) P (README (What is computed, §3));
   and the full space's window (window.h): the same arrays with P Jz^2 P of the whole space in the anticommutator. */
#include "lmg/band.h"
#include "lmg/dicke.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

typedef struct {
  PetscScalar *Z, *Z2, *T1, *T2; /* k x k, column-major (Q: L->Q) */
  PetscScalar *z;                /* [k] phases */
  PetscReal   *U;                /* k x k: a static bias's eigenbasis (column a: its state a over the |E_i>); NULL: none */
} Trunc;

extern void dsyev_(const char *, const char *, const PetscBLASInt *, double *, const PetscBLASInt *, double *, double *, const PetscBLASInt *, PetscBLASInt *);

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

/* y = alpha conj(P) o (gphi (Z x' Z - {Z^2, x'}/2) + s i h(t) [Z, x']), x' = P o x (the interaction picture at t when
   frame, else P = 1), s = +1 for L and -1 for L^dagger; [Z, x'] = T1 - T1^dagger with T1 = Z x' (x' Hermitian). The
   dissipator is applied as it is (four products): writing x' Z^2 as (Z^2 x')^dagger would let the roundoff's
   anti-Hermitian part grow as gphi Z x'_a Z instead of decaying. */
static PetscErrorCode Perturb_Trunc(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscBool frame, PetscReal alpha, Vec x, Vec y)
{
  Trunc             *r = (Trunc *)L->data;
  const PetscInt     k = L->n;
  const PetscScalar  g = alpha * L->gphi;
  const PetscBool    rot = (PetscBool)(frame && t != 0);
  const PetscScalar *Xin, *X;
  PetscScalar       *Y;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &Xin));
  PetscCall(VecGetArrayWrite(y, &Y));
  X = Xin;
  if (rot) {
    LmgLiouvillePhases(L, adjoint, t, r->z);
    LmgRotate(k, k, 0, r->z, PETSC_FALSE, Xin, r->T2);
    X = r->T2;
  }
  PetscCall(LmgDenseMult(k, 1, r->Z, X, 0, r->T1));
  PetscCall(LmgDenseMult(k, g, r->T1, r->Z, 0, Y));
  PetscCall(LmgDenseMult(k, -0.5 * g, r->Z2, X, 1, Y));
  PetscCall(LmgDenseMult(k, -0.5 * g, X, r->Z2, 1, Y));
  if (L->bias) {
    const PetscScalar c = (adjoint ? -1 : 1) * PETSC_i * alpha * L->bias(t, L->bias_ctx);
    for (PetscInt j = 0; j < k; j++)
      for (PetscInt i = 0; i < k; i++) Y[i + k * j] += c * (r->T1[i + k * j] - PetscConj(r->T1[j + k * i]));
  }
  if (rot) LmgRotate(k, k, 0, r->z, PETSC_TRUE, Y, Y);
  PetscCall(VecRestoreArrayRead(x, &Xin));
  PetscCall(VecRestoreArrayWrite(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void JzMult_Trunc(LmgLiouville L, const PetscScalar *x, PetscScalar *y)
{
  const Trunc *r = (const Trunc *)L->data;
  for (PetscInt i = 0; i < L->n; i++) y[i] = 0;
  for (PetscInt j = 0; j < L->n; j++)
    for (PetscInt i = 0; i < L->n; i++) y[i] += r->Z[i + L->n * j] * x[j];
}

/* The basis is the spectrum's eigenvectors: |E_i> is basis state i (under a static bias: <u_a|E_i> = U_ia). */
static void State_Trunc(LmgLiouville L, PetscInt i, PetscReal c, PetscReal *psi)
{
  const Trunc *t = (const Trunc *)L->data;
  if (!t->U) psi[i] += c;
  else
    for (PetscInt a = 0; a < L->n; a++) psi[a] += c * t->U[i + L->n * a];
}

/* V[:, a] = sum_i U_ia |E_i> in the Dicke basis. */
static PetscErrorCode Dicke_Trunc(LmgLiouville L, PetscReal *V)
{
  const Trunc   *t  = (const Trunc *)L->data;
  const PetscInt nd = L->sp->N + 1, k = L->n;
  PetscReal     *E;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nd * k, &E));
  for (PetscInt i = 0; i < k; i++) PetscCall(LmgSpectrumFullVector(L->sp, i, E + nd * i));
  if (!t->U) PetscCall(PetscArraycpy(V, E, nd * k));
  else
    for (PetscInt a = 0; a < k; a++)
      for (PetscInt r = 0; r < nd; r++) {
        PetscReal v = 0;
        for (PetscInt i = 0; i < k; i++) v += E[r + nd * i] * t->U[i + k * a];
        V[r + nd * a] = v;
      }
  PetscCall(PetscFree(E));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* M <- U^T M U (k x k, real entries held as scalars). */
static void Rotate(PetscInt k, const PetscReal *U, PetscScalar *M, PetscReal *T)
{
  for (PetscInt b = 0; b < k; b++)
    for (PetscInt a = 0; a < k; a++) {
      PetscReal v = 0;
      for (PetscInt c = 0; c < k; c++) v += PetscRealPart(M[a + k * c]) * U[c + k * b];
      T[a + k * b] = v;
    }
  for (PetscInt b = 0; b < k; b++)
    for (PetscInt a = 0; a < k; a++) {
      PetscReal v = 0;
      for (PetscInt c = 0; c < k; c++) v += U[c + k * a] * T[c + k * b];
      M[a + k * b] = v;
    }
}

/* The eigenbasis of H_k = diag(E) - h Z (dsyev): E, Z, Z^2, Q in it, parity gone; the energies' error bounds grow by
   dsyev's (k eps |H_k|_F). */
static PetscErrorCode StaticBias_Trunc(LmgLiouville L, PetscReal h)
{
  Trunc         *t = (Trunc *)L->data;
  const PetscInt k = L->n;
  PetscReal     *w, *T, *work, q, nrm = 0, e = 0;
  PetscBLASInt   bk, lwork = -1, info;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(k * k, &t->U));
  PetscCall(PetscMalloc2(k, &w, k * k, &T));
  for (PetscInt j = 0; j < k; j++)
    for (PetscInt i = 0; i < k; i++) t->U[i + k * j] = (i == j ? L->E[i] : 0) - h * PetscRealPart(t->Z[i + k * j]), nrm += PetscSqr(t->U[i + k * j]);
  PetscCall(PetscBLASIntCast(k, &bk));
  dsyev_("V", "L", &bk, t->U, &bk, w, &q, &lwork, &info);
  lwork = (PetscBLASInt)q;
  PetscCall(PetscMalloc1(lwork, &work));
  dsyev_("V", "L", &bk, t->U, &bk, w, work, &lwork, &info);
  PetscCall(PetscFree(work));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dsyev failed for H_k - h Jz: info %d", (int)info);
  for (PetscInt i = 0; i < k; i++) e = PetscMax(e, L->Eerr[i]);
  e += 4 * k * PETSC_MACHINE_EPSILON * PetscSqrtReal(nrm);
  for (PetscInt i = 0; i < k; i++) L->E[i] = w[i] - w[0], L->Eerr[i] = i ? 2 * e : 0, L->p[i] = 1;
  Rotate(k, t->U, t->Z, T);
  Rotate(k, t->U, L->Q, T);
  PetscCall(LmgDenseMult(k, 1, t->Z, t->Z, 0, t->Z2));
  L->rotated = PETSC_TRUE;
  PetscCall(PetscFree2(w, T));
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
  PetscCall(PetscFree(t->U));
  PetscCall(PetscFree3(L->E, L->Eerr, L->p));
  PetscCall(PetscFree(t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Allocate the k x k arrays and set the operations (the caller fills E, Eerr, p, Z, Z2 and Q). */
static PetscErrorCode Setup(const LmgSpectrum *sp, PetscInt k, LmgLiouville L, Trunc **t)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(t));
  PetscCall(PetscMalloc6(k * k, &(*t)->Z, k * k, &(*t)->Z2, k * k, &L->Q, k * k, &(*t)->T1, k * k, &(*t)->T2, k, &(*t)->z));
  PetscCall(PetscMalloc3(k, &L->E, k, &L->Eerr, k, &L->p));
  L->n              = k;
  L->data           = *t;
  L->sp             = sp;
  L->ops.perturb    = Perturb_Trunc;
  L->ops.state      = State_Trunc;
  L->ops.jzmult     = JzMult_Trunc;
  L->ops.jz         = Jz_Trunc;
  L->ops.destroy    = Destroy_Trunc;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleCreate_Trunc(const LmgSpectrum *sp, PetscInt k, LmgLiouville L)
{
  Trunc *t;
  PetscFunctionBeginUser;
  PetscCheck(k <= sp->nev, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "level %" PetscInt_FMT " needs %" PetscInt_FMT " eigenpairs, the spectrum has %" PetscInt_FMT, k, k, sp->nev);
  PetscCall(Setup(sp, k, L, &t));
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
  PetscCall(LmgDenseMult(k, 1, t->Z, t->Z, 0, t->Z2));
  L->ops.dicke      = Dicke_Trunc;
  L->ops.staticbias = StaticBias_Trunc;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The window's model: its states are the window's (State_Trunc's basis state i is its level i, not the spectrum's). */
PetscErrorCode LmgLiouvilleCreate_Window(const LmgSpectrum *sp, const LmgWindow *w, LmgLiouville L)
{
  const PetscInt k = w->K;
  Trunc         *t;
  PetscFunctionBeginUser;
  PetscCall(Setup(sp, k, L, &t));
  for (PetscInt i = 0; i < k; i++) {
    L->E[i]    = w->E[i];
    L->Eerr[i] = i == 0 ? 0 : 4 * (sp->N + 1) * PETSC_MACHINE_EPSILON * sp->J * sp->N * (1 + sp->g); /* dstevr */
    L->p[i]    = w->p[i];
  }
  for (PetscInt i = 0; i < k * k; i++) t->Z[i] = w->A[i], t->Z2[i] = w->S[i], L->Q[i] = w->Q[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}
