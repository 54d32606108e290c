/* States and observables of either model from what the model supplies (the spectrum's eigenvectors in its basis, its
   energies, its Jz and Q): initial states, the ground state of a biased H, expectation values and the correlator, each
   on this rank's columns (L->cols) and summed over the model's comm. Q is real symmetric: its column b is its row b. */
#include "lmg/dicke.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

extern void dsyevr_(const char *, const char *, const char *, const PetscBLASInt *, double *, const PetscBLASInt *, const double *, const double *, const PetscBLASInt *, const PetscBLASInt *, const double *, PetscBLASInt *, double *, double *, const PetscBLASInt *, PetscBLASInt *, double *, const PetscBLASInt *, PetscBLASInt *, const PetscBLASInt *, PetscBLASInt *);

extern void dsyev_(const char *, const char *, const PetscBLASInt *, double *, const PetscBLASInt *, double *, double *, const PetscBLASInt *, PetscBLASInt *);

/* Index of entry (a, c0 + b) in this rank's block of a Vec (packed or not: columns.h) */
#define At(L, a, b) LmgColumnsIndex(&(L)->cols, a, b)

/* Weight of entry (a, b) of a Hermitian matrix in a sum over the entries held: 1 (the whole matrix), or for a lower
   triangle 1 on the diagonal, 2 below it (with the real part taken of the sum), 0 above. */
static inline PetscReal Weight(LmgLiouville L, PetscInt a, PetscInt b)
{
  return !L->cols.lower ? 1 : a > b ? 2 : a == b ? 1 : 0;
}

