/* Dephasing thresholds of one (N, Gamma/J, level): closed forms A and B, and the numerical gamma_c (README (What is computed, §4)). */
#pragma once
#include "dynamics.h"

typedef struct {
  PetscBool numerical; /* -threshold: root-find gamma_c of each level */
} LmgThresholdOptions;

/* Not collective. Reads -threshold. */
PetscErrorCode LmgThresholdSetFromOptions(LmgThresholdOptions *o, char *err);

typedef struct {
  PetscReal gamma_c_A, gamma_c_B; /* 1/s, mean-field (G_loc) and secular two-level (G01) closed forms */
  PetscReal gamma_c;              /* 1/s, K3_opt(gamma_c) = 1 for the level; NaN when not computed */
  PetscReal K3_opt_at_zero;       /* K3_opt of the level at gamma_phi = 0 */
  PetscReal bias;                 /* static bias of the record, rad/s */
  PetscInt  evaluations;          /* dynamics solves spent on the root */
  PetscInt  status;
  char      message[LMG_MSG_LEN];
} LmgThreshold;

/* Not collective. The closed forms always; with o->numerical, gamma_c of `level` by bracketing K3_opt(gamma) - 1
   (doubling up from the closed forms) and Illinois regula falsi to 1e-6 relative, with the dynamics of d. No violation
   at gamma_phi = 0, or no sign change found, leaves gamma_c NaN with the reason in the message (the record is done).
   ctl: handed to the dynamics (NULL: never stop). */
PetscErrorCode LmgThresholdCompute(const LmgThresholdOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscInt level, const LmgControl *ctl, LmgThreshold *th);
/* The same under experiment x (NULL: ideal; its bias and detection resolution at every gamma_phi). */
PetscErrorCode LmgThresholdComputeAt(const LmgThresholdOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscInt level, const LmgExperiment *x, const LmgControl *ctl, LmgThreshold *th);
