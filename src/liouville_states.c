/* States and observables of either model from what the model supplies (the spectrum's eigenvectors in its basis, its
   energies, its Jz and Q): initial states, the ground state of a biased H, expectation values and the correlator. */
#include "lmg/dicke.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

extern void dsyevr_(const char *, const char *, const char *, const PetscBLASInt *, double *, const PetscBLASInt *, const double *, const double *, const PetscBLASInt *, const PetscBLASInt *, const double *, PetscBLASInt *, double *, double *, const PetscBLASInt *, PetscBLASInt *, double *, const PetscBLASInt *, PetscBLASInt *, const PetscBLASInt *, PetscBLASInt *);

PetscErrorCode LmgLiouvillePure(LmgLiouville L, const PetscReal *psi, Vec rho)
{
  const PetscInt n = L->n;
  PetscScalar   *R;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayWrite(rho, &R));
  for (PetscInt b = 0; b < n; b++)
    for (PetscInt a = 0; a < n; a++) R[a + n * b] = psi[a] * psi[b];
  PetscCall(VecRestoreArrayWrite(rho, &R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleInitial(LmgLiouville L, const char *initial, PetscReal T, Vec rho)
{
  const PetscInt n = L->n;
  PetscReal     *psi, kT = LMG_KB * T / LMG_HBAR, Z = 0;
  PetscScalar   *R;
  PetscBool      ground, pointer;
  PetscFunctionBeginUser;
  PetscCall(PetscStrcmp(initial, "ground", &ground));
  PetscCall(PetscStrcmp(initial, "pointer", &pointer));
  if (ground || pointer) {
    PetscCall(PetscCalloc1(n, &psi));
    L->ops.state(L, 0, ground ? 1 : 1 / PETSC_SQRT2, psi);
    if (pointer) L->ops.state(L, 1, 1 / PETSC_SQRT2, psi);
    PetscCall(LmgLiouvillePure(L, psi, rho));
    PetscCall(PetscFree(psi));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(VecZeroEntries(rho));
  PetscCall(VecGetArray(rho, &R));
  for (PetscInt a = 0; a < n; a++) Z += PetscExpReal(-L->E[a] / kT);
  for (PetscInt a = 0; a < n; a++) R[a + n * a] = PetscExpReal(-L->E[a] / kT) / Z;
  PetscCall(VecRestoreArray(rho, &R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleGround(LmgLiouville L, PetscReal h, PetscReal *psi)
{
  const PetscInt n = L->n;
  PetscReal     *H, *work, w[1], vl = 0, vu = 0, abstol = 0, big = 0, q;
  PetscBLASInt   bn, one = 1, m, *isuppz, *iwork, lwork = -1, liwork = -1, info, iq;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n * n, &H, 2 * n, &isuppz));
  PetscCall(LmgLiouvilleJz(L, H));
  for (PetscInt i = 0; i < n * n; i++) H[i] *= -h;
  for (PetscInt a = 0; a < n; a++) H[a + n * a] += L->E[a];
  PetscCall(PetscBLASIntCast(n, &bn));
  dsyevr_("V", "I", "L", &bn, H, &bn, &vl, &vu, &one, &one, &abstol, &m, w, psi, &bn, isuppz, &q, &lwork, &iq, &liwork, &info);
  lwork = (PetscBLASInt)q, liwork = iq;
  PetscCall(PetscMalloc2(lwork, &work, liwork, &iwork));
  dsyevr_("V", "I", "L", &bn, H, &bn, &vl, &vu, &one, &one, &abstol, &m, w, psi, &bn, isuppz, work, &lwork, iwork, &liwork, &info);
  PetscCall(PetscFree2(work, iwork));
  PetscCall(PetscFree2(H, isuppz));
  PetscCheck(!info && m == 1, PETSC_COMM_SELF, PETSC_ERR_LIB, "dsyevr failed for the ground state of H - h Jz: info %d", (int)info);
  for (PetscInt a = 0; a < n; a++)
    if (PetscAbsReal(psi[a]) > PetscAbsReal(big)) big = psi[a];
  if (big < 0)
    for (PetscInt a = 0; a < n; a++) psi[a] = -psi[a];
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

PetscErrorCode LmgLiouvilleExpect(LmgLiouville L, Vec rho, const PetscReal *psi, PetscReal *tr, PetscReal *q, PetscReal *g)
{
  const PetscInt     n = L->n;
  const PetscScalar *R;
  PetscScalar        t = 0, s = 0, v = 0;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(rho, &R));
  for (PetscInt b = 0; b < n; b++) {
    PetscScalar c = 0;
    t += R[b + n * b];
    for (PetscInt a = 0; a < n; a++) s += L->Q[b + n * a] * R[a + n * b]; /* Tr[Q rho] = sum_ab Q_ba rho_ab */
    if (psi) {
      for (PetscInt a = 0; a < n; a++) c += psi[a] * R[a + n * b];
      v += c * psi[b];
    }
  }
  PetscCall(VecRestoreArrayRead(rho, &R));
  if (tr) *tr = PetscRealPart(t);
  if (q) *q = PetscRealPart(s);
  if (g) *g = PetscRealPart(v);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal LmgLiouvilleExpectQ(LmgLiouville L, const PetscReal *psi)
{
  const PetscInt n = L->n;
  PetscReal      s = 0;
  for (PetscInt b = 0; b < n; b++)
    for (PetscInt a = 0; a < n; a++) s += psi[a] * PetscRealPart(L->Q[a + n * b]) * psi[b];
  return s;
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

