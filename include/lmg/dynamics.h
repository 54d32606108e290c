/* Dynamics record of one (N, Gamma/J, gamma_phi, level): K3 on the tau grid (README (What is computed, §3)). */
#pragma once
#include <math.h>
#include <petscts.h>
#include "control.h"
#include "liouville.h"

typedef struct {
  PetscInt   ntau;
  PetscReal *tau;         /* the K3 tau grid, units of tau_opt = pi/(3 dE) */
  char       initial[16]; /* ground, pointer or thermal */
  PetscReal  max_gb;      /* memory a full-space record may take on each rank of its team */
  PetscReal  max_steps;   /* estimated time steps beyond which a record is skipped; the most steps of a trajectory */
  PetscBool  interaction; /* -dyn_frame interaction (else lab) */
  PetscBool  on;          /* -dynamics: the /dynamics and /threshold records */
  PetscInt   method;      /* -dyn_method: LMG_METHOD_AUTO, _EXACT (the Liouvillian's modes) or _STEPPER (PETSc TS) */
} LmgDynamicsOptions;

enum { LMG_METHOD_AUTO, LMG_METHOD_EXACT, LMG_METHOD_STEPPER };

/* Not collective. Reads -tau_grid, -initial, -dyn_frame, -dyn_max_gb, -dyn_max_steps, -dynamics, -dyn_method. */
PetscErrorCode LmgDynamicsSetFromOptions(LmgDynamicsOptions *o, char *err);
PetscErrorCode LmgDynamicsOptionsDestroy(LmgDynamicsOptions *o);

/* The right-hand side of dx/dt = f(t, x) a propagator integrates: apply(ctx, t, x, y) sets y = f(t, x) (t in s);
   output(ctx, t, x), if not NULL, maps the integrator's variable at t into the sample (a frame change, in place);
   destroy(ctx) frees ctx with the propagator (NULL: not owned). */
typedef struct {
  PetscErrorCode (*apply)(void *ctx, PetscReal t, Vec x, Vec y);
  PetscErrorCode (*output)(void *ctx, PetscReal t, Vec x);
  PetscErrorCode (*destroy)(void *ctx);
  void *ctx;
} LmgRHS;

/* rhs = L(t) x (or L(t)^dagger x) of a model, integrated in the interaction picture of its H (interaction) or the lab
   frame; the samples are in the lab frame. Not collective (apply: collective on the model's comm). */
PetscErrorCode LmgLiouvilleRHS(LmgLiouville L, PetscBool adjoint, PetscBool interaction, LmgRHS *rhs);

/* rhs = -i H(t) psi of a model without dephasing (a pure state psi, n complex entries: O(n x band) per evaluation in
   the full space instead of O(n^2 x band) for rho), in the interaction picture of H0 or the lab frame. Not collective. */
PetscErrorCode LmgLiouvilleStateRHS(LmgLiouville L, PetscBool interaction, LmgRHS *rhs);

typedef struct {
  TS                ts;
  Vec               x; /* the state at the integrator's time, in its frame */
  PetscInt          maxsteps;
  PetscBool         interpolate; /* the method has dense output */
  void             *ctx;
  Vec               xprev;         /* LmgPropagatorKeepRestart: the state before the last step (NULL: not kept) ... */
  PetscReal         tprev, dtprev; /* ... its time and the step then tried (units of scale) ... */
  PetscInt          sprev, rprev;  /* ... and the steps and rejections before it */
  const LmgControl *control;       /* asked before each step whether to give up (NULL, as created: never) */
} LmgPropagator;

/* Collective on x0's comm. A TS_LINEAR integrator of dx/ds = scale f(scale s, x), s = t/scale, from x(0) = x0 (times in units
   of `scale` seconds keep every record's time span O(1)); first step dt0 and steps at most dtmax in those units (the
   interpolant between steps is as accurate as the steps only when they resolve the slow dynamics); at most maxsteps
   steps; options prefix -dyn_ (-dyn_ts_*). Default: RK5(4) Dormand-Prince with its dense output; rtol = atol = tol in
   the max norm (spread = PETSC_FALSE: a state on a few levels, rho) or in the RMS norm (spread: Q_H);
   -dyn_ts_rtol/-dyn_ts_atol/-dyn_ts_adapt_wnormtype override. */
