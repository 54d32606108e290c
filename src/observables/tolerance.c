/* Experimental tolerances (README "What must an experiment achieve?"): K3_best, the largest K3(tau) for tau in
   (0, 2 tau_opt] (a grid of 100, a local grid of 21 around its best, and two parabola steps), and the first crossing of K3_best = 1 in gamma_phi, the bias, the detection resolution and the temperature. */
#include <math.h>
#include <string.h>
#include "lmg/options.h"
#include "lmg/modes.h"
#include "lmg/tolerance.h"

static const LmgOption opts[] = {
    {"-tolerance", "none",
     "Tolerances of the best violation K3_best (one /tolerance record per N, Gamma/J, gamma_phi, bias, sigma, level): a list of gamma_phi, bias, sigma, T, or all; each the first crossing of K3_best = 1 beyond the record's value (gamma_phi, sigma, T "
     "by factors 1.25 up to 2^20 gamma_c_B, 4N atoms, 100 (E2 - E0)/k_B; |bias| by 0.25 h1 up to 20 h1), solved to 1e-8 relative"},
};
const LmgOptionTable LmgToleranceOptionTable = LMG_TABLE("Experimental tolerances", opts);

static const char *const names[LMG_NTOL] = {"gamma_phi", "bias", "sigma", "T"};

PetscErrorCode LmgToleranceSetFromOptions(LmgToleranceOptions *o, char *err)
{
  const char *text;
  char       *buf, *save = NULL, *item, q[104];
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof *o));
  PetscCall(LmgOptionsText(&opts[0], &text, NULL));
  if (!strcmp(text, "none")) PetscFunctionReturn(PETSC_SUCCESS);
  if (!text[0] || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,")) {
    if (!err[0]) snprintf(err, LMG_ERR_LEN, "-tolerance %s: an empty list or an empty item (gamma_phi, bias, sigma, T, all or none)", LmgQuote(text, q, sizeof q));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  buf = strdup(text);
  for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    PetscBool known = PETSC_FALSE;
    for (PetscInt i = 0; i < LMG_NTOL; i++)
      if (!strcmp(item, names[i]) || !strcmp(item, "all")) o->ask[i] = known = PETSC_TRUE;
    if (!known && !err[0]) snprintf(err, LMG_ERR_LEN, "-tolerance %s: unknown tolerance '%.40s' (gamma_phi, bias, sigma, T, all or none)", LmgQuote(text, q, sizeof q), item);
  }
  free(buf);
  o->on = (PetscBool)!err[0];
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  const LmgDynamicsOptions *d;
  const LmgSpectrum        *sp;
  PetscInt                  level;
  const LmgControl         *ctl;
  LmgTolerance             *t;
  LmgModesCache             modes; /* the last model's modes: reused while only sigma, T or the tau grid change */
} Ctx;

/* K3 at the m taus of grid (units of tau_opt), and where the modes gave it the largest K3 around the grid's best
   (*best, *tbest; else NaN); *ok false (t's status and message) when the solve was not done. */
