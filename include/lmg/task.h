/* What a team does with one task: compute the record (reusing its cached spectrum) and write it. */
#pragma once
#include "h5out.h"
#include "scheduler.h"

typedef struct {
  const LmgConfig *cfg;
  const LmgH5     *h5;
  LmgSpectrum      cache;        /* the team's last spectrum ... */
  PetscInt         cached_group; /* ... of this (N, Gamma/J) group, -1: none */
} LmgWork;

/* LmgTaskFn for the sweep (ctx: LmgWork). Collective on team->comm; the leader computes the dynamics and writes
   the record. A PETSc error inside a computation becomes a failed record with its message, not an abort. */
PetscErrorCode LmgTaskRun(void *ctx, const LmgTeam *team, PetscInt t, PetscInt *status);
PetscErrorCode LmgWorkDestroy(LmgWork *w);