PetscErrorCode LmgPropagatorCreate(const LmgRHS *rhs, PetscBool spread, PetscReal tol, PetscReal scale, PetscReal dt0, PetscReal dtmax, PetscInt maxsteps, Vec x0, LmgPropagator *P);
/* Not collective: configures integrators as the sweep's are, so that PETSc reads every -dyn_ option it will use;
   err: one line when PETSc refuses one of them. */
PetscErrorCode LmgPropagatorCheckOptions(char *err);
typedef enum { LMG_PROP_OK, LMG_PROP_FAILED, LMG_PROP_MAXSTEPS, LMG_PROP_ABANDONED } LmgPropStatus;

/* Collective. out = x(t) in the lab frame, t (units of scale) not before the previous sample: steps on as far as needed and
   interpolates (or, without dense output, ends a step on t). *st: LMG_PROP_OK, or why it stopped (a failed step, maxsteps
   taken, a drain: P->control's abandon on any rank of the comm, so that the team stops together). */
PetscErrorCode LmgPropagatorSample(LmgPropagator *P, PetscReal t, Vec out, LmgPropStatus *st);
PetscErrorCode LmgPropagatorDestroy(LmgPropagator *P);
/* Collective. Keep the state before each step (P->xprev, tprev, dtprev, sprev, rprev: one more vector), from which
   LmgPropagatorRestore restarts a new propagator of the same right-hand side bit for bit: it takes that step again,
   so samples inside it interpolate as they did (the step control of TSAdaptBasic keeps no history). Called again: the
   kept state is reset to the present one. */
PetscErrorCode LmgPropagatorKeepRestart(LmgPropagator *P);
/* Collective. P->xprev holds a kept state: restart from it at tprev with step dtprev after sprev steps, rprev rejections. */
PetscErrorCode LmgPropagatorRestore(LmgPropagator *P, PetscReal tprev, PetscReal dtprev, PetscInt sprev, PetscInt rprev);

typedef struct {
  PetscInt   ntau;
  PetscReal *K3;                  /* [ntau] on cfg's tau grid (units of tau_opt) */
  PetscReal  tau_opt;             /* pi/(3 dE), s */
  PetscReal  K3_opt, K3_max, tau_at_max, secular;
  PetscReal  bias;                /* static bias h of the record, rad/s */
  PetscInt   steps, rejects;      /* both trajectories */
  PetscReal  trace_err, herm_err; /* max over the forward trajectory of |Tr rho - 1| and |rho - rho^dagger| */
  PetscReal  K3_err;              /* exact propagation: bound on the error double precision leaves in K3 (else NaN) */
  PetscReal  K3_best, tau_best;   /* experiment's `best`, exact propagation: the largest K3 near the grid's (else NaN) */
  char       integrator[LMG_STR_LEN];
  PetscInt   status;
  char       message[LMG_MSG_LEN];
} LmgDynamics;

/* The experiment's parameters of a record (PHYSICS §7): a static bias h (rad/s) in H - h Jz, the detection resolution
   sigma (atoms; 0 the ideal Q), and the initial state and its temperature (NULL, NaN: the options' -initial, -T). */
typedef struct LmgModesCache LmgModesCache; /* modes.h */
typedef struct {
  PetscReal      bias, sigma, T;
  const char    *initial;
  LmgModesCache *modes; /* the exact propagation takes the model's modes from it (NULL: computes its own) */
  PetscBool      best;  /* also the largest K3 near the grid's best lobes (K3_best, tau_best), by the modes of a
                           k-level model (chosen over the stepper where ~130 taus by them cost less than 3.5 solves) */
} LmgExperiment;
#define LMG_EXPERIMENT_IDEAL ((LmgExperiment){0, 0, NAN, NULL, NULL, PETSC_FALSE})

/* A priori estimate of one record: why it cannot be computed (out.status LMG_SKIPPED or LMG_FAILED with the message),
   else out.status = LMG_PENDING with the estimated steps of the larger trajectory, time on one core and peak memory. */
