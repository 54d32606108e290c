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
  PetscCall(LmgWindowSetFromOptions(&o->win, &text, err));
  if (text && !o->ntq && !err[0]) snprintf(err, LMG_ERR_LEN, "%s: only the Landau-Zener sweep of rho runs on a window so far (give -lz_tq)", text);
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

/* The integrator's line of a record: TS type (and RK scheme), tolerance, what it propagates, frame. */
static PetscErrorCode Describe(TS ts, PetscReal tol, const char *what, PetscBool interaction, char *buf)
{
  TSType   type;
  TSRKType rk = NULL;
  PetscFunctionBeginUser;
  PetscCall(TSGetType(ts, &type));
  if (!strcmp(type, TSRK)) PetscCall(TSRKGetType(ts, &rk));
  snprintf(buf, LMG_STR_LEN, "%s%s%s, tol %g, %s, %s frame", type, rk ? " " : "", rk ? rk : "", (double)tol, what, interaction ? "interaction" : "lab");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The Duhamel integral of the leak out of the window, int_0^t |(1 - P) L rho_W|_1 ds, by the upper sum over the
   integrator's accepted steps (each interval at the larger of its two ends: the moduli |rho_ab| the integrand reads are
   the same in every frame, smooth on the scale of the steps). Once base + the integral exceeds limit the window cannot
   certify the record: the propagation stops there (over), as on an abandon of the outer control. */
typedef struct {
  const LmgWindow  *w;
  PetscReal         gphi, ramp[2], s, f, integral; /* ramp: h0, t_q; s (units of t_q) and f at the last step */
  PetscReal         base, limit;
  PetscBool         over;
  const LmgControl *outer;
} Leak;

