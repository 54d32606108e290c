/* The Landau-Zener sweep (README "What is computed" §6): H(t) = H0 - h(t) Jz with h(t) = h0 (2t/t_q - 1), t in [0, t_q],
   from the ground state of H(0) (the well m < 0). Quantum: each model (k levels, full) with dephasing, by the time
   stepper; classical: the mean-field spin with the white-noise field of the same dephasing (lz_classical.c). Records in
   /landau_zener: the scales per (N, Gamma/J), the quantum outcome per (N, Gamma/J, gamma_phi, level, t_q), the
   classical foil per (N, Gamma/J, gamma_phi, t_q). */
#pragma once
#include "dynamics.h"
#include "window.h"

typedef struct {
  PetscInt   ntq;          /* -lz_tq: quench times in units of t_LZ (0: no sweep records) */
  PetscReal *tq;
  PetscReal  bias;         /* -lz_bias: h0 / h_sp */
  PetscReal  tol;          /* -lz_tol: tolerance of the quantum time stepper */
  PetscInt   trajectories; /* -lz_trajectories: classical trajectories at gamma_phi > 0 */
  PetscInt   seed;         /* -lz_seed: of the classical noise (with the record's coordinates) */
  PetscReal  dtheta;       /* -lz_classical_step: radians of the fastest precession per classical time step */
  LmgWindowOptions win;    /* -full_*: the full space of the sweep of rho on a window */
} LmgLzOptions;

/* Not collective. Reads -lz_tq, -lz_bias, -lz_tol, -lz_trajectories, -lz_seed, -lz_classical_step and -full_*. */
PetscErrorCode LmgLzSetFromOptions(LmgLzOptions *o, char *err);
PetscErrorCode LmgLzOptionsDestroy(LmgLzOptions *o);

/* Scales of one (N, Gamma/J) (status LMG_SKIPPED with the reason where undefined). */
typedef struct {
  PetscReal h_sp;  /* classical spinodal 2J (1 - (Gamma/J)^(2/3))^(3/2), rad/s */
  PetscReal h0;    /* sweep amplitude lz_bias h_sp, rad/s */
  PetscReal t_LZ;  /* 8 h0 J01 / (pi dE^2), s */
  PetscReal b;     /* h0 J01 / dE */
  PetscInt  status;
  char      message[LMG_MSG_LEN];
} LmgLzScales;

/* Not collective. */
PetscErrorCode LmgLzScalesCompute(const LmgLzOptions *o, const LmgSpectrum *sp, LmgLzScales *s);

typedef struct {
  PetscReal P_error;      /* Tr[rho(t_q) (1 - Q)/2]: the weight left in the starting well */
  PetscReal P_not_ground; /* 1 - <g_f|rho(t_q)|g_f>, g_f the model's ground state of H(t_q) */
  PetscReal P_floor;      /* <g_f|(1 - Q)/2|g_f> */
  PetscReal P_LZ;         /* exp(-t_q/t_LZ) */
  PetscReal t_q;          /* s */
  PetscInt  steps, rejects;
  PetscReal trace_err;    /* |Tr rho(t_q) - 1| (on a window: the weight it lost, below the bound) */
  PetscInt  window;       /* levels of H0 the full space was computed on (N + 1: the whole space; 0: k levels) */
  PetscReal window_bound; /* bound on the error of P_error and P_not_ground the window leaves (0: whole; NaN: k levels) */
  char      integrator[LMG_STR_LEN];
  PetscInt  status;
  char      message[LMG_MSG_LEN];
} LmgLz;

/* Not collective: estimated time steps, seconds (one core) and bytes (per rank of a team of `ranks`; rho of the full
   space is shared by the team) of one quantum record, or out.status LMG_SKIPPED / LMG_FAILED with the reason (the
   scales undefined, the model not possible, more memory than -dyn_max_gb per rank, more steps than -dyn_max_steps). */
PetscErrorCode LmgLzPlan(const LmgLzOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscReal tq_over, PetscInt ranks, PetscReal *steps, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out);
/* Collective on comm (a team). One quantum record of model `level` (k, or 0 for full) at dephasing gphi and
   t_q = tq_over t_LZ, integrated at tolerance tol (o->tol in the sweep): rho of the full space on a window
   (o->win.method LMG_FULL_WINDOW: by the team's first rank, the record broadcast; the window doubled until its bound is below
   o->win.tol) or, where no window up to o->win.kmax certifies it and with -full_method whole, distributed over comm;
   psi (gphi = 0) and k levels by its first rank alone (the others: LMG_SKIPPED, "computed by the team's first rank").
   Given up (LMG_ABANDONED) when ctl's abandon says so (NULL: never). */
PetscErrorCode LmgLzCompute(MPI_Comm comm, const LmgLzOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscReal tq_over, PetscReal tol, const LmgControl *ctl, LmgLz *r);

typedef struct {
  PetscReal P_error_classical;        /* fraction of trajectories ending with s_z < 0 */
  PetscReal P_error_classical_stderr; /* its standard error sqrt(P (1 - P) / M) (0 at gamma_phi = 0: one trajectory) */
  PetscReal z0;                       /* s_z at the start: the minimum of the R well at h = -h0 */
  PetscInt  trajectories, steps;      /* M, and time steps per trajectory */
  char     *outcome;                  /* NULL, or [M] set by the caller: 1 where trajectory j ended with s_z < 0 */
  PetscInt  status;
  char      message[LMG_MSG_LEN];
} LmgLzClassical;

/* Not collective. The classical foil at dephasing gphi and t_q = tq_over t_LZ from `trajectories` trajectories (1 at
   gphi = 0): Strang splitting per step of the noise rotation about z (two halves of the step's Brownian increment) around
   one RK4 step of ds/dt = Omega x s, dt = (o->dtheta / |Omega|max) / 2^refine. The Brownian path of trajectory j depends
   only on (seed, N, Gamma/J, gphi, tq_over, j): refine > 0 splits each increment by Brownian bridges (the same path at
   a finer step, for the time-step error). Skipped when a trajectory needs more than -dyn_max_steps steps; given up
   (LMG_ABANDONED) when ctl's abandon says so (NULL: never). */
PetscErrorCode LmgLzClassicalCompute(const LmgLzOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscReal tq_over, PetscInt trajectories, PetscInt refine, const LmgControl *ctl, LmgLzClassical *c);
/* Not collective: time steps per trajectory at refine 0 (NaN where the scales are undefined). */
PetscReal LmgLzClassicalSteps(const LmgLzOptions *o, const LmgSpectrum *sp, PetscReal tq_over);
/* s_z at the minimum of the R well (s_z < 0) of e(z) = -(J/2) z^2 - Gamma sqrt(1 - z^2) - (h/2) z at h = -h0 (bisection
   on e'(z) = 0 in (-1, -m*)); Gamma < J. */
PetscReal LmgLzWell(PetscReal J, PetscReal Gamma, PetscReal h0);