PetscErrorCode LmgLiouvillePure(LmgLiouville L, const PetscReal *psi, Vec rho)
{
  const PetscInt n = L->n, c0 = L->cols.c0;
  PetscScalar   *R;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayWrite(rho, &R));
  for (PetscInt b = 0; b < L->cols.nc; b++)
    for (PetscInt a = L->cols.lower ? c0 + b : 0; a < n; a++) R[At(L, a, b)] = psi[a] * psi[c0 + b];
  PetscCall(VecRestoreArrayWrite(rho, &R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GroundBiased(LmgLiouville L, Vec rho)
{
  PetscReal *psi;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(L->n, &psi));
  PetscCall(LmgLiouvilleGround(L, L->h, psi));
  PetscCall(LmgLiouvillePure(L, psi, rho));
  PetscCall(PetscFree(psi));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The Gibbs state of H - h Jz at T in the model's basis: all eigenpairs of the dense n x n matrix (LAPACK dsyev,
   O(n^3) on every rank), rho = U diag(p) U^T on this rank's columns. */
static PetscErrorCode GibbsBiased(LmgLiouville L, PetscReal T, Vec rho)
{
  const PetscInt n = L->n, c0 = L->cols.c0;
  PetscReal     *H, *w, *p, *work, q, kT = LMG_KB * T / LMG_HBAR, Z = 0;
  PetscBLASInt   bn, lwork = -1, info;
  PetscScalar   *R;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(n * n, &H, n, &w, n, &p));
  PetscCall(LmgLiouvilleJz(L, H));
  for (PetscInt i = 0; i < n * n; i++) H[i] *= -L->h;
  for (PetscInt a = 0; a < n; a++) H[a + n * a] += L->E[a];
  PetscCall(PetscBLASIntCast(n, &bn));
  dsyev_("V", "L", &bn, H, &bn, w, &q, &lwork, &info);
  lwork = (PetscBLASInt)q;
  PetscCall(PetscMalloc1(lwork, &work));
  dsyev_("V", "L", &bn, H, &bn, w, work, &lwork, &info);
  PetscCall(PetscFree(work));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dsyev failed for the Gibbs state of H - h Jz: info %d", (int)info);
  for (PetscInt i = 0; i < n; i++) Z += p[i] = PetscExpReal(-(w[i] - w[0]) / kT);
  PetscCall(VecGetArrayWrite(rho, &R));
  for (PetscInt b = 0; b < L->cols.nc; b++)
    for (PetscInt a = L->cols.lower ? c0 + b : 0; a < n; a++) {
      PetscReal v = 0;
      for (PetscInt i = 0; i < n; i++) v += H[a + n * i] * p[i] * H[c0 + b + n * i];
      R[At(L, a, b)] = v / Z;
    }
  PetscCall(VecRestoreArrayWrite(rho, &R));
  PetscCall(PetscFree3(H, w, p));
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
  if (L->h != 0 && !L->rotated && !pointer) { /* the full space under a static bias: of H - h Jz */
    PetscCall(ground ? GroundBiased(L, rho) : GibbsBiased(L, T, rho));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (ground && L->rotated) { /* the basis is the eigenbasis of H - h Jz: its state 0 */
    PetscCall(PetscCalloc1(n, &psi));
    psi[0] = 1;
    PetscCall(LmgLiouvillePure(L, psi, rho));
    PetscCall(PetscFree(psi));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
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
  for (PetscInt b = 0; b < L->cols.nc; b++) R[At(L, L->cols.c0 + b, b)] = PetscExpReal(-L->E[L->cols.c0 + b] / kT) / Z;
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
  for (PetscInt b = 0; b < L->cols.nc; b++)
    for (PetscInt a = L->cols.lower ? L->cols.c0 + b : 0; a < L->n; a++) Y[At(L, a, b)] = L->Q[a + L->n * b];
  PetscCall(VecRestoreArrayWrite(q, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleExpect(LmgLiouville L, Vec rho, const PetscReal *psi, PetscReal *tr, PetscReal *q, PetscReal *g)
{
  const PetscInt     n = L->n, c0 = L->cols.c0;
  const PetscScalar *R;
  PetscScalar        v[3] = {0, 0, 0}; /* Tr rho, Tr[Q rho] = sum_ab Q_ab rho_ab, <psi|rho|psi> */
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(rho, &R));
  for (PetscInt b = 0; b < L->cols.nc; b++) {
    PetscScalar c = 0;
    v[0] += R[At(L, c0 + b, b)];
    if (L->cols.lower) { /* the real parts below count twice */
      for (PetscInt a = c0 + b; a < n; a++) v[1] += Weight(L, a, c0 + b) * L->Q[a + n * b] * R[At(L, a, b)];
      if (psi)
        for (PetscInt a = c0 + b; a < n; a++) v[2] += Weight(L, a, c0 + b) * psi[a] * R[At(L, a, b)] * psi[c0 + b];
      continue;
    }
    for (PetscInt a = 0; a < n; a++) v[1] += L->Q[a + n * b] * R[a + n * b];
    if (psi) {
      for (PetscInt a = 0; a < n; a++) c += psi[a] * R[a + n * b];
      v[2] += c * psi[c0 + b];
    }
  }
  PetscCall(VecRestoreArrayRead(rho, &R));
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, v, 3, MPIU_SCALAR, MPIU_SUM, L->cols.comm));
  if (tr) *tr = PetscRealPart(v[0]);
  if (q) *q = PetscRealPart(v[1]);
  if (g) *g = PetscRealPart(v[2]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleExpectQ(LmgLiouville L, const PetscReal *psi, PetscReal *q)
{
  const PetscInt n = L->n;
  PetscFunctionBeginUser;
  *q = 0;
  for (PetscInt b = 0; b < L->cols.nc; b++)
    for (PetscInt a = 0; a < n; a++) *q += psi[a] * PetscRealPart(L->Q[a + n * b]) * psi[L->cols.c0 + b];
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, q, 1, MPIU_REAL, MPIU_SUM, L->cols.comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Entries of rho below this fraction of its largest are outside its support S in LmgLiouvilleCorrelate. */
#define LMG_SUPPORT_DROP 1e-17

static inline PetscReal Abs2(PetscScalar v)
{
  return PetscRealPart(v) * PetscRealPart(v) + PetscImaginaryPart(v) * PetscImaginaryPart(v);
}

/* rho's support S (m of the n states: a column, so a row, with an entry above LMG_SUPPORT_DROP of rho's largest),
   in[a] the position of a in S or -1, Rs = rho[S, S] (m x m) on every rank; *big: max |rho_ab|^2. Free with
   PetscFree3(S, in, Rs). */
static PetscErrorCode Support(LmgLiouville L, const PetscScalar *R, PetscInt *m, PetscInt **S, PetscInt **in, PetscScalar **Rs, PetscReal *big)
{
  const PetscInt n = L->n, c0 = L->cols.c0, nc = L->cols.nc;
  PetscInt      *f;
  PetscFunctionBeginUser;
  *big = 0, *m = 0;
  for (PetscInt i = 0; i < At(L, n, nc - 1); i++) *big = PetscMax(*big, Abs2(R[i])); /* squared moduli: no hypot per entry */
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, big, 1, MPIU_REAL, MPIU_MAX, L->cols.comm));
  PetscCall(PetscCalloc1(n, &f));
  for (PetscInt b = 0; b < nc; b++) { /* column b of Hermitian rho is row b */
    PetscInt a = 0;
    if (L->cols.lower) { /* (a, b) below the diagonal: a and b */
      for (a = c0 + b; a < n; a++)
        if (Abs2(R[At(L, a, b)]) > LMG_SUPPORT_DROP * LMG_SUPPORT_DROP * *big) f[a] = f[c0 + b] = 1;
      continue;
    }
    while (a < n && !(Abs2(R[a + n * b]) > LMG_SUPPORT_DROP * LMG_SUPPORT_DROP * *big)) a++;
    f[c0 + b] = a < n;
  }
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, f, (PetscMPIInt)n, MPIU_INT, MPI_MAX, L->cols.comm));
  for (PetscInt a = 0; a < n; a++) *m += f[a];
  PetscCall(PetscCalloc3(PetscMax(*m, 1), S, n, in, PetscMax(*m * *m, 1), Rs));
  for (PetscInt a = 0, k = 0; a < n; a++) (*in)[a] = f[a] ? ((*S)[k] = a, k++) : -1;
  PetscCall(PetscFree(f));
  for (PetscInt b = 0; b < nc; b++) {
    const PetscInt j = (*in)[c0 + b];
    if (j < 0) continue;
    for (PetscInt i = 0; i < *m; i++) {
      if (!L->cols.lower) (*Rs)[i + *m * j] = R[(*S)[i] + n * b];
      else if ((*S)[i] >= c0 + b) { /* the entry below the diagonal gives both */
        (*Rs)[i + *m * j] = R[At(L, (*S)[i], b)];
        if ((*S)[i] > c0 + b) (*Rs)[j + *m * i] = PetscConj(R[At(L, (*S)[i], b)]);
      }
    }
  }
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, *Rs, (PetscMPIInt)(*m * *m), MPIU_SCALAR, MPIU_SUM, L->cols.comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleDiagnose(LmgLiouville L, Vec rho, PetscReal *terr, PetscReal *herr)
{
  const PetscInt     n = L->n, c0 = L->cols.c0, nc = L->cols.nc;
  const PetscScalar *R;
  PetscScalar        tr = 0;
  PetscReal          e = *herr;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(rho, &R));
  for (PetscInt b = 0; b < nc; b++) tr += R[At(L, c0 + b, b)];
  if (L->cols.lower) (void)0; /* a packed lower triangle is Hermitian by construction */
  else if (L->cols.size == 1)
    for (PetscInt b = 0; b < n; b++)
      for (PetscInt a = 0; a < b; a++) e = PetscMax(e, PetscAbsScalar(R[a + n * b] - PetscConj(R[b + n * a])));
  else { /* without a transpose: exact on the support S x S (gathered), and outside it |rho_ab - conj(rho_ba)| <=
            |rho_ab| + LMG_SUPPORT_DROP max|rho| (one of the two is outside S, so below that) */
    PetscInt    *S, *in, m;
    PetscScalar *Rs;
    PetscReal    big, out = 0;
    PetscCall(Support(L, R, &m, &S, &in, &Rs, &big));
    for (PetscInt j = 0; j < m; j++)
      for (PetscInt i = 0; i < j; i++) e = PetscMax(e, PetscAbsScalar(Rs[i + m * j] - PetscConj(Rs[j + m * i])));
    for (PetscInt b = 0; b < nc; b++)
      for (PetscInt a = 0; a < n; a++)
        if (in[a] < 0 || in[c0 + b] < 0) out = PetscMax(out, Abs2(R[a + n * b]));
    if (out > 0) e = PetscMax(e, PetscSqrtReal(out) + LMG_SUPPORT_DROP * PetscSqrtReal(big));
    PetscCall(PetscFree3(S, in, Rs));
  }
  PetscCall(VecRestoreArrayRead(rho, &R));
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, &tr, 1, MPIU_SCALAR, MPIU_SUM, L->cols.comm));
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, &e, 1, MPIU_REAL, MPIU_MAX, L->cols.comm));
  *terr = PetscMax(*terr, PetscAbsScalar(tr - 1));
  *herr = e;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* This rank's part of Tr[x Q rho] = sum_a x_aa M_aa + sum_{a > b} (x_ab M_ba + conj(x_ab) M_ab), M = Q rho, from the
   lower triangle of x (its columns b here); Y[j, b] = M_{b, S_j} as in LmgLiouvilleCorrelate, and for the columns b in
   S, M[:, b] = Q[:, S] Rs[:, b] (Q[:, S] gathered). */