static PetscErrorCode LeakStep(TS ts, PetscInt step, PetscReal s, Vec x, void *ctx)
{
  Leak              *k = (Leak *)ctx;
  const PetscScalar *X;
  PetscReal          f;
  PetscFunctionBeginUser;
  (void)ts, (void)step;
  PetscCall(VecGetArrayRead(x, &X));
  f = LmgWindowLeak(k->w, k->gphi, Ramp(s * k->ramp[1], k->ramp), X);
  PetscCall(VecRestoreArrayRead(x, &X));
  k->integral += (s - k->s) * k->ramp[1] * PetscMax(f, k->f);
  k->s = s, k->f = f;
  if (!(k->base + k->integral <= k->limit)) k->over = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool LeakOver(void *ctx)
{
  const Leak *k = (const Leak *)ctx;
  return (PetscBool)(k->over || LmgControlAbandon(k->outer));
}

/* One sweep of rho on the window w from the projections c0 (of g_0) and cf (of g_f); the bound adds 2 |(1 - P) g_0|
   (the initial state's trace distance), the leak's integral and 4 t_q w->hres (diag(E) for H0 on the window).
   *over: the bound passed limit before t_q (the sweep stopped there; r->window_bound: the bound so far). */
static PetscErrorCode SweepWindow(const LmgDynamicsOptions *d, const LmgSpectrum *sp, const LmgWindow *w, PetscReal gphi, const PetscReal ramp[2], const PetscReal *c0, PetscReal rest0, const PetscReal *cf, PetscReal tol, PetscReal limit, const LmgControl *ctl, LmgLz *r, PetscReal *tr, PetscReal *q, PetscReal *g, LmgPropStatus *st, PetscBool *over)
{
  LmgLiouville  L;
  LmgRHS        rhs;
  LmgPropagator P;
  Vec           x;
  Leak          k = {w, gphi, {ramp[0], ramp[1]}, 0, 0, 0, 2 * rest0 + 4 * ramp[1] * w->hres, limit, PETSC_FALSE, ctl};
  LmgControl    stop = {LeakOver, NULL, &k, {0}};
  PetscInt      maxsteps = (PetscInt)PetscMin(d->max_steps, (PetscReal)PETSC_MAX_INT);
  PetscFunctionBeginUser;
  PetscCall(LmgLiouvilleCreateWindow(sp, w, gphi, &L));
  PetscCall(LmgLiouvilleSetBias(L, Ramp, k.ramp));
  PetscCall(LmgLiouvilleCreateVec(L, &x));
  PetscCall(LmgLiouvillePure(L, c0, x));
  {
    const PetscScalar *X;
    PetscCall(VecGetArrayRead(x, &X));
    k.f = LmgWindowLeak(w, gphi, Ramp(0, k.ramp), X);
    PetscCall(VecRestoreArrayRead(x, &X));
  }
  k.over = (PetscBool)!(k.base <= limit);
  PetscCall(LmgLiouvilleRHS(L, PETSC_FALSE, d->interaction, &rhs));
  PetscCall(LmgPropagatorCreate(&rhs, PETSC_FALSE, tol, ramp[1], 1e-6, 0.02, maxsteps, x, &P));
  P.control = &stop;
  PetscCall(TSMonitorSet(P.ts, LeakStep, &k, NULL));
  PetscCall(LmgPropagatorSample(&P, 1, x, st));
  PetscCall(TSGetStepNumber(P.ts, &r->steps));
  PetscCall(TSGetStepRejections(P.ts, &r->rejects));
  PetscCall(Describe(P.ts, tol, "rho on a window", d->interaction, r->integrator));
  PetscCall(LmgPropagatorDestroy(&P));
  *over           = k.over;
  r->window       = w->K;
  r->window_bound = k.base + k.integral;
  if (*st == LMG_PROP_OK) PetscCall(LmgLiouvilleExpect(L, x, cf, tr, q, g));
  PetscCall(VecDestroy(&x));
  PetscCall(LmgLiouvilleDestroy(&L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The largest window worth trying on n levels: its dense products, ~8e-9 K^3 s per evaluation (3 complex K x K
   products), within twice the whole space's banded ones (~3.4e-8 n^2 s, LmgLzPlan): K^3 <= 8.5 n^2. */
static PetscInt WindowCap(PetscInt n)
{
  return (PetscInt)PetscCbrtReal(8.5 * (PetscReal)n * (PetscReal)n);
}

/* The full space of a sweep of rho on windows of o->win.k0, 2 k0, ... levels until the bound is below o->win.tol:
   r->status LMG_DONE (r->window, r->window_bound; *st: how the integrator ended) or LMG_PENDING with why no window up
   to o->win.kmax (and the cap of the cost) certifies it (in r->message). The initial and final ground states in the
   Dicke basis (dstevr). */
static PetscErrorCode LzWindow(const LmgLzOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, const PetscReal ramp[2], PetscReal tol, const LmgControl *ctl, LmgLz *r, PetscReal *tr, PetscReal *q, PetscReal *g, LmgPropStatus *st)
{
  const PetscInt n = sp->N + 1, kmax = PetscMin(o->win.kmax, PetscMax(o->win.k0, WindowCap(n)));
  PetscReal     *g0, *gf, *c0, *cf, rest0, restf;
  PetscBool      over = PETSC_FALSE;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc4(n, &g0, n, &gf, n, &c0, n, &cf));
  PetscCall(LmgDickeGround(sp->N, sp->g, sp->J, -ramp[0], g0)); /* H(0) = H0 + h0 Jz */
  PetscCall(LmgDickeGround(sp->N, sp->g, sp->J, ramp[0], gf));  /* H(t_q) = H0 - h0 Jz */
  r->P_floor = 0;
  for (PetscInt i = 0; i < n; i++) r->P_floor += (i - 0.5 * sp->N < 0 ? 1 : i - 0.5 * sp->N > 0 ? 0 : 0.5) * gf[i] * gf[i];
  r->status = LMG_PENDING;
  for (PetscInt K = PetscMin(o->win.k0, n);; K = PetscMin(2 * K, n)) {
    LmgWindow w;
    PetscCall(LmgWindowCreate(sp, K, &w));
    PetscCall(LmgWindowProject(&w, g0, c0, &rest0));
    PetscCall(LmgWindowProject(&w, gf, cf, &restf));
    PetscCall(SweepWindow(d, sp, &w, gphi, ramp, c0, rest0, cf, tol, o->win.tol, ctl, r, tr, q, g, st, &over));
    PetscCall(LmgWindowDestroy(&w));
    if (!over) { /* certified, or the integrator's own end (a drain, a failure, -dyn_max_steps) */
      r->status = LMG_DONE;
      break;
    }
    if (K == n || PetscMin(2 * K, n) > kmax) {
      snprintf(r->message, LMG_MSG_LEN, "no window up to %" PetscInt_FMT " levels certifies it (bound %.1e > -full_tol %g)", K, (double)r->window_bound, (double)o->win.tol);
      break;
    }
  }
  PetscCall(PetscFree4(g0, gf, c0, cf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* r's status from the integrator's st, and the probabilities from tr = Tr rho, q = Tr[Q rho], g = <g_f|rho|g_f>. */
static PetscErrorCode Outcome(LmgPropStatus st, const LmgDynamicsOptions *d, PetscReal tr, PetscReal q, PetscReal g, LmgLz *r)
{
  PetscFunctionBeginUser;
  r->status = LMG_DONE;
  if (st == LMG_PROP_MAXSTEPS) r->status = LMG_SKIPPED, snprintf(r->message, LMG_MSG_LEN, "the sweep took more than -dyn_max_steps %g time steps", (double)d->max_steps);
  if (st == LMG_PROP_FAILED) r->status = LMG_FAILED, snprintf(r->message, LMG_MSG_LEN, "the time integrator failed (see -dyn_ts_monitor)");
  if (st == LMG_PROP_ABANDONED) r->status = LMG_ABANDONED, snprintf(r->message, LMG_MSG_LEN, "abandoned by a drain after %" PetscInt_FMT " time steps", r->steps);
  if (r->status == LMG_DONE) {
    r->P_error      = 0.5 * (tr - q);
    r->P_not_ground = 1 - g;
    r->trace_err    = PetscAbsReal(tr - 1);
  } else r->P_floor = NAN;
  PetscFunctionReturn(PETSC_SUCCESS);
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
  PetscReal     steps, secs, bytes, ramp[2], *psi, tr = NAN, q = NAN, g = NAN;
  PetscInt      n, maxsteps = (PetscInt)PetscMin(d->max_steps, (PetscReal)PETSC_MAX_INT);
  PetscMPIInt   size, rank;
  PetscBool     team = (PetscBool)(level == 0 && !pure); /* rho of the full space: distributed over comm */
  char          why[LMG_MSG_LEN];
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  r->P_error = r->P_not_ground = r->P_floor = r->P_LZ = r->t_q = r->trace_err = r->window_bound = NAN;
  r->steps = r->rejects = r->window = 0;
  why[0]   = 0;
  if (level == 0 && !pure && o->win.method == LMG_FULL_WINDOW) { /* by the team's first rank, the record shared */
    PetscCall(LmgLzScalesCompute(o, sp, &s));
    if (s.status != LMG_DONE) {
      r->status = s.status;
      PetscCall(PetscStrncpy(r->message, s.message, LMG_MSG_LEN));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    r->t_q  = tq_over * s.t_LZ;
    r->P_LZ = PetscExpReal(-tq_over);
    ramp[0] = s.h0, ramp[1] = r->t_q;
    if (!rank) {
      PetscCall(LzWindow(o, d, sp, gphi, ramp, tol, ctl, r, &tr, &q, &g, &st));
      if (r->status == LMG_DONE) PetscCall(Outcome(st, d, tr, q, g, r));
    }
    if (size > 1) PetscCallMPI(MPI_Bcast(r, sizeof *r, MPI_BYTE, 0, comm));
    if (r->status != LMG_PENDING) PetscFunctionReturn(PETSC_SUCCESS);
    PetscCall(PetscStrncpy(why, r->message, LMG_MSG_LEN)); /* the whole space, when it can */
    r->steps = r->rejects = r->window = 0, r->window_bound = NAN;
  }
  if (!team && rank) {
    r->status = LMG_SKIPPED;
    PetscCall(PetscStrncpy(r->message, "computed by the team's first rank", LMG_MSG_LEN));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(LmgLzPlan(o, d, sp, gphi, level, tq_over, team ? size : 1, &steps, &secs, &bytes, &out));
  if (out.status != LMG_PENDING) {
    r->status = out.status;
    if (why[0]) snprintf(r->message, LMG_MSG_LEN, "%.80s; whole space: %.60s", why, out.message);
    else PetscCall(PetscStrncpy(r->message, out.message, LMG_MSG_LEN));
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
  PetscCall(Describe(P.ts, tol, pure ? "psi" : "rho", d->interaction, r->integrator));
  PetscCall(LmgPropagatorDestroy(&P));
  if (st == LMG_PROP_OK) {
    PetscCall(LmgLiouvilleGround(L, s.h0, psi)); /* g_f: H(t_q) = H0 - h0 Jz */
    if (pure) PetscCall(ExpectPure(L, x, psi, &tr, &q, &g));
    else PetscCall(LmgLiouvilleExpect(L, x, psi, &tr, &q, &g));
    PetscCall(LmgLiouvilleExpectQ(L, psi, &r->P_floor));
    r->P_floor = 0.5 * (1 - r->P_floor);
  }
  if (level == 0) r->window = n, r->window_bound = 0;
  PetscCall(Outcome(st, d, tr, q, g, r));
  PetscCall(VecDestroy(&x));
  PetscCall(PetscFree(psi));
  PetscCall(LmgLiouvilleDestroy(&L));
  PetscFunctionReturn(PETSC_SUCCESS);
}
