/* Landau-Zener sweep (README "What is computed" §6): the options, the scales of one (N, Gamma/J), and one quantum record:
   rho(0) = |g_0><g_0| (ground state of H(0) = H0 + h0 Jz), rho(t_q) by the time stepper with the model's bias term,
   the well weight and the ground-state weight at the end. */
#include <math.h>
#include <string.h>
#include "lmg/lz.h"
#include "lmg/options.h"

static const LmgOption opts[] = {
  {"-lz_tq", "none", "Landau-Zener sweeps: quench times t_q in units of t_LZ = 8 h0 J01/(pi dE^2) of each (N, Gamma/J) (> 0): list, a:b:n or log:a:b:n; turns the /landau_zener records on"},
  {"-lz_bias", "0.5", "Sweep amplitude h0 in units of the classical spinodal h_sp = 2J (1 - (Gamma/J)^(2/3))^(3/2): h(t) runs from -h0 to +h0 (< 1: the classical spin stays in its well)"},
  {"-lz_tol", "1e-09", "Tolerance (rtol = atol, max norm) of the quantum sweep's time stepper (-dyn_ts_*: its PETSc options)"},
  {"-lz_trajectories", "1000", "Classical trajectories per record at gamma_phi > 0 (one at gamma_phi = 0: no noise)"},
  {"-lz_seed", "1", "Seed of the classical noise; each record's stream depends only on it and the record's coordinates"},
  {"-lz_classical_step", "0.02", "Classical time step in radians of the fastest precession |Omega|max (RK4 halves around each noise rotation)"},
};
const LmgOptionTable LmgLzOptionTable = LMG_TABLE("The Landau-Zener sweep", opts);

