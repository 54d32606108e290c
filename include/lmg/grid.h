/* The sweep grid: pure maps between flat task indices and grid coordinates, and a cost model.
   Tasks 0 .. nN*nG-1 are spectrum records (iN, iG); then one dynamics record per (iN, iG, iP, iL), in C order;
   then one threshold record per (iN, iG, iL). */
#pragma once
#include "config.h"

typedef enum { LMG_TASK_SPECTRUM = 0, LMG_TASK_DYNAMICS = 1, LMG_TASK_THRESHOLD = 2 } LmgTaskKind;

typedef struct {
  LmgTaskKind kind;
  PetscInt    iN, iG, iP, iL; /* indices into cfg->N, gamma_over_J, gamma_phi, level (-1 where the kind has none) */
  PetscInt    group;          /* tasks of one group share a spectrum: iN * nG + iG */
  PetscInt    record;         /* flat index of the record within its kind's datasets */
} LmgTask;

/* Number of tasks of the sweep, and of spectrum tasks. Not collective. */
PetscInt LmgGridTaskCount(const LmgConfig *cfg);
PetscInt LmgGridSpectrumCount(const LmgConfig *cfg);
/* Task t (0 <= t < count) of the sweep. Not collective. */
LmgTask LmgGridTask(const LmgConfig *cfg, PetscInt t);
/* Relative cost of task t (~ microseconds on one core; only ratios matter). */
PetscReal LmgGridTaskCost(const LmgConfig *cfg, PetscInt t);
/* Sort the n task indices in `tasks`: costliest (N, Gamma/J) group first (its total cost), within a group the
   spectrum record first, then by decreasing cost. Deterministic. */
PetscErrorCode LmgGridOrderByCost(const LmgConfig *cfg, PetscInt n, PetscInt *tasks);
