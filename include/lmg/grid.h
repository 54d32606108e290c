/* The sweep grid: its axes (coordinates), and pure maps between flat task indices and records of the kinds of
   kind.h. Tasks are numbered kind after kind in table order (spectrum first); within a kind, records in C order of
   its axes. */
#pragma once
#include "config.h"

/* Every coordinate of the file: the record axes (N, Gamma/J, gamma_phi, level, t_q) and trailing axes of fields. */
typedef enum { LMG_AX_N, LMG_AX_G, LMG_AX_P, LMG_AX_L, LMG_AX_TQ, LMG_AX_B, LMG_AX_S, LMG_AX_TAU, LMG_AX_EIG, LMG_AX_DOUBLET, LMG_AX_MODE, LMG_AX_RATE, LMG_AX_TRACE, LMG_NAXES } LmgAxis;

typedef struct {
  const char      *name, *units, *long_name;
  PetscInt         n;
  const PetscReal *real; /* values: real ... */
  const PetscInt  *ints; /* ... or integers (NULL for both: 0 .. n-1) */
} LmgAxisInfo;

typedef struct {
  PetscInt kind;           /* index into LmgKinds */
  PetscInt iN, iG, iP, iL, iT; /* indices into the axes (-1 where the kind has none) */
  PetscInt group;          /* records of one group share a spectrum: iN * nG + iG */
  PetscInt record;         /* flat index of the record within its kind's datasets */
  PetscInt iB, iS;         /* indices into the bias and detection axes (-1 where the kind has none) */
} LmgTask;

/* Not collective. Reads -N, -gamma_over_J, -gamma_phi, -levels, -bias, -detect_sigma into cfg. */
PetscErrorCode LmgGridSetFromOptions(LmgConfig *cfg, char *err);
LmgAxisInfo    LmgGridAxis(const LmgConfig *cfg, LmgAxis a);

/* Records of the whole grid, counted in floating point (to refuse grids beyond LMG_MAX_RECORDS before any count
   overflows). */
#define LMG_MAX_RECORDS 1e8
PetscReal LmgGridRecords(const LmgConfig *cfg);
/* Records of kind k (0 when the kind is not part of this run), tasks of the sweep, and the first task of kind k. */
PetscInt LmgGridKindCount(const LmgConfig *cfg, PetscInt k);
PetscInt LmgGridTaskCount(const LmgConfig *cfg);
PetscInt LmgGridKindStart(const LmgConfig *cfg, PetscInt k);
/* Task t (0 <= t < count) of the sweep. Not collective. */
LmgTask LmgGridTask(const LmgConfig *cfg, PetscInt t);
/* Where task t lies on the grid, for messages: "N = 370, Gamma/J = 0.95, gamma_phi = 0.05, level 5". */
void LmgGridTaskWhere(const LmgConfig *cfg, const LmgTask *t, char *buf, size_t len);
/* Relative cost of task t (~ microseconds on one core; only ratios matter). */
PetscReal LmgGridTaskCost(const LmgConfig *cfg, PetscInt t);
/* Sort the n task indices in `tasks`: costliest (N, Gamma/J) group first (its total cost), within a group the
   spectrum record first, then by decreasing cost. Deterministic. */
PetscErrorCode LmgGridOrderByCost(const LmgConfig *cfg, PetscInt n, PetscInt *tasks);
