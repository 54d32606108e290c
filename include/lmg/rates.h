/* Which coherence decoheres (README "What is computed" §5): the Liouvillian's modes that carry the doublet coherence
   rho01, the population difference and the slowest decay, beside the static formulas; and time traces of the doublet's
   density-matrix elements. One record per (N, Gamma/J, gamma_phi, level) in /decoherence and /traces. */
#pragma once
#include "dynamics.h"
#include "modes.h"

typedef struct {
  PetscBool on;      /* -rates: the /decoherence records */
  PetscBool trace;   /* -rates_trace: the /traces records */
  PetscInt  k0;      /* -rates_k0: levels of the dense first stage of a full-space record */
  PetscReal tol;     /* -rates_tol: relative residual the full-space eigensolver must reach */
  PetscInt  ntrace;  /* -rates_trace_grid: trace times in units of T2 */
  PetscReal *trace_t;
} LmgRatesOptions;

/* Not collective. Reads -rates, -rates_k0, -rates_tol, -rates_trace, -rates_trace_grid. */
PetscErrorCode LmgRatesSetFromOptions(LmgRatesOptions *o, char *err);
PetscErrorCode LmgRatesOptionsDestroy(LmgRatesOptions *o);
/* Not collective: creates the full-space eigensolver as a record would, so that SLEPc reads every -rates_ option it
   will use; err: one line when SLEPc refuses one. */
PetscErrorCode LmgRatesCheckOptions(char *err);

enum { LMG_RATE_SLOW, LMG_RATE_FAST, LMG_RATE_POPULATION, LMG_RATE_GAP, LMG_NRATES }; /* the exact rates */
enum { LMG_F_SECULAR, LMG_F_POINTER, LMG_F_MEAN_FIELD, LMG_F_DEGENERATE, LMG_F_LEAKAGE, LMG_NFORMULAS };

typedef struct {
  PetscReal rate_01[2], freq_01[2], weight_01[2]; /* the two modes of largest weight on rho01, rho10; slower first */
  PetscReal rate_population, population_overlap;  /* the mode of largest overlap with |E0><E0| - |E1><E1| */
  PetscReal liouvillian_gap;                      /* slowest nonzero decay rate */
  PetscReal formula[LMG_NFORMULAS];               /* gamma G01, gamma (G01 + J01^2), gamma G_loc, 2 gamma J01^2, gamma (G01 - J01^2) */
  PetscReal secular;                              /* 2 dE / (gamma G01) */
  PetscReal ratio[LMG_NFORMULAS][LMG_NRATES];     /* each exact rate over each formula */
  PetscReal residual[LMG_NRATES];                 /* |L x - lambda x| / (|lambda| |x|) of the four modes */
  PetscInt  matvecs;                              /* full space: applications of L */
  char      method[LMG_STR_LEN];
  PetscInt  status;
  char      message[LMG_MSG_LEN];
} LmgRates;

/* Collective on comm (a team): one record; the full space is distributed over comm (whole matrices in blocks of
   columns), a k-level model computed by comm's first rank (the others: skipped, "computed by the team's first rank").
   Skipped (with the reason) at gamma_phi = 0 (no decay) or beyond -dyn_max_gb per rank; LMG_ABANDONED when ctl's
   abandon says so (NULL: never). */
PetscErrorCode LmgRatesCompute(MPI_Comm comm, const LmgRatesOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgControl *ctl, LmgRates *r);
/* Not collective: estimated seconds and bytes, or out.status LMG_SKIPPED with the reason. */
PetscErrorCode LmgRatesPlan(const LmgRatesOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscInt ranks, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out);

enum { LMG_TR_RHO00, LMG_TR_RHO11, LMG_TR_RHO01_RE, LMG_TR_RHO01_IM, LMG_TR_RHOPR_RE, LMG_TR_RHOPR_IM, LMG_TR_POINTER, LMG_TR_DOUBLET, LMG_NTRACES };

typedef struct {
  PetscReal  T2;          /* 1/(gamma G01) of the model, s: the time unit of the trace grid */
  PetscInt   ntrace;
  PetscReal *tr[2][LMG_NTRACES]; /* [initial: |P><P|, |E0><E0|][quantity][ntrace] */
  char       method[LMG_STR_LEN];
  PetscInt   status;
  char       message[LMG_MSG_LEN];
} LmgTraces;

/* Not collective. rho(t) from rho(0) = |P><P| and |E0><E0| at t = trace_t T2: by the modes for k levels, by the time
   stepper in the full space (given up when ctl's abandon says so; NULL: never). */
PetscErrorCode LmgTracesCompute(const LmgRatesOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgControl *ctl, LmgTraces *r);
PetscErrorCode LmgTracesPlan(const LmgRatesOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out);
PetscErrorCode LmgTracesDestroy(LmgTraces *r);

/* Implementation side (rates.c, rates_full.c, traces.c). The basis indices of E0 and E1 in model L (the lowest state,
   and the lowest of the other parity), and the sign s with |E1> = s e_{i1} relative to |E0> = e_{i0} such that
   |P> = (|E0> + |E1>)/sqrt 2 is the model's pointer state. */
PetscErrorCode LmgRatesDoublet(LmgLiouville L, PetscInt *i0, PetscInt *i1, PetscReal *s);
/* y = L x for any (not only Hermitian) vec x of n*n entries: L x = L H1 + i L H2 with x = H1 + i H2, H1, H2 Hermitian.
   vx, vy: work vectors of n*n. */
PetscErrorCode LmgRatesApply(LmgLiouville L, const PetscScalar *x, PetscScalar *y, Vec vx, Vec vy);
/* |Im lambda|, or 0 when it is below what the eigenpair resolves (a real mode; relative residual res). */
PetscReal LmgRatesFrequency(PetscScalar lam, PetscReal res);
/* The modes of a dense model (k levels, or the first stage of the full space): for slow, fast (rho01 carriers),
   population and gap, the block and the column of M; gap: -1 when the model has no decaying mode. */
typedef struct {
  PetscInt b[LMG_NRATES], j[LMG_NRATES];
} LmgRatesPick;
void LmgRatesChoose(const LmgModes *M, PetscInt i0, PetscInt i1, LmgRatesPick *pk);
/* Full space (rates_full.c): the four modes by SLEPc on the full parity blocks, from the dense modes of the k0 lowest
   levels; fills rate_*, freq_01, weight_01, population_overlap, residual, matvecs, method (status/message on failure).
   Collective on L's comm (whole matrices; a team: the blocks' entries in its columns on each rank). ctl: as for
   LmgRatesCompute. */
PetscErrorCode LmgRatesFull(const LmgRatesOptions *o, LmgLiouville L, const LmgControl *ctl, LmgRates *r);
/* Estimated bytes per rank of a full-space record of n = N+1 states on a team of `ranks` (its eigensolver's basis
   shared out; the dense Jz and population matrix on every rank). */
PetscReal LmgRatesFullBytes(PetscInt n, PetscInt ranks);
