/* Grid: flat task index <-> (N, Gamma/J) coordinates, and the cost model the master sorts by. */
#include <math.h>
#include "lmg/grid.h"

PetscInt LmgGridSpectrumCount(const LmgConfig *cfg)
{
  return cfg->nN * cfg->nG;
}

PetscInt LmgGridTaskCount(const LmgConfig *cfg)
{
  return cfg->nN * cfg->nG * (1 + cfg->nGphi * cfg->nLevel + cfg->nLevel);
}

LmgTask LmgGridTask(const LmgConfig *cfg, PetscInt t)
{
  LmgTask  task;
  PetscInt nS = LmgGridSpectrumCount(cfg), nD = nS * cfg->nGphi * cfg->nLevel, r;
  task.kind = t < nS ? LMG_TASK_SPECTRUM : t < nS + nD ? LMG_TASK_DYNAMICS : LMG_TASK_THRESHOLD;
  r         = task.kind == LMG_TASK_SPECTRUM ? t : task.kind == LMG_TASK_DYNAMICS ? t - nS : t - nS - nD;
  task.record = r;
  task.iP = task.iL = -1;
  if (task.kind != LMG_TASK_SPECTRUM) {
    task.iL = r % cfg->nLevel;
    r /= cfg->nLevel;
  }
  if (task.kind == LMG_TASK_DYNAMICS) {
    task.iP = r % cfg->nGphi;
    r /= cfg->nGphi;
  }
  task.iN    = r / cfg->nG;
  task.iG    = r % cfg->nG;
  task.group = r;
  return task;
}

/* Spectrum: O(N) sparse solves, plus the extended-precision splitting where the doublet is deep (~ N bits).
   Dynamics: k levels (full: k = N+1) ~ k^3 per evaluation in the eigenbasis, times a few hundred evaluations.
   In microseconds on one core (full space: 0.4 s at N = 100, 3 s at 200, 30 s at 370). */
PetscReal LmgGridTaskCost(const LmgConfig *cfg, PetscInt t)
{
  LmgTask   task = LmgGridTask(cfg, t);
  PetscReal N = (PetscReal)cfg->N[task.iN], g = cfg->gamma_over_J[task.iG];
  PetscReal m = g < 1 ? PetscSqrtReal(1 - g * g) : 0, S = m > 0 ? atanh(m) - m : 0;
  PetscReal bits = PetscMin(N * S / log(2.0), (PetscReal)cfg->dE_max_bits);
  if (task.kind != LMG_TASK_SPECTRUM) {
    PetscInt  k = cfg->level[task.iL];
    PetscReal n = k ? (PetscReal)k : N + 1, c = 1e4 + (k ? 0.5 * n * n * n : 40 * n * n); /* us; full: measured N = 370, 2000 */
    return task.kind == LMG_TASK_DYNAMICS ? c : cfg->threshold ? 20 * c : 10; /* ~20 solves for a root */
  }
  return 5 * N * (1 + (bits > 40 ? 1e-2 * bits : 0));
}

/* Order: the costliest (N, Gamma/J) group first, and within a group the spectrum record first, then its costliest
   records — with the scheduler's group affinity a team computes each spectrum once and reuses it. */
static const LmgConfig *sort_cfg;
static PetscReal       *sort_group_cost;
static int CompareTask(const void *a, const void *b)
{
  PetscInt  ta = *(const PetscInt *)a, tb = *(const PetscInt *)b;
  LmgTask   xa = LmgGridTask(sort_cfg, ta), xb = LmgGridTask(sort_cfg, tb);
  PetscReal ga = sort_group_cost[xa.group], gb = sort_group_cost[xb.group], ca, cb;
  if (xa.group != xb.group) return ga > gb ? -1 : ga < gb ? 1 : (xa.group > xb.group) - (xa.group < xb.group);
  if (xa.kind != xb.kind && (xa.kind == LMG_TASK_SPECTRUM || xb.kind == LMG_TASK_SPECTRUM)) return xa.kind == LMG_TASK_SPECTRUM ? -1 : 1;
  ca = LmgGridTaskCost(sort_cfg, ta), cb = LmgGridTaskCost(sort_cfg, tb);
  return ca > cb ? -1 : ca < cb ? 1 : (ta > tb) - (ta < tb);
}

PetscErrorCode LmgGridOrderByCost(const LmgConfig *cfg, PetscInt n, PetscInt *tasks)
{
  PetscInt nt = LmgGridTaskCount(cfg);
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(LmgGridSpectrumCount(cfg), &sort_group_cost));
  for (PetscInt t = 0; t < nt; t++) sort_group_cost[LmgGridTask(cfg, t).group] += LmgGridTaskCost(cfg, t);
  sort_cfg = cfg;
  qsort(tasks, (size_t)n, sizeof *tasks, CompareTask);
  PetscCall(PetscFree(sort_group_cost));
  PetscFunctionReturn(PETSC_SUCCESS);
}
