/* Full Dicke space (n = N+1) in the eigenbasis of H, built per parity sector: H = diag(E) exactly, and the dephasing
   dissipator applied in the parity-adapted Dicke basis |h,p> = (|m_h> + p|-m_h>)/sqrt2, where Jz|h,p> = m_h|h,-p>. */
#include "lmg/dicke.h"
#include "lmg/liouville.h"
#include <petscblaslapack.h>

extern void dstevd_(const char *, const PetscBLASInt *, double *, double *, double *, const PetscBLASInt *, double *, const PetscBLASInt *, PetscBLASInt *, const PetscBLASInt *, PetscBLASInt *);
extern void dgemm_(const char *, const char *, const PetscBLASInt *, const PetscBLASInt *, const PetscBLASInt *, const double *, const double *, const PetscBLASInt *, const double *, const PetscBLASInt *, const double *, double *, const PetscBLASInt *);

/* Eigenstate order: sector s = 0 (parity +1) first, then s = 1 (parity -1); each ascending. */
typedef struct {
  PetscInt     ns[2], off[2], base[2]; /* sector dimension, half-chain index of its row 0, first eigenstate index */
  PetscReal   *W[2];                   /* ns x ns eigenvectors (columns) in the sector's half-chain basis */
  PetscReal   *mh;                     /* m of half-chain index h */
  PetscScalar *B, *T, *S;              /* n x n work: the four blocks in the Dicke basis (transposed); scratch */
} Full;

/* C (2r x c real view of an r x c complex matrix, lead ldc reals) = A (2r x k, lead lda) op(M), M real k x k. */
static void RealRight(PetscBLASInt r, PetscBLASInt k, const char *op, const PetscScalar *A, PetscBLASInt lda, const PetscReal *M, PetscScalar *C, PetscBLASInt ldc)
{
  const double one = 1, zero = 0;
  PetscBLASInt r2 = 2 * r, la = 2 * lda, lc = 2 * ldc;
  dgemm_("N", op, &r2, &k, &k, &one, (const double *)A, &la, M, &k, &zero, (double *)C, &lc);
}

/* B = A^T for r x c complex A (lead lda); B is c x r (lead c). */
static void Transpose(PetscInt r, PetscInt c, const PetscScalar *A, PetscInt lda, PetscScalar *B)
{
  for (PetscInt j = 0; j < c; j++)
    for (PetscInt i = 0; i < r; i++) B[j + c * i] = A[i + lda * j];
}

/* B (c x r, lead ldb) = A^dagger for r x c complex A (lead lda). */
static void Adjoint(PetscInt r, PetscInt c, const PetscScalar *A, PetscInt lda, PetscScalar *B, PetscInt ldb)
{
  for (PetscInt j = 0; j < c; j++)
    for (PetscInt i = 0; i < r; i++) B[j + ldb * i] = PetscConj(A[i + lda * j]);
}

/* y = gphi (Jz x Jz - {Jz^2, x}/2) for Hermitian x (the propagated rho and Q_H are; y is then Hermitian); self-adjoint.
   Per block (p,q) in {(0,0), (1,1), (0,1)}, (1,0) = (0,1)^dagger: to the Dicke basis (transposed), where the dissipator
   couples block (p,q) to (-p,-q) elementwise, and back to the eigenbasis: 12 real products of ns-sized blocks. */
