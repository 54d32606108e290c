/* The dynamics kind: one record per (N, Gamma/J, gamma_phi, level) with K3 on the tau grid and the integrator's
   statistics (README "What is computed" §3). */
#include <stddef.h>
#include "lmg/kind.h"

#define DY(m) offsetof(LmgDynamics, m)
static const LmgField fields[] = {
  {"K3", "1", "Leggett-Garg K3(tau)", "K3(tau) = C(0,tau) + C(tau,2tau) - C(0,2tau) on the tau grid (coordinate tau_over_tau_opt)", LMG_F64, LMG_AX_TAU, DY(K3), PETSC_TRUE, DY(ntau)},
  {"K3_opt", "1", "K3 at tau_opt", "K3 at tau_opt = pi/(3 dE)", LMG_F64, -1, DY(K3_opt), PETSC_FALSE, LMG_NOHAVE},
  {"K3_max", "1", "largest K3 on the tau grid", "largest K3 on the tau grid", LMG_F64, -1, DY(K3_max), PETSC_FALSE, LMG_NOHAVE},
  {"tau_at_max", "s", "tau of K3_max", "tau of K3_max", LMG_F64, -1, DY(tau_at_max), PETSC_FALSE, LMG_NOHAVE},
  {"tau_opt", "s", "ideal-doublet optimal interval", "pi/(3 dE)", LMG_F64, -1, DY(tau_opt), PETSC_FALSE, LMG_NOHAVE},
  {"secular", "1", "secular parameter 2 dE T2", "2 dE T2 with T2 = 1/(gamma_phi G01) (inf at gamma_phi = 0)", LMG_F64, -1, DY(secular), PETSC_FALSE, LMG_NOHAVE},
  {"steps", "1", "time steps", "time steps of the forward (rho) and adjoint (Q_H) trajectories together", LMG_I32, -1, DY(steps), PETSC_FALSE, LMG_NOHAVE},
  {"rejects", "1", "rejected time steps", "rejected time steps, both trajectories", LMG_I32, -1, DY(rejects), PETSC_FALSE, LMG_NOHAVE},
  {"trace_err", "1", "trace error of rho", "max over the forward trajectory of |Tr rho - 1|", LMG_F64, -1, DY(trace_err), PETSC_FALSE, LMG_NOHAVE},
  {"herm_err", "1", "Hermiticity error of rho", "max over the forward trajectory of |rho - rho^dagger| (0 in the full space: rho is held as one packed triangle, Hermitian by construction)", LMG_F64, -1, DY(herm_err), PETSC_FALSE, LMG_NOHAVE},
  {"K3_err", "1", "error bound of K3 (exact propagation)", "bound on the error double precision leaves in K3 (eigenvalues and level energies over the longest time); NaN for the time stepper, controlled by its tolerances", LMG_F64, -1, DY(K3_err), PETSC_FALSE, LMG_NOHAVE},
  {"bias", "rad/s", "static bias h of the record", "bias_over_h1 x h1, h1 = dE/(2 J01) (0 without -bias)", LMG_F64, -1, DY(bias), PETSC_FALSE, LMG_NOHAVE},
  {"integrator", "1", "time integrator used", "PETSc TS type (and RK scheme) and the relative tolerances of the two trajectories", LMG_STR, -1, DY(integrator), PETSC_FALSE, LMG_NOHAVE},
};

static PetscBool Enabled(const LmgConfig *cfg)
{
  return (PetscBool)(cfg->dyn.on && cfg->nLevel > 0 && cfg->nGphi > 0);
}

/* k levels (full: k = N+1) ~ k^3 per evaluation in the eigenbasis, times a few hundred evaluations; in microseconds
   (full space, banded dissipator: measured 0.1 s at N = 100, 4.6 s at 370, 99 s at 2000). */
static PetscReal Cost(const LmgConfig *cfg, const LmgTask *task)
{
  PetscInt  k = cfg->level[task->iL];
  PetscReal n = k ? (PetscReal)k : cfg->N[task->iN] + 1.0;
  return 1e4 + (k ? 0.5 * n * n * n : 40 * n * n);
}

static PetscErrorCode Compute(const LmgKindContext *ctx, const LmgTask *task, void *rec, LmgOutcome *out)
{
  LmgDynamics  *d = (LmgDynamics *)rec;
  LmgExperiment x;
  PetscBool     real = LmgKindExperiment(ctx->cfg, ctx->sp, task, &x);
  PetscFunctionBeginUser;
  PetscCall(LmgDynamicsComputeAt(ctx->comm, &ctx->cfg->dyn, ctx->sp, ctx->cfg->gamma_phi[task->iP], ctx->cfg->level[task->iL], real ? &x : NULL, ctx->ctl, d));
  out->status = d->status;
  PetscCall(PetscStrncpy(out->message, d->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Plan(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  LmgDynamicsPlan p;
  LmgExperiment   x;
  PetscBool       real = LmgKindExperiment(cfg, sp, task, &x);
  PetscFunctionBeginUser;
  PetscCall(LmgDynamicsPlanComputeAt(&cfg->dyn, sp, cfg->gamma_phi[task->iP], cfg->level[task->iL], real ? &x : NULL, cfg->team_size, &p));
  *seconds = p.seconds;
  *bytes   = p.bytes;
  *out     = p.out;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy(void *rec)
{
  return LmgDynamicsDestroy((LmgDynamics *)rec);
}

const LmgKind LmgKindDynamics = {"dynamics", 6, {LMG_AX_N, LMG_AX_G, LMG_AX_P, LMG_AX_B, LMG_AX_S, LMG_AX_L}, fields, (PetscInt)(sizeof fields / sizeof fields[0]), sizeof(LmgDynamics), PETSC_TRUE, Enabled, Cost, Compute, Plan, Destroy, NULL, PETSC_TRUE, PETSC_FALSE};