static PetscErrorCode CorrelateLower(LmgLiouville L, const PetscScalar *X, PetscInt m, const PetscInt *S, const PetscInt *in, const PetscScalar *Rs, const PetscScalar *Y, PetscScalar *sum)
{
  const PetscInt n = L->n, c0 = L->cols.c0, nc = L->cols.nc;
  PetscScalar   *Qg, *Mb;
  PetscFunctionBeginUser;
  for (PetscInt b = 0; b < nc; b++)
    for (PetscInt j = 0; j < m; j++)
      if (S[j] > c0 + b) *sum += X[At(L, S[j], b)] * Y[j + m * b];
  PetscCall(PetscCalloc2(PetscMax(n * m, 1), &Qg, n, &Mb));
  for (PetscInt i = 0; i < m; i++)
    if (S[i] >= c0 && S[i] < c0 + nc) PetscCall(PetscArraycpy(Qg + n * i, L->Q + n * (S[i] - c0), n));
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, Qg, (PetscMPIInt)(n * m), MPIU_SCALAR, MPIU_SUM, L->cols.comm));
  for (PetscInt b = 0; b < nc; b++) {
    const PetscInt c = c0 + b, j = in[c];
    if (j < 0) continue;
    for (PetscInt a = c; a < n; a++) Mb[a] = 0;
    for (PetscInt i = 0; i < m; i++)
      for (PetscInt a = c; a < n; a++) Mb[a] += Qg[a + n * i] * Rs[i + m * j];
    *sum += X[At(L, c, b)] * Mb[c];
    for (PetscInt a = c + 1; a < n; a++) *sum += PetscConj(X[At(L, a, b)]) * Mb[a];
  }
  PetscCall(PetscFree2(Qg, Mb));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* This rank's part of Re Tr[x M(rho)] = sum_(+-) +- Re Tr[x K rho K]: with G = K rho K = K_S Rs K_S^T (K_S = K[:, S]),
   sum over the entries x_ac held of their weight times x_ac G_ca; G's rows of this rank's columns c come as
   Gc[:, b] = K_S (K_S Rs)[c, :]^T. O(n m^2 + n m nc) per K. */
