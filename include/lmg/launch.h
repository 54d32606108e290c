/* Launch check: did the tasks that Slurm started join one MPI job? */
#pragma once
#include "lmg.h"

/* Collective on comm. When Slurm says this process is one of P > 1 tasks of a job step (SLURM_STEP_NUM_TASKS)
   but comm has another size, and no MPI launcher inside the step (mpirun: OMPI_COMM_WORLD_SIZE, Hydra: PMI_SIZE)
   accounts for that size, err gets one line: each task is a singleton, and all of them would write one file.
   *speak is false on every task but the step's task 0, so that a job log gets the line once.
   -launch_check 0 turns the check off. */
PetscErrorCode LmgLaunchCheck(MPI_Comm comm, char err[LMG_ERR_LEN], PetscBool *speak);
