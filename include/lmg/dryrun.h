/* -dry_run: what a sweep would do, without writing anything. */
#pragma once
#include "scheduler.h"

/* Collective. Prints the grid, per kind the records, their estimated time and peak memory (the kinds' estimates, the
   dynamics' step estimate), which would be skipped and why, and the estimated wall time on this run's teams. The
   spectra are computed (cheap, and they give tau_opt to the estimates), in parallel over the teams. */
PetscErrorCode LmgDryRun(MPI_Comm comm, const LmgTeam *team, const LmgConfig *cfg);
