/* Launch check: Slurm's view of the job step (its environment) against the size of MPI_COMM_WORLD, so that
   `srun` without a working --mpi plugin stops with one line instead of P singletons racing on one file. */
#include <stdlib.h>
#include <string.h>
#include "lmg/launch.h"
#include "lmg/options.h"

static const LmgOption opts[] = {
  {"-launch_check", "1", "Stop when Slurm started more tasks than MPI has ranks (srun without a working --mpi plugin); 0 turns the check off"},
};
const LmgOptionTable LmgLaunchOptionTable = LMG_TABLE("Launch", opts);

/* A positive integer from the environment, or 0 when unset or malformed. */
static long EnvCount(const char *name)
{
  const char *s = getenv(name);
  char       *end;
  long        v;
  if (!s || !*s) return 0;
  v = strtol(s, &end, 10);
  return *end == '\0' && v > 0 ? v : 0;
}

PetscErrorCode LmgLaunchCheck(MPI_Comm comm, char err[LMG_ERR_LEN], PetscBool *speak)
{
  PetscBool   check = PETSC_TRUE;
  PetscMPIInt size;
  long        tasks = EnvCount("SLURM_STEP_NUM_TASKS"), launcher = EnvCount("OMPI_COMM_WORLD_SIZE");
  const char *procid = getenv("SLURM_PROCID");

  PetscFunctionBeginUser;
  err[0] = '\0';
  *speak = PETSC_TRUE;
  PetscCall(LmgOptionsFlag(&opts[0], &check, err));
  if (err[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (!launcher) launcher = EnvCount("PMI_SIZE");
  if (!check || tasks <= 1 || tasks == size || launcher == size) PetscFunctionReturn(PETSC_SUCCESS);
  snprintf(err, LMG_ERR_LEN, "MPI has %d rank%s but Slurm started %ld tasks in this job step: %s (srun without --mpi=pmix? see README, Running on a Slurm cluster; -launch_check 0 skips this check)", (int)size,
           size == 1 ? "" : "s", tasks, size == 1 ? "each task is a singleton and all would write one file" : "the tasks did not join one MPI job");
  *speak = (PetscBool)(size > 1 || !procid || !strcmp(procid, "0"));
  PetscFunctionReturn(PETSC_SUCCESS);
}
