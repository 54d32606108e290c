/* Propagation with PETSc TS (TS_LINEAR, matrix-free RHS) of a general right-hand side; the Liouvillian's: vec(rho) or a
   Heisenberg-picture observable, by default in the interaction picture of H: x = P(t) o y with P_ab = e^{-+i(E_a - E_b)t},
   dy/dt = conj(P) o V_t(P o y), so the integrator resolves the dephasing (and bias) dynamics, not the fastest frequency
   of H (~1e7 rad/s at N = 370). */
#include <petsc/private/tsimpl.h> /* TSAdapt's norm type: per trajectory, without touching the options database */
#include "lmg/dynamics.h"

typedef struct {
  LmgLiouville L;
  PetscBool    adjoint, frame; /* frame: interaction picture */
  PetscScalar *z, *w;          /* [n] work of the pure-state right-hand side (NULL for rho) */
} LiouvilleCtx;

static PetscErrorCode LiouvilleApply(void *ctx, PetscReal t, Vec x, Vec y)
{
  LiouvilleCtx *c = (LiouvilleCtx *)ctx;
  PetscFunctionBeginUser;
  if (c->frame) PetscCall(LmgLiouvilleInteraction(c->L, c->adjoint, t, 1, x, y));
  else PetscCall(LmgLiouvilleApplyAt(c->L, c->adjoint, t, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LiouvilleOutput(void *ctx, PetscReal t, Vec x)
{
  LiouvilleCtx *c = (LiouvilleCtx *)ctx;
  PetscFunctionBeginUser;
  PetscCall(LmgLiouvilleRotate(c->L, c->adjoint, t, PETSC_FALSE, x, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Free(void *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleRHS(LmgLiouville L, PetscBool adjoint, PetscBool interaction, LmgRHS *rhs)
{
  LiouvilleCtx *c;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->L = L, c->adjoint = adjoint, c->frame = interaction;
  *rhs = (LmgRHS){LiouvilleApply, interaction ? LiouvilleOutput : NULL, Free, c};
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dphi/dt = conj(z) o (i h(t) A (z o phi)), z_a = e^{-i E_a t} (interaction), or -i (E o psi - h(t) A psi) (lab) */
static PetscErrorCode StateApply(void *ctx, PetscReal t, Vec x, Vec y)
{
  LiouvilleCtx      *c = (LiouvilleCtx *)ctx;
  LmgLiouville       L = c->L;
  const PetscInt     n = L->n;
  const PetscReal    h = L->bias ? L->bias(t, L->bias_ctx) : 0;
  const PetscScalar *X;
  PetscScalar       *Y, *z = c->z, *w = c->w;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &X));
  PetscCall(VecGetArrayWrite(y, &Y));
  if (c->frame) {
    LmgLiouvillePhases(L, PETSC_FALSE, t, z);
    for (PetscInt a = 0; a < n; a++) w[a] = z[a] * X[a];
    L->ops.jzmult(L, w, Y);
    for (PetscInt a = 0; a < n; a++) Y[a] *= PETSC_i * h * PetscConj(z[a]);
  } else {
    L->ops.jzmult(L, X, Y);
    for (PetscInt a = 0; a < n; a++) Y[a] = -PETSC_i * (L->E[a] * X[a] - h * Y[a]);
  }
  PetscCall(VecRestoreArrayRead(x, &X));
  PetscCall(VecRestoreArrayWrite(y, &Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode StateOutput(void *ctx, PetscReal t, Vec x)
{
  LiouvilleCtx *c = (LiouvilleCtx *)ctx;
  PetscScalar  *X;
  PetscFunctionBeginUser;
  LmgLiouvillePhases(c->L, PETSC_FALSE, t, c->z);
  PetscCall(VecGetArray(x, &X));
  for (PetscInt a = 0; a < c->L->n; a++) X[a] *= c->z[a];
  PetscCall(VecRestoreArray(x, &X));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode StateFree(void *ctx)
{
  LiouvilleCtx *c = (LiouvilleCtx *)ctx;
  PetscFunctionBeginUser;
  PetscCall(PetscFree2(c->z, c->w));
  PetscCall(PetscFree(c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLiouvilleStateRHS(LmgLiouville L, PetscBool interaction, LmgRHS *rhs)
{
  LiouvilleCtx *c;
  PetscFunctionBeginUser;
  PetscCheck(L->gphi == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "a pure state needs gamma_phi = 0 (the model has %g)", (double)L->gphi);
  PetscCheck(L->cols.size == 1, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "a pure state is not distributed: it needs a one-rank model");
  PetscCall(PetscNew(&c));
  c->L = L, c->adjoint = PETSC_FALSE, c->frame = interaction;
  PetscCall(PetscMalloc2(L->n, &c->z, L->n, &c->w));
  *rhs = (LmgRHS){StateApply, interaction ? StateOutput : NULL, StateFree, c};
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  LmgRHS    rhs;
  PetscReal scale; /* time unit, s: the ODE is dx/ds = scale f(scale s, x) */
} RHSCtx;

static PetscErrorCode RHS(TS ts, PetscReal t, Vec x, Vec f, void *ctx)
{
  RHSCtx *c = (RHSCtx *)ctx;
  PetscFunctionBeginUser;
  (void)ts;
  PetscCall(c->rhs.apply(c->rhs.ctx, t * c->scale, x, f));
  PetscCall(VecScale(f, c->scale));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CtxDestroy(void *ctx)
{
  RHSCtx *c = (RHSCtx *)ctx;
  PetscFunctionBeginUser;
  if (c->rhs.destroy) PetscCall(c->rhs.destroy(c->rhs.ctx));
  PetscCall(PetscFree(ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The method and its defaults, then the user's -dyn_ts_* options (TSSetFromOptions). */
static PetscErrorCode Configure(TS ts, PetscBool spread, PetscReal tol, PetscReal dt0, PetscReal dtmax, PetscInt maxsteps)
{
  TSAdapt   adapt;
  PetscBool user;
  PetscFunctionBeginUser;
  PetscCall(TSSetProblemType(ts, TS_LINEAR));
  PetscCall(TSSetType(ts, TSRK));
  PetscCall(TSRKSetType(ts, TSRK5DP)); /* its dense output samples the tau grid without clipping steps */
  PetscCall(TSSetTolerances(ts, tol, NULL, tol, NULL));
  PetscCall(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_INTERPOLATE)); /* steps are never clipped to a max time */
  PetscCall(TSSetMaxTime(ts, PETSC_MAX_REAL));
  PetscCall(TSSetMaxSteps(ts, maxsteps));
  PetscCall(TSSetErrorIfStepFails(ts, PETSC_FALSE)); /* a failed step fails the record, not the run */
  PetscCall(TSSetTime(ts, 0));
  PetscCall(TSSetTimeStep(ts, dt0));
  PetscCall(TSGetAdapt(ts, &adapt));
  PetscCall(TSAdaptSetStepLimits(adapt, PETSC_DEFAULT, dtmax));
  PetscCall(TSSetOptionsPrefix(ts, "dyn_"));
  PetscCall(TSSetFromOptions(ts));
  /* rho lives on a few levels: the RMS norm over its n^2 entries would dilute its error (measured, N = 370: K3 off by
     1.4e-6 at tol 1e-8), so the forward trajectory is controlled in the max norm; Q_H, spread over all entries, in RMS */
  PetscCall(PetscOptionsHasName(NULL, "dyn_", "-ts_adapt_wnormtype", &user));
  PetscCall(TSGetAdapt(ts, &adapt));
  if (!spread && !user) adapt->wnormtype = NORM_INFINITY;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ZeroRHS(TS ts, PetscReal t, Vec x, Vec f, void *ctx)
{
  PetscFunctionBeginUser;
  (void)ts, (void)t, (void)x, (void)ctx;
  PetscCall(VecZeroEntries(f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A TS of 4 unknowns configured as the forward (adjoint = 0) or adjoint trajectory, set up and stepped once. */
static PetscErrorCode Probe(PetscBool spread)
{
  TS  ts;
  Vec x;
  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 4, &x));
  PetscCall(VecSet(x, 1));
  PetscCall(TSCreate(PETSC_COMM_SELF, &ts));
  PetscCall(TSSetRHSFunction(ts, NULL, ZeroRHS, NULL));
  PetscCall(TSSetSolution(ts, x));
  PetscCall(Configure(ts, spread, 1e-8, 1e-4, 0.1, 10));
  PetscCall(TSSetUp(ts));
  PetscCall(TSStep(ts));
  PetscCall(TSDestroy(&ts));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorCheckOptions(char *err)
{
  LmgErrorInfo   info;
  PetscErrorCode ierr = 0;
  PetscFunctionBeginUser;
  PetscCall(LmgErrorPush(&info));
  for (int adjoint = 0; adjoint < 2 && !ierr; adjoint++) ierr = Probe((PetscBool)adjoint);
  PetscCall(LmgErrorPop());
  if (ierr && !err[0]) LmgErrorText(ierr, &info, "a -dyn_ option is not accepted by PETSc's TS", err, LMG_ERR_LEN);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorCreate(const LmgRHS *rhs, PetscBool spread, PetscReal tol, PetscReal scale, PetscReal dt0, PetscReal dtmax, PetscInt maxsteps, Vec x0, LmgPropagator *P)
{
  RHSCtx        *c;
  PetscContainer box;
  PetscBool      rk;
  MPI_Comm       comm;
  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)x0, &comm));
  PetscCall(PetscNew(&c));
  c->rhs   = *rhs;
  c->scale = scale;
  P->maxsteps = maxsteps;
  P->xprev    = NULL;
  P->control  = NULL;
  PetscCall(VecDuplicate(x0, &P->x));
  PetscCall(VecCopy(x0, P->x)); /* at t = 0 the two frames agree */
  PetscCall(TSCreate(comm, &P->ts));
  PetscCall(TSSetRHSFunction(P->ts, NULL, RHS, c));
  PetscCall(PetscContainerCreate(comm, &box)); /* frees c with the TS */
  PetscCall(PetscContainerSetPointer(box, c));
  PetscCall(PetscContainerSetUserDestroy(box, CtxDestroy));
  PetscCall(PetscObjectCompose((PetscObject)P->ts, "lmg_rhs_ctx", (PetscObject)box));
  PetscCall(PetscContainerDestroy(&box));
  P->ctx = c;
  PetscCall(TSSetSolution(P->ts, P->x));
  PetscCall(Configure(P->ts, spread, tol, dt0, dtmax, maxsteps));
  PetscCall(TSSetUp(P->ts));
  /* dense output: a TSRK with an interpolation formula of order >= 4 (PETSc gives the others a linear one, measured
     2e-6 off in K3 with 5bs); any other method ends its steps on the sample times */
  P->interpolate = PETSC_FALSE;
  PetscCall(PetscObjectTypeCompare((PetscObject)P->ts, TSRK, &rk));
  if (rk) {
    PetscInt p;
    PetscCall(TSRKGetTableau(P->ts, NULL, NULL, NULL, NULL, NULL, &p, NULL, NULL));
    P->interpolate = (PetscBool)(p >= 4);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One step, ending at most at t when the method has no dense output; a step cut short leaves the next one the size
   the cut step would have had (or the integrator's choice when larger). */
static PetscErrorCode Step(LmgPropagator *P, PetscReal t, LmgPropStatus *st)
{
  PetscReal         now, dt;
  PetscBool         cut = PETSC_FALSE;
  PetscInt          steps;
  TSConvergedReason reason;
  PetscFunctionBeginUser;
  PetscCall(TSGetTime(P->ts, &now));
  PetscCall(TSGetTimeStep(P->ts, &dt));
  if (P->xprev) {
    PetscCall(VecCopy(P->x, P->xprev));
    P->tprev = now, P->dtprev = dt;
    PetscCall(TSGetStepNumber(P->ts, &P->sprev));
    PetscCall(TSGetStepRejections(P->ts, &P->rprev));
  }
  if (!P->interpolate && now + dt > t) {
    cut = PETSC_TRUE;
    PetscCall(TSSetTimeStep(P->ts, t - now));
  }
  PetscCall(TSStep(P->ts));
  PetscCall(TSGetConvergedReason(P->ts, &reason));
  PetscCall(TSGetStepNumber(P->ts, &steps));
  PetscCall(TSGetTime(P->ts, &now));
  PetscCall(TSMonitor(P->ts, steps, now, P->x));
  if (cut) {
    PetscReal next;
    PetscCall(TSGetTimeStep(P->ts, &next));
    PetscCall(TSSetTimeStep(P->ts, PetscMax(next, dt)));
  }
  *st = reason >= 0 ? LMG_PROP_OK : LMG_PROP_FAILED;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorSample(LmgPropagator *P, PetscReal t, Vec out, LmgPropStatus *st)
{
  RHSCtx     *c = (RHSCtx *)P->ctx;
  PetscReal   now;
  PetscInt    steps;
  MPI_Comm    comm;
  PetscMPIInt size;
  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)P->ts, &comm));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  *st = LMG_PROP_OK;
  PetscCall(TSGetTime(P->ts, &now));
  while (*st == LMG_PROP_OK && t - now > 1e-12 * t) { /* closer than that counts as arrived (no step of roundoff size) */
    PetscBool abandon = LmgControlAbandon(P->control);
    PetscCall(TSGetStepNumber(P->ts, &steps));
    if (size > 1) PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, &abandon, 1, MPIU_BOOL, MPI_LOR, comm)); /* the team together */
    if (steps >= P->maxsteps) *st = LMG_PROP_MAXSTEPS;
    else if (abandon) *st = LMG_PROP_ABANDONED;
    else PetscCall(Step(P, t, st));
    PetscCall(TSGetTime(P->ts, &now));
  }
  if (*st != LMG_PROP_OK) PetscFunctionReturn(PETSC_SUCCESS);
  if (P->interpolate && now > t) PetscCall(TSInterpolate(P->ts, t, out));
  else PetscCall(VecCopy(P->x, out));
  if (c->rhs.output) PetscCall(c->rhs.output(c->rhs.ctx, t * c->scale, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorKeepRestart(LmgPropagator *P)
{
  PetscFunctionBeginUser;
  if (!P->xprev) PetscCall(VecDuplicate(P->x, &P->xprev));
  PetscCall(VecCopy(P->x, P->xprev));
  PetscCall(TSGetTime(P->ts, &P->tprev));
  PetscCall(TSGetTimeStep(P->ts, &P->dtprev));
  PetscCall(TSGetStepNumber(P->ts, &P->sprev));
  PetscCall(TSGetStepRejections(P->ts, &P->rprev));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorRestore(LmgPropagator *P, PetscReal tprev, PetscReal dtprev, PetscInt sprev, PetscInt rprev)
{
  PetscFunctionBeginUser;
  PetscCall(VecCopy(P->xprev, P->x));
  PetscCall(TSSetTime(P->ts, tprev));
  PetscCall(TSSetTimeStep(P->ts, dtprev));
  PetscCall(TSSetStepNumber(P->ts, sprev));
  P->ts->reject = rprev;
  P->tprev = tprev, P->dtprev = dtprev, P->sprev = sprev, P->rprev = rprev;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorDestroy(LmgPropagator *P)
{
  PetscFunctionBeginUser;
  PetscCall(TSDestroy(&P->ts));
  PetscCall(VecDestroy(&P->x));
  PetscCall(VecDestroy(&P->xprev));
  PetscFunctionReturn(PETSC_SUCCESS);
}