static PetscErrorCode CorrelateMeasured(LmgLiouville L, const PetscScalar *X, PetscInt m, const PetscInt *S, const PetscScalar *Rs, PetscScalar *sum)
{
  const PetscInt    n = L->n, c0 = L->cols.c0, nc = L->cols.nc;
  const PetscScalar one = 1, zero = 0;
  PetscScalar      *KS, *B, *Gc;
  PetscBLASInt      bn, bm, bc;
  PetscFunctionBeginUser;
  if (!m || !nc) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(nc, &bc));
  PetscCall(PetscMalloc3(n * m, &KS, n * m, &B, n * nc, &Gc));
  for (PetscInt k = 0; k < 2; k++) {
    const PetscScalar *K = k ? L->Km : L->Kp;
    const PetscReal    s = k ? -1 : 1;
    for (PetscInt i = 0; i < m; i++) PetscCall(PetscArraycpy(KS + n * i, K + n * S[i], n));
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bn, &bm, &bm, &one, KS, &bn, Rs, &bm, &zero, B, &bn));
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bn, &bc, &bm, &one, KS, &bn, B + c0, &bn, &zero, Gc, &bn));
    for (PetscInt b = 0; b < nc; b++)
      for (PetscInt a = L->cols.lower ? c0 + b : 0; a < n; a++) *sum += s * Weight(L, a, c0 + b) * X[At(L, a, b)] * Gc[a + n * b];
  }
  PetscCall(PetscFree3(KS, B, Gc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleCorrelate(LmgLiouville L, Vec x, Vec rho, PetscReal *c)
{
  const PetscInt     n = L->n, nc = L->cols.nc;
  const PetscScalar *X, *R, one = 1, zero = 0;
  PetscScalar       *Rs, *Qs, *Y, sum = 0;
  PetscInt          *S, *in, m;
  PetscReal          big;
  PetscBLASInt       bc, bm;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArrayRead(rho, &R));
  PetscCall(Support(L, R, &m, &S, &in, &Rs, &big));
  if (L->Kp) {
    PetscCall(CorrelateMeasured(L, X, m, S, Rs, &sum));
    PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, &sum, 1, MPIU_SCALAR, MPIU_SUM, L->cols.comm));
    *c = PetscRealPart(sum);
    PetscCall(PetscFree3(S, in, Rs));
    PetscCall(VecRestoreArrayRead(x, &X));
    PetscCall(VecRestoreArrayRead(rho, &R));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  /* Qs = Q[S, mine], Y = Rs^T Qs: Y[j, b] = sum_i Q_{S_i b} rho_{S_i S_j} = (Q rho)_{b S_j};
     Tr[x Q rho] = sum_j sum_b x_{S_j b} (Q rho)_{b S_j} (rho_{S_i a} = 0 for a outside S) */
  PetscCall(PetscCalloc2(m * nc, &Qs, m * nc, &Y));
  for (PetscInt b = 0; b < nc; b++)
    for (PetscInt i = 0; i < m; i++) Qs[i + m * b] = L->Q[S[i] + n * b];
  PetscCall(PetscBLASIntCast(nc, &bc));
  PetscCall(PetscBLASIntCast(m, &bm));
  if (m && nc) PetscCallBLAS("BLASgemm", BLASgemm_("T", "N", &bm, &bc, &bm, &one, Rs, &bm, Qs, &bm, &zero, Y, &bm));
  if (!L->cols.lower)
    for (PetscInt b = 0; b < nc; b++)
      for (PetscInt j = 0; j < m; j++) sum += X[S[j] + n * b] * Y[j + m * b];
  else PetscCall(CorrelateLower(L, X, m, S, in, Rs, Y, &sum));
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, &sum, 1, MPIU_SCALAR, MPIU_SUM, L->cols.comm));
  *c = PetscRealPart(sum);
  PetscCall(PetscFree2(Qs, Y));
  PetscCall(PetscFree3(S, in, Rs));
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArrayRead(rho, &R));
  PetscFunctionReturn(PETSC_SUCCESS);
}
