/* The Landau-Zener kinds (README "What is computed" §6), one group /landau_zener: the scales per (N, Gamma/J), the
   quantum outcome per (N, Gamma/J, gamma_phi, level, t_q) and the classical foil per (N, Gamma/J, gamma_phi, t_q). */
#include <stddef.h>
#include "lmg/kind.h"

#define SC(m) offsetof(LmgLzScales, m)
static const LmgField scale_fields[] = {
  {"t_LZ", "s", "Landau-Zener time", "8 h0 J01 / (pi dE^2): P_LZ = exp(-t_q/t_LZ)", LMG_F64, -1, SC(t_LZ), PETSC_FALSE, LMG_NOHAVE},
  {"h0", "rad/s", "sweep amplitude", "h0 = lz_bias h_sp: h(t) = h0 (2t/t_q - 1)", LMG_F64, -1, SC(h0), PETSC_FALSE, LMG_NOHAVE},
  {"h_sp", "rad/s", "classical spinodal bias", "2J (1 - (Gamma/J)^(2/3))^(3/2): the bias at which the metastable well disappears", LMG_F64, -1, SC(h_sp), PETSC_FALSE, LMG_NOHAVE},
  {"b", "1", "two-level sweep parameter", "h0 J01 / dE (>> 1: the two-level Landau-Zener limit)", LMG_F64, -1, SC(b), PETSC_FALSE, LMG_NOHAVE},
};

#define LZ(m) offsetof(LmgLz, m)
static const LmgField fields[] = {
  {"P_error", "1", "probability of ending in the starting well", "Tr[rho(t_q) (1 - Q)/2], Q = sign(Jz) (m = 0 counts half)", LMG_F64, -1, LZ(P_error), PETSC_FALSE, LMG_NOHAVE},
  {"P_not_ground", "1", "probability of not ending in the ground state", "1 - <g_f|rho(t_q)|g_f>, g_f the model's ground state of H(t_q) = H0 - h0 Jz", LMG_F64, -1, LZ(P_not_ground), PETSC_FALSE, LMG_NOHAVE},
  {"P_floor", "1", "starting-well weight of the final ground state", "<g_f|(1 - Q)/2|g_f>", LMG_F64, -1, LZ(P_floor), PETSC_FALSE, LMG_NOHAVE},
  {"P_LZ", "1", "two-level Landau-Zener probability", "exp(-t_q/t_LZ)", LMG_F64, -1, LZ(P_LZ), PETSC_FALSE, LMG_NOHAVE},
  {"t_q", "s", "quench time", "duration of the sweep, tq_over_tLZ t_LZ", LMG_F64, -1, LZ(t_q), PETSC_FALSE, LMG_NOHAVE},
  {"steps", "1", "time steps", "accepted time steps of the sweep", LMG_I32, -1, LZ(steps), PETSC_FALSE, LMG_NOHAVE},
  {"rejects", "1", "rejected time steps", "rejected time steps of the sweep", LMG_I32, -1, LZ(rejects), PETSC_FALSE, LMG_NOHAVE},
  {"trace_err", "1", "trace error of rho(t_q)", "|Tr rho(t_q) - 1|", LMG_F64, -1, LZ(trace_err), PETSC_FALSE, LMG_NOHAVE},
  {"integrator", "1", "time integrator used", "PETSc TS type (and RK scheme), its tolerance and frame", LMG_STR, -1, LZ(integrator), PETSC_FALSE, LMG_NOHAVE},
  {"window", "1", "levels of H0 the full space was computed on", "the lowest eigenstates of H0 holding rho with the whole-space generator (N + 1: the whole space; 0: a k-level record)", LMG_I32, -1, LZ(window), PETSC_FALSE, LMG_NOHAVE},
  {"window_bound", "1", "bound on the window's error of P_error and P_not_ground", "2 |(1 - P) g_0| + int_0^t_q |(1 - P) L rho_W|_1 dt (Duhamel, trace-norm contractivity); 0 in the whole space, NaN for k levels", LMG_F64, -1, LZ(window_bound), PETSC_FALSE, LMG_NOHAVE},
};

