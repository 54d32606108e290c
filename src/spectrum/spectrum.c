/* Spectrum of one (N, Gamma/J): lowest eigenpairs of each parity sector with SLEPc (Krylov-Schur,
   shift-and-invert at a Sturm-located shift, LU redundant on each team rank) or ScaLAPACK (EPSSCALAPACK), checked by
   Sturm counts, refined to Rayleigh quotients with error bounds; the splitting resolved (splitting.c). */
#include <math.h>
#include "lmg/dicke.h"
#include "lmg/options.h"
#include "lmg/spectrum.h"
#include "lmg/splitting.h"

static const LmgOption opts[] = {
  {"-nev", "0", "Lowest eigenpairs stored per (N, Gamma/J); 0: max(4, the largest level)"},
  {"-J", "37195.4", "Coupling J in rad/s (the default puts dE at N = 370, Gamma/J = 0.95 at 1310 rad/s)"},
  {"-T", "1e-08", "Temperature T in K (dE_over_kT, the thermal initial state)"},
  {"-spectrum_solver", "slepc", "Eigensolver: slepc (Krylov-Schur, shift-and-invert per level) or scalapack (whole sectors)"},
  {"-dE_max_bits", "1024", "Largest MPFR precision (bits) spent on resolving an exponentially small dE"},
  {"-spectrum_max_gb", "8", "Memory (GB) a spectrum record may take (~250 bytes per basis state, and the eigenvectors); a larger one is skipped with that reason"},
};
const LmgOptionTable LmgSpectrumOptionTable = LMG_TABLE("The spectrum (also -spectrum_eps_*, -spectrum_st_*: SLEPc's eigensolver options)", opts);

PetscErrorCode LmgSpectrumSetFromOptions(LmgSpectrumOptions *o, PetscInt kmax, char *err)
{
  const char *solvers[] = {"slepc", "scalapack", NULL};
  PetscInt    solver = 0;
  PetscFunctionBeginUser;
  o->nev = 0, o->J = 37195.4, o->T = 1e-8, o->dE_max_bits = 1024, o->max_gb = 8;
  PetscCall(LmgOptionsInt(&opts[0], 0, 100000000, &o->nev, err));
  PetscCall(LmgOptionsReal(&opts[1], 1e-30, PETSC_FALSE, 1e30, &o->J, err));
  PetscCall(LmgOptionsReal(&opts[2], 1e-30, PETSC_FALSE, 1e30, &o->T, err));
  PetscCall(LmgOptionsChoice(&opts[3], solvers, &solver, err));
  PetscCall(LmgOptionsInt(&opts[4], 64, 1 << 20, &o->dE_max_bits, err));
  PetscCall(LmgOptionsReal(&opts[5], 0, PETSC_TRUE, 1e9, &o->max_gb, err));
  o->solver = solver ? LMG_SOLVER_SCALAPACK : LMG_SOLVER_SLEPC;
  if (!err[0] && o->nev && o->nev < kmax) snprintf(err, LMG_ERR_LEN, "-nev %" PetscInt_FMT ": must be at least %" PetscInt_FMT " (4, and the largest level)", o->nev, kmax);
  if (!o->nev) o->nev = kmax;
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define LMG_SECTOR_NW_MAX 64 /* eigenvalues checked per pass of BoundAndCheck */

typedef struct {
  PetscInt   nw;        /* eigenpairs wanted */
  PetscReal *lam, *err; /* [nw] eigenvalues / error bounds, units of J */
  PetscReal *vec;       /* [nw][nh] half-chain layout */
} SectorResult;

/* LAPACK's tridiagonal LU with partial pivoting (real), for the one-rank shift-and-invert. */
extern void dgttrf_(const PetscBLASInt *, double *, double *, double *, double *, PetscBLASInt *, PetscBLASInt *);
extern void dgttrs_(const char *, const PetscBLASInt *, const PetscBLASInt *, const double *, const double *, const double *, const double *, const PetscBLASInt *, double *, const PetscBLASInt *, PetscBLASInt *);

typedef struct {
  const LmgSector *s;
  PetscBLASInt     n, *ipiv;
  double          *dl, *d, *du, *du2, *rhs; /* factors of T - sigma I; rhs: [re | im] */
} TriLU;

/* PCSetUp: factor the operator T - sigma I (sigma read off its diagonal; the off-diagonals are the sector's). */
static PetscErrorCode TriLUSetUp(PC pc)
{
  TriLU             *t;
  Mat                A;
  Vec                diag;
  const PetscScalar *a;
  PetscBLASInt       info;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &t));
  PetscCall(PCGetOperators(pc, &A, NULL));
  PetscCall(MatCreateVecs(A, &diag, NULL));
  PetscCall(MatGetDiagonal(A, diag));
  PetscCall(VecGetArrayRead(diag, &a));
  for (PetscBLASInt i = 0; i < t->n; i++) {
    t->d[i] = PetscRealPart(a[i]);
    if (i < t->n - 1) t->dl[i] = t->du[i] = t->s->e[i];
  }
  PetscCall(VecRestoreArrayRead(diag, &a));
  PetscCall(VecDestroy(&diag));
  dgttrf_(&t->n, t->dl, t->d, t->du, t->du2, t->ipiv, &info);
  PetscCheck(info >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgttrf: argument %d", (int)-info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_MAT_LU_ZRPVT, "dgttrf: exact zero pivot %d: the shift is an eigenvalue", (int)info);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PCApply: y = (T - sigma I)^{-1} x, real and imaginary parts as two right-hand sides; one when x is real (T, sigma
   and the start vector are real, so the Krylov vectors have imaginary parts exactly 0: half the solve). */
