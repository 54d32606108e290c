/* Launch check: the Slurm environment of a job step against the size of MPI_COMM_WORLD (singletons from
   `srun` without a working --mpi plugin), and what it must leave alone (mpirun inside a step, no Slurm). */
#include <stdlib.h>
#include <string.h>
#include "lmg/launch.h"
#include "lmgtest.h"

static const char *const vars[] = {"SLURM_STEP_NUM_TASKS", "SLURM_NTASKS", "SLURM_PROCID", "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", NULL};

/* Clear the variables above and the options, set the pairs kv (NULL-terminated; a leading '-' makes it an
   option), run the check. */
static PetscErrorCode Check(const char *const *kv, char *err, PetscBool *speak)
{
  PetscFunctionBeginUser;
  for (int i = 0; vars[i]; i++) unsetenv(vars[i]);
  PetscCall(PetscOptionsClear(NULL));
  for (int i = 0; kv && kv[i]; i += 2) {
    if (kv[i][0] == '-') PetscCall(PetscOptionsSetValue(NULL, kv[i], kv[i + 1]));
    else setenv(kv[i], kv[i + 1], 1);
  }
  PetscCall(LmgLaunchCheck(PETSC_COMM_WORLD, err, speak));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscMPIInt size;
  char        err[LMG_ERR_LEN], P[16], Q[16], want[128];
  PetscBool   speak;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  snprintf(P, sizeof P, "%d", size + 3); /* Slurm's task count, not this run's size */
  snprintf(Q, sizeof Q, "%d", size);
  snprintf(want, sizeof want, "MPI has %d rank%s but Slurm started %d tasks in this job step", size, size == 1 ? "" : "s", size + 3);
  {
    const char *const kv[] = {NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("no Slurm job step: no complaint", !err[0] && speak);
  }
  {
    const char *const kv[] = {"SLURM_STEP_NUM_TASKS", P, "SLURM_NTASKS", P, "SLURM_PROCID", "0", NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("Slurm step of size+3 tasks: one line naming both counts, said by task 0", strstr(err, want) && !strchr(err, '\n') && strstr(err, "--mpi=pmix") && speak);
    if (size == 1) LMG_TEST("one rank: called a singleton", strstr(err, "singleton") != NULL);
  }
  {
    const char *const kv[] = {"SLURM_STEP_NUM_TASKS", P, "SLURM_PROCID", "2", NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("the same on task 2: an error, silent when a singleton (task 0 says it)", err[0] && speak == (PetscBool)(size > 1));
  }
  {
    const char *const kv[] = {"SLURM_STEP_NUM_TASKS", Q, "SLURM_PROCID", "0", NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("Slurm step with as many tasks as ranks (srun --mpi=pmix): no complaint", !err[0]);
  }
  {
    const char *const kv[] = {"SLURM_STEP_NUM_TASKS", "1", "SLURM_NTASKS", P, NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("one-task step (mpirun's daemon on one node), job of more tasks: no complaint", !err[0]);
  }
  {
    const char *const kv[] = {"SLURM_NTASKS", P, "SLURM_PROCID", "0", NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("batch step (SLURM_NTASKS only, mpirun -n K is legitimate): no complaint", !err[0]);
  }
  {
    const char *const kv[] = {"SLURM_STEP_NUM_TASKS", P, "OMPI_COMM_WORLD_SIZE", Q, NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("mpirun inside a multi-node step (OMPI_COMM_WORLD_SIZE = size): no complaint", !err[0]);
  }
  {
    const char *const kv[] = {"SLURM_STEP_NUM_TASKS", P, "PMI_SIZE", P, NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("PMI_SIZE of the step but MPI did not use it (srun --mpi=pmi2, MPI without PMI-2): complaint", strstr(err, want) != NULL);
  }
  {
    const char *const kv[] = {"SLURM_STEP_NUM_TASKS", "four", NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("malformed SLURM_STEP_NUM_TASKS: ignored", !err[0]);
  }
  {
    const char *const kv[] = {"SLURM_STEP_NUM_TASKS", P, "-launch_check", "0", NULL};
    PetscCall(Check(kv, err, &speak));
    LMG_TEST("-launch_check 0: no complaint", !err[0]);
  }
  for (int i = 0; vars[i]; i++) unsetenv(vars[i]);
  int rc = LmgTestSummary(PETSC_COMM_WORLD);
  PetscCall(SlepcFinalize());
  return rc;
}