static PetscErrorCode Dissipate_Full(LmgLiouville L, PetscBool adjoint, Vec x, Vec y)
{
  static const PetscInt blk[3][2] = {{0, 0}, {1, 1}, {0, 1}};
  Full                 *f         = (Full *)L->data;
  const PetscInt        n         = L->n;
  const PetscReal       g = L->gphi, *mh = f->mh;
  const PetscScalar    *X;
  PetscScalar          *Y, *T = f->T, *S = f->S, *Bb[2][2];
  PetscFunctionBeginUser;
  (void)adjoint;
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArrayWrite(y, &Y));
  Bb[0][0] = f->B, Bb[1][1] = Bb[0][0] + f->ns[0] * f->ns[0], Bb[0][1] = Bb[1][1] + f->ns[1] * f->ns[1], Bb[1][0] = Bb[0][1] + f->ns[0] * f->ns[1];
  for (PetscInt b = 0; b < 3; b++) { /* Bb[p][q] = (W_p X_pq W_q^T)^T, ns[q] x ns[p] */
    const PetscInt p = blk[b][0], q = blk[b][1];
    RealRight((PetscBLASInt)f->ns[p], (PetscBLASInt)f->ns[q], "T", X + f->base[p] + n * f->base[q], (PetscBLASInt)n, f->W[q], T, (PetscBLASInt)f->ns[p]);
    Transpose(f->ns[p], f->ns[q], T, f->ns[p], S);
    RealRight((PetscBLASInt)f->ns[q], (PetscBLASInt)f->ns[p], "T", S, (PetscBLASInt)f->ns[q], f->W[p], Bb[p][q], (PetscBLASInt)f->ns[q]);
  }
  Adjoint(f->ns[1], f->ns[0], Bb[0][1], f->ns[1], Bb[1][0], f->ns[0]);
  for (PetscInt b = 0; b < 3; b++) { /* D, then back: Y_pq = W_p^T D_pq W_q */
    const PetscInt     p = blk[b][0], q = blk[b][1], np = f->ns[p], nq = f->ns[q], mp = f->ns[1 - p], mq = f->ns[1 - q];
    const PetscInt     dp = f->off[p] - f->off[1 - p], dq = f->off[q] - f->off[1 - q];
    const PetscScalar *A = Bb[p][q], *A2 = Bb[1 - p][1 - q];
    for (PetscInt k = 0; k < np; k++) {
      const PetscInt  k2 = k + dp;
      const PetscReal m1 = mh[k + f->off[p]];
      for (PetscInt l = 0; l < nq; l++) {
        const PetscInt  l2 = l + dq;
        const PetscReal m2 = mh[l + f->off[q]];
        PetscScalar     v  = -0.5 * (m1 * m1 + m2 * m2) * A[l + nq * k];
        if (k2 >= 0 && k2 < mp && l2 >= 0 && l2 < mq) v += m1 * m2 * A2[l2 + mq * k2];
        T[l + nq * k] = g * v;
      }
    }
    RealRight((PetscBLASInt)nq, (PetscBLASInt)np, "N", T, (PetscBLASInt)nq, f->W[p], S, (PetscBLASInt)nq);
    Transpose(nq, np, S, nq, T);
    RealRight((PetscBLASInt)np, (PetscBLASInt)nq, "N", T, (PetscBLASInt)np, f->W[q], Y + f->base[p] + n * f->base[q], (PetscBLASInt)n);
  }
  Adjoint(f->ns[0], f->ns[1], Y + f->base[0] + n * f->base[1], n, Y + f->base[1] + n * f->base[0], n);
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArrayWrite(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = Q x: Q maps each parity sector to the other. */
static PetscErrorCode MultQ_Full(LmgLiouville L, Vec x, Vec y)
{
  Full              *f = (Full *)L->data;
  const PetscScalar *X, one = 1, zero = 0;
  PetscScalar       *Y;
  PetscBLASInt       n, r, k;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(L->n, &n));
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArrayWrite(y, &Y));
  for (PetscInt p = 0; p < 2; p++) {
    PetscCall(PetscBLASIntCast(f->ns[1 - p], &r));
    PetscCall(PetscBLASIntCast(f->ns[p], &k));
    if (r && k) PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &r, &n, &k, &one, L->Q + f->base[1 - p] + L->n * f->base[p], &n, X + f->base[p], &n, &zero, Y + f->base[1 - p], &n));
  }
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArrayWrite(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* psi += c |E_i> (eigenvector i of the spectrum record) in this model's eigenbasis. */
static void AddState(const Full *f, const LmgSpectrum *sp, PetscInt i, PetscReal c, PetscReal *psi)
{
  const PetscInt   s = sp->parity[i] > 0 ? 0 : 1;
  const PetscReal *v = sp->vec + i * sp->nh + f->off[s], *W = f->W[s];
  for (PetscInt a = 0; a < f->ns[s]; a++) {
    PetscReal t = 0;
    for (PetscInt h = 0; h < f->ns[s]; h++) t += W[h + f->ns[s] * a] * v[h];
    psi[f->base[s] + a] += c * t;
  }
}

/* ground: |E0><E0|; pointer: |P><P|, P = (|E0> + |E1>)/sqrt2 (the spectrum's eigenvectors); thermal: Gibbs over all n. */
static PetscErrorCode Initial_Full(LmgLiouville L, const char *initial, PetscReal T, Vec rho)
{
  Full        *f = (Full *)L->data;
  PetscInt     n = L->n;
  PetscReal   *psi, kT = LMG_KB * T / LMG_HBAR, Z = 0;
  PetscScalar *R;
  PetscBool    ground, pointer;
  PetscFunctionBeginUser;
  PetscCall(PetscStrcmp(initial, "ground", &ground));
  PetscCall(PetscStrcmp(initial, "pointer", &pointer));
  PetscCall(VecZeroEntries(rho));
  PetscCall(VecGetArray(rho, &R));
  if (ground || pointer) {
    PetscCall(PetscCalloc1(n, &psi));
    AddState(f, L->sp, 0, ground ? 1 : 1 / PETSC_SQRT2, psi);
    if (pointer) AddState(f, L->sp, 1, 1 / PETSC_SQRT2, psi);
    for (PetscInt b = 0; b < n; b++)
      for (PetscInt a = 0; a < n; a++) R[a + n * b] = psi[a] * psi[b];
    PetscCall(PetscFree(psi));
  } else {
    for (PetscInt a = 0; a < n; a++) Z += PetscExpReal(-L->E[a] / kT);
    for (PetscInt a = 0; a < n; a++) R[a + n * a] = PetscExpReal(-L->E[a] / kT) / Z;
  }
  PetscCall(VecRestoreArray(rho, &R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_Full(LmgLiouville L)
{
  Full *f = (Full *)L->data;
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(f->W[0], f->W[1], f->mh));
  PetscCall(PetscFree4(L->Q, f->B, f->T, f->S));
  PetscCall(PetscFree(L->E));
  PetscCall(PetscFree(f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Sector s: all eigenpairs of its tridiagonal (LAPACK dstevd), energies in rad/s into E[base .. base + ns). */
static PetscErrorCode Diagonalize(const LmgSector *sec, PetscReal J, PetscReal *W, PetscReal *E)
{
  PetscBLASInt n, lwork, liwork, info, *iwork;
  PetscReal   *e, *work;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(sec->n, &n));
  lwork  = 1 + 4 * n + n * n;
  liwork = 3 + 5 * n;
  PetscCall(PetscMalloc3(sec->n, &e, lwork, &work, liwork, &iwork));
  for (PetscInt i = 0; i < sec->n; i++) E[i] = J * sec->d[i], e[i] = i < sec->n - 1 ? J * sec->e[i] : 0;
  dstevd_("V", &n, E, e, W, &n, work, &lwork, iwork, &liwork, &info);
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dstevd failed: info %d", (int)info);
  PetscCall(PetscFree3(e, work, iwork));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L->Q = sign(Jz) in the eigenbasis (zero diagonal blocks): block (-p, p) = W_{-p}^T S W_p, S|h,p> = sign(m_h)|h,-p>. */
static PetscErrorCode BuildQ(LmgLiouville L, const Full *f, PetscInt n)
{
  PetscReal   *R, *Qr;
  const double one = 1, zero = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n * n, &R, n * n, &Qr));
  for (PetscInt p = 0; p < 2; p++) {
    const PetscInt q = 1 - p, np = f->ns[p], nq = f->ns[q], d = f->off[q] - f->off[p];
    PetscBLASInt   a, b;
    for (PetscInt j = 0; j < np; j++) /* R = S W_p, nq x np */
      for (PetscInt i = 0; i < nq; i++) R[i + nq * j] = (i + d >= 0 && i + d < np && f->mh[i + f->off[q]] > 0) ? f->W[p][i + d + np * j] : 0;
    PetscCall(PetscBLASIntCast(nq, &a));
    PetscCall(PetscBLASIntCast(np, &b));
    if (a && b) dgemm_("T", "N", &a, &b, &a, &one, f->W[q], &a, R, &a, &zero, Qr, &a);
    for (PetscInt j = 0; j < np; j++)
      for (PetscInt i = 0; i < nq; i++) L->Q[f->base[q] + i + n * (f->base[p] + j)] = Qr[i + nq * j];
  }
  PetscCall(PetscFree2(R, Qr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleCreate_Full(const LmgConfig *cfg, const LmgSpectrum *sp, LmgLiouville L)
{
  Full     *f;
  PetscInt  N = sp->N, n = N + 1, nh = LmgHalfLength(N), lo[2];
  PetscReal E0;
  LmgSector sec[2];
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&f));
  for (PetscInt s = 0; s < 2; s++) {
    PetscCall(LmgSectorCreate(N, sp->g, s ? -1 : 1, &sec[s]));
    f->ns[s]  = sec[s].n;
    f->off[s] = sec[s].offset;
  }
  f->base[0] = 0, f->base[1] = f->ns[0];
  PetscCall(PetscMalloc3(f->ns[0] * f->ns[0], &f->W[0], f->ns[1] * f->ns[1], &f->W[1], nh, &f->mh));
  PetscCall(PetscCalloc4(n * n, &L->Q, n * n, &f->B, n * n, &f->T, n * n, &f->S));
  PetscCall(PetscMalloc1(n, &L->E));
  for (PetscInt h = 0; h < nh; h++) f->mh[h] = LmgHalfM(N, h);
  for (PetscInt s = 0; s < 2; s++) {
    PetscCall(Diagonalize(&sec[s], cfg->J, f->W[s], L->E + f->base[s]));
    PetscCall(LmgSectorDestroy(&sec[s]));
  }
  /* energies relative to E0; the doublet partner at the spectrum's resolved dE (as the k-level models) */
  lo[0] = f->base[sp->parity[0] > 0 ? 0 : 1], lo[1] = f->base[sp->parity[1] > 0 ? 0 : 1];
  E0 = L->E[lo[0]];
  for (PetscInt a = 0; a < n; a++) L->E[a] -= E0;
  if (lo[1] != lo[0]) L->E[lo[1]] = sp->dE;
  PetscCall(BuildQ(L, f, n));
  L->n              = n;
  L->sp             = sp;
  L->data           = f;
  L->ops.dissipate  = Dissipate_Full;
  L->ops.multq      = MultQ_Full;
  L->ops.initial    = Initial_Full;
  L->ops.destroy    = Destroy_Full;
  PetscFunctionReturn(PETSC_SUCCESS);
}
