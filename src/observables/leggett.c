/* Leggett-Garg K3 on a tau grid from one forward trajectory rho(t) and one adjoint trajectory Q_H(s) = e^{L^dagger s} Q,
   each sampled at the tau grid (dense output): C(0,tau) = Re Tr[Q_H(tau) Q rho0], C(tau,2tau) = Re Tr[Q_H(tau) Q rho(tau)],
   C(0,2tau) = Re Tr[Q_H(2tau) Q rho0]. */
#include <math.h>
#include <string.h>
#include "lmg/dynamics.h"
#include "lmg/options.h"

static const LmgOption opts[] = {
  {"-tau_grid", "0.01:2:200", "K3 intervals tau in units of tau_opt = pi/(3 dE) of each record (> 0): list, a:b:n or log:a:b:n; K3_opt is always computed"},
  {"-initial", "ground", "Initial state: ground (|E0>), pointer ((|E0> + |E1>)/sqrt2) or thermal (Gibbs state at T over the model's levels)"},
  {"-dyn_frame", "interaction", "Time integration in the interaction picture of H (interaction) or of L as it is (lab: for comparison, far slower)"},
  {"-dyn_max_gb", "8", "Memory (GB) a full-space record may take on each rank of its team (~336 n^2 / team size + 6 n^2 bytes); a larger one is skipped with that reason"},
  {"-dyn_max_steps", "1e+06", "Time steps (estimated before, counted during the integration) beyond which a record is skipped with that reason"},
  {"-dynamics", "on", "K3 (/dynamics) and the thresholds (/threshold) of the levels; -dynamics 0 with -rates: the rates (and traces) alone"},
  {"-dyn_method", "auto", "K3 by the Liouvillian's modes (exact: any tau_opt at one cost), by the time stepper (stepper), or the cheaper of the two for each record (auto: exact for k levels where it is cheaper or the stepper would exceed -dyn_max_steps; the stepper in the full space)"},
};
const LmgOptionTable LmgDynamicsOptionTable = LMG_TABLE("The dynamics (also -dyn_ts_*: PETSc's TS options of the integrator)", opts);