#define CL(m) offsetof(LmgLzClassical, m)
static const LmgField classical_fields[] = {
  {"P_error_classical", "1", "classical probability of ending in the starting well", "fraction of the mean-field trajectories (with the white-noise field of the dephasing) ending with s_z < 0", LMG_F64, -1, CL(P_error_classical), PETSC_FALSE, LMG_NOHAVE},
  {"P_error_classical_stderr", "1", "standard error of P_error_classical", "sqrt(P (1 - P) / M); 0 at gamma_phi = 0 (one deterministic trajectory)", LMG_F64, -1, CL(P_error_classical_stderr), PETSC_FALSE, LMG_NOHAVE},
  {"z0_classical", "1", "initial s_z of the classical spin", "the minimum of the R well of e(z) at h = -h0", LMG_F64, -1, CL(z0), PETSC_FALSE, LMG_NOHAVE},
  {"trajectories", "1", "classical trajectories", "M (1 at gamma_phi = 0)", LMG_I32, -1, CL(trajectories), PETSC_FALSE, LMG_NOHAVE},
  {"classical_steps", "1", "time steps per classical trajectory", "RK4 steps (each between two noise rotations)", LMG_I32, -1, CL(steps), PETSC_FALSE, LMG_NOHAVE},
};

static PetscBool EnabledScales(const LmgConfig *cfg)
{
  return (PetscBool)(cfg->lz.ntq > 0);
}

static PetscBool EnabledClassical(const LmgConfig *cfg)
{
  return (PetscBool)(cfg->lz.ntq > 0 && cfg->nGphi > 0);
}

static PetscBool Enabled(const LmgConfig *cfg)
{
  return (PetscBool)(cfg->lz.ntq > 0 && cfg->nGphi > 0 && cfg->nLevel > 0);
}

static PetscReal CostScales(const LmgConfig *cfg, const LmgTask *task)
{
  (void)cfg, (void)task;
  return 1;
}

/* steps ~ t_q x the bias's turning rate (a cost, not a plan: no spectrum yet), each ~ n^2 band products or k^3 */
static PetscReal Cost(const LmgConfig *cfg, const LmgTask *task)
{
  PetscInt  k = cfg->level[task->iL];
  PetscReal n = k ? (PetscReal)k : cfg->N[task->iN] + 1.0;
  return 1e3 + cfg->lz.tq[task->iT] * 3e3 * (k ? 1 + 2e-3 * n * n * n : 0.35 * n * n);
}

/* ~ M t_q |Omega|max / dtheta RK4 steps of ~ 0.1 us; t_LZ unknown before the spectrum: O(1e-2 s) */
static PetscReal CostClassical(const LmgConfig *cfg, const LmgTask *task)
{
  PetscReal M = cfg->gamma_phi[task->iP] > 0 ? (PetscReal)cfg->lz.trajectories : 1;
  return 10 + M * cfg->lz.tq[task->iT] * 1e-2 * 2.8 * cfg->spec.J / cfg->lz.dtheta * 0.1;
}

