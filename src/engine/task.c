/* Task execution: one grid task on one team, the spectrum cached per (N, Gamma/J), PETSc errors captured as failed
   records, the record written by the team leader through its kind's field table; the control handed to the physics
   (the scheduler's drain, the task's checkpoint as a hook). */
#include <string.h>
#include "lmg/kind.h"
#include "lmg/task.h"

static PetscBool Abandon(void *ctx)
{
  (void)ctx;
  return LmgAbandon();
}

static PetscBool Draining(void *ctx)
{
  (void)ctx;
  return LmgDraining();
}

static PetscErrorCode CheckpointWrite(void *ctx, MPI_Comm comm, const void *head, size_t hlen, PetscInt nv, Vec *v, char *err, size_t errlen)
{
  PetscFunctionBeginUser;
  PetscCall(LmgCheckpointWrite((LmgCheckpoint *)ctx, comm, head, hlen, nv, v, err, errlen));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckpointRead(void *ctx, MPI_Comm comm, void *head, size_t hlen, PetscInt nv, Vec *v, PetscBool *found, char *why, size_t whylen)
{
  PetscFunctionBeginUser;
  PetscCall(LmgCheckpointRead((LmgCheckpoint *)ctx, comm, head, hlen, nv, v, found, why, whylen));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What every computation of a task is handed: the scheduler's drain (no checkpoints). */
static const LmgControl Drain = {Abandon, Draining, NULL, {0}};

PetscErrorCode LmgWorkCreate(const LmgConfig *cfg, const LmgH5 *h5, const LmgTeam *team, LmgWork *w)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(w, sizeof *w));
  w->cfg          = cfg;
  w->h5           = h5;
  w->team         = team;
  w->cached_group = -1;
  PetscCall(LmgConfigSignature(cfg, &w->signature));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgWorkCheckpoint(LmgWork *w, const LmgTask *task, const char *kind)
{
  PetscFunctionBeginUser;
  PetscCall(LmgCheckpointSet(&w->ck, w->cfg->output, kind, task->record, w->signature, w->cfg->checkpoint, w->cfg->resume));
  if (!w->h5 || w->cfg->checkpoint <= 0) w->ck.path[0] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgWorkControl(LmgWork *w, LmgControl *ctl)
{
  PetscFunctionBeginUser;
  *ctl = Drain;
  if (w->ck.path[0]) ctl->checkpoint = (LmgCheckpointHook){CheckpointWrite, CheckpointRead, w->ck.interval, w->ck.resume, w->ck.path, &w->ck};
  else ctl->checkpoint = (LmgCheckpointHook){0};
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgWorkDestroy(LmgWork *w)
{
  PetscFunctionBeginUser;
  if (w->cached_group >= 0) PetscCall(LmgSpectrumDestroy(&w->cache));
  w->cached_group = -1;
  free(w->signature);
  w->signature = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgWorkSpectrum(LmgWork *w, const LmgTask *task)
{
  PetscErrorCode ierr;
  LmgErrorInfo   info;
  PetscFunctionBeginUser;
  if (w->cached_group == task->group) PetscFunctionReturn(PETSC_SUCCESS);
  if (w->cached_group >= 0) PetscCall(LmgSpectrumDestroy(&w->cache));
  PetscCall(PetscMemzero(&w->cache, sizeof w->cache));
  PetscCall(LmgErrorPush(&info));
  ierr = LmgSpectrumCompute(w->team->comm, &w->cfg->spec, w->cfg->N[task->iN], w->cfg->gamma_over_J[task->iG], &Drain, &w->cache);
  PetscCall(LmgErrorPop());
  if (ierr) {
    w->cache.status = LMG_FAILED;
    LmgErrorText(ierr, &info, "spectrum solve", w->cache.message, LMG_MSG_LEN);
  }
  w->cached_group = task->group;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The kind's compute with the context of the task (its checkpoint hook when the kind checkpoints). */
static PetscErrorCode Compute(LmgWork *w, const LmgKind *kind, const LmgTask *task, void *rec, LmgOutcome *out)
{
  LmgControl     ctl;
  LmgKindContext ctx;
  PetscFunctionBeginUser;
  if (kind->checkpoints) PetscCall(LmgWorkCheckpoint(w, task, kind->name));
  PetscCall(LmgWorkControl(w, &ctl));
  ctx = (LmgKindContext){w->cfg, &w->cache, w->team->comm, &ctl};
  PetscCall(kind->compute(&ctx, task, rec, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgTaskRun(void *ctx, const LmgTeam *team, PetscInt t, LmgOutcome *out)
{
  LmgWork       *w    = (LmgWork *)ctx;
  LmgTask        task = LmgGridTask(w->cfg, t);
  const LmgKind *kind = LmgKinds[task.kind];
  double         t0   = MPI_Wtime();
  void          *rec;

  PetscFunctionBeginUser;
  PetscCall(LmgWorkSpectrum(w, &task));
  PetscCall(PetscCalloc(kind->size, &rec));
  PetscCall(PetscMemzero(out, sizeof *out));
  w->ck.path[0] = 0, w->ck.gen = 0; /* a kind that checkpoints sets it (Compute) */
  if (w->cache.status == LMG_ABANDONED) { /* a drain gave up the group's spectrum: nothing of the group is written */
    out->status = LMG_ABANDONED;
    PetscCall(PetscStrncpy(out->message, w->cache.message, LMG_MSG_LEN));
    w->cached_group = -1;
    PetscCall(LmgSpectrumDestroy(&w->cache));
  } else if (kind->collective || team->leader) {
    LmgErrorInfo   info;
    PetscErrorCode ierr;
    PetscCall(LmgErrorPush(&info));
    ierr = Compute(w, kind, &task, rec, out);
    PetscCall(LmgErrorPop());
    if (ierr) {
      PetscReal secs, bytes;
      LmgOutcome o;
      out->status = LMG_FAILED;
      LmgErrorText(ierr, &info, kind->name, out->message, LMG_MSG_LEN);
      if (LmgErrorIsMemory(ierr, &info) && !kind->plan(w->cfg, &w->cache, &task, &secs, &bytes, &o) && bytes > 0) /* what it needed */
        snprintf(out->message + strlen(out->message), LMG_MSG_LEN - strlen(out->message), "; the record needs ~%.2g GB", (double)(bytes / 1e9));
    }
    if (team->leader && w->h5 && out->status != LMG_ABANDONED) PetscCall(LmgH5WriteRecord(w->h5, &task, rec, out, MPI_Wtime() - t0, team->id));
    if (kind->collective && out->status != LMG_ABANDONED && w->ck.path[0]) PetscCall(LmgCheckpointRemove(&w->ck, team->comm));
  }
  if (kind->destroy) PetscCall(kind->destroy(rec));
  PetscCall(PetscFree(rec));
  PetscCallMPI(MPI_Bcast(out, sizeof *out, MPI_BYTE, 0, team->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgTaskEstimate(void *ctx, PetscInt t, PetscReal *seconds)
{
  LmgWork   *w    = (LmgWork *)ctx;
  LmgTask    task = LmgGridTask(w->cfg, t);
  LmgOutcome o;
  PetscReal  bytes;
  PetscFunctionBeginUser;
  *seconds = 0;
  if (w->cached_group != task.group) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(LmgKinds[task.kind]->plan(w->cfg, &w->cache, &task, seconds, &bytes, &o));
  if (o.status != LMG_PENDING) *seconds = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}
