/* Task execution: one grid task on one team, its failure captured as a record status, its record written. */
#include "lmg/task.h"

PetscErrorCode LmgTaskRun(void *ctx, const LmgTeam *team, PetscInt t, PetscInt *status)
{
  LmgWork       *w    = (LmgWork *)ctx;
  LmgTask        task = LmgGridTask(w->cfg, t);
  LmgSpectrum    sp;
  PetscErrorCode ierr;
  double         t0 = MPI_Wtime();

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&sp, sizeof sp));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = LmgSpectrumCompute(team->comm, w->cfg, w->cfg->N[task.iN], w->cfg->gamma_over_J[task.iG], &sp);
  PetscCall(PetscPopErrorHandler());
  if (ierr) {
    const char *text;
    PetscCall(PetscErrorMessage(ierr, &text, NULL));
    sp.status = LMG_FAILED;
    snprintf(sp.message, LMG_MSG_LEN, "PETSc error %d (%s) in the spectrum solve", (int)ierr, text ? text : "?");
  }
  if (team->leader) PetscCall(LmgH5WriteSpectrum(w->h5, task.iN, task.iG, &sp, MPI_Wtime() - t0, team->id));
  *status = sp.status;
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