typedef struct {
  PetscReal  steps, seconds, bytes; /* seconds: on one core; bytes: on each of `ranks` */
  PetscInt   ranks;                 /* the ranks that compute it: the team's for the full space, else 1 */
  PetscBool  exact;                 /* by the Liouvillian's modes (else the time stepper) */
  LmgOutcome out;
} LmgDynamicsPlan;
/* Peak bytes per rank of a full-space record (n states) distributed over `ranks`: the RK stages of two trajectories,
   ~21 n^2 complex numbers shared out (packed triangles), and on every rank the two sectors' eigenvectors and their solver's work (6 n^2
   bytes) and extra n^2 bytes more; and the skip of one that exceeds max_gb GB: its message names the team size that
   would hold it. Not collective. */
PetscReal LmgFullBytes(PetscReal n, PetscInt ranks, PetscReal extra);
void      LmgFullTooLarge(PetscReal n, PetscInt ranks, PetscReal extra, PetscReal max_gb, LmgOutcome *out);
/* Not collective. Checks shared by the plans of every kind built on a model of sp: PETSC_TRUE, with out's status and
   message, when sp is not a done record (skipped: LMG_SKIPPED; failed: LMG_FAILED), or when model `level` cannot be
   built from it (LMG_SKIPPED: k > N + 1, k above the eigenpairs held, the full space where dE is below what double
   precision resolves in H). */
PetscBool LmgSpectrumUnusable(const LmgSpectrum *sp, LmgOutcome *out);
PetscBool LmgModelUnbuildable(const LmgSpectrum *sp, PetscInt level, LmgOutcome *out);
/* Not collective. The plan of a record computed by a team of `ranks`. */
PetscErrorCode LmgDynamicsPlanCompute(const LmgDynamicsOptions *o, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscInt ranks, LmgDynamicsPlan *plan);
/* The same under experiment x (NULL: ideal): a static bias makes the k-level modes one block of k^2 (no parity) and
   leaves the full space to the time stepper. */
PetscErrorCode LmgDynamicsPlanComputeAt(const LmgDynamicsOptions *o, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgExperiment *x, PetscInt ranks, LmgDynamicsPlan *plan);

/* Collective on comm (a team): K3(tau) of model `level` (k, or 0 for full) at dephasing gphi from spectrum sp; the
   full space by the time stepper is distributed over comm, anything else computed by its first rank alone (the
   others return status LMG_SKIPPED, "computed by the team's first rank"). ctl (NULL: never stop, no
   checkpoints): when to give up, and its checkpoint hook: the full space by the time stepper restarts from the hook's
   checkpoint with hook->resume, writes one every hook->interval when its estimated time on the team exceeds that, and
   one when a drain is requested (ctl's draining) and when it is abandoned.
   A numerical failure is dyn->status = LMG_FAILED, a record not computed by design LMG_SKIPPED, a record given up by a
   drain LMG_ABANDONED, each with dyn->message. */
PetscErrorCode LmgDynamicsCompute(MPI_Comm comm, const LmgDynamicsOptions *o, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgControl *ctl, LmgDynamics *dyn);
/* The same under experiment x (NULL or LMG_EXPERIMENT_IDEAL: the record above, bit for bit): the model's H - h Jz, its
   initial state, Q_sigma and the measurement map M of LmgLiouvilleSetDetection; tau stays in units of tau_opt of H. */
PetscErrorCode LmgDynamicsComputeAt(MPI_Comm comm, const LmgDynamicsOptions *o, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgExperiment *x, const LmgControl *ctl, LmgDynamics *dyn);
PetscErrorCode LmgDynamicsDestroy(LmgDynamics *dyn);

/* exact.c, for LmgDynamicsCompute: C1 = C(0, t_i), C2 = C(t_i, 2 t_i), C3 = C(0, 2 t_i) (t in units of tau_opt, s) from
   the modes of L; dyn gets the diagnostics, the error bound, and status LMG_SKIPPED (with why) when the result would be
   noise or LMG_FAILED when LAPACK fails. nbest > 0: dyn->K3_best, tau_best (units of tau_opt) the largest K3 between
   the neighbours of the best of t[0 .. nbest-1] (ascending; 0 below the first), inside the error bound. */
PetscErrorCode LmgExactCorrelators(LmgLiouville L, const char *initial, PetscInt m, const PetscReal *t, PetscReal tau_opt, LmgModesCache *cache, PetscInt nbest, PetscReal *C1, PetscReal *C2, PetscReal *C3, LmgDynamics *dyn);