static PetscErrorCode Solve(Ctx *c, PetscReal gphi, const LmgExperiment *x, PetscInt m, PetscReal *grid, PetscReal *K3, PetscReal *best, PetscReal *tbest, PetscBool *ok)
{
  LmgDynamicsOptions o = *c->d;
  LmgDynamics        dyn;
  PetscFunctionBeginUser;
  o.ntau = m, o.tau = grid;
  PetscCall(LmgDynamicsComputeAt(PETSC_COMM_SELF, &o, c->sp, gphi, c->level, x, c->ctl, &dyn));
  *ok = (PetscBool)(dyn.status == LMG_DONE);
  for (PetscInt i = 0; *ok && i < m; i++) K3[i] = dyn.K3[i];
  *best = dyn.K3_best, *tbest = dyn.tau_best;
  if (!*ok) {
    c->t->status = dyn.status;
    snprintf(c->t->message, LMG_MSG_LEN, "solve at gamma_phi %.4g, bias %.4g rad/s, sigma %.4g: %.60s", (double)gphi, (double)x->bias, (double)x->sigma, dyn.message);
  }
  PetscCall(LmgDynamicsDestroy(&dyn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* K3_best of the model at (gphi, bias in units of h1, sigma, T, initial) and its tau (units of tau_opt): the grid's
   best refined by the exact propagation itself (Brent), or, for the time stepper, by a local grid and parabolas. */
static PetscErrorCode Best(Ctx *c, PetscReal gphi, PetscReal bias, PetscReal sigma, PetscReal T, const char *initial, PetscReal *best, PetscReal *tau, PetscBool *ok)
{
  const PetscInt  nc = 100, nl = 21;
  const PetscReal h = 0.002;
  LmgExperiment   x = {bias * c->t->h1, sigma, T, initial, &c->modes, PETSC_TRUE};
  PetscReal       g[100], K[100], v, kb, tb;
  PetscInt        m = 0, i = 0;
  PetscFunctionBeginUser;
  c->t->evaluations++;
  for (PetscInt j = 0; j < nc; j++) g[j] = 0.02 * (j + 1);
  PetscCall(Solve(c, gphi, &x, nc, g, K, &kb, &tb, ok));
  if (!*ok) PetscFunctionReturn(PETSC_SUCCESS);
  if (!PetscIsNanReal(kb)) {
    *best = kb, *tau = tb;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (PetscInt j = 1; j < nc; j++) i = K[j] > K[i] ? j : i;
  v = g[i];
  for (PetscInt j = 0; j < nl; j++) /* the local grid, inside (0, 2] */
    if (v + h * (j - nl / 2) > 0.5 * h && v + h * (j - nl / 2) < 2 + 0.5 * h) g[m++] = PetscMin(2, v + h * (j - nl / 2));
  PetscCall(Solve(c, gphi, &x, m, g, K, &kb, &tb, ok));
  if (!*ok) PetscFunctionReturn(PETSC_SUCCESS);
  i = 0;
  for (PetscInt j = 1; j < m; j++) i = K[j] > K[i] ? j : i;
  *best = K[i], *tau = g[i];
  if (i == 0 || i == m - 1) PetscFunctionReturn(PETSC_SUCCESS); /* on the edge of (0, 2]: the edge */
  /* two parabola steps: the vertex of the local grid's best three (off by ~h^2 K'''/K'', K3 by ~1e-9), three points
     h/10 apart around it, and their vertex solved once more (off by ~1e-8 tau_opt: K3 within ~1e-14) */
  for (PetscInt it = 0; it < 2; it++) {
    PetscReal d = K[i + 1] - 2 * K[i] + K[i - 1], hs = g[i + 1] - g[i];
    if (!(d < 0)) PetscFunctionReturn(PETSC_SUCCESS);
    v = g[i] - 0.5 * hs * (K[i + 1] - K[i - 1]) / d;
    if (!(v > 0 && v <= 2)) PetscFunctionReturn(PETSC_SUCCESS);
    m = it ? 1 : 3, i = it ? 0 : 1;
    for (PetscInt j = 0; j < m; j++) g[j] = v + 0.1 * h * (j - i);
    if (g[0] <= 0 || g[m - 1] > 2) m = 1, i = 0, g[0] = v;
    PetscCall(Solve(c, gphi, &x, m, g, K, &kb, &tb, ok));
    if (!*ok) PetscFunctionReturn(PETSC_SUCCESS);
    for (PetscInt j = 0; j < m; j++)
      if (K[j] > *best) *best = K[j], *tau = g[j];
    if (m == 1) break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* K3_best - 1 with parameter `which` at p (the others at the record's values r[]). */
static PetscErrorCode Excess(Ctx *c, PetscInt which, const PetscReal *r, PetscReal p, PetscReal *f, PetscBool *ok)
{
  PetscReal v[LMG_NTOL], best, tau;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < LMG_NTOL; i++) v[i] = i == which ? p : r[i];
  PetscCall(Best(c, v[LMG_TOL_GAMMA], v[LMG_TOL_BIAS], v[LMG_TOL_SIGMA], which == LMG_TOL_T ? v[LMG_TOL_T] : NAN, which == LMG_TOL_T ? "thermal" : NULL, &best, &tau, ok));
  *f = best - 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The next value outward from p and the search's limit: steps fine enough that a window of violation between two of
   them is unlikely (K3_best is not monotonic in gamma_phi or the bias with more than two levels). */
static PetscReal Next(const Ctx *c, PetscInt which, PetscReal p, PetscReal *limit)
{
  const LmgSpectrum *sp = c->sp;
  PetscReal          q2 = sp->q01 * sp->q01, gB = 3 / PETSC_PI * -PetscLogReal(PetscSqrtReal(1 + 2 / q2) - 1) * sp->dE / sp->G01;
  switch (which) {
  case LMG_TOL_GAMMA:
    *limit = gB * 1048576;
    return p > 0 ? 1.25 * p : gB / 8;
  case LMG_TOL_BIAS:
    *limit = 20;
    return p + 0.25;
  case LMG_TOL_SIGMA:
    *limit = 4.0 * sp->N;
    return p > 0 ? 1.25 * p : 1;
  default:
    *limit = 100 * LMG_HBAR * (sp->E[2] - sp->E[0]) / LMG_KB;
    return 1.25 * p;
  }
}

/* The samples lo < mid < hi have K3_best - 1 > 0 with a minimum at mid: a dip narrower than the steps may reach below
   1 between them (a resonance). Golden-section search for the minimum on [lo, hi] to 1e-3 of its width, stopping at
   the first value x with f(x) <= 0 (*fx <= 0 then; else *fx the smallest found). */
static PetscErrorCode Dip(Ctx *c, PetscInt which, const PetscReal *r, PetscReal lo, PetscReal hi, PetscReal *x, PetscReal *fx, PetscBool *ok)
{
  const PetscReal w = 0.6180339887498949;
  PetscReal       a = lo, b = hi, x1 = b - w * (b - a), x2 = a + w * (b - a), f1, f2;
  PetscFunctionBeginUser;
  PetscCall(Excess(c, which, r, x1, &f1, ok));
  if (*ok && f1 > 0)
    PetscCall(Excess(c, which, r, x2, &f2, ok));
  else
    f2 = f1;
  while (*ok && f1 > 0 && f2 > 0 && b - a > 1e-3 * (hi - lo)) {
    if (f1 < f2) {
      b = x2, x2 = x1, f2 = f1, x1 = b - w * (b - a);
      PetscCall(Excess(c, which, r, x1, &f1, ok));
    } else {
      a = x1, x1 = x2, f1 = f2, x2 = a + w * (b - a);
      PetscCall(Excess(c, which, r, x2, &f2, ok));
    }
  }
  *x = f1 <= f2 ? x1 : x2, *fx = PetscMin(f1, f2);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Tolerance `which` from the record's values r[] (f0: K3_best - 1 there): step outward to the first sign change, then
   Illinois regula falsi (halving the stale end's value) to a bracket of 1e-8 relative, or to a value whose distance
   to the root, |f| over the secant's slope, is below 1e-9 relative. */
static PetscErrorCode Search(Ctx *c, PetscInt which, const PetscReal *r, PetscReal f0, PetscBool *ok)
{
  LmgTolerance *t = c->t;
  PetscReal     a = r[which], fa = f0, b, fb = 0, limit, x = NAN, fx = NAN, pa = NAN, fpa = NAN;
  PetscFunctionBeginUser;
  *ok = PETSC_TRUE;
  if (!(f0 > 0)) {
    t->state[which] = LMG_TOL_NO_VIOLATION, t->lo[which] = r[which];
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (;;) {
    b = Next(c, which, a, &limit);
    if (b > limit) {
      t->state[which] = LMG_TOL_NOT_BRACKETED, t->lo[which] = a, t->hi[which] = limit;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    PetscCall(Excess(c, which, r, b, &fb, ok));
    if (!*ok) PetscFunctionReturn(PETSC_SUCCESS);
    if (fb <= 0) break;
    if (fa < fpa && fa < fb) { /* the samples have a minimum at a: look between its neighbours */
      PetscCall(Dip(c, which, r, pa, b, &x, &fx, ok));
      if (!*ok) PetscFunctionReturn(PETSC_SUCCESS);
      if (fx <= 0) {
        if (x > a) pa = a, fpa = fa; /* the first crossing: between the last sample above 1 before x, and x */
        a = pa, fa = fpa, b = x, fb = fx;
        break;
      }
    }
    pa = a, fpa = fa, a = b, fa = fb;
  }
  t->lo[which] = a, t->hi[which] = b;
  for (PetscInt it = 0; it < 200; it++) {
    x = fb == 0 ? b : (a * fb - b * fa) / (fb - fa);
    if (fb == 0 || PetscAbsReal(b - a) <= 1e-8 * PetscAbsReal(x)) {
      t->value[which] = x, t->state[which] = LMG_TOL_FOUND;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    PetscCall(Excess(c, which, r, x, &fx, ok));
    if (!*ok) PetscFunctionReturn(PETSC_SUCCESS);
    if (PetscAbsReal(fx) <= 1e-9 * PetscAbsReal(x * (fx - fb) / (x - b))) { /* |fx / f'| (the secant through the last two values): x within 1e-9 */
      t->value[which] = x, t->state[which] = LMG_TOL_FOUND;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    if (fx * fb < 0)
      a = b, fa = fb; /* the root lies between x and b */
    else
      fa /= 2; /* a kept again */
    b = x, fb = fx;
  }
  t->state[which] = LMG_TOL_FAILED;
  snprintf(t->message, LMG_MSG_LEN, "%s: the root was not reached to 1e-8 in 200 steps", names[which]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* K3_best at the record's values r[] (the bias with its sign), then each asked tolerance: sigma and T first, while the
   record's model (its modes) is held, then gamma_phi and the bias. */
static PetscErrorCode Tolerances(Ctx *c, const LmgToleranceOptions *o, const PetscReal *r, PetscReal bias)
{
  const PetscInt order[LMG_NTOL] = {LMG_TOL_SIGMA, LMG_TOL_T, LMG_TOL_GAMMA, LMG_TOL_BIAS};
  LmgTolerance  *t               = c->t;
  PetscReal      f0, fT, tau;
  PetscBool      ok;
  PetscFunctionBeginUser;
  PetscCall(Best(c, r[LMG_TOL_GAMMA], bias, r[LMG_TOL_SIGMA], NAN, NULL, &t->K3_best, &tau, &ok));
  if (!ok) PetscFunctionReturn(PETSC_SUCCESS);
  t->tau_best_opt = tau, t->tau_best = tau * PETSC_PI / (3 * c->sp->dE), f0 = t->K3_best - 1;
  if (!(f0 > 0)) snprintf(t->message, LMG_MSG_LEN, "no violation at the record's values (K3_best = %.6f): no tolerance", (double)t->K3_best);
  for (PetscInt k = 0; k < LMG_NTOL && ok; k++) {
    const PetscInt i = order[k];
    if (!o->ask[i]) continue;
    fT = f0;
    if (i == LMG_TOL_T && f0 > 0) PetscCall(Excess(c, LMG_TOL_T, r, r[LMG_TOL_T], &fT, &ok)); /* rho0 thermal at the record's T */
    if (ok) PetscCall(Search(c, i, r, fT, &ok));
  }
  if (!ok) {
    for (PetscInt i = 0; i < LMG_NTOL; i++) t->state[i] = t->state[i] == LMG_TOL_NOT_ASKED ? LMG_TOL_NOT_ASKED : LMG_TOL_FAILED;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (PetscInt i = 0; i < LMG_NTOL; i++) /* a value only where it was found */
    if (t->state[i] != LMG_TOL_FOUND) t->value[i] = NAN;
  t->bias_c_rad_s = t->value[LMG_TOL_BIAS] * t->h1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgToleranceCompute(const LmgToleranceOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscReal bias, PetscReal sigma, PetscInt level, const LmgControl *ctl, LmgTolerance *t)
{
  Ctx        c           = {d, sp, level, ctl, t, {0}};
  PetscReal  r[LMG_NTOL] = {gphi, PetscAbsReal(bias), sigma, sp->T};
  LmgOutcome out;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(t, sizeof *t));
  t->K3_best = t->tau_best = t->tau_best_opt = t->bias_c_rad_s = t->h1 = t->bias = NAN;
  for (PetscInt i = 0; i < LMG_NTOL; i++) t->value[i] = t->lo[i] = t->hi[i] = NAN, t->state[i] = LMG_TOL_NOT_ASKED;
  t->status = LMG_DONE;
  if (LmgSpectrumUnusable(sp, &out) || LmgModelUnbuildable(sp, level, &out) || (!sp->dE_resolved && (out.status = LMG_SKIPPED, snprintf(out.message, LMG_MSG_LEN, "dE unresolved: tau_opt and h1 undefined")))) {
    t->status = out.status;
    PetscCall(PetscStrncpy(t->message, out.message, LMG_MSG_LEN));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  t->h1   = sp->dE / (2 * sp->J01);
  t->bias = bias * t->h1;
  PetscCall(Tolerances(&c, o, r, bias));
  PetscCall(LmgModesCacheDestroy(&c.modes));
  PetscFunctionReturn(PETSC_SUCCESS);
}
