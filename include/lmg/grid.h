/* The sweep grid: pure maps between flat task indices and grid coordinates, and a cost model. */
#pragma once
#include "config.h"

typedef enum { LMG_TASK_SPECTRUM = 0 } LmgTaskKind;

typedef struct {
  LmgTaskKind kind;
  PetscInt    iN, iG; /* indices into cfg->N, cfg->gamma_over_J */
  PetscInt    group;  /* tasks of one group share a spectrum: (iN, iG) flattened */
} LmgTask;

/* Number of tasks of the sweep. Not collective. */
PetscInt LmgGridTaskCount(const LmgConfig *cfg);
/* Task t (0 <= t < count) of the sweep. Not collective. */
LmgTask LmgGridTask(const LmgConfig *cfg, PetscInt t);
/* Relative cost of task t (seconds-like; only ratios matter). */
PetscReal LmgGridTaskCost(const LmgConfig *cfg, PetscInt t);
/* Sort the n task indices in `tasks` by decreasing cost (stable). */
PetscErrorCode LmgGridOrderByCost(const LmgConfig *cfg, PetscInt n, PetscInt *tasks);
