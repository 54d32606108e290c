/* Full-space modes (README "What is computed" §5): stage 1 dense — the modes of the k0 lowest levels (rho01 carriers)
   and the population rate matrix W of all n levels (population mode, gap); stage 2 SLEPc (Generalized Davidson, EPSGD)
   on a matrix-free shell of one parity block of the full L (LmgRatesApply: the banded eigenbasis operator), started
   from the stage-1 vector and targeting its eigenvalue, preconditioned by (diag(L) - sigma)^{-1} on coherences and the
   exact (W - sigma)^{-1} on populations (the populations' block of L is W). */
#include <math.h>
#include <slepceps.h>
#include "lmg/control.h"
#include "lmg/rates.h"

extern void dsyev_(const char *, const char *, const PetscBLASInt *, double *, const PetscBLASInt *, double *, double *, const PetscBLASInt *, PetscBLASInt *);

#define RESTARTS    8  /* restarts of a solve whose true residual is above max(10 tol, 1e-6), while each halves it ... */
#define RESTART_ITS 30 /* ... within this many iterations */

typedef struct {
  LmgLiouville      L;
  MPI_Comm          comm;    /* L's: a team holds the block's entries in its columns (L->cols) */
  PetscInt          n, b, m; /* states, block, its unknowns on this rank */
  PetscInt          M, c0;   /* the block's unknowns on all ranks; this rank's first column */
  PetscInt         *idx;     /* [m] vec indices a + n c of the block here (ascending) */
  PetscInt         *pos;     /* [n nc] position in the block of entry (a, c0 + j) at a + n j, or -1 */
  PetscScalar      *x, *y;   /* n nc work */
  Vec               vx, vy;
  PetscReal        *A2;    /* [n] (Jz^2)_aa */
  PetscReal        *U, *w; /* W = U diag(w) U^T, n x n (even block) */
  PetscScalar       sigma;
  PetscInt          matvecs;
  const LmgControl *ctl; /* asked at each iteration whether to give up */
  PetscBool         abandoned;
} Op;

/* n x n real symmetric eigendecomposition in place (eigenvalues ascending). */
static PetscErrorCode Syev(PetscInt n, PetscReal *A, PetscReal *w)
{
  PetscBLASInt bn, lwork = -1, info;
  PetscReal    q, *work;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(n, &bn));
  dsyev_("V", "U", &bn, A, &bn, w, &q, &lwork, &info);
  lwork = (PetscBLASInt)q + 1;
  PetscCall(PetscMalloc1(lwork, &work));
  dsyev_("V", "U", &bn, A, &bn, w, work, &lwork, &info);
  PetscCall(PetscFree(work));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dsyev failed: info %d", (int)info);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Mult(Mat A, Vec vin, Vec vout)
{
  Op                *op;
  const PetscScalar *in;
  PetscScalar       *out;
  PetscInt           o;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &op));
  o = op->n * op->c0; /* vec index of this rank's first entry */
  PetscCall(VecGetArrayRead(vin, &in));
  PetscCall(PetscArrayzero(op->x, op->n * op->L->cols.nc));
  for (PetscInt i = 0; i < op->m; i++) op->x[op->idx[i] - o] = in[i];
  PetscCall(VecRestoreArrayRead(vin, &in));
  if (op->L->cols.size == 1) PetscCall(LmgRatesApply(op->L, op->x, op->y, op->vx, op->vy));
  else { /* a team's whole matrices: [A, x] = Ax - xA holds for any x (no Hermitian parts needed) */
    PetscScalar       *X;
    const PetscScalar *Y;
    PetscCall(VecGetArrayWrite(op->vx, &X));
    PetscCall(PetscArraycpy(X, op->x, op->n * op->L->cols.nc));
    PetscCall(VecRestoreArrayWrite(op->vx, &X));
    PetscCall(LmgLiouvilleApply(op->L, PETSC_FALSE, op->vx, op->vy));
    PetscCall(VecGetArrayRead(op->vy, &Y));
    PetscCall(PetscArraycpy(op->y, Y, op->n * op->L->cols.nc));
    PetscCall(VecRestoreArrayRead(op->vy, &Y));
  }
  PetscCall(VecGetArrayWrite(vout, &out));
  for (PetscInt i = 0; i < op->m; i++) out[i] = op->y[op->idx[i] - o];
  PetscCall(VecRestoreArrayWrite(vout, &out));
  op->matvecs++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* diag(L)_ab = -i (E_a - E_b) - gphi ((Jz^2)_aa + (Jz^2)_bb)/2 (Jz has no diagonal in the eigenbasis) */
