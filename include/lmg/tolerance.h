/* Tolerances of one (N, Gamma/J, gamma_phi, bias, sigma, level): the best violation K3_best over tau in (0, 2 tau_opt]
   and the value of each experimental parameter at which it disappears (README "What must an experiment achieve?"). */
#pragma once
#include "dynamics.h"

enum { LMG_TOL_GAMMA, LMG_TOL_BIAS, LMG_TOL_SIGMA, LMG_TOL_T, LMG_NTOL };
/* How a tolerance ended (stored as <name>_status) */
enum { LMG_TOL_FOUND, LMG_TOL_NO_VIOLATION, LMG_TOL_NOT_BRACKETED, LMG_TOL_NOT_ASKED, LMG_TOL_FAILED };

typedef struct {
  PetscBool on;            /* -tolerance: the /tolerance records */
  PetscBool ask[LMG_NTOL]; /* which tolerances they solve */
} LmgToleranceOptions;

/* Not collective. Reads -tolerance (gamma_phi, bias, sigma, T, all or none). */
PetscErrorCode LmgToleranceSetFromOptions(LmgToleranceOptions *o, char *err);

typedef struct {
  PetscReal bias, h1;                                    /* the record's bias and h1 = dE/(2 J01), rad/s */
  PetscReal K3_best, tau_best, tau_best_opt;             /* K3_best and its tau (s, and in units of tau_opt) */
  PetscReal value[LMG_NTOL], lo[LMG_NTOL], hi[LMG_NTOL]; /* 1/s, h1, atoms, K: the tolerance and its bracket */
  PetscInt  state[LMG_NTOL];                             /* LMG_TOL_FOUND, ... */
  PetscReal bias_c_rad_s;
  PetscInt  evaluations; /* K3_best evaluations (each a few dynamics solves) */
  PetscInt  status;
  char      message[LMG_MSG_LEN];
} LmgTolerance;

/* Not collective (the model on one rank). K3_best at the record (gamma_phi gphi, bias in units of h1, sigma atoms, the
   options' initial state; for T_c rho0 thermal at the spectrum's T), then for each asked parameter the first crossing
   of K3_best = 1 beyond the record's value: steps outward (gamma_phi, sigma, T by factors 1.25, |bias| by 0.25 h1) up to a
   limit, then Illinois regula falsi in the first bracket to 1e-8 relative. A record without violation is done, each
   tolerance LMG_TOL_NO_VIOLATION; a failed dynamics solve fails the record with its message. */
PetscErrorCode LmgToleranceCompute(const LmgToleranceOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscReal bias, PetscReal sigma, PetscInt level, const LmgControl *ctl, LmgTolerance *t);