static PetscErrorCode TriLUApply(PC pc, Vec x, Vec y)
{
  TriLU             *t;
  const PetscScalar *xa;
  PetscScalar       *ya;
  PetscBLASInt       nrhs = 1, info;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &t));
  PetscCall(VecGetArrayRead(x, &xa));
  for (PetscBLASInt i = 0; i < t->n; i++) {
    t->rhs[i]        = PetscRealPart(xa[i]);
    t->rhs[t->n + i] = PetscImaginaryPart(xa[i]);
    if (t->rhs[t->n + i] != 0) nrhs = 2;
  }
  PetscCall(VecRestoreArrayRead(x, &xa));
  dgttrs_("N", &t->n, &nrhs, t->dl, t->d, t->du, t->du2, t->ipiv, t->rhs, &t->n, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgttrs: argument %d", (int)-info);
  PetscCall(VecGetArray(y, &ya));
  if (nrhs == 2)
    for (PetscBLASInt i = 0; i < t->n; i++) ya[i] = t->rhs[i] + PETSC_i * t->rhs[t->n + i];
  else
    for (PetscBLASInt i = 0; i < t->n; i++) ya[i] = t->rhs[i];
  PetscCall(VecRestoreArray(y, &ya));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TriLUDestroy(PC pc)
{
  TriLU *t;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &t));
  PetscCall(PetscFree6(t->dl, t->d, t->du, t->du2, t->rhs, t->ipiv));
  PetscCall(PetscFree(t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TriLUCreate(PC pc, const LmgSector *s)
{
  TriLU *t;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&t));
  t->s = s;
  PetscCall(PetscBLASIntCast(s->n, &t->n));
  PetscCall(PetscMalloc6(s->n, &t->dl, s->n, &t->d, s->n, &t->du, s->n, &t->du2, 2 * s->n, &t->rhs, s->n, &t->ipiv));
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PCShellSetContext(pc, t));
  PetscCall(PCShellSetSetUp(pc, TriLUSetUp));
  PetscCall(PCShellSetApply(pc, TriLUApply));
  PetscCall(PCShellSetDestroy(pc, TriLUDestroy));
  PetscCall(PCShellSetName(pc, "lmg tridiagonal LU (LAPACK dgttrf)"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ConfigureEPS(EPS eps, const LmgSector *s, PetscInt nw, PetscBool dense, PetscMPIInt size)
{
  ST  st;
  KSP ksp;
  PC  pc;

  PetscFunctionBeginUser;
  PetscCall(EPSSetProblemType(eps, EPS_HEP));
  PetscCall(EPSSetOptionsPrefix(eps, "spectrum_"));
  PetscCall(EPSSetDimensions(eps, nw, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(eps, 1e-10, 1000)); /* eigenvalues come from Rayleigh quotients with bounds */
  if (dense) {
    PetscCall(EPSSetType(eps, EPSSCALAPACK));
    PetscCall(EPSSetWhichEigenpairs(eps, EPS_SMALLEST_REAL));
  } else {
    PetscCall(EPSSetType(eps, EPSKRYLOVSCHUR));
    PetscCall(EPSSetDimensions(eps, 1, 2, PETSC_DEFAULT)); /* one level per solve (SectorSolve sets its shift); 2 vectors converge in as few steps as 4 at half the orthogonalisation */
    PetscCall(EPSSetWhichEigenpairs(eps, EPS_TARGET_MAGNITUDE));
    PetscCall(EPSGetST(eps, &st));
    PetscCall(STSetType(st, STSINVERT));
    PetscCall(STGetKSP(st, &ksp));
    PetscCall(KSPSetType(ksp, KSPPREONLY));
    PetscCall(KSPGetPC(ksp, &pc));
    if (size == 1) { /* A - sigma I stays implicit; a real O(n) LU of the shifted tridiagonal inverts it */
      PetscCall(STSetMatMode(st, ST_MATMODE_SHELL));
      PetscCall(TriLUCreate(pc, s));
    }
    else { /* a tridiagonal LU gains nothing from distribution (MUMPS: ~20x slower): factor it on every rank */
      PetscCall(PCSetType(pc, PCREDUNDANT));
      PetscCall(PCRedundantGetKSP(pc, &ksp));
      PetscCall(KSPGetPC(ksp, &pc));
      PetscCall(PCSetType(pc, PCLU));
      PetscCall(PCFactorSetMatOrderingType(pc, MATORDERINGNATURAL)); /* tridiagonal: no fill */
    }
  }
  PetscCall(EPSSetFromOptions(eps));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Copy eigenvector x (all entries on this rank) into half-chain layout, real, phase-fixed, unit norm. */
static int RealVector(const PetscScalar *x, const LmgSector *s, PetscReal *v, PetscInt nh)
{
  PetscInt    imax = 0;
  PetscReal   nrm = 0, im = 0;
  PetscScalar ph;
  for (PetscInt i = 0; i < s->n; i++)
    if (PetscAbsScalar(x[i]) > PetscAbsScalar(x[imax])) imax = i;
  ph = PetscConj(x[imax]) / PetscAbsScalar(x[imax]);
  for (PetscInt k = 0; k < nh; k++) v[k] = 0;
  for (PetscInt i = 0; i < s->n; i++) {
    v[i + s->offset] = PetscRealPart(x[i] * ph);
    im               = PetscMax(im, PetscAbsReal(PetscImaginaryPart(x[i] * ph)));
    nrm += v[i + s->offset] * v[i + s->offset];
  }
  nrm = PetscSqrtReal(nrm);
  for (PetscInt k = 0; k < nh; k++) v[k] /= nrm;
  return im < 1e-8;
}

/* Rayleigh quotient of unit v in sector s, and the residual norm. */
static void Rayleigh(const LmgSector *s, const PetscReal *vh, PetscReal *lam, PetscReal *res)
{
  const PetscReal *v = vh + s->offset, *d = s->d, *e = s->e;
  PetscReal        l = 0, r = 0;
  for (PetscInt i = 0; i < s->n; i++) l += v[i] * (d[i] * v[i] + (i ? e[i - 1] * v[i - 1] : 0) + (i < s->n - 1 ? e[i] * v[i + 1] : 0));
  for (PetscInt i = 0; i < s->n; i++) {
    PetscReal w = d[i] * v[i] + (i ? e[i - 1] * v[i - 1] : 0) + (i < s->n - 1 ? e[i] * v[i + 1] : 0) - l * v[i];
    r += w * w;
  }
  *lam = l;
  *res = PetscSqrtReal(r);
}

/* Error bounds (Kato-Temple where the in-sector gap is known, Bauer-Fike otherwise, plus rounding),
   then the Sturm check that these are exactly the lowest nw eigenvalues of the sector. */
static int BoundAndCheck(const LmgSector *s, SectorResult *r, char *msg)
{
  PetscReal floor_ = 4 * PETSC_MACHINE_EPSILON * s->norm * PetscSqrtReal((PetscReal)s->n + 1);
  for (PetscInt i = 0; i < r->nw; i++) {
    PetscReal res = r->err[i], gap = PETSC_MAX_REAL;
    if (i > 0) gap = r->lam[i] - r->lam[i - 1];
    if (i < r->nw - 1) gap = PetscMin(gap, r->lam[i + 1] - r->lam[i]);
    r->err[i] = floor_ + ((i < r->nw - 1 && gap > 2 * res) ? PetscMin(res, res * res / (gap - res)) : res);
  }
  PetscReal pad = 8 * PETSC_MACHINE_EPSILON * s->norm, x[2 * LMG_SECTOR_NW_MAX];
  PetscInt  c[2 * LMG_SECTOR_NW_MAX];
  for (PetscInt i0 = 0; i0 < r->nw; i0 += LMG_SECTOR_NW_MAX) { /* the counts below and above each, in one pass */
    PetscInt m = PetscMin(r->nw - i0, LMG_SECTOR_NW_MAX);
    for (PetscInt i = 0; i < m; i++) x[2 * i] = r->lam[i0 + i] - r->err[i0 + i] - pad, x[2 * i + 1] = r->lam[i0 + i] + r->err[i0 + i] + pad;
    LmgSectorCountMany(s, 2 * m, x, c);
    for (PetscInt i = 0; i < m; i++)
      if (c[2 * i] != i0 + i || c[2 * i + 1] != i0 + i + 1) {
        snprintf(msg, LMG_MSG_LEN, "%s sector: eigenvalue %" PetscInt_FMT " = %.12g fails the Sturm count (%" PetscInt_FMT ", %" PetscInt_FMT ")", s->parity > 0 ? "even" : "odd", i0 + i, (double)r->lam[i0 + i], c[2 * i], c[2 * i + 1]);
        return 0;
      }
  }
  return 1;
}

/* A fixed start vector, a function of the global index only (identical for any team layout). */
static PetscErrorCode StartVector(Vec v)
{
  PetscInt     rs, re;
  PetscScalar *a;
  PetscFunctionBeginUser;
  PetscCall(VecGetOwnershipRange(v, &rs, &re));
  PetscCall(VecGetArray(v, &a));
  for (PetscInt k = rs; k < re; k++) a[k - rs] = 1 + 0.5 * PetscSinReal(12.9898 * (PetscReal)k + 78.233);
  PetscCall(VecRestoreArray(v, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SectorSolve(MPI_Comm comm, const LmgSector *s, PetscBool dense, PetscInt nh, SectorResult *r, char *msg)
{
  Mat                A;
  EPS                eps;
  Vec                x, x0, xall;
  PetscReal         *lo, *hi;
  VecScatter         sc;
  PetscInt           nconv, its;
  PetscMPIInt        size;
  EPSConvergedReason reason;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(LmgSectorMat(comm, s, dense ? MATSCALAPACK : MATAIJ, &A));
  PetscCall(EPSCreate(comm, &eps));
  PetscCall(EPSSetOperators(eps, A, NULL));
  PetscCall(ConfigureEPS(eps, s, r->nw, dense, size));
  PetscCall(MatCreateVecs(A, &x, &x0));
  PetscCall(VecScatterCreateToAll(x, &sc, &xall));
  PetscCall(StartVector(x0));
  PetscCall(PetscMalloc2(r->nw, &lo, r->nw, &hi));
  if (!dense) LmgSectorIsolate(s, r->nw, 1e-10 * s->norm, lo, hi);
  /* ScaLAPACK: one solve for the whole sector. SLEPc: one solve per level, shifted to the middle of its Sturm
     bracket (width 1e-10 |T|), so each converges in a few shift-and-invert steps; the LU pattern is reused. */
  for (PetscInt i = 0; !msg[0] && i < r->nw; i++) {
    const PetscScalar *a;
    PetscInt           want = dense ? r->nw : 1, k = dense ? i : 0;
    if (!dense) {
      ST st;
      PetscCall(EPSSetTarget(eps, 0.5 * (lo[i] + hi[i])));
      if (i > 0) { /* after set-up: move the shift, and restart from x0, not from the last (invariant) eigenvector */
        PetscCall(EPSGetST(eps, &st));
        PetscCall(STSetShift(st, 0.5 * (lo[i] + hi[i])));
      }
      PetscCall(EPSSetInitialSpace(eps, 1, &x0));
    }
    if (!dense || i == 0) {
      PetscCall(EPSSolve(eps));
      PetscCall(EPSGetConverged(eps, &nconv));
      PetscCall(EPSGetConvergedReason(eps, &reason));
      PetscCall(EPSGetIterationNumber(eps, &its));
      if (nconv < want) {
        snprintf(msg, LMG_MSG_LEN, "%s sector, level %" PetscInt_FMT ": %" PetscInt_FMT " of %" PetscInt_FMT " eigenpairs converged (%s, %" PetscInt_FMT " its)", s->parity > 0 ? "even" : "odd", i, nconv, want, EPSConvergedReasons[reason], its);
        break;
      }
    }
    PetscCall(EPSGetEigenpair(eps, k, NULL, NULL, x, NULL));
    PetscCall(VecScatterBegin(sc, x, xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, x, xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(xall, &a));
    if (!RealVector(a, s, r->vec + i * nh, nh)) snprintf(msg, LMG_MSG_LEN, "%s sector: eigenvector %" PetscInt_FMT " is not real up to a phase", s->parity > 0 ? "even" : "odd", i);
    PetscCall(VecRestoreArrayRead(xall, &a));
    Rayleigh(s, r->vec + i * nh, &r->lam[i], &r->err[i]);
  }
  if (!msg[0]) BoundAndCheck(s, r, msg);
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&xall));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&x0));
  PetscCall(PetscFree2(lo, hi));
  PetscCall(EPSDestroy(&eps));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SpectrumAlloc(LmgSpectrum *sp, const LmgSpectrumOptions *o, PetscInt N, PetscReal g, PetscInt nev)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(sp, sizeof *sp));
  sp->N   = N;
  sp->g   = g;
  sp->J   = o->J;
  sp->T   = o->T;
  sp->nev = PetscMin(nev, N + 1);
  sp->nh  = LmgHalfLength(N);
  PetscCall(PetscMalloc4(sp->nev, &sp->E, sp->nev, &sp->Eerr, sp->nev, &sp->parity, sp->nev, &sp->Jz2));
  PetscCall(PetscMalloc1(sp->nev * sp->nh, &sp->vec));
  sp->status = LMG_FAILED;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dE from the doublet: in double precision where the error bounds allow 7 digits, else MPFR (rank 0, shared). */
static PetscErrorCode Splitting(MPI_Comm comm, const LmgSpectrumOptions *o, const LmgSector sec[2], const SectorResult res[2], const LmgControl *ctl, LmgSpectrum *sp)
{
  PetscReal d = res[1].lam[0] - res[0].lam[0], err = res[0].err[0] + res[1].err[0], dE = NAN;
  PetscInt  bits = 53;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!(d > 0 && err <= 1e-7 * d)) {
    if (!rank) PetscCall(LmgSplittingResolve(&sec[0], &sec[1], res[0].lam[0], res[0].err[0], res[1].lam[0], res[1].err[0], o->dE_max_bits, ctl, &d, &bits, sp->message, LMG_MSG_LEN));
    PetscCallMPI(MPI_Bcast(&d, 1, MPIU_REAL, 0, comm));
    PetscCallMPI(MPI_Bcast(&bits, 1, MPIU_INT, 0, comm));
    PetscCallMPI(MPI_Bcast(sp->message, LMG_MSG_LEN, MPI_CHAR, 0, comm));
  }
  if (bits < 0) sp->status = LMG_ABANDONED;
  if (d == d) dE = d * o->J;
  sp->dE          = dE;
  sp->dE_resolved = dE == dE;
  sp->dE_bits     = dE == dE ? bits : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgSpectrumCompute(MPI_Comm comm, const LmgSpectrumOptions *o, PetscInt N, PetscReal g, const LmgControl *ctl, LmgSpectrum *sp)
{
  LmgSector    sec[2];
  SectorResult res[2];

  double       t0 = MPI_Wtime();
  PetscReal    gb = LmgSpectrumBytes(N, PetscMin(o->nev, N + 1)) / 1e9;

  PetscFunctionBeginUser;
  if (gb > o->max_gb) { /* before any allocation of that size */
    PetscCall(SpectrumAlloc(sp, o, 2, g, 0));
    sp->N = N, sp->nev = 0, sp->status = LMG_SKIPPED, sp->dE = NAN;
    snprintf(sp->message, LMG_MSG_LEN, "needs ~%.1f GB > -spectrum_max_gb %g", (double)gb, (double)o->max_gb);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(SpectrumAlloc(sp, o, N, g, o->nev));
  for (PetscInt p = 0; p < 2; p++) {
    PetscInt nw = p == 0 ? (sp->nev + 1) / 2 : sp->nev / 2;
    PetscCall(LmgSectorCreate(N, g, p == 0 ? 1 : -1, &sec[p]));
    res[p].nw = nw;
    PetscCall(PetscMalloc3(nw, &res[p].lam, nw, &res[p].err, nw * sp->nh, &res[p].vec));
    /* dense when asked, or when a third of the sector is wanted (Krylov subspaces would be the whole space) */
    PetscBool dense = (PetscBool)(o->solver == LMG_SOLVER_SCALAPACK || 3 * nw > sec[p].n);
    if (!sp->message[0]) PetscCall(SectorSolve(comm, &sec[p], dense, sp->nh, &res[p], sp->message));
  }
  if (!sp->message[0]) {
    for (PetscInt i = 0; i < sp->nev; i++) {
      const SectorResult *r = &res[i % 2];
      sp->E[i]      = r->lam[i / 2] * o->J;
      sp->Eerr[i]   = r->err[i / 2] * o->J;
      sp->parity[i] = i % 2 ? -1 : 1;
      PetscCall(PetscArraycpy(sp->vec + i * sp->nh, r->vec + (i / 2) * sp->nh, sp->nh));
    }
    sp->status = LMG_DONE;
    PetscCall(Splitting(comm, o, sec, res, ctl, sp));
    PetscCall(LmgSpectrumDerive(sp));
  }
  for (PetscInt p = 0; p < 2; p++) {
    PetscCall(PetscFree3(res[p].lam, res[p].err, res[p].vec));
    PetscCall(LmgSectorDestroy(&sec[p]));
  }
  sp->seconds = MPI_Wtime() - t0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgSpectrumDestroy(LmgSpectrum *sp)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree4(sp->E, sp->Eerr, sp->parity, sp->Jz2));
  PetscCall(PetscFree(sp->vec));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgSpectrumCheckOptions(MPI_Comm comm, const LmgSpectrumOptions *o, char *err)
{
  LmgSpectrumOptions small = *o;
  LmgSpectrum        sp;
  LmgErrorInfo       info;
  PetscErrorCode     ierr;
  PetscFunctionBeginUser;
  small.nev = 4; /* N = 40: sectors of 21 and 20, Krylov-Schur as in the sweep (ScaLAPACK when asked for) */
  PetscCall(LmgErrorPush(&info));
  ierr = LmgSpectrumCompute(comm, &small, 40, 0.8, NULL, &sp);
  PetscCall(LmgErrorPop());
  if (!ierr) PetscCall(LmgSpectrumDestroy(&sp));
  else if (!err[0]) LmgErrorText(ierr, &info, "a -spectrum_ option is not accepted by SLEPc", err, LMG_ERR_LEN);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal LmgSpectrumBytes(PetscInt N, PetscInt nev)
{
  return 250.0 * (N + 1.0) + 8.0 * nev * (LmgHalfLength(N) + 1.0);
}
