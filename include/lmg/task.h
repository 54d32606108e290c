/* What a team does with one task: make its group's spectrum the cached one, compute the record with its kind's row,
   write it (the leader). */
#pragma once
#include "checkpoint.h"
#include "control.h"
#include "h5out.h"
#include "scheduler.h"

typedef struct _LmgWork {
  const LmgConfig *cfg;
  const LmgH5     *h5;           /* NULL: compute only (a dry run) */
  const LmgTeam   *team;
  LmgSpectrum      cache;        /* the team's last spectrum ... */
  PetscInt         cached_group; /* ... of this (N, Gamma/J) group, -1: none */
  char            *signature;    /* the run's (LmgConfigSignature): the key of its checkpoints */
  LmgCheckpoint    ck;           /* the checkpoint of the task in hand (path "": none); removed once it is written */
} LmgWork;

PetscErrorCode LmgWorkCreate(const LmgConfig *cfg, const LmgH5 *h5, const LmgTeam *team, LmgWork *w);
PetscErrorCode LmgWorkDestroy(LmgWork *w);
/* Not collective: w->ck for task t of kind k (no checkpoints in a dry run or with -checkpoint_interval 0). */
PetscErrorCode LmgWorkCheckpoint(LmgWork *w, const LmgTask *task, const char *kind);
/* Not collective: the control handed to the physics of the task in hand: the scheduler's drain (LmgAbandon,
   LmgDraining) and w->ck as its checkpoint hook (none when w->ck has no path). Valid while w->ck is unchanged. */
PetscErrorCode LmgWorkControl(LmgWork *w, LmgControl *ctl);
/* Collective on the team: make w->cache the spectrum of `group` (computed once per group). */
PetscErrorCode LmgWorkSpectrum(LmgWork *w, const LmgTask *task);
/* LmgTaskFn for the sweep (ctx: LmgWork). Collective on team->comm; the leader writes the record. A PETSc error inside
   a computation becomes a failed record with its message, not an abort; an abandoned record is not written (its
   checkpoint, if it wrote one, stays for -resume); a written one's checkpoint is removed. */
PetscErrorCode LmgTaskRun(void *ctx, const LmgTeam *team, PetscInt t, LmgOutcome *out);
/* LmgEstimateFn for the sweep: the kind's estimate of task t from the cached spectrum of its group (0 when the cache
   holds another group, or the record would be skipped). Not collective. */
PetscErrorCode LmgTaskEstimate(void *ctx, PetscInt t, PetscReal *seconds);
