/* The tolerance kind: one record per (N, Gamma/J, gamma_phi, bias, sigma, level) with K3_best and the tolerances of
   gamma_phi, the bias, the detection resolution and the temperature (README "What must an experiment achieve?"). */
#include <stddef.h>
#include "lmg/kind.h"

#define TO(m) offsetof(LmgTolerance, m)
#define TOL(nm, i, u, what) \
  {nm, u, what, what " where K3_best falls to 1: the first crossing beyond the record's value (NaN unless " nm "_status is 0)", LMG_F64, -1, TO(value[i]), PETSC_FALSE, LMG_NOHAVE}, \
  {nm "_status", "1", "how " nm " ended", "0 found (inside [" nm "_lo, " nm "_hi]), 1 no violation at the record's value, 2 no crossing up to the search limit (" nm "_lo: the last value still violating, " nm "_hi: the limit), 3 not asked (-tolerance), 4 a solve failed", LMG_I8, -1, TO(state[i]), PETSC_FALSE, LMG_NOHAVE}, \
  {nm "_lo", u, "lower end of the bracket of " nm, "the last value stepped to where K3_best > 1 (the record's value when there is no violation)", LMG_F64, -1, TO(lo[i]), PETSC_FALSE, LMG_NOHAVE}, \
  {nm "_hi", u, "upper end of the bracket of " nm, "the first value stepped to where K3_best <= 1, or the search limit", LMG_F64, -1, TO(hi[i]), PETSC_FALSE, LMG_NOHAVE}

static const LmgField fields[] = {
  {"bias", "rad/s", "static bias h of the record", "bias_over_h1 x h1", LMG_F64, -1, TO(bias), PETSC_FALSE, LMG_NOHAVE},
  {"h1", "rad/s", "bias unit h1 = dE/(2 J01)", "the bias whose diabatic splitting 2 h J01 equals the tunnel splitting dE", LMG_F64, -1, TO(h1), PETSC_FALSE, LMG_NOHAVE},
  {"K3_best", "1", "best K3 over tau in (0, 2 tau_opt]", "the largest K3(tau), tau in (0, 2 tau_opt]: a grid of 100, a local grid of 21 (step 0.002 tau_opt) and the vertex of the parabola through its best three", LMG_F64, -1, TO(K3_best), PETSC_FALSE, LMG_NOHAVE},
  {"tau_best", "s", "tau of K3_best", "tau of K3_best", LMG_F64, -1, TO(tau_best), PETSC_FALSE, LMG_NOHAVE},
  {"tau_best_over_tau_opt", "1", "tau of K3_best over tau_opt", "tau of K3_best in units of tau_opt = pi/(3 dE)", LMG_F64, -1, TO(tau_best_opt), PETSC_FALSE, LMG_NOHAVE},
  TOL("gamma_c_best", LMG_TOL_GAMMA, "1/s", "dephasing rate gamma_phi"),
  TOL("bias_c", LMG_TOL_BIAS, "1", "static bias |h| in units of h1"),
  {"bias_c_rad_s", "rad/s", "bias tolerance in rad/s", "bias_c x h1 (NaN unless bias_c_status is 0)", LMG_F64, -1, TO(bias_c_rad_s), PETSC_FALSE, LMG_NOHAVE},
  TOL("sigma_c", LMG_TOL_SIGMA, "atoms", "detection resolution sigma"),
  TOL("T_c", LMG_TOL_T, "K", "temperature T of the thermal initial state"),
  {"evaluations", "1", "K3_best evaluations", "K3_best evaluations spent (each two or three dynamics solves)", LMG_I32, -1, TO(evaluations), PETSC_FALSE, LMG_NOHAVE},
};

static PetscBool Enabled(const LmgConfig *cfg)
{
  return (PetscBool)(cfg->tol.on && cfg->nLevel > 0 && cfg->nGphi > 0);
}

/* ~30 K3_best evaluations per tolerance asked, each ~3 solves over 2 tau_opt. */
static PetscReal Cost(const LmgConfig *cfg, const LmgTask *task)
{
  PetscInt  k = cfg->level[task->iL], asked = 0;
  PetscReal n = k ? (PetscReal)k : cfg->N[task->iN] + 1.0;
  for (PetscInt i = 0; i < LMG_NTOL; i++) asked += cfg->tol.ask[i];
  return (1 + 30 * asked) * 3 * (1e3 + (k ? 0.5 * n * n * n : 40 * n * n));
}

static PetscErrorCode Compute(const LmgKindContext *ctx, const LmgTask *task, void *rec, LmgOutcome *out)
{
  const LmgConfig *cfg = ctx->cfg;
  LmgTolerance    *t   = (LmgTolerance *)rec;
  PetscFunctionBeginUser;
  PetscCall(LmgToleranceCompute(&cfg->tol, &cfg->dyn, ctx->sp, cfg->gamma_phi[task->iP], LmgConfigBias(cfg, task->iB), LmgConfigSigma(cfg, task->iS), cfg->level[task->iL], ctx->ctl, t));
  out->status = t->status;
  PetscCall(PetscStrncpy(out->message, t->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Plan(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  LmgDynamicsPlan p;
  LmgExperiment   x = {LmgConfigBias(cfg, task->iB) != 0 ? 1 : 0, LmgConfigSigma(cfg, task->iS), NAN, NULL, NULL, PETSC_TRUE};
  PetscInt        asked = 0;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < LMG_NTOL; i++) asked += cfg->tol.ask[i];
  PetscCall(LmgDynamicsPlanComputeAt(&cfg->dyn, sp, cfg->gamma_phi[task->iP], cfg->level[task->iL], &x, 1, &p));
  if (p.exact) { /* ~25 K3_best evaluations per tolerance (measured 20-25 at N = 370), each one exact solve: ~5e-4 s fixed,
                    ~130 times of O(m^2) (m = k^2/2 per parity block), and new modes (O(m^3)) in the gamma_phi search, of
                    one block of k^2 (4x) in the bias search. Measured at N = 370: 0.07 s at 5 levels (estimated 0.08),
                    0.9 s at 10 (0.5) */
    const PetscReal m = 0.5 * cfg->level[task->iL] * cfg->level[task->iL], modes = 5.8e-9 * m * m * m, tau = 130 * 1.2e-8 * m * m;
    *seconds = 5e-4 + tau + modes;
    for (PetscInt i = 0; i < LMG_NTOL; i++)
      if (cfg->tol.ask[i]) *seconds += 25 * (5e-4 + tau + (i == LMG_TOL_GAMMA ? modes : i == LMG_TOL_BIAS ? 4 * modes : 0));
  } else *seconds = (1 + 25 * asked) * 3 * p.seconds; /* three to four time-stepper solves per evaluation */
  *bytes   = p.bytes;
  *out     = p.out;
  PetscFunctionReturn(PETSC_SUCCESS);
}

const LmgKind LmgKindTolerance = {"tolerance", 6, {LMG_AX_N, LMG_AX_G, LMG_AX_P, LMG_AX_B, LMG_AX_S, LMG_AX_L}, fields, (PetscInt)(sizeof fields / sizeof fields[0]), sizeof(LmgTolerance), PETSC_FALSE, Enabled, Cost, Compute, Plan, NULL, NULL, PETSC_FALSE, PETSC_TRUE};
