/* The threshold kind: one record per (N, Gamma/J, level), the closed forms A and B and, with -threshold, the
   numerical gamma_c (README "What is computed" §4). */
#include <stddef.h>
#include "lmg/kind.h"

#define TH(m) offsetof(LmgThreshold, m)
static const LmgField fields[] = {
  {"gamma_c_A", "1/s", "mean-field threshold (closed form A)", "(3/pi) a* dE/G_loc, a* = -ln(sqrt(1 + 2/q01^2) - 1) (level-independent)", LMG_F64, -1, TH(gamma_c_A), PETSC_FALSE, LMG_NOHAVE},
  {"gamma_c_B", "1/s", "secular two-level threshold (closed form B)", "(3/pi) a* dE/G01 (level-independent)", LMG_F64, -1, TH(gamma_c_B), PETSC_FALSE, LMG_NOHAVE},
  {"gamma_c", "1/s", "numerical dephasing threshold", "gamma_phi where K3_opt of the level falls to 1 (-threshold; NaN without it, or where no threshold exists: see the message)", LMG_F64, -1, TH(gamma_c), PETSC_FALSE, LMG_NOHAVE},
  {"K3_opt_at_zero", "1", "K3_opt at gamma_phi = 0", "K3_opt of the level at gamma_phi = 0 (-threshold)", LMG_F64, -1, TH(K3_opt_at_zero), PETSC_FALSE, LMG_NOHAVE},
  {"bias", "rad/s", "static bias h of the record", "bias_over_h1 x h1, h1 = dE/(2 J01) (0 without -bias)", LMG_F64, -1, TH(bias), PETSC_FALSE, LMG_NOHAVE},
  {"evaluations", "1", "dynamics solves spent on gamma_c", "dynamics solves spent on gamma_c", LMG_I32, -1, TH(evaluations), PETSC_FALSE, LMG_NOHAVE},
};

static PetscBool Enabled(const LmgConfig *cfg)
{
  return (PetscBool)(cfg->dyn.on && cfg->nLevel > 0);
}

/* ~20 dynamics solves at tau_opt for a root, else closed forms only. */
static PetscReal Cost(const LmgConfig *cfg, const LmgTask *task)
{
  PetscInt  k = cfg->level[task->iL];
  PetscReal n = k ? (PetscReal)k : cfg->N[task->iN] + 1.0;
  return cfg->thr.numerical ? 20 * (1e4 + (k ? 0.5 * n * n * n : 40 * n * n)) : 10;
}

static PetscErrorCode Compute(const LmgKindContext *ctx, const LmgTask *task, void *rec, LmgOutcome *out)
{
  LmgThreshold *th = (LmgThreshold *)rec;
  LmgExperiment x;
  PetscBool     real = LmgKindExperiment(ctx->cfg, ctx->sp, task, &x);
  PetscFunctionBeginUser;
  PetscCall(LmgThresholdComputeAt(&ctx->cfg->thr, &ctx->cfg->dyn, ctx->sp, ctx->cfg->level[task->iL], real ? &x : NULL, ctx->ctl, th));
  out->status = th->status;
  PetscCall(PetscStrncpy(out->message, th->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The root takes ~20 solves at tau_opt only (trajectories to 2 tau_opt: about half the grid's), near gamma_c_B. */
static PetscErrorCode Plan(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  LmgDynamicsPlan p;
  PetscReal       q2 = sp->q01 * sp->q01, gB = sp->dE_resolved ? 3 / PETSC_PI * -PetscLogReal(PetscSqrtReal(1 + 2 / q2) - 1) * sp->dE / sp->G01 : 0;
  PetscFunctionBeginUser;
  *seconds = 1e-4, *bytes = 0;
  out->status = LMG_PENDING;
  if (sp->status != LMG_DONE || !sp->dE_resolved) {
    out->status = sp->status == LMG_FAILED ? LMG_FAILED : LMG_SKIPPED;
    if (sp->status == LMG_SKIPPED) snprintf(out->message, LMG_MSG_LEN, "the spectrum record was skipped: %.120s", sp->message);
    else PetscCall(PetscStrncpy(out->message, sp->status != LMG_DONE ? "the spectrum record failed" : "dE unresolved: no threshold", LMG_MSG_LEN));
  } else if (cfg->thr.numerical) {
    LmgExperiment x;
    PetscBool     real = LmgKindExperiment(cfg, sp, task, &x);
    PetscCall(LmgDynamicsPlanComputeAt(&cfg->dyn, sp, gB, cfg->level[task->iL], real ? &x : NULL, 1, &p));
    *seconds = 20 * 0.5 * p.seconds;
    *bytes   = p.bytes;
    if (p.out.status != LMG_PENDING) *out = p.out;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

const LmgKind LmgKindThreshold = {"threshold", 5, {LMG_AX_N, LMG_AX_G, LMG_AX_B, LMG_AX_S, LMG_AX_L}, fields, (PetscInt)(sizeof fields / sizeof fields[0]), sizeof(LmgThreshold), PETSC_FALSE, Enabled, Cost, Compute, Plan, NULL, NULL, PETSC_FALSE, PETSC_FALSE};