PetscErrorCode LmgLzSetFromOptions(LmgLzOptions *o, char *err)
{
  const char *text;
  PetscBool   set;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof *o));
  o->bias = 0.5, o->tol = 1e-9, o->trajectories = 1000, o->seed = 1, o->dtheta = 0.02;
  PetscCall(LmgOptionsText(&opts[0], &text, &set));
  if (set) PetscCall(LmgOptionsList(&opts[0], 0, PETSC_TRUE, 1e6, &o->ntq, &o->tq, err));
  PetscCall(LmgOptionsReal(&opts[1], 0, PETSC_TRUE, 100, &o->bias, err));
  PetscCall(LmgOptionsReal(&opts[2], 1e-14, PETSC_FALSE, 1e-3, &o->tol, err));
  PetscCall(LmgOptionsInt(&opts[3], 1, 100000000, &o->trajectories, err));
  PetscCall(LmgOptionsInt(&opts[4], 0, PETSC_MAX_INT, &o->seed, err));
  PetscCall(LmgOptionsReal(&opts[5], 1e-6, PETSC_FALSE, 0.5, &o->dtheta, err));
  for (int i = 1; i < 6 && !o->ntq && !err[0]; i++) { /* no silently ignored input */
    PetscCall(LmgOptionsText(&opts[i], &text, &set));
    if (set) snprintf(err, LMG_ERR_LEN, "%s: no Landau-Zener sweep to apply it to (give -lz_tq)", opts[i].name);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLzOptionsDestroy(LmgLzOptions *o)
{
  PetscFunctionBeginUser;
  free(o->tq);
  o->tq  = NULL;
  o->ntq = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgLzScalesCompute(const LmgLzOptions *o, const LmgSpectrum *sp, LmgLzScales *s)
{
  LmgOutcome out;
  PetscFunctionBeginUser;
  s->h_sp = s->h0 = s->t_LZ = s->b = NAN;
  s->status = LMG_SKIPPED, s->message[0] = 0;
  if (LmgSpectrumUnusable(sp, &out)) s->status = out.status, snprintf(s->message, LMG_MSG_LEN, "%s", out.message);
  else if (sp->g >= 1) snprintf(s->message, LMG_MSG_LEN, "Gamma/J >= 1: no double well, no spinodal, no sweep through a doublet");
  else if (!sp->dE_resolved) snprintf(s->message, LMG_MSG_LEN, "dE unresolved: t_LZ undefined");
  else if (!(sp->J01 > 0)) snprintf(s->message, LMG_MSG_LEN, "J01 = 0: the bias does not couple the doublet");
  if (s->message[0]) PetscFunctionReturn(PETSC_SUCCESS);
  s->h_sp   = 2 * sp->J * PetscPowReal(1 - PetscPowReal(sp->g, 2.0 / 3), 1.5);
  s->h0     = o->bias * s->h_sp;
  s->t_LZ   = 8 * s->h0 * sp->J01 / (PETSC_PI * sp->dE * sp->dE);
  s->b      = s->h0 * sp->J01 / sp->dE;
  s->status = LMG_DONE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Steps of RK5(4) at tol 1e-9 in the interaction picture of H0, measured (N = 40, 370; k = 2 ... full): ~3.4 per radian
   of w = 2 h0 J_eff + the level spacing reached (J_eff = J01 for k = 2, else N m* / 2: the bias turns the populated levels
   at up to that), x (tol / 1e-9)^(-1/5); the pure state (gphi = 0, at 1/100 of the tolerance) 2.5 times more. Time per
   step: 7 products of ~3.4e-8 n^2 s (rho, full), ~3e-8 n s (psi), (1 + 3e-3 k^3) us (k levels); two dense ground states. */
PetscErrorCode LmgLzPlan(const LmgLzOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscReal tq_over, PetscInt ranks, PetscReal *steps, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  LmgLzScales s;
  PetscReal   n = level ? (PetscReal)level : sp->N + 1.0, tq, w, jeff, spread, rate, per;
  PetscBool   pure = (PetscBool)(gphi == 0);
  PetscFunctionBeginUser;
  *steps = *seconds = 0;
  /* RK stages (rho of the full space shared by the team); dense H for the ground states on every rank */
  *bytes = !pure && !level ? LmgFullBytes(n, ranks, 16) : (pure ? 40 * 16 * n : 40 * 16 * n * n) + 2 * 8 * n * n + 1e6;
  PetscCall(LmgLzScalesCompute(o, sp, &s));
  out->status = s.status == LMG_DONE ? LMG_SKIPPED : s.status, out->message[0] = 0;
  if (s.status != LMG_DONE) snprintf(out->message, LMG_MSG_LEN, "%s", s.message);
  else if (LmgModelUnbuildable(sp, level, out)) (void)0;
  else if (level == 0 && *bytes / 1e9 > d->max_gb) {
    if (pure) snprintf(out->message, LMG_MSG_LEN, "full space: needs ~%.1f GB > -dyn_max_gb %g", (double)(*bytes / 1e9), (double)d->max_gb);
    else LmgFullTooLarge(n, ranks, 16, d->max_gb, out);
  }
  if (out->message[0]) PetscFunctionReturn(PETSC_SUCCESS);
  out->status = LMG_PENDING;
  tq     = tq_over * s.t_LZ;
  jeff   = level == 2 ? sp->J01 : 0.5 * sp->N * PetscSqrtReal(1 - sp->g * sp->g);
  spread = level == 2 || sp->nev < 3 ? sp->dE : sp->E[2] - sp->E[0];
  w      = 2 * s.h0 * jeff + spread;
  rate   = 2 * gphi * sp->Jz2[0];
  *steps = 100 + 3.4 * tq * PetscMax(w, rate / 3) * PetscPowReal(o->tol / 1e-9, -0.2) * (pure ? 2.5 : 1);
  per    = level ? 1e-6 + 3e-9 * n * n * n : pure ? 3e-8 * n : 3.4e-8 * n * n;
  *seconds = (*steps + 20) * 7 * per + 2e-9 * n * n * n;
  if (*steps > d->max_steps) out->status = LMG_SKIPPED, snprintf(out->message, LMG_MSG_LEN, "t_q = %.3g t_LZ needs ~%.1e time steps > -dyn_max_steps %g", (double)tq_over, (double)*steps, (double)d->max_steps);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* tr = |psi|^2, q = <psi|Q|psi>, g = |<gf|psi>|^2 of a pure state */
static PetscErrorCode ExpectPure(LmgLiouville L, Vec x, const PetscReal *gf, PetscReal *tr, PetscReal *q, PetscReal *g)
{
  const PetscInt     n = L->n;
  const PetscScalar *X;
  PetscScalar        s = 0, o = 0;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &X));
  *tr = 0;
  for (PetscInt b = 0; b < n; b++) {
    PetscScalar c = 0;
    for (PetscInt a = 0; a < n; a++) c += PetscConj(X[a]) * L->Q[a + n * b];
    s += c * X[b], o += gf[b] * X[b], *tr += PetscRealPart(PetscConj(X[b]) * X[b]);
  }
  PetscCall(VecRestoreArrayRead(x, &X));
  *q = PetscRealPart(s), *g = PetscRealPart(PetscConj(o) * o);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal Ramp(PetscReal t, void *ctx)
{
  const PetscReal *p = (const PetscReal *)ctx; /* h0, t_q */
  return p[0] * (2 * t / p[1] - 1);
}

PetscErrorCode LmgLzCompute(MPI_Comm comm, const LmgLzOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscReal tq_over, PetscReal tol, const LmgControl *ctl, LmgLz *r)
{
  LmgLzScales   s;
  LmgOutcome    out;
  LmgLiouville  L;
  LmgRHS        rhs;
  LmgPropagator P;
  LmgPropStatus st;
  Vec           x; /* rho (n^2), or psi (n) at gphi = 0 */
  PetscBool     pure = (PetscBool)(gphi == 0);
  PetscReal     steps, secs, bytes, ramp[2], *psi, tr, q, g;
  PetscInt      n, maxsteps = (PetscInt)PetscMin(d->max_steps, (PetscReal)PETSC_MAX_INT);
  PetscMPIInt   size, rank;
  PetscBool     team = (PetscBool)(level == 0 && !pure); /* rho of the full space: distributed over comm */
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  r->P_error = r->P_not_ground = r->P_floor = r->P_LZ = r->t_q = r->trace_err = NAN;
  r->steps = r->rejects = 0;
  if (!team && rank) {
    r->status = LMG_SKIPPED;
    PetscCall(PetscStrncpy(r->message, "computed by the team's first rank", LMG_MSG_LEN));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(LmgLzPlan(o, d, sp, gphi, level, tq_over, team ? size : 1, &steps, &secs, &bytes, &out));
  if (out.status != LMG_PENDING) {
    r->status = out.status;
    PetscCall(PetscStrncpy(r->message, out.message, LMG_MSG_LEN));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(LmgLzScalesCompute(o, sp, &s));
  r->t_q = tq_over * s.t_LZ;
  r->P_LZ = PetscExpReal(-tq_over);
  ramp[0] = s.h0, ramp[1] = r->t_q;
  PetscCall(LmgLiouvilleCreate(team ? comm : PETSC_COMM_SELF, sp, level, gphi, PETSC_TRUE, &L));
  PetscCall(LmgLiouvilleSetBias(L, Ramp, ramp));
  n = LmgLiouvilleSize(L);
  PetscCall(PetscMalloc1(n, &psi));
  if (pure) PetscCall(VecCreateSeq(PETSC_COMM_SELF, n, &x));
  else PetscCall(LmgLiouvilleCreateVec(L, &x));
  PetscCall(LmgLiouvilleGround(L, -s.h0, psi)); /* H(0) = H0 + h0 Jz: the well m < 0 lower */
  if (pure) {
    PetscScalar *X;
    PetscCall(VecGetArrayWrite(x, &X));
    for (PetscInt a = 0; a < n; a++) X[a] = psi[a];
    PetscCall(VecRestoreArrayWrite(x, &X));
    PetscCall(LmgLiouvilleStateRHS(L, d->interaction, &rhs));
  } else {
    PetscCall(LmgLiouvillePure(L, psi, x));
    PetscCall(LmgLiouvilleRHS(L, PETSC_FALSE, d->interaction, &rhs));
  }
  /* time unit t_q; steps at most 1/50 of the sweep (the interpolant is not used: one sample at the end); psi at 1/100 of
     the tolerance, at least 1e-11 (measured: at tol it is ~10x less accurate than rho at tol, and its steps are n times
     cheaper; below 1e-11 the steps reach the roundoff of the phases e^{-i E t}) */
  PetscCall(LmgPropagatorCreate(&rhs, PETSC_FALSE, pure ? PetscMax(0.01 * tol, 1e-11) : tol, r->t_q, 1e-6, 0.02, maxsteps, x, &P));
  P.control = ctl;
  PetscCall(LmgPropagatorSample(&P, 1, x, &st));
  PetscCall(TSGetStepNumber(P.ts, &r->steps));
  PetscCall(TSGetStepRejections(P.ts, &r->rejects));
  {
    TSType   type;
    TSRKType rk = NULL;
    PetscCall(TSGetType(P.ts, &type));
    if (!strcmp(type, TSRK)) PetscCall(TSRKGetType(P.ts, &rk));
    snprintf(r->integrator, LMG_STR_LEN, "%s%s%s, tol %g, %s, %s frame", type, rk ? " " : "", rk ? rk : "", (double)tol, pure ? "psi" : "rho", d->interaction ? "interaction" : "lab");
  }
  PetscCall(LmgPropagatorDestroy(&P));
  r->status = LMG_DONE;
  if (st == LMG_PROP_MAXSTEPS) r->status = LMG_SKIPPED, snprintf(r->message, LMG_MSG_LEN, "the sweep took more than -dyn_max_steps %g time steps", (double)d->max_steps);
  if (st == LMG_PROP_FAILED) r->status = LMG_FAILED, snprintf(r->message, LMG_MSG_LEN, "the time integrator failed (see -dyn_ts_monitor)");
  if (st == LMG_PROP_ABANDONED) r->status = LMG_ABANDONED, snprintf(r->message, LMG_MSG_LEN, "abandoned by a drain after %" PetscInt_FMT " time steps", r->steps);
  if (r->status == LMG_DONE) {
    PetscCall(LmgLiouvilleGround(L, s.h0, psi)); /* g_f: H(t_q) = H0 - h0 Jz */
    if (pure) PetscCall(ExpectPure(L, x, psi, &tr, &q, &g));
    else PetscCall(LmgLiouvilleExpect(L, x, psi, &tr, &q, &g));
    r->P_error      = 0.5 * (tr - q);
    r->P_not_ground = 1 - g;
    PetscCall(LmgLiouvilleExpectQ(L, psi, &q));
    r->P_floor      = 0.5 * (1 - q);
    r->trace_err    = PetscAbsReal(tr - 1);
  }
  PetscCall(VecDestroy(&x));
  PetscCall(PetscFree(psi));
  PetscCall(LmgLiouvilleDestroy(&L));
  PetscFunctionReturn(PETSC_SUCCESS);
}
