/* What a team does with one task: compute the record and write it. */
#pragma once
#include "grid.h"
#include "h5out.h"
#include "scheduler.h"

typedef struct {
  const LmgConfig *cfg;
  const LmgH5     *h5;
} LmgWork;

/* LmgTaskFn for the sweep (ctx: LmgWork). Collective on team->comm; the leader writes the record.
   A PETSc error inside the computation becomes a failed record with its message, not an abort. */
PetscErrorCode LmgTaskRun(void *ctx, const LmgTeam *team, PetscInt t, PetscInt *status);
