/* Dynamics record of one (N, Gamma/J, gamma_phi, level): K3 on the tau grid (PHYSICS.md §3). */
#pragma once
#include <petscts.h>
#include "liouville.h"

typedef struct {
  TS        ts;
  Vec       x;           /* the state at the integrator's time, in its frame */
  PetscInt  maxsteps;
  PetscBool interpolate; /* the method has dense output */
  void     *ctx;
} LmgPropagator;

/* Not collective. A TS_LINEAR integrator of dx/ds = scale L x (or L^dagger x), s = t/scale, from x(0) = x0 (times in
   units of `scale` seconds keep every record's time span O(1)); first step dt0 and steps at most dtmax in those units
   (the interpolant between steps is as accurate as the steps only when they resolve the slow dynamics); at most maxsteps steps; options
   prefix -dyn_ (-dyn_ts_*, and -dyn_frame interaction|lab: integrate in the interaction picture of H, the default).
   Default: RK5(4) Dormand-Prince with its dense output; rtol = atol = 1e-8 in the max norm (forward: rho) or 1e-7 in
   the RMS norm (adjoint: Q_H). */
PetscErrorCode LmgPropagatorCreate(LmgLiouville L, PetscBool adjoint, PetscReal scale, PetscReal dt0, PetscReal dtmax, PetscInt maxsteps, Vec x0, LmgPropagator *P);
/* Whether -dyn_frame selects the interaction picture (default) rather than the lab frame. */
PetscErrorCode LmgPropagatorFrame(PetscBool *interaction);
/* out = x(t) in the lab frame, t (units of scale) not before the previous sample: steps on as far as needed and
   interpolates (or, without dense output, ends a step on t). *ok is false when the integrator failed or took maxsteps. */
PetscErrorCode LmgPropagatorSample(LmgPropagator *P, PetscReal t, Vec out, PetscBool *ok);
PetscErrorCode LmgPropagatorDestroy(LmgPropagator *P);

typedef struct {
  PetscInt   ntau;
  PetscReal *K3;                  /* [ntau] on cfg's tau grid (units of tau_opt) */
  PetscReal  tau_opt;             /* pi/(3 dE), s */
  PetscReal  K3_opt, K3_max, tau_at_max, secular;
  PetscInt   steps, rejects;      /* both trajectories */
  PetscReal  trace_err, herm_err; /* max over the forward trajectory of |Tr rho - 1| and |rho - rho^dagger| */
  char       integrator[32];
  PetscInt   status;
  char       message[LMG_MSG_LEN];
} LmgDynamics;

/* Not collective. K3(tau) of model `level` (k, or 0 for full) at dephasing gphi from spectrum sp.
   A numerical failure is dyn->status = LMG_FAILED with dyn->message. */
PetscErrorCode LmgDynamicsCompute(const LmgConfig *cfg, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, LmgDynamics *dyn);
PetscErrorCode LmgDynamicsDestroy(LmgDynamics *dyn);
