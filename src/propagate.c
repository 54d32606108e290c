/* Propagation of vec(rho) or of a Heisenberg-picture observable with PETSc TS (TS_LINEAR, matrix-free RHS), by default
   in the interaction picture of H: x = P(t) o y with P_ab = e^{-+i(E_a - E_b)t}, dy/dt = conj(P) o D(P o y), so the
   integrator resolves the dephasing dynamics, not the fastest frequency of H (~1e7 rad/s at N = 370). */
#include "lmg/dynamics.h"

typedef struct {
  LmgLiouville L;
  PetscBool    adjoint, frame; /* frame: interaction picture */
  PetscReal    scale;          /* time unit, s: the ODE is dx/ds = scale L x */
} RHSCtx;

static PetscErrorCode RHS(TS ts, PetscReal t, Vec x, Vec f, void *ctx)
{
  RHSCtx *c = (RHSCtx *)ctx;
  PetscFunctionBeginUser;
  (void)ts;
  if (c->frame) PetscCall(LmgLiouvilleDissipate(c->L, c->adjoint, t * c->scale, c->scale, x, f));
  else {
    PetscCall(LmgLiouvilleApply(c->L, c->adjoint, x, f));
    PetscCall(VecScale(f, c->scale));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CtxDestroy(void *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorFrame(PetscBool *interaction)
{
  const char *frames[] = {"lab", "interaction"};
  PetscInt    i        = 1;
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetEList(NULL, "dyn_", "-frame", frames, 2, &i, NULL));
  *interaction = (PetscBool)(i == 1);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorCreate(LmgLiouville L, PetscBool adjoint, PetscReal scale, PetscReal dt0, PetscReal dtmax, PetscInt maxsteps, Vec x0, LmgPropagator *P)
{
  RHSCtx        *c;
  PetscContainer box;
  PetscBool      rk, user;
  TSAdapt        adapt;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->L       = L;
  c->adjoint = adjoint;
  c->scale   = scale;
  PetscCall(LmgPropagatorFrame(&c->frame));
  P->maxsteps = maxsteps;
  PetscCall(VecDuplicate(x0, &P->x));
  PetscCall(VecCopy(x0, P->x)); /* at t = 0 the two frames agree */
  PetscCall(TSCreate(PETSC_COMM_SELF, &P->ts));
  PetscCall(TSSetProblemType(P->ts, TS_LINEAR));
  PetscCall(TSSetRHSFunction(P->ts, NULL, RHS, c));
  PetscCall(PetscContainerCreate(PETSC_COMM_SELF, &box)); /* frees c with the TS */
  PetscCall(PetscContainerSetPointer(box, c));
  PetscCall(PetscContainerSetUserDestroy(box, CtxDestroy));
  PetscCall(PetscObjectCompose((PetscObject)P->ts, "lmg_rhs_ctx", (PetscObject)box));
  PetscCall(PetscContainerDestroy(&box));
  P->ctx = c;
  PetscCall(TSSetType(P->ts, TSRK));
  PetscCall(TSRKSetType(P->ts, TSRK5DP)); /* its dense output samples the tau grid without clipping steps */
  /* measured against tol 1e-10 (N = 100-2000): K3 within 2e-8; the adjoint's looser tolerance saves ~40 % of its steps */
  PetscCall(TSSetTolerances(P->ts, adjoint ? 1e-7 : 1e-8, NULL, adjoint ? 1e-7 : 1e-8, NULL));
  PetscCall(TSSetExactFinalTime(P->ts, TS_EXACTFINALTIME_INTERPOLATE)); /* steps are never clipped to a max time */
  PetscCall(TSSetMaxTime(P->ts, PETSC_MAX_REAL));
  PetscCall(TSSetMaxSteps(P->ts, maxsteps));
  PetscCall(TSSetErrorIfStepFails(P->ts, PETSC_FALSE)); /* a failed step fails the record, not the run */
  PetscCall(TSSetTime(P->ts, 0));
  PetscCall(TSSetTimeStep(P->ts, dt0));
  PetscCall(TSGetAdapt(P->ts, &adapt));
  PetscCall(TSAdaptSetStepLimits(adapt, PETSC_DEFAULT, dtmax));
  PetscCall(TSSetSolution(P->ts, P->x));
  PetscCall(TSSetOptionsPrefix(P->ts, "dyn_"));
  /* rho lives on a few levels: the RMS norm over its n^2 entries would dilute its error (measured, N = 370: K3 off by
     1.4e-6 at tol 1e-8), so the forward trajectory is controlled in the max norm; Q_H, spread over all entries, in RMS */
  PetscCall(PetscOptionsHasName(NULL, "dyn_", "-ts_adapt_wnormtype", &user));
  if (!adjoint && !user) PetscCall(PetscOptionsSetValue(NULL, "-dyn_ts_adapt_wnormtype", "infinity"));
  PetscCall(TSSetFromOptions(P->ts));
  if (!adjoint && !user) PetscCall(PetscOptionsClearValue(NULL, "-dyn_ts_adapt_wnormtype"));
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
static PetscErrorCode Step(LmgPropagator *P, PetscReal t, PetscBool *ok)
{
  PetscReal         now, dt;
  PetscBool         cut = PETSC_FALSE;
  PetscInt          steps;
  TSConvergedReason reason;
  PetscFunctionBeginUser;
  PetscCall(TSGetTime(P->ts, &now));
  PetscCall(TSGetTimeStep(P->ts, &dt));
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
  *ok = (PetscBool)(reason >= 0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorSample(LmgPropagator *P, PetscReal t, Vec out, PetscBool *ok)
{
  RHSCtx   *c = (RHSCtx *)P->ctx;
  PetscReal now;
  PetscInt  steps;
  PetscFunctionBeginUser;
  *ok = PETSC_TRUE;
  PetscCall(TSGetTime(P->ts, &now));
  while (*ok && t - now > 1e-12 * t) { /* closer than that counts as arrived (no step of roundoff size) */
    PetscCall(TSGetStepNumber(P->ts, &steps));
    if (steps >= P->maxsteps) *ok = PETSC_FALSE;
    else PetscCall(Step(P, t, ok));
    PetscCall(TSGetTime(P->ts, &now));
  }
  if (!*ok) PetscFunctionReturn(PETSC_SUCCESS);
  if (P->interpolate && now > t) PetscCall(TSInterpolate(P->ts, t, out));
  else PetscCall(VecCopy(P->x, out));
  if (c->frame) PetscCall(LmgLiouvilleRotate(c->L, c->adjoint, t * c->scale, PETSC_FALSE, out, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorDestroy(LmgPropagator *P)
{
  PetscFunctionBeginUser;
  PetscCall(TSDestroy(&P->ts));
  PetscCall(VecDestroy(&P->x));
  PetscFunctionReturn(PETSC_SUCCESS);
}