static inline PetscScalar Diag(const Op *op, PetscInt e)
{
  const PetscInt a = e % op->n, c = e / op->n;
  return -PETSC_i * (op->L->E[a] - op->L->E[c]) - 0.5 * op->L->gphi * (op->A2[a] + op->A2[c]);
}

/* Position in the block of entry (a, c) when column c is this rank's, else -1. */
static inline PetscInt Pos(const Op *op, PetscInt a, PetscInt c)
{
  return c >= op->c0 && c < op->c0 + op->L->cols.nc ? op->pos[a + op->n * (c - op->c0)] : -1;
}

static PetscErrorCode Precondition(PC pc, Vec vin, Vec vout)
{
  Op                *op;
  const PetscScalar *r;
  PetscScalar       *z;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &op));
  PetscCall(VecGetArrayRead(vin, &r));
  PetscCall(VecGetArrayWrite(vout, &z));
  for (PetscInt i = 0; i < op->m; i++) {
    PetscScalar d = Diag(op, op->idx[i]) - op->sigma;
    if (PetscAbsScalar(d) < 1e-3 * PetscAbsScalar(op->sigma)) d = 1e-3 * PetscAbsScalar(op->sigma); /* at the target */
    z[i] = r[i] / d;
  }
  if (op->U) { /* populations: U (w - sigma)^{-1} U^T r (a team: each rank its columns' populations, U^T r summed) */
    const PetscInt N1 = op->n, a0 = op->c0, a1 = op->c0 + op->L->cols.nc;
    PetscScalar   *c;
    PetscCall(PetscCalloc1(N1, &c));
    for (PetscInt k = 0; k < N1; k++)
      for (PetscInt a = a0; a < a1; a++) c[k] += op->U[a + N1 * k] * r[Pos(op, a, a)];
    if (op->L->cols.size > 1) PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, c, (PetscMPIInt)N1, MPIU_SCALAR, MPIU_SUM, op->comm));
    for (PetscInt k = 0; k < N1; k++) {
      PetscScalar d = op->w[k] - op->sigma;
      if (PetscAbsScalar(d) < 1e-3 * PetscAbsScalar(op->sigma)) d = 1e-3 * PetscAbsScalar(op->sigma); /* at the target */
      c[k] /= d;
    }
    for (PetscInt a = a0; a < a1; a++) {
      PetscScalar s = 0;
      for (PetscInt k = 0; k < N1; k++) s += op->U[a + N1 * k] * c[k];
      z[Pos(op, a, a)] = s;
    }
    PetscCall(PetscFree(c));
  }
  PetscCall(VecRestoreArrayRead(vin, &r));
  PetscCall(VecRestoreArrayWrite(vout, &z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Stop(EPS eps, PetscInt its, PetscInt max_it, PetscInt nconv, PetscInt nev, EPSConvergedReason *reason, void *ctx)
{
  Op *op = (Op *)ctx;
  PetscBool   stop;
  PetscMPIInt size;
  PetscFunctionBeginUser;
  PetscCall(EPSStoppingBasic(eps, its, max_it, nconv, nev, reason, NULL));
  stop = LmgControlAbandon(op->ctl);
  PetscCallMPI(MPI_Comm_size(op->comm, &size));
  if (size > 1) PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, &stop, 1, MPIU_BOOL, MPI_LOR, op->comm)); /* the team together */
  if (*reason == EPS_CONVERGED_ITERATING && stop) op->abandoned = PETSC_TRUE, *reason = EPS_CONVERGED_USER;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The eigensolver of block op->b (prefix -rates_ for the odd block, -rates_pop_ for the even one), as every record
   creates it: generalized Davidson, the preconditioner applied once per iteration. */
static PetscErrorCode CreateSolver(Op *op, PetscReal tol, EPS *eps, Mat *A)
{
  ST  st;
  KSP ksp;
  PC  pc;
  PetscFunctionBeginUser;
  PetscCall(MatCreateShell(op->comm, op->m, op->m, op->M, op->M, op, A));
  PetscCall(MatShellSetOperation(*A, MATOP_MULT, (void (*)(void))Mult));
  PetscCall(EPSCreate(op->comm, eps));
  PetscCall(EPSSetOptionsPrefix(*eps, op->b ? "rates_" : "rates_pop_"));
  PetscCall(EPSSetOperators(*eps, *A, NULL));
  PetscCall(EPSSetProblemType(*eps, EPS_NHEP));
  PetscCall(EPSSetType(*eps, EPSGD));
  PetscCall(EPSSetWhichEigenpairs(*eps, EPS_TARGET_MAGNITUDE));
  PetscCall(EPSSetDimensions(*eps, 1, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(*eps, tol, 2000));
  PetscCall(EPSSetStoppingTestFunction(*eps, Stop, op, NULL));
  PetscCall(EPSGetST(*eps, &st));
  PetscCall(STSetType(st, STPRECOND));
  PetscCall(STGetKSP(st, &ksp));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PCShellSetApply(pc, Precondition));
  PetscCall(PCShellSetContext(pc, op));
  PetscCall(EPSSetFromOptions(*eps));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Probe(void)
{
  EPS eps;
  Mat A;
  Op  op;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&op, sizeof op));
  op.comm = PETSC_COMM_SELF, op.m = op.M = 4;
  for (op.b = 0; op.b < 2; op.b++) {
    PetscCall(CreateSolver(&op, 1e-8, &eps, &A));
    PetscCall(EPSDestroy(&eps));
    PetscCall(MatDestroy(&A));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgRatesCheckOptions(char *err)
{
  LmgErrorInfo   info;
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  PetscCall(LmgErrorPush(&info));
  ierr = Probe();
  PetscCall(LmgErrorPop());
  if (ierr && !err[0]) LmgErrorText(ierr, &info, "a -rates_ option is not accepted by SLEPc's EPS", err, LMG_ERR_LEN);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal LmgRatesFullBytes(PetscInt n, PetscInt ranks)
{
  /* measured 3.05 GB at n = 2001 on one rank: the GD basis and the work vectors (shared out by a team), the dense Jz
     and W and the sectors' eigenvectors (on every rank) */
  return 780.0 * n * n / ranks + 20.0 * n * n + 2e7;
}

/* The block b's index lists. */
static PetscErrorCode OpCreate(LmgLiouville L, PetscInt b, const PetscReal *Z, Op *op)
{
  const PetscInt n = L->n, nc = L->cols.nc, o = n * L->cols.c0;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(op, sizeof *op));
  op->L = L, op->n = n, op->b = b, op->comm = L->cols.comm, op->c0 = L->cols.c0;
  for (PetscInt e = o; e < o + n * nc; e++) op->m += LmgModesBlockOf(L->p, n, e) == b;
  PetscCallMPI(MPIU_Allreduce(&op->m, &op->M, 1, MPIU_INT, MPI_SUM, op->comm));
  PetscCall(PetscMalloc5(op->m, &op->idx, n * nc, &op->pos, n * nc, &op->x, n * nc, &op->y, n, &op->A2));
  for (PetscInt e = o, k = 0; e < o + n * nc; e++) {
    op->pos[e - o] = -1;
    if (LmgModesBlockOf(L->p, n, e) == b) op->pos[e - o] = k, op->idx[k++] = e;
  }
  for (PetscInt a = 0; a < n; a++) {
    op->A2[a] = 0;
    for (PetscInt c = 0; c < n; c++) op->A2[a] += Z[c + n * a] * Z[c + n * a];
  }
  PetscCall(LmgLiouvilleCreateVec(L, &op->vx));
  PetscCall(VecDuplicate(op->vx, &op->vy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode OpDestroy(Op *op)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree5(op->idx, op->pos, op->x, op->y, op->A2));
  PetscCall(VecDestroy(&op->vx));
  PetscCall(VecDestroy(&op->vy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Refine the guess (lam, v on the block) into an eigenpair of the full block: lam, v overwritten, *res its relative
   residual; *ok false (why) when SLEPc does not converge. */
static PetscErrorCode Solve(Op *op, PetscReal tol, PetscInt maxit, PetscScalar *lam, PetscScalar *v, PetscReal *res, PetscBool *ok, char *why)
{
  EPS                eps;
  Mat                A;
  Vec                x0, x, r;
  PetscInt           nconv;
  PetscScalar       *X, l;
  LmgErrorInfo       info;
  PetscErrorCode     ierr;
  const PetscScalar *R;
  PetscFunctionBeginUser;
  op->sigma = *lam;
  PetscCall(CreateSolver(op, tol, &eps, &A));
  if (maxit) PetscCall(EPSSetTolerances(eps, tol, maxit)); /* a restart: few iterations */
  PetscCall(EPSSetTarget(eps, *lam));
  PetscCall(MatCreateVecs(A, &x0, &x));
  PetscCall(VecDuplicate(x, &r));
  PetscCall(VecGetArrayWrite(x0, &X));
  PetscCall(PetscArraycpy(X, v, op->m));
  PetscCall(VecRestoreArrayWrite(x0, &X));
  PetscCall(EPSSetInitialSpace(eps, 1, &x0));
  PetscCall(LmgErrorPush(&info)); /* SLEPc's GD can stop with an error when it stagnates at its floor (N = 1000) */
  ierr = EPSSolve(eps);
  PetscCall(LmgErrorPop());
  nconv = 0;
  if (!ierr) PetscCall(EPSGetConverged(eps, &nconv));
  *ok = (PetscBool)(nconv > 0 && !op->abandoned);
  if (*ok) {
    PetscReal nx, nr;
    PetscCall(EPSGetEigenpair(eps, 0, &l, NULL, x, NULL));
    PetscCall(VecNormalize(x, &nx));
    PetscCall(MatMult(A, x, r));
    PetscCall(VecAXPY(r, -l, x));
    PetscCall(VecNorm(r, NORM_2, &nr));
    *res = nr / PetscAbsScalar(l);
    *lam = l;
    PetscCall(VecGetArrayRead(x, &R));
    PetscCall(PetscArraycpy(v, R, op->m));
    PetscCall(VecRestoreArrayRead(x, &R));
  } else if (ierr) LmgErrorText(ierr, &info, "full space: SLEPc's eigensolver stopped", why, LMG_MSG_LEN);
  else if (!op->abandoned) {
    PetscInt its;
    PetscCall(EPSGetIterationNumber(eps, &its));
    snprintf(why, LMG_MSG_LEN, "full space: the eigensolver did not converge near %.6g%+.6gi in %" PetscInt_FMT " iterations (-rates_tol %g)", (double)PetscRealPart(op->sigma), (double)PetscImaginaryPart(op->sigma), its, (double)tol);
  }
  PetscCall(VecDestroy(&x0));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&r));
  PetscCall(EPSDestroy(&eps));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Solve, restarted from its own result while the true residual is above max(10 tol, 1e-6) (GD's estimate of the residual drifts
   for modes ~1e9 below |L|: measured, claimed 1e-8 and true 7e-4 at N = 20 for the gap; restarts bring it down). */
static PetscErrorCode Refine(Op *op, PetscReal tol, PetscScalar *lam, PetscScalar *v, PetscReal *res, PetscBool *ok, char *why)
{
  PetscScalar l = *lam, *w;
  PetscReal   r;
  PetscBool   good = PETSC_TRUE;
  char        scratch[LMG_MSG_LEN];
  PetscFunctionBeginUser;
  PetscCall(Solve(op, tol, 0, lam, v, res, ok, why));
  PetscCall(PetscMalloc1(op->m, &w));
  for (PetscInt k = 0; k < RESTARTS && *ok && good && *res > PetscMax(10 * tol, 1e-6); k++) { /* keep a restart only when it helps */
    l = *lam;
    PetscCall(PetscArraycpy(w, v, op->m));
    PetscCall(Solve(op, tol, RESTART_ITS, &l, w, &r, &good, scratch));
    good = (PetscBool)(good && r < 0.5 * *res);
    if (!good) break;
    *lam = l, *res = r;
    PetscCall(PetscArraycpy(v, w, op->m));
  }
  PetscCall(PetscFree(w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Stage 1 for rho01: the modes of the k0 lowest levels (ordered by energy), embedded into the full block 1. */
static PetscErrorCode StageDoublet(const LmgRatesOptions *o, LmgLiouville L, const PetscReal *Z, const Op *op, PetscInt i0, PetscInt i1, PetscScalar lam[2], PetscScalar *v[2], PetscBool *ok, char *why)
{
  const PetscInt n = L->n, k = PetscMin(o->k0, n);
  PetscInt      *sel, s0 = -1, s1 = -1;
  PetscReal     *E, *Zs;
  PetscInt      *p;
  LmgModes       M;
  LmgRatesPick   pk;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc4(n, &sel, k, &E, k * k, &Zs, k, &p));
  for (PetscInt a = 0; a < n; a++) sel[a] = a;
  for (PetscInt a = 0; a < k; a++) /* partial selection sort by energy */
    for (PetscInt c = a + 1; c < n; c++)
      if (L->E[sel[c]] < L->E[sel[a]]) {
        PetscInt t = sel[a];
        sel[a] = sel[c], sel[c] = t;
      }
  for (PetscInt a = 0; a < k; a++) {
    E[a] = L->E[sel[a]], p[a] = L->p[sel[a]];
    if (sel[a] == i0) s0 = a;
    if (sel[a] == i1) s1 = a;
    for (PetscInt c = 0; c < k; c++) Zs[a + k * c] = Z[sel[a] + n * sel[c]];
  }
  PetscCall(LmgModesCreateFrom(k, E, p, Zs, L->gphi, &M, ok, why, LMG_MSG_LEN));
  if (*ok) {
    LmgRatesChoose(&M, s0, s1, &pk);
    for (PetscInt r = 0; r < 2; r++) {
      const LmgBlock *B = &M.b[1];
      lam[r] = B->lam[pk.j[r]];
      PetscCall(PetscArrayzero(v[r], op->m));
      for (PetscInt i = 0; i < B->m; i++) {
        const PetscInt e = B->idx[i];
        const PetscInt q = Pos(op, sel[e % k], sel[e / k]);
        if (q >= 0) v[r][q] = B->V[i + B->m * pk.j[r]];
      }
    }
  }
  PetscCall(LmgModesDestroy(&M));
  PetscCall(PetscFree4(sel, E, Zs, p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Stage 1 for the even block: W_ab = gphi (A_ab^2 - delta_ab (A^2)_aa) = U diag(w) U^T; its mode of largest overlap
   with (e_i0 - e_i1)/sqrt2 and its slowest nonzero mode, as block vectors. */
static PetscErrorCode StagePopulation(LmgLiouville L, const PetscReal *Z, Op *op, PetscInt i0, PetscInt i1, PetscScalar lam[2], PetscScalar *v[2])
{
  const PetscInt n = L->n;
  PetscInt       jp = 0, jg = 1;
  PetscReal      best = -1;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n * n, &op->U, n, &op->w));
  for (PetscInt c = 0; c < n; c++)
    for (PetscInt a = 0; a < n; a++) op->U[a + n * c] = L->gphi * (Z[a + n * c] * Z[a + n * c] - (a == c ? op->A2[a] : 0));
  PetscCall(Syev(n, op->U, op->w)); /* ascending: w[n-1] ~ 0 is the steady state */
  for (PetscInt k = 0; k < n; k++) {
    PetscReal ov = 0.5 * PetscSqr(op->U[i0 + n * k] - op->U[i1 + n * k]);
    if (ov > best) best = ov, jp = k;
  }
  jg = n - 2;
  for (PetscInt r = 0; r < 2; r++) {
    const PetscInt k = r ? jg : jp;
    lam[r]           = op->w[k];
    PetscCall(PetscArrayzero(v[r], op->m));
    for (PetscInt a = op->c0; a < op->c0 + L->cols.nc; a++) v[r][Pos(op, a, a)] = op->U[a + n * k];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* w[i] = entry (a[i], c[i]) of the block vector v, on every rank (its owner's). */
static PetscErrorCode Entries(const Op *op, const PetscScalar *v, PetscInt k, const PetscInt *a, const PetscInt *c, PetscScalar *w)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < k; i++) {
    const PetscInt q = Pos(op, a[i], c[i]);
    w[i]             = q >= 0 ? v[q] : 0;
  }
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, w, (PetscMPIInt)k, MPIU_SCALAR, MPIU_SUM, op->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgRatesFull(const LmgRatesOptions *o, LmgLiouville L, const LmgControl *ctl, LmgRates *r)
{
  const PetscInt n = L->n;
  PetscInt       i0, i1, it = 0;
  PetscReal     *Z, s, res;
  PetscScalar    lam[2], *v[2], w[2];
  PetscBool      ok = PETSC_TRUE, pair;
  Op             op;
  PetscFunctionBeginUser;
  PetscCall(LmgRatesDoublet(L, &i0, &i1, &s));
  PetscCall(PetscMalloc1(n * n, &Z));
  PetscCall(LmgLiouvilleJz(L, Z));
  r->matvecs = 0;
  /* odd block: the two rho01 carriers */
  PetscCall(OpCreate(L, 1, Z, &op));
  op.ctl = ctl;
  PetscCall(PetscMalloc2(op.m, &v[0], op.m, &v[1]));
  PetscCall(StageDoublet(o, L, Z, &op, i0, i1, lam, v, &ok, r->message));
  pair = (PetscBool)(PetscImaginaryPart(lam[0]) != 0 && PetscAbsScalar(lam[1] - PetscConj(lam[0])) < 1e-6 * PetscAbsScalar(lam[0]));
  for (PetscInt k = 0; ok && k < (pair ? 1 : 2); k++) {
    PetscCall(Refine(&op, o->tol, &lam[k], v[k], &r->residual[k], &ok, r->message));
    if (!ok) break;
    r->rate_01[k]   = -PetscRealPart(lam[k]);
    r->freq_01[k]   = LmgRatesFrequency(lam[k], r->residual[k]);
    PetscCall(Entries(&op, v[k], 2, (PetscInt[]){i0, i1}, (PetscInt[]){i1, i0}, w));
    r->weight_01[k] = PetscSqr(PetscAbsScalar(w[0])) + PetscSqr(PetscAbsScalar(w[1]));
  }
  if (ok && pair) r->rate_01[1] = r->rate_01[0], r->freq_01[1] = r->freq_01[0], r->weight_01[1] = r->weight_01[0], r->residual[1] = r->residual[0];
  if (ok && r->rate_01[1] < r->rate_01[0]) { /* slower first */
    PetscReal t[4] = {r->rate_01[0], r->freq_01[0], r->weight_01[0], r->residual[0]};
    r->rate_01[0] = r->rate_01[1], r->freq_01[0] = r->freq_01[1], r->weight_01[0] = r->weight_01[1], r->residual[0] = r->residual[1];
    r->rate_01[1] = t[0], r->freq_01[1] = t[1], r->weight_01[1] = t[2], r->residual[1] = t[3];
  }
  it += op.matvecs;
  PetscCall(PetscFree2(v[0], v[1]));
  PetscCall(OpDestroy(&op));
  /* even block: population mode and the slowest decaying population mode */
  if (ok) {
    PetscCall(OpCreate(L, 0, Z, &op));
    op.ctl = ctl;
    PetscCall(PetscMalloc2(op.m, &v[0], op.m, &v[1]));
    PetscCall(StagePopulation(L, Z, &op, i0, i1, lam, v));
    for (PetscInt k = 0; ok && k < 2; k++) {
      PetscCall(Refine(&op, o->tol, &lam[k], v[k], &res, &ok, r->message));
      if (!ok) break;
      if (k == 0) {
        r->rate_population = -PetscRealPart(lam[0]), r->residual[LMG_RATE_POPULATION] = res;
        PetscCall(Entries(&op, v[0], 2, (PetscInt[]){i0, i1}, (PetscInt[]){i0, i1}, w));
        r->population_overlap = 0.5 * PetscSqr(PetscAbsScalar(w[0] - w[1]));
      } else r->liouvillian_gap = -PetscRealPart(lam[1]), r->residual[LMG_RATE_GAP] = res;
    }
    if (ok && r->rate_01[0] < r->liouvillian_gap) r->liouvillian_gap = r->rate_01[0], r->residual[LMG_RATE_GAP] = r->residual[0];
    it += op.matvecs;
    PetscCall(PetscFree2(op.U, op.w));
    PetscCall(PetscFree2(v[0], v[1]));
    PetscCall(OpDestroy(&op));
  }
  r->matvecs = it;
  snprintf(r->method, LMG_STR_LEN, "SLEPc gd on the full blocks (from %" PetscInt_FMT " levels)", PetscMin(o->k0, n));
  r->status = ok ? LMG_DONE : LmgControlAbandon(ctl) ? LMG_ABANDONED : LMG_FAILED;
  for (PetscInt k = 0; r->status == LMG_DONE && k < LMG_NRATES; k++)
    if (!(r->residual[k] <= 1e-5)) { /* the apply's roundoff, eps |L|, is above 1e-5 |lambda|: the rate is noise */
      r->status = LMG_SKIPPED;
      snprintf(r->message, LMG_MSG_LEN, "full space: rate %" PetscInt_FMT " is below what double precision resolves in L (relative residual %.1e)", k, (double)r->residual[k]);
    }
  if (r->status == LMG_ABANDONED) snprintf(r->message, LMG_MSG_LEN, "abandoned: drain");
  PetscCall(PetscFree(Z));
  PetscFunctionReturn(PETSC_SUCCESS);
}
