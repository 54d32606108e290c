/* Task execution: one grid task on one team, the spectrum cached per (N, Gamma/J), failures captured as record
   statuses, the record written by the team leader. */
#include "lmg/task.h"

/* Message of a PETSc error code, as a record's failure message. */
static PetscErrorCode Failure(PetscErrorCode ierr, const char *where, char *msg)
{
  const char *text;
  PetscFunctionBeginUser;
  PetscCall(PetscErrorMessage(ierr, &text, NULL));
  snprintf(msg, LMG_MSG_LEN, "PETSc error %d (%s) in the %s", (int)ierr, text ? text : "?", where);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on the team: make w->cache the spectrum of `task`'s group. */
static PetscErrorCode Spectrum(LmgWork *w, const LmgTeam *team, const LmgTask *task)
{
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  if (w->cached_group == task->group) PetscFunctionReturn(PETSC_SUCCESS);
  if (w->cached_group >= 0) PetscCall(LmgSpectrumDestroy(&w->cache));
  PetscCall(PetscMemzero(&w->cache, sizeof w->cache));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = LmgSpectrumCompute(team->comm, w->cfg, w->cfg->N[task->iN], w->cfg->gamma_over_J[task->iG], &w->cache);
  PetscCall(PetscPopErrorHandler());
  if (ierr) {
    w->cache.status = LMG_FAILED;
    PetscCall(Failure(ierr, "spectrum solve", w->cache.message));
  }
  w->cached_group = task->group;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Dynamics(LmgWork *w, const LmgTask *task, LmgDynamics *dyn)
{
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = LmgDynamicsCompute(w->cfg, &w->cache, w->cfg->gamma_phi[task->iP], w->cfg->level[task->iL], dyn);
  PetscCall(PetscPopErrorHandler());
  if (ierr) {
    dyn->status = LMG_FAILED;
    PetscCall(Failure(ierr, "dynamics", dyn->message));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Threshold(LmgWork *w, const LmgTask *task, LmgThreshold *th)
{
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = LmgThresholdCompute(w->cfg, &w->cache, w->cfg->level[task->iL], th);
  PetscCall(PetscPopErrorHandler());
  if (ierr) {
    th->status = LMG_FAILED;
    PetscCall(Failure(ierr, "threshold root-finding", th->message));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgTaskRun(void *ctx, const LmgTeam *team, PetscInt t, PetscInt *status)
{
  LmgWork    *w    = (LmgWork *)ctx;
  LmgTask     task = LmgGridTask(w->cfg, t);
  LmgDynamics  dyn;
  LmgThreshold th;
  double       t0 = MPI_Wtime();

  PetscFunctionBeginUser;
  PetscCall(Spectrum(w, team, &task));
  if (task.kind == LMG_TASK_SPECTRUM) {
    if (team->leader) PetscCall(LmgH5WriteSpectrum(w->h5, &task, &w->cache, MPI_Wtime() - t0, team->id));
    *status = w->cache.status;
  } else {
    if (team->leader && task.kind == LMG_TASK_DYNAMICS) { /* dynamics and thresholds run on the leader (sequential objects) */
      PetscCall(Dynamics(w, &task, &dyn));
      PetscCall(LmgH5WriteDynamics(w->h5, &task, &dyn, MPI_Wtime() - t0, team->id));
      *status = dyn.status;
      PetscCall(LmgDynamicsDestroy(&dyn));
    } else if (team->leader) {
      PetscCall(Threshold(w, &task, &th));
      PetscCall(LmgH5WriteThreshold(w->h5, &task, &th, MPI_Wtime() - t0, team->id));
      *status = th.status;
    }
    PetscCallMPI(MPI_Bcast(status, 1, MPIU_INT, 0, team->comm));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgWorkDestroy(LmgWork *w)
{
  PetscFunctionBeginUser;
  if (w->cached_group >= 0) PetscCall(LmgSpectrumDestroy(&w->cache));
  w->cached_group = -1;
  PetscFunctionReturn(PETSC_SUCCESS);
}
