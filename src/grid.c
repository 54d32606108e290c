/* Grid: flat task index <-> (N, Gamma/J) coordinates, and the cost model the master sorts by. */
#include <math.h>
#include "lmg/grid.h"

PetscInt LmgGridTaskCount(const LmgConfig *cfg)
{
  return cfg->nN * cfg->nG;
}

LmgTask LmgGridTask(const LmgConfig *cfg, PetscInt t)
{
  LmgTask task;
  task.kind  = LMG_TASK_SPECTRUM;
  task.iN    = t / cfg->nG;
  task.iG    = t % cfg->nG;
  task.group = t;
  return task;
}

/* Spectrum: O(N) for the sparse solve, plus the extended-precision splitting, whose cost grows
   with N times the bits needed, ~ N * (N S_inst) where the doublet is deep. */
PetscReal LmgGridTaskCost(const LmgConfig *cfg, PetscInt t)
{
  LmgTask   task = LmgGridTask(cfg, t);
  PetscReal N = (PetscReal)cfg->N[task.iN], g = cfg->gamma_over_J[task.iG];
  PetscReal m = g < 1 ? PetscSqrtReal(1 - g * g) : 0, S = m > 0 ? atanh(m) - m : 0;
  PetscReal bits = PetscMin(N * S / log(2.0), (PetscReal)cfg->dE_max_bits);
  return N * (1 + (bits > 40 ? 1e-2 * bits : 0));
}

static const LmgConfig *sort_cfg;
static int CompareCost(const void *a, const void *b)
{
  PetscInt  ta = *(const PetscInt *)a, tb = *(const PetscInt *)b;
  PetscReal ca = LmgGridTaskCost(sort_cfg, ta), cb = LmgGridTaskCost(sort_cfg, tb);
  return ca > cb ? -1 : ca < cb ? 1 : (ta > tb) - (ta < tb);
}

PetscErrorCode LmgGridOrderByCost(const LmgConfig *cfg, PetscInt n, PetscInt *tasks)
{
  PetscFunctionBeginUser;
  sort_cfg = cfg;
  qsort(tasks, (size_t)n, sizeof *tasks, CompareCost);
  PetscFunctionReturn(PETSC_SUCCESS);
}
