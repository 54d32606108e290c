/* The decoherence kind: one record per (N, Gamma/J, gamma_phi, level) with the Liouvillian's doublet modes, population
   mode and gap beside the static formulas (README "What is computed" §5). */
#include <stddef.h>
#include "lmg/kind.h"

#define RA(m) offsetof(LmgRates, m)
static const LmgField fields[] = {
  {"rate_01", "1/s", "decay rates of the two modes carrying rho01", "-Re lambda of the two Liouvillian eigenvalues of largest weight on |E0><E1| and |E1><E0|, slower first", LMG_F64, LMG_AX_MODE, RA(rate_01), PETSC_FALSE, LMG_NOHAVE},
  {"freq_01", "rad/s", "frequencies of the two modes carrying rho01", "|Im lambda| of those modes (0: a real mode)", LMG_F64, LMG_AX_MODE, RA(freq_01), PETSC_FALSE, LMG_NOHAVE},
  {"weight_01", "1", "weight of those modes on rho01", "|x_01|^2 + |x_10|^2 of the unit eigenvector", LMG_F64, LMG_AX_MODE, RA(weight_01), PETSC_FALSE, LMG_NOHAVE},
  {"rate_population", "1/s", "decay rate of the population-difference mode", "-Re lambda of the mode of largest overlap with (|E0><E0| - |E1><E1|)/sqrt2", LMG_F64, -1, RA(rate_population), PETSC_FALSE, LMG_NOHAVE},
  {"population_overlap", "1", "overlap of that mode with the population difference", "|<(e00 - e11)/sqrt2, x>|^2 of the unit eigenvector x", LMG_F64, -1, RA(population_overlap), PETSC_FALSE, LMG_NOHAVE},
  {"liouvillian_gap", "1/s", "Liouvillian gap", "slowest nonzero decay rate -Re lambda (the steady state excluded)", LMG_F64, -1, RA(liouvillian_gap), PETSC_FALSE, LMG_NOHAVE},
  {"rate_secular", "1/s", "gamma_phi G01", "secular (Born-Markov) dephasing rate of rho01", LMG_F64, -1, RA(formula[LMG_F_SECULAR]), PETSC_FALSE, LMG_NOHAVE},
  {"rate_pointer", "1/s", "gamma_phi (G01 + J01^2)", "diagonal Redfield rate of the pointer coherence rho_PR", LMG_F64, -1, RA(formula[LMG_F_POINTER]), PETSC_FALSE, LMG_NOHAVE},
  {"rate_mean_field", "1/s", "gamma_phi G_loc", "mean-field (spin-coherent) rate of rho_PR, G_loc = (N m*)^2/2", LMG_F64, -1, RA(formula[LMG_F_MEAN_FIELD]), PETSC_FALSE, LMG_NOHAVE},
  {"rate_degenerate", "1/s", "2 gamma_phi J01^2", "nonzero eigenvalue of the doublet-restricted Liouvillian in the degenerate limit", LMG_F64, -1, RA(formula[LMG_F_DEGENERATE]), PETSC_FALSE, LMG_NOHAVE},
  {"rate_leakage", "1/s", "gamma_phi (G01 - J01^2)", "decay of the Re rho01 plateau through leakage to higher levels", LMG_F64, -1, RA(formula[LMG_F_LEAKAGE]), PETSC_FALSE, LMG_NOHAVE},
  {"secular", "1", "secular parameter 2 dE T2", "2 dE / (gamma_phi G01)", LMG_F64, -1, RA(secular), PETSC_FALSE, LMG_NOHAVE},
  {"ratio_secular", "1", "exact rates over gamma_phi G01", "rate_01[0], rate_01[1], rate_population, liouvillian_gap over rate_secular", LMG_F64, LMG_AX_RATE, RA(ratio[LMG_F_SECULAR]), PETSC_FALSE, LMG_NOHAVE},
  {"ratio_pointer", "1", "exact rates over gamma_phi (G01 + J01^2)", "the four exact rates over rate_pointer", LMG_F64, LMG_AX_RATE, RA(ratio[LMG_F_POINTER]), PETSC_FALSE, LMG_NOHAVE},
  {"ratio_mean_field", "1", "exact rates over gamma_phi G_loc", "the four exact rates over rate_mean_field", LMG_F64, LMG_AX_RATE, RA(ratio[LMG_F_MEAN_FIELD]), PETSC_FALSE, LMG_NOHAVE},
  {"ratio_degenerate", "1", "exact rates over 2 gamma_phi J01^2", "the four exact rates over rate_degenerate", LMG_F64, LMG_AX_RATE, RA(ratio[LMG_F_DEGENERATE]), PETSC_FALSE, LMG_NOHAVE},
  {"ratio_leakage", "1", "exact rates over gamma_phi (G01 - J01^2)", "the four exact rates over rate_leakage (NaN where it is 0)", LMG_F64, LMG_AX_RATE, RA(ratio[LMG_F_LEAKAGE]), PETSC_FALSE, LMG_NOHAVE},
  {"residual", "1", "relative residuals of the four modes", "|L x - lambda x| / (|lambda| |x|), recomputed with the model's L", LMG_F64, LMG_AX_RATE, RA(residual), PETSC_FALSE, LMG_NOHAVE},
  {"matvecs", "1", "applications of the full-space L", "products with the full-space L by the eigensolver (0 for k levels)", LMG_I32, -1, RA(matvecs), PETSC_FALSE, LMG_NOHAVE},
  {"method", "1", "eigensolver used", "dense LAPACK zgeev of both parity blocks (k levels), or SLEPc on the full blocks from a dense first stage", LMG_STR, -1, RA(method), PETSC_FALSE, LMG_NOHAVE},
};

static PetscBool Enabled(const LmgConfig *cfg)
{
  return (PetscBool)(cfg->rates.on && cfg->nLevel > 0 && cfg->nGphi > 0);
}

/* dense: 2 zgeev of k^2/2; full: ~60 applications of L (3.6e-7 n^2 s each) and an n x n dsyevd */
static PetscReal Cost(const LmgConfig *cfg, const LmgTask *task)
{
  PetscInt  k = cfg->level[task->iL];
  PetscReal n = k ? (PetscReal)k : cfg->N[task->iN] + 1.0, m = 0.5 * n * n;
  return 100 + (k ? 5.8e-3 * m * m * m : 22 * n * n + 3e-3 * n * n * n);
}

static PetscErrorCode Compute(const LmgKindContext *ctx, const LmgTask *task, void *rec, LmgOutcome *out)
{
  LmgRates *r = (LmgRates *)rec;
  PetscFunctionBeginUser;
  PetscCall(LmgRatesCompute(ctx->comm, &ctx->cfg->rates, &ctx->cfg->dyn, ctx->sp, ctx->cfg->gamma_phi[task->iP], ctx->cfg->level[task->iL], ctx->ctl, r));
  out->status = r->status;
  PetscCall(PetscStrncpy(out->message, r->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Plan(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  PetscFunctionBeginUser;
  PetscCall(LmgRatesPlan(&cfg->rates, &cfg->dyn, sp, cfg->gamma_phi[task->iP], cfg->level[task->iL], cfg->team_size, seconds, bytes, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const LmgKind LmgKindDecoherence = {"decoherence", 4, {LMG_AX_N, LMG_AX_G, LMG_AX_P, LMG_AX_L}, fields, (PetscInt)(sizeof fields / sizeof fields[0]), sizeof(LmgRates), PETSC_TRUE, Enabled, Cost, Compute, Plan, NULL, NULL, PETSC_FALSE, PETSC_FALSE};
