/* The traces kind: one record per (N, Gamma/J, gamma_phi, level) with rho(t) of the doublet from |P><P| and |E0><E0|
   on the -rates_trace_grid (README "What is computed" §5). */
#include <stddef.h>
#include "lmg/kind.h"

#define TR(m) offsetof(LmgTraces, m)
static const LmgField fields[] = {
  {"T2", "s", "time unit T2 = 1/(gamma_phi G01)", "the unit of the coordinate t_over_T2", LMG_F64, -1, TR(T2), PETSC_FALSE, LMG_NOHAVE},
  {"trace_P_rho00", "1", "rho00 from rho(0) = |P><P|", "rho00 = <E0|rho|E0> at t = t_over_T2 T2, from rho(0) = |P><P|", LMG_F64, LMG_AX_TRACE, TR(tr[0][LMG_TR_RHO00]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_P_rho11", "1", "rho11 from rho(0) = |P><P|", "rho11 = <E1|rho|E1> at t = t_over_T2 T2, from rho(0) = |P><P|", LMG_F64, LMG_AX_TRACE, TR(tr[0][LMG_TR_RHO11]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_P_rho01_re", "1", "rho01_re from rho(0) = |P><P|", "Re rho01, rho01 = <E0|rho|E1> at t = t_over_T2 T2, from rho(0) = |P><P|", LMG_F64, LMG_AX_TRACE, TR(tr[0][LMG_TR_RHO01_RE]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_P_rho01_im", "1", "rho01_im from rho(0) = |P><P|", "Im rho01 at t = t_over_T2 T2, from rho(0) = |P><P|", LMG_F64, LMG_AX_TRACE, TR(tr[0][LMG_TR_RHO01_IM]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_P_rhoPR_re", "1", "rhoPR_re from rho(0) = |P><P|", "Re rho_PR, rho_PR = <P|rho|R>, |P>, |R> = (|E0> +- |E1>)/sqrt2 at t = t_over_T2 T2, from rho(0) = |P><P|", LMG_F64, LMG_AX_TRACE, TR(tr[0][LMG_TR_RHOPR_RE]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_P_rhoPR_im", "1", "rhoPR_im from rho(0) = |P><P|", "Im rho_PR at t = t_over_T2 T2, from rho(0) = |P><P|", LMG_F64, LMG_AX_TRACE, TR(tr[0][LMG_TR_RHOPR_IM]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_P_pointer", "1", "pointer from rho(0) = |P><P|", "rho_PP - rho_RR = 2 Re rho01 at t = t_over_T2 T2, from rho(0) = |P><P|", LMG_F64, LMG_AX_TRACE, TR(tr[0][LMG_TR_POINTER]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_P_doublet", "1", "doublet from rho(0) = |P><P|", "rho00 + rho11, the doublet population at t = t_over_T2 T2, from rho(0) = |P><P|", LMG_F64, LMG_AX_TRACE, TR(tr[0][LMG_TR_DOUBLET]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_E0_rho00", "1", "rho00 from rho(0) = |E0><E0|", "rho00 = <E0|rho|E0> at t = t_over_T2 T2, from rho(0) = |E0><E0|", LMG_F64, LMG_AX_TRACE, TR(tr[1][LMG_TR_RHO00]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_E0_rho11", "1", "rho11 from rho(0) = |E0><E0|", "rho11 = <E1|rho|E1> at t = t_over_T2 T2, from rho(0) = |E0><E0|", LMG_F64, LMG_AX_TRACE, TR(tr[1][LMG_TR_RHO11]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_E0_rho01_re", "1", "rho01_re from rho(0) = |E0><E0|", "Re rho01, rho01 = <E0|rho|E1> at t = t_over_T2 T2, from rho(0) = |E0><E0|", LMG_F64, LMG_AX_TRACE, TR(tr[1][LMG_TR_RHO01_RE]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_E0_rho01_im", "1", "rho01_im from rho(0) = |E0><E0|", "Im rho01 at t = t_over_T2 T2, from rho(0) = |E0><E0|", LMG_F64, LMG_AX_TRACE, TR(tr[1][LMG_TR_RHO01_IM]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_E0_rhoPR_re", "1", "rhoPR_re from rho(0) = |E0><E0|", "Re rho_PR, rho_PR = <P|rho|R>, |P>, |R> = (|E0> +- |E1>)/sqrt2 at t = t_over_T2 T2, from rho(0) = |E0><E0|", LMG_F64, LMG_AX_TRACE, TR(tr[1][LMG_TR_RHOPR_RE]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_E0_rhoPR_im", "1", "rhoPR_im from rho(0) = |E0><E0|", "Im rho_PR at t = t_over_T2 T2, from rho(0) = |E0><E0|", LMG_F64, LMG_AX_TRACE, TR(tr[1][LMG_TR_RHOPR_IM]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_E0_pointer", "1", "pointer from rho(0) = |E0><E0|", "rho_PP - rho_RR = 2 Re rho01 at t = t_over_T2 T2, from rho(0) = |E0><E0|", LMG_F64, LMG_AX_TRACE, TR(tr[1][LMG_TR_POINTER]), PETSC_TRUE, LMG_NOHAVE},
  {"trace_E0_doublet", "1", "doublet from rho(0) = |E0><E0|", "rho00 + rho11, the doublet population at t = t_over_T2 T2, from rho(0) = |E0><E0|", LMG_F64, LMG_AX_TRACE, TR(tr[1][LMG_TR_DOUBLET]), PETSC_TRUE, LMG_NOHAVE},
  {"method", "1", "propagation used", "modes of the k-level Liouvillian (exact at any t) or the time stepper (full space)", LMG_STR, -1, TR(method), PETSC_FALSE, LMG_NOHAVE},
};

static PetscBool Enabled(const LmgConfig *cfg)
{
  return (PetscBool)(cfg->rates.trace && cfg->nLevel > 0 && cfg->nGphi > 0);
}

/* dense as /decoherence; full: ~5 T2 of time steps (1.4e-7 n^2 s each) */
static PetscReal Cost(const LmgConfig *cfg, const LmgTask *task)
{
  PetscInt  k = cfg->level[task->iL];
  PetscReal n = k ? (PetscReal)k : cfg->N[task->iN] + 1.0, m = 0.5 * n * n;
  return 100 + (k ? 5.8e-3 * m * m * m : 1e3 * n * n);
}

static PetscErrorCode Compute(const LmgKindContext *ctx, const LmgTask *task, void *rec, LmgOutcome *out)
{
  LmgTraces *r = (LmgTraces *)rec;
  PetscFunctionBeginUser;
  PetscCall(LmgTracesCompute(&ctx->cfg->rates, &ctx->cfg->dyn, ctx->sp, ctx->cfg->gamma_phi[task->iP], ctx->cfg->level[task->iL], ctx->ctl, r));
  out->status = r->status;
  PetscCall(PetscStrncpy(out->message, r->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Plan(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  PetscFunctionBeginUser;
  PetscCall(LmgTracesPlan(&cfg->rates, &cfg->dyn, sp, cfg->gamma_phi[task->iP], cfg->level[task->iL], seconds, bytes, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy(void *rec)
{
  return LmgTracesDestroy((LmgTraces *)rec);
}

const LmgKind LmgKindTraces = {"traces", 4, {LMG_AX_N, LMG_AX_G, LMG_AX_P, LMG_AX_L}, fields, (PetscInt)(sizeof fields / sizeof fields[0]), sizeof(LmgTraces), PETSC_FALSE, Enabled, Cost, Compute, Plan, Destroy, NULL, PETSC_FALSE, PETSC_FALSE};
