/* Propagation of vec(rho) or of a Heisenberg-picture observable with PETSc TS (TS_LINEAR, matrix-free RHS). */
#include "lmg/dynamics.h"

typedef struct {
  LmgLiouville L;
  PetscBool    adjoint;
  PetscReal    scale; /* time unit, s: the ODE is dx/ds = scale L x */
} RHSCtx;

static PetscErrorCode RHS(TS ts, PetscReal t, Vec x, Vec f, void *ctx)
{
  RHSCtx *c = (RHSCtx *)ctx;
  PetscFunctionBeginUser;
  (void)ts, (void)t;
  PetscCall(LmgLiouvilleApply(c->L, c->adjoint, x, f));
  PetscCall(VecScale(f, c->scale));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CtxDestroy(void *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorCreate(LmgLiouville L, PetscBool adjoint, PetscReal scale, PetscReal dt0, LmgPropagator *P)
{
  RHSCtx        *c;
  PetscContainer box;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->L       = L;
  c->adjoint = adjoint;
  c->scale   = scale;
  P->adjoint = adjoint;
  P->time    = 0;
  PetscCall(TSCreate(PETSC_COMM_SELF, &P->ts));
  PetscCall(TSSetProblemType(P->ts, TS_LINEAR));
  PetscCall(TSSetRHSFunction(P->ts, NULL, RHS, c));
  PetscCall(PetscContainerCreate(PETSC_COMM_SELF, &box)); /* frees c with the TS */
  PetscCall(PetscContainerSetPointer(box, c));
  PetscCall(PetscContainerSetUserDestroy(box, CtxDestroy));
  PetscCall(PetscObjectCompose((PetscObject)P->ts, "lmg_rhs_ctx", (PetscObject)box));
  PetscCall(PetscContainerDestroy(&box));
  PetscCall(TSSetType(P->ts, TSRK));
  PetscCall(TSRKSetType(P->ts, TSRK5BS)); /* measured: fewest steps for 1e-8 in K3 among RK 3bs/5dp/5bs */
  PetscCall(TSSetTolerances(P->ts, 1e-9, NULL, 1e-9, NULL)); /* halving them moves K3 by ~1e-8 (N = 50, 100) */
  PetscCall(TSSetMaxSteps(P->ts, PETSC_MAX_INT));
  PetscCall(TSSetExactFinalTime(P->ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetTime(P->ts, 0));
  PetscCall(TSSetTimeStep(P->ts, dt0));
  PetscCall(TSSetOptionsPrefix(P->ts, "dyn_"));
  PetscCall(TSSetFromOptions(P->ts));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorAdvance(LmgPropagator *P, Vec x, PetscReal t, PetscBool *ok)
{
  TSConvergedReason reason;
  PetscFunctionBeginUser;
  *ok = PETSC_TRUE;
  if (t <= P->time) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(TSSetMaxTime(P->ts, t));
  PetscCall(TSSolve(P->ts, x));
  PetscCall(TSGetConvergedReason(P->ts, &reason));
  PetscCall(TSGetTime(P->ts, &P->time));
  *ok = (PetscBool)(reason >= 0 && PetscAbsReal(P->time - t) <= 1e-12 * t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorDestroy(LmgPropagator *P)
{
  PetscFunctionBeginUser;
  PetscCall(TSDestroy(&P->ts));
  PetscFunctionReturn(PETSC_SUCCESS);
}