PetscErrorCode LmgDynamicsSetFromOptions(LmgDynamicsOptions *o, char *err)
{
  const char *inits[] = {"ground", "pointer", "thermal", NULL}, *frames[] = {"interaction", "lab", NULL}, *methods[] = {"auto", "exact", "stepper", NULL};
  PetscInt    init = 0, frame = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof *o));
  o->max_gb = 8, o->max_steps = 1e6;
  PetscCall(LmgOptionsList(&opts[0], 0, PETSC_TRUE, 1e30, &o->ntau, &o->tau, err));
  PetscCall(LmgOptionsChoice(&opts[1], inits, &init, err));
  PetscCall(LmgOptionsChoice(&opts[2], frames, &frame, err));
  PetscCall(LmgOptionsReal(&opts[3], 0, PETSC_TRUE, 1e9, &o->max_gb, err));
  PetscCall(LmgOptionsReal(&opts[4], 0, PETSC_TRUE, 1e15, &o->max_steps, err));
  o->on = PETSC_TRUE;
  PetscCall(LmgOptionsFlag(&opts[5], &o->on, err));
  PetscCall(LmgOptionsChoice(&opts[6], methods, &o->method, err));
  PetscCall(PetscStrncpy(o->initial, inits[init], sizeof o->initial));
  o->interaction = (PetscBool)(frame == 0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgDynamicsOptionsDestroy(LmgDynamicsOptions *o)
{
  PetscFunctionBeginUser;
  free(o->tau);
  o->tau  = NULL;
  o->ntau = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  PetscReal t;
  PetscInt  kind, i; /* kind 0: t = tau_i (needs rho(tau_i)); kind 1: t = 2 tau_i */
} Event;

static int CompareEvent(const void *a, const void *b)
{
  const Event *x = (const Event *)a, *y = (const Event *)b;
  return x->t < y->t ? -1 : x->t > y->t ? 1 : (int)(x->kind - y->kind);
}

/* Exact propagation (exact.c): two zgeev of k^2/2 and, per tau, products of the modes with the vectors (measured on
   one core, N = 370: 0.8 ms at k = 5, 10 ms at 10, 0.8 s at 30, 34 s at 60, ~2.9e-9 (k^2/2)^3 s per block); memory
   4 (k^2/2)^2 complex numbers. Possible for k levels, and for the full space up to n = 60. */
static PetscErrorCode ChooseMethod(const LmgDynamicsOptions *o, PetscInt level, PetscReal n, PetscBool biased, PetscBool best, LmgDynamicsPlan *p)
{
  PetscReal m = (biased ? 1 : 0.5) * n * n, secs = 2.9e-9 * (biased ? 1 : 2) * m * m * m + (best ? 130 : o->ntau + 1) * 1.5e-9 * 4 * m * m, bytes = (biased ? 32 : 64) * m * m;
  PetscBool can = (PetscBool)((level > 0 || (n <= 60 && !biased)) && bytes / 1e9 <= o->max_gb);
  PetscFunctionBeginUser;
  if (o->method == LMG_METHOD_EXACT) p->exact = can;
  else if (o->method == LMG_METHOD_AUTO) p->exact = (PetscBool)(can && level > 0 && (secs < (best ? 3.5 : 1) * p->seconds || p->steps > o->max_steps)); /* best: ~130 taus by the modes, or 3-4 solves of the stepper */
  if (o->method == LMG_METHOD_EXACT && !can) p->out.status = LMG_SKIPPED, snprintf(p->out.message, LMG_MSG_LEN, "-dyn_method exact: needs a k-level model within -dyn_max_gb (%.1f GB) or the full space without a bias up to N = 59", (double)(bytes / 1e9));
  if (p->exact) p->seconds = secs, p->bytes = bytes + 1e6; /* p->steps stays the time stepper's, for a fallback */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool LmgSpectrumUnusable(const LmgSpectrum *sp, LmgOutcome *out)
{
  if (sp->status == LMG_SKIPPED) out->status = LMG_SKIPPED, snprintf(out->message, LMG_MSG_LEN, "the spectrum record was skipped: %.120s", sp->message);
  else if (sp->status != LMG_DONE) out->status = LMG_FAILED, snprintf(out->message, LMG_MSG_LEN, "the spectrum record failed");
  return (PetscBool)(sp->status != LMG_DONE);
}

PetscBool LmgModelUnbuildable(const LmgSpectrum *sp, PetscInt level, LmgOutcome *out)
{
  out->message[0] = 0;
  if (level > sp->N + 1) snprintf(out->message, LMG_MSG_LEN, "level k = %" PetscInt_FMT " exceeds N+1 = %" PetscInt_FMT, level, sp->N + 1);
  else if (level > sp->nev) snprintf(out->message, LMG_MSG_LEN, "level k = %" PetscInt_FMT " exceeds the eigenpairs held (-nev)", level);
  else if (level == 0 && sp->dE / (PetscAbsReal(sp->E[0]) + sp->J) < 1e-9) snprintf(out->message, LMG_MSG_LEN, "full space: dE below what double precision resolves in H");
  if (out->message[0]) out->status = LMG_SKIPPED;
  return (PetscBool)(out->message[0] != 0);
}

/* Steps per trajectory, measured (RK5(4) at tol 1e-8, N = 100-2000): in the interaction picture dt ~ 1/w with w ~ 0.9 x
   the level spacing at the top of the spectrum, 2 sqrt(Gamma (Gamma + J)), times (gphi/0.05)^0.15 (for k levels at most
   their spread), and at least 40 (dt <= 0.1 tau_opt); an explicit integrator also needs dt <~ 3/rate of the fastest
   dephasing; in the lab frame ~1 step per radian of the spread of H. Memory in the full space: ~21 n^2 complex numbers
   (RK stages of two trajectories, each a packed triangle of n^2 / 2; measured 341 MB at N = 1000). Time per step: ~1.4e-7 n^2 s in the full space (banded dissipator), ~(10 +
   5e-3 k^3) us for k levels. */
PetscReal LmgFullBytes(PetscReal n, PetscInt ranks, PetscReal extra)
{
  return 21 * 16 * n * n / ranks + (6 + extra) * n * n + 4 * 16 * n * 60;
}

void LmgFullTooLarge(PetscReal n, PetscInt ranks, PetscReal extra, PetscReal max_gb, LmgOutcome *out)
{
  PetscInt need = ranks;
  while (need < 1 << 20 && LmgFullBytes(n, need, extra) / 1e9 > max_gb) need *= 2;
  out->status = LMG_SKIPPED;
  if (LmgFullBytes(n, need, extra) / 1e9 > max_gb) snprintf(out->message, LMG_MSG_LEN, "full space: needs ~%.2g GB per rank on a team of %" PetscInt_FMT " > -dyn_max_gb %g, and at least %.2g GB on any team", (double)(LmgFullBytes(n, ranks, extra) / 1e9), ranks, (double)max_gb, (double)((6 + extra) * n * n / 1e9));
  else {
    while (need > ranks && LmgFullBytes(n, need - 1, extra) / 1e9 <= max_gb) need--;
    snprintf(out->message, LMG_MSG_LEN, "full space: needs ~%.2g GB per rank on a team of %" PetscInt_FMT " > -dyn_max_gb %g (a -team_size of %" PetscInt_FMT " would hold it)", (double)(LmgFullBytes(n, ranks, extra) / 1e9), ranks, (double)max_gb, need);
  }
}

PetscErrorCode LmgDynamicsPlanCompute(const LmgDynamicsOptions *o, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscInt ranks, LmgDynamicsPlan *p)
{
  return LmgDynamicsPlanComputeAt(o, sp, gphi, level, NULL, ranks, p);
}

PetscErrorCode LmgDynamicsPlanComputeAt(const LmgDynamicsOptions *o, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgExperiment *x, PetscInt ranks, LmgDynamicsPlan *p)
{
  PetscReal   n = level ? (PetscReal)level : sp->N + 1.0, span, rate, G = sp->g * sp->J, tmax = 1, T4;
  LmgOutcome *out = &p->out;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof *p));
  p->ranks = level ? 1 : ranks;
  p->bytes = level ? 40 * 16 * n * n + 1e6 : LmgFullBytes(n, p->ranks, 0);
  out->status = LMG_SKIPPED;
  if (LmgSpectrumUnusable(sp, out)) (void)0;
  else if (!sp->dE_resolved) snprintf(out->message, LMG_MSG_LEN, "dE unresolved: tau_opt undefined");
  else if (LmgModelUnbuildable(sp, level, out)) (void)0;
  else if (level == 0 && p->bytes / 1e9 > o->max_gb) LmgFullTooLarge(n, ranks, 0, o->max_gb, out);
  if (out->message[0]) PetscFunctionReturn(PETSC_SUCCESS);
  out->status = LMG_PENDING;
  for (PetscInt i = 0; i < o->ntau; i++) tmax = PetscMax(tmax, o->tau[i]);
  T4 = 2 * tmax * PETSC_PI / (3 * sp->dE); /* the adjoint trajectory runs to 2 max(tau, tau_opt) */
  rate = 0.5 * gphi * sp->N * sp->N; /* largest dephasing rate: (gphi/2)(m - m')^2, or gphi |P Jz P|^2 <= gphi max <Jz^2> */
  for (PetscInt i = 0; level && i < level; i++) rate = i ? PetscMax(rate, 2 * gphi * sp->Jz2[i]) : 2 * gphi * sp->Jz2[0];
  if (o->interaction) {
    span = 1.8 * PetscSqrtReal(G * (G + sp->J)) * PetscPowReal(PetscMax(gphi, 1e-3) / 0.05, 0.15);
    if (level) span = PetscMin(span, sp->E[level - 1] - sp->E[0]);
    p->steps = PetscMax(40, T4 * PetscMax(span, rate / 3));
  } else p->steps = T4 * PetscMax(level ? sp->E[level - 1] - sp->E[0] : 2 * sp->J * sp->N * (0.5 + sp->g), rate); /* Gershgorin: spread of H */
  p->seconds = (p->steps + 45) * (level ? 1e-5 + 5e-9 * n * n * n : 1.4e-7 * n * n); /* one core: the team's work */
  PetscCall(ChooseMethod(o, level, n, (PetscBool)(x && x->bias != 0), (PetscBool)(x && x->best), p));
  if (!p->exact && p->steps > o->max_steps) out->status = LMG_SKIPPED, snprintf(out->message, LMG_MSG_LEN, "needs ~%.1e time steps (2 max(tau) x the fastest rate resolved) > -dyn_max_steps %g", (double)p->steps, (double)o->max_steps);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What a checkpoint of the two trajectories holds besides the states before their last steps (the Vecs): the next
   event, the correlators so far (3 m values after the struct), the diagnostics, and the steps and rejections taken
   (a trajectory whose last step no later sample needs does not take it again). */
typedef struct {
  int64_t e, m, steps[2], rejects[2], taken[2], rejected[2];
  double  t[2], dt[2], trace_err, herm_err;
} Checkpoint;

static PetscErrorCode Save(const LmgCheckpointHook *ck, MPI_Comm comm, PetscInt e, PetscInt m, const PetscReal *C1, const PetscReal *C2, const PetscReal *C3, LmgPropagator *P, const LmgDynamics *dyn)
{
  Checkpoint *h;
  Vec         v[2] = {P[0].xprev, P[1].xprev};
  char        err[LMG_MSG_LEN];
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc(sizeof *h + 3 * m * sizeof(double), &h));
  h->e = e, h->m = m, h->trace_err = dyn->trace_err, h->herm_err = dyn->herm_err;
  for (PetscInt k = 0; k < 2; k++) {
    PetscInt s, r;
    PetscCall(TSGetStepNumber(P[k].ts, &s));
    PetscCall(TSGetStepRejections(P[k].ts, &r));
    h->t[k] = P[k].tprev, h->dt[k] = P[k].dtprev, h->steps[k] = P[k].sprev, h->rejects[k] = P[k].rprev, h->taken[k] = s, h->rejected[k] = r;
  }
  for (PetscInt i = 0; i < m; i++) ((double *)(h + 1))[i] = C1[i], ((double *)(h + 1))[m + i] = C2[i], ((double *)(h + 1))[2 * m + i] = C3[i];
  PetscCall(ck->write(ck->ctx, comm, h, sizeof *h + 3 * m * sizeof(double), 2, v, err, sizeof err));
  if (err[0]) PetscCall(PetscFPrintf(comm, PETSC_STDERR, "lmgsweep: %s; the record goes on\n", err));
  PetscCall(PetscFree(h));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The next event after a checkpoint restored into P and the correlators, or 0 (none, or one ignored with its reason) */
static PetscErrorCode Restore(const LmgCheckpointHook *ck, MPI_Comm comm, PetscInt m, PetscReal tau_opt, PetscReal *C1, PetscReal *C2, PetscReal *C3, LmgPropagator *P, LmgDynamics *dyn, PetscInt *e, PetscInt *taken)
{
  Checkpoint *h;
  Vec         v[2] = {P[0].xprev, P[1].xprev};
  PetscBool   found;
  char        why[512];
  PetscFunctionBeginUser;
  *e = 0;
  PetscCall(PetscCalloc(sizeof *h + 3 * m * sizeof(double), &h));
  PetscCall(ck->read(ck->ctx, comm, h, sizeof *h + 3 * m * sizeof(double), 2, v, &found, why, sizeof why));
  if (found && h->m != m) found = PETSC_FALSE, snprintf(why, sizeof why, "%.300s: another tau grid", ck->name);
  if (found) {
    for (PetscInt k = 0; k < 2; k++) PetscCall(LmgPropagatorRestore(&P[k], h->t[k], h->dt[k], (PetscInt)h->steps[k], (PetscInt)h->rejects[k]));
    for (PetscInt i = 0; i < m; i++) C1[i] = ((double *)(h + 1))[i], C2[i] = ((double *)(h + 1))[m + i], C3[i] = ((double *)(h + 1))[2 * m + i];
    dyn->trace_err = h->trace_err, dyn->herm_err = h->herm_err, *e = (PetscInt)h->e;
    for (PetscInt k = 0; k < 2; k++) taken[k] = (PetscInt)h->taken[k], taken[2 + k] = (PetscInt)h->rejected[k];
    PetscCall(PetscFPrintf(comm, PETSC_STDERR, "lmgsweep: %s: resumed from its checkpoint (t = %.4g s, %d steps)\n", ck->name, (double)(h->t[1] * tau_opt), (int)(h->steps[0] + h->steps[1])));
  } else {
    if (why[0]) PetscCall(PetscFPrintf(comm, PETSC_STDERR, "lmgsweep: checkpoint ignored (%s); the record restarts\n", why));
    for (PetscInt k = 0; k < 2; k++) PetscCall(LmgPropagatorKeepRestart(&P[k])); /* what the read left is not trusted */
  }
  PetscCall(PetscFree(h));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* t: the m tau values in units of tau_opt (the integration's time unit). ctl: when to give up (NULL: never);
   ck: checkpoints (NULL: none), written every ck->interval when `periodic`, and at a drain. */
static PetscErrorCode Correlators(LmgLiouville L, const LmgDynamicsOptions *o, PetscInt m, const PetscReal *t, PetscReal *C1, PetscReal *C2, PetscReal *C3, const LmgControl *ctl, const LmgCheckpointHook *ck, PetscBool periodic, LmgDynamics *dyn)
{
  PetscInt      n = LmgLiouvilleSize(L), ne = 2 * m, maxsteps = (PetscInt)PetscMin(o->max_steps, (PetscReal)PETSC_MAX_INT), e = 0, taken[4] = {0, 0, 0, 0};
  Vec           rho, rho0, qh;
  LmgPropagator P[2], Pf, Pa;
  LmgRHS        rf, ra;
  Event        *ev;
  LmgPropStatus st = LMG_PROP_OK;
  PetscBool     full = (PetscBool)(L->sp->N + 1 == n), drained = PETSC_FALSE;
  MPI_Comm      comm = L->cols.comm;
  double        last = MPI_Wtime();
  PetscFunctionBeginUser;
  PetscCall(LmgLiouvilleCreateVec(L, &rho));
  PetscCall(VecDuplicate(rho, &rho0));
  PetscCall(VecDuplicate(rho, &qh));
  PetscCall(LmgLiouvilleInitial(L, o->initial, L->T, rho0));
  PetscCall(LmgLiouvilleObservable(L, qh));
  PetscCall(PetscMalloc1(ne, &ev));
  for (PetscInt i = 0; i < m; i++) ev[2 * i] = (Event){t[i], 0, i}, ev[2 * i + 1] = (Event){2 * t[i], 1, i};
  qsort(ev, (size_t)ne, sizeof *ev, CompareEvent);
  /* steps of at most 0.1 tau_opt (the doublet turns by 0.2 rad): measured, the interpolant then costs no accuracy
     (k = 2 against its closed form: 3e-9 on the tau grid, 2e-7 with unbounded steps) */
  /* full space: measured against tol 1e-10 (N = 100-2000), K3 within 2e-8, and the adjoint's looser tolerance saves ~40 %
     of its steps; k levels (cheap steps): 1e-10 on both, K3 within 1e-10 of the exact propagation */
  PetscCall(LmgLiouvilleRHS(L, PETSC_FALSE, o->interaction, &rf));
  PetscCall(LmgLiouvilleRHS(L, PETSC_TRUE, o->interaction, &ra));
  PetscCall(LmgPropagatorCreate(&rf, PETSC_FALSE, full ? 1e-8 : 1e-10, dyn->tau_opt, 1e-4, 0.1, maxsteps, rho0, &P[0]));
  PetscCall(LmgPropagatorCreate(&ra, PETSC_TRUE, full ? 1e-7 : 1e-10, dyn->tau_opt, 1e-4, 0.1, maxsteps, qh, &P[1]));
  P[0].control = P[1].control = ctl;
  if (ck) {
    for (PetscInt k = 0; k < 2; k++) PetscCall(LmgPropagatorKeepRestart(&P[k]));
    if (ck->resume) PetscCall(Restore(ck, comm, m, dyn->tau_opt, C1, C2, C3, P, dyn, &e, taken));
  }
  for (; e < ne; e++) {
    if (ck) { /* every interval, and once when a drain signal arrives: the team decides together */
      int go[2] = {periodic && MPI_Wtime() - last >= ck->interval, LmgControlDraining(ctl) && !drained};
      PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, go, 2, MPI_INT, MPI_MAX, comm));
      if (go[0] || go[1]) {
        PetscCall(Save(ck, comm, e, m, C1, C2, C3, P, dyn));
        last = MPI_Wtime(), drained = (PetscBool)(drained || go[1]);
      }
    }
    PetscCall(LmgPropagatorSample(&P[1], ev[e].t, qh, &st));
    if (st == LMG_PROP_OK && ev[e].kind == 0) PetscCall(LmgPropagatorSample(&P[0], ev[e].t, rho, &st));
    if (st != LMG_PROP_OK) break; /* event e not done */
    if (ev[e].kind == 0) {
      PetscCall(LmgLiouvilleDiagnose(L, rho, &dyn->trace_err, &dyn->herm_err));
      PetscCall(LmgLiouvilleCorrelate(L, qh, rho0, &C1[ev[e].i]));
      PetscCall(LmgLiouvilleCorrelate(L, qh, rho, &C2[ev[e].i]));
    } else PetscCall(LmgLiouvilleCorrelate(L, qh, rho0, &C3[ev[e].i]));
  }
  if (ck && st == LMG_PROP_ABANDONED) PetscCall(Save(ck, comm, e, m, C1, C2, C3, P, dyn)); /* both restart before e */
  Pf = P[0], Pa = P[1];
  for (PetscInt k = 0; k < 2; k++) {
    TS       ts = k ? Pa.ts : Pf.ts;
    PetscInt s, r;
    PetscCall(TSGetStepNumber(ts, &s));
    PetscCall(TSGetStepRejections(ts, &r));
    dyn->steps += PetscMax(s, taken[k]);
    dyn->rejects += PetscMax(r, taken[2 + k]);
  }
  if (st == LMG_PROP_MAXSTEPS) dyn->status = LMG_SKIPPED, snprintf(dyn->message, LMG_MSG_LEN, "a trajectory took more than -dyn_max_steps %g time steps", (double)o->max_steps);
  if (st == LMG_PROP_FAILED) dyn->status = LMG_FAILED, snprintf(dyn->message, LMG_MSG_LEN, "the time integrator failed (see -dyn_ts_monitor)");
  if (st == LMG_PROP_ABANDONED) dyn->status = LMG_ABANDONED, snprintf(dyn->message, LMG_MSG_LEN, "abandoned by a drain after %" PetscInt_FMT " time steps", dyn->steps);
  {
    TSType type;
    PetscReal rf, ra;
    PetscCall(TSGetType(Pf.ts, &type));
    PetscCall(TSGetTolerances(Pf.ts, NULL, NULL, &rf, NULL));
    PetscCall(TSGetTolerances(Pa.ts, NULL, NULL, &ra, NULL));
    snprintf(dyn->integrator, sizeof dyn->integrator, "%s", type);
    if (!strcmp(type, TSRK)) {
      TSRKType rk;
      PetscCall(TSRKGetType(Pf.ts, &rk));
      snprintf(dyn->integrator, sizeof dyn->integrator, "rk %s", rk);
    }
    snprintf(dyn->integrator + strlen(dyn->integrator), sizeof dyn->integrator - strlen(dyn->integrator), ", rtol %g (rho) %g (Q_H)", (double)rf, (double)ra);
  }
  PetscCall(LmgPropagatorDestroy(&P[0]));
  PetscCall(LmgPropagatorDestroy(&P[1]));
  PetscCall(PetscFree(ev));
  PetscCall(VecDestroy(&rho));
  PetscCall(VecDestroy(&qh));
  PetscCall(VecDestroy(&rho0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgDynamicsCompute(MPI_Comm comm, const LmgDynamicsOptions *o, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgControl *ctl, LmgDynamics *dyn)
{
  return LmgDynamicsComputeAt(comm, o, sp, gphi, level, NULL, ctl, dyn);
}

PetscErrorCode LmgDynamicsComputeAt(MPI_Comm comm, const LmgDynamicsOptions *o, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgExperiment *x, const LmgControl *ctl, LmgDynamics *dyn)
{
  LmgDynamicsOptions ox = *o; /* the experiment's initial state */
  PetscInt        m = o->ntau + 1;
  PetscReal      *t, *C1, *C2, *C3;
  LmgLiouville    L;
  LmgDynamicsPlan plan;
  PetscMPIInt     size, rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMemzero(dyn, sizeof *dyn));
  dyn->ntau   = o->ntau;
  dyn->status = LMG_DONE;
  PetscCall(PetscMalloc1(o->ntau, &dyn->K3));
  for (PetscInt i = 0; i < o->ntau; i++) dyn->K3[i] = NAN;
  dyn->K3_opt = dyn->K3_max = dyn->tau_at_max = dyn->tau_opt = dyn->secular = dyn->K3_err = dyn->K3_best = dyn->tau_best = NAN;
  dyn->bias = x ? x->bias : 0;
  if (x && x->initial) PetscCall(PetscStrncpy(ox.initial, x->initial, sizeof ox.initial));
  o = &ox;
  PetscCall(LmgDynamicsPlanComputeAt(o, sp, gphi, level, x, size, &plan));
  if (plan.out.status == LMG_PENDING && (level || plan.exact) && rank) { /* not distributed: the comm's first rank alone */
    dyn->status = LMG_SKIPPED;
    PetscCall(PetscStrncpy(dyn->message, "computed by the team's first rank", LMG_MSG_LEN));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (plan.out.status != LMG_PENDING) {
    dyn->status = plan.out.status;
    PetscCall(PetscStrncpy(dyn->message, plan.out.message, LMG_MSG_LEN));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  dyn->tau_opt = PETSC_PI / (3 * sp->dE);
  dyn->secular = gphi > 0 ? 2 * sp->dE / (gphi * sp->G01) : INFINITY;
  PetscCall(PetscMalloc4(m, &t, m, &C1, m, &C2, m, &C3));
  for (PetscInt i = 0; i < o->ntau; i++) t[i] = o->tau[i];
  t[o->ntau] = 1;
  PetscCall(LmgLiouvilleCreate(level || plan.exact ? PETSC_COMM_SELF : comm, sp, level, gphi, (PetscBool)!plan.exact, &L));
  if (x) {
    if (!PetscIsNanReal(x->T)) L->T = x->T;
    PetscCall(LmgLiouvilleSetStaticBias(L, x->bias));
    PetscCall(LmgLiouvilleSetDetection(L, x->sigma));
  }
  if (plan.exact) {
    PetscCall(LmgExactCorrelators(L, o->initial, m, t, dyn->tau_opt, x ? x->modes : NULL, x && x->best ? o->ntau : 0, C1, C2, C3, dyn));
    if (dyn->status == LMG_SKIPPED && o->method == LMG_METHOD_AUTO && plan.steps <= o->max_steps && strstr(dyn->message, "ill-conditioned")) {
      PetscCall(PetscStrncpy(dyn->message, "", LMG_MSG_LEN)); /* the time stepper instead, where it is affordable */
      dyn->status = LMG_DONE, dyn->K3_err = dyn->K3_best = dyn->tau_best = NAN, dyn->trace_err = dyn->herm_err = 0;
      PetscCall(Correlators(L, o, m, t, C1, C2, C3, ctl, NULL, PETSC_FALSE, dyn));
    }
  } else { /* the team's full space: checkpoints when it is estimated to take longer than their interval */
    const LmgCheckpointHook *c = level == 0 ? LmgControlCheckpoint(ctl) : NULL;
    PetscCall(Correlators(L, o, m, t, C1, C2, C3, ctl, c, (PetscBool)(c && c->interval > 0 && plan.seconds / size > c->interval), dyn));
  }
  if (dyn->status == LMG_DONE) {
    for (PetscInt i = 0; i < o->ntau; i++) {
      dyn->K3[i] = C1[i] + C2[i] - C3[i];
      if (!(dyn->K3[i] <= dyn->K3_max)) dyn->K3_max = dyn->K3[i], dyn->tau_at_max = t[i] * dyn->tau_opt;
    }
    dyn->K3_opt = C1[o->ntau] + C2[o->ntau] - C3[o->ntau];
  }
  PetscCall(LmgLiouvilleDestroy(&L));
  PetscCall(PetscFree4(t, C1, C2, C3));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgDynamicsDestroy(LmgDynamics *dyn)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(dyn->K3));
  PetscFunctionReturn(PETSC_SUCCESS);
}
