/* Dynamics record of one (N, Gamma/J, gamma_phi, level): K3 on the tau grid (PHYSICS.md §3). */
#pragma once
#include <petscts.h>
#include "liouville.h"

typedef struct {
  TS        ts;
  PetscBool adjoint;
  PetscReal time;
  void     *ctx;
} LmgPropagator;

/* Not collective. A TS_LINEAR integrator of dx/ds = scale L x (or L^dagger x), s = t/scale, from s = 0 (times in units
   of `scale` seconds keep every record's time span O(1)); dt0 in those units; at most maxsteps steps; options prefix
   -dyn_ (-dyn_ts_*, and -dyn_frame interaction|lab: integrate in the interaction picture of H, the default). */
PetscErrorCode LmgPropagatorCreate(LmgLiouville L, PetscBool adjoint, PetscReal scale, PetscReal dt0, PetscInt maxsteps, LmgPropagator *P);
/* Whether -dyn_frame selects the interaction picture (default) rather than the lab frame. */
PetscErrorCode LmgPropagatorFrame(PetscBool *interaction);
/* Advance x to time t (>= the current time, in units of scale). *ok is false when the integrator failed. */
PetscErrorCode LmgPropagatorAdvance(LmgPropagator *P, Vec x, PetscReal t, PetscBool *ok);
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