static PetscErrorCode ComputeScales(const LmgKindContext *ctx, const LmgTask *task, void *rec, LmgOutcome *out)
{
  LmgLzScales *s = (LmgLzScales *)rec;
  PetscFunctionBeginUser;
  (void)task;
  PetscCall(LmgLzScalesCompute(&ctx->cfg->lz, ctx->sp, s));
  out->status = s->status;
  PetscCall(PetscStrncpy(out->message, s->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Compute(const LmgKindContext *ctx, const LmgTask *task, void *rec, LmgOutcome *out)
{
  LmgLz *r = (LmgLz *)rec;
  PetscFunctionBeginUser;
  PetscCall(LmgLzCompute(ctx->comm, &ctx->cfg->lz, &ctx->cfg->dyn, ctx->sp, ctx->cfg->gamma_phi[task->iP], ctx->cfg->level[task->iL], ctx->cfg->lz.tq[task->iT], ctx->cfg->lz.tol, ctx->ctl, r));
  out->status = r->status;
  PetscCall(PetscStrncpy(out->message, r->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ComputeClassical(const LmgKindContext *ctx, const LmgTask *task, void *rec, LmgOutcome *out)
{
  LmgLzClassical *c = (LmgLzClassical *)rec;
  PetscFunctionBeginUser;
  PetscCall(LmgLzClassicalCompute(&ctx->cfg->lz, &ctx->cfg->dyn, ctx->sp, ctx->cfg->gamma_phi[task->iP], ctx->cfg->lz.tq[task->iT], ctx->cfg->lz.trajectories, 0, ctx->ctl, c));
  out->status = c->status;
  PetscCall(PetscStrncpy(out->message, c->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PlanScales(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  LmgLzScales s;
  PetscFunctionBeginUser;
  (void)task;
  PetscCall(LmgLzScalesCompute(&cfg->lz, sp, &s));
  *seconds = 1e-6, *bytes = 0;
  out->status = s.status == LMG_DONE ? LMG_PENDING : s.status;
  PetscCall(PetscStrncpy(out->message, s.message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Plan(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  PetscReal steps;
  PetscFunctionBeginUser;
  PetscCall(LmgLzPlan(&cfg->lz, &cfg->dyn, sp, cfg->gamma_phi[task->iP], cfg->level[task->iL], cfg->lz.tq[task->iT], cfg->team_size, &steps, seconds, bytes, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* RK4 steps of ~0.1 us with the noise (measured, N = 40 and 370) */
static PetscErrorCode PlanClassical(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  LmgLzScales s;
  PetscReal   steps = LmgLzClassicalSteps(&cfg->lz, sp, cfg->lz.tq[task->iT]), M = cfg->gamma_phi[task->iP] > 0 ? (PetscReal)cfg->lz.trajectories : 1;
  PetscFunctionBeginUser;
  PetscCall(LmgLzScalesCompute(&cfg->lz, sp, &s));
  *seconds = M * steps * 1e-7, *bytes = 0;
  out->status = s.status == LMG_DONE ? LMG_PENDING : s.status;
  PetscCall(PetscStrncpy(out->message, s.message, LMG_MSG_LEN));
  if (s.status == LMG_DONE && steps > cfg->dyn.max_steps) out->status = LMG_SKIPPED, snprintf(out->message, LMG_MSG_LEN, "t_q = %.3g t_LZ needs %.1e classical time steps > -dyn_max_steps %g", (double)cfg->lz.tq[task->iT], (double)steps, (double)cfg->dyn.max_steps);
  PetscFunctionReturn(PETSC_SUCCESS);
}

const LmgKind LmgKindLzScales = {"lz_scales", 2, {LMG_AX_N, LMG_AX_G}, scale_fields, (PetscInt)(sizeof scale_fields / sizeof scale_fields[0]), sizeof(LmgLzScales), PETSC_FALSE, EnabledScales, CostScales, ComputeScales, PlanScales, NULL, "landau_zener", PETSC_FALSE, PETSC_FALSE};
const LmgKind LmgKindLz = {"landau_zener", 5, {LMG_AX_N, LMG_AX_G, LMG_AX_P, LMG_AX_L, LMG_AX_TQ}, fields, (PetscInt)(sizeof fields / sizeof fields[0]), sizeof(LmgLz), PETSC_TRUE, Enabled, Cost, Compute, Plan, NULL, "landau_zener", PETSC_FALSE, PETSC_FALSE};
const LmgKind LmgKindLzClassical = {"lz_classical", 4, {LMG_AX_N, LMG_AX_G, LMG_AX_P, LMG_AX_TQ}, classical_fields, (PetscInt)(sizeof classical_fields / sizeof classical_fields[0]), sizeof(LmgLzClassical), PETSC_FALSE, EnabledClassical, CostClassical, ComputeClassical, PlanClassical, NULL, "landau_zener", PETSC_FALSE, PETSC_FALSE};
