/* Propagation of vec(rho) or of a Heisenberg-picture observable with PETSc TS (TS_LINEAR, matrix-free RHS), by default
   in the interaction picture of H: x = P(t) o y with P_ab = e^{-+i(E_a - E_b)t}, dy/dt = conj(P) o D(P o y), so the
   integrator resolves the dephasing dynamics, not the fastest frequency of H (~1e7 rad/s at N = 370). */
#include "lmg/dynamics.h"

typedef struct {
  LmgLiouville L;
  PetscBool    adjoint, frame; /* frame: interaction picture */
  PetscReal    scale;          /* time unit, s: the ODE is dx/ds = scale L x */
  PetscScalar *z;              /* [n] e^{-+i E_a t} at the time of the last rotation */
  Vec          w;
} RHSCtx;

/* out_ab = P_ab(t)^{+1 or -1} in_ab, P_ab = z_a conj(z_b), z_a = e^{-i E_a t} (forward) or e^{+i E_a t} (adjoint). */
static PetscErrorCode Rotate(RHSCtx *c, PetscReal t, PetscBool inverse, Vec in, Vec out)
{
  const PetscInt     n = LmgLiouvilleSize(c->L);
  const PetscReal   *E = LmgLiouvilleEnergies(c->L), sg = (c->adjoint ? 1.0 : -1.0) * (inverse ? -1.0 : 1.0);
  PetscScalar       *z = c->z, *Y;
  const PetscScalar *X;
  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < n; a++) z[a] = PetscExpComplex(PETSC_i * sg * E[a] * t * c->scale);
  if (in == out) PetscCall(VecGetArray(out, &Y));
  else {
    PetscCall(VecGetArrayRead(in, &X));
    PetscCall(VecGetArrayWrite(out, &Y));
  }
  X = in == out ? Y : X;
  for (PetscInt b = 0; b < n; b++) {
    const PetscScalar zb = PetscConj(z[b]);
    for (PetscInt a = 0; a < n; a++) Y[a + n * b] = z[a] * zb * X[a + n * b];
  }
  if (in == out) PetscCall(VecRestoreArray(out, &Y));
  else {
    PetscCall(VecRestoreArrayRead(in, &X));
    PetscCall(VecRestoreArrayWrite(out, &Y));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RHS(TS ts, PetscReal t, Vec x, Vec f, void *ctx)
{
  RHSCtx *c = (RHSCtx *)ctx;
  PetscFunctionBeginUser;
  (void)ts;
  if (c->frame) {
    PetscCall(Rotate(c, t, PETSC_FALSE, x, c->w));
    PetscCall(LmgLiouvilleDissipate(c->L, c->adjoint, c->w, f));
    PetscCall(Rotate(c, t, PETSC_TRUE, f, f));
  } else PetscCall(LmgLiouvilleApply(c->L, c->adjoint, x, f));
  PetscCall(VecScale(f, c->scale));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CtxDestroy(void *ctx)
{
  RHSCtx *c = (RHSCtx *)ctx;
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&c->w));
  PetscCall(PetscFree(c->z));
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

PetscErrorCode LmgPropagatorCreate(LmgLiouville L, PetscBool adjoint, PetscReal scale, PetscReal dt0, PetscInt maxsteps, LmgPropagator *P)
{
  RHSCtx        *c;
  PetscContainer box;
  PetscInt       n = LmgLiouvilleSize(L);
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->L       = L;
  c->adjoint = adjoint;
  c->scale   = scale;
  PetscCall(LmgPropagatorFrame(&c->frame));
  PetscCall(PetscMalloc1(n, &c->z));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n * n, &c->w));
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
  P->ctx = c;
  PetscCall(TSSetType(P->ts, TSRK));
  PetscCall(TSRKSetType(P->ts, TSRK5BS)); /* measured (N = 200): fewer steps than 5dp, 6vr, 8vr at equal K3 */
  PetscCall(TSSetTolerances(P->ts, 1e-8, NULL, 1e-8, NULL)); /* N = 370: K3 within 1e-9 of tolerance 1e-11 */
  PetscCall(TSSetMaxSteps(P->ts, maxsteps));
  PetscCall(TSSetExactFinalTime(P->ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetTime(P->ts, 0));
  PetscCall(TSSetTimeStep(P->ts, dt0));
  PetscCall(TSSetOptionsPrefix(P->ts, "dyn_"));
  PetscCall(TSSetFromOptions(P->ts));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorAdvance(LmgPropagator *P, Vec x, PetscReal t, PetscBool *ok)
{
  RHSCtx           *c = (RHSCtx *)P->ctx;
  TSConvergedReason reason;
  PetscFunctionBeginUser;
  *ok = PETSC_TRUE;
  if (t <= P->time) PetscFunctionReturn(PETSC_SUCCESS);
  if (c->frame) PetscCall(Rotate(c, P->time, PETSC_TRUE, x, x));
  PetscCall(TSSetMaxTime(P->ts, t));
  PetscCall(TSSolve(P->ts, x));
  PetscCall(TSGetConvergedReason(P->ts, &reason));
  PetscCall(TSGetTime(P->ts, &P->time));
  if (c->frame) PetscCall(Rotate(c, P->time, PETSC_FALSE, x, x));
  *ok = (PetscBool)(reason >= 0 && PetscAbsReal(P->time - t) <= 1e-12 * t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgPropagatorDestroy(LmgPropagator *P)
{
  PetscFunctionBeginUser;
  PetscCall(TSDestroy(&P->ts));
  PetscFunctionReturn(PETSC_SUCCESS);
}
