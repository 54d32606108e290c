/* Run configuration: the grid axes and each module's options, read from the PETSc options database (each module reads
   its own: LmgGridSetFromOptions, LmgSpectrumSetFromOptions, ...) and validated. */
#pragma once
#include "options.h"
#include "threshold.h"
#include "rates.h"
#include "lz.h"
#include "tolerance.h"

typedef struct {
  PetscInt            nN, nG, nGphi, nLevel;
  PetscInt           *N;            /* atom numbers, >= 2 */
  PetscReal          *gamma_over_J; /* Gamma/J > 0 */
  PetscReal          *gamma_phi;    /* dephasing rates, 1/s, >= 0 */
  PetscInt           *level;        /* k >= 2 of a k-level model, 0 for `full` */
  PetscInt            nBias, nSigma;
  PetscReal          *bias;         /* static biases in units of h1 = dE/(2 J01) of each record (-bias) */
  PetscReal          *sigma;        /* detection resolutions, atoms (-detect_sigma) */
  PetscBool           experiment;   /* -bias or -detect_sigma given: their axes are in the layout of /dynamics, /threshold */
  LmgToleranceOptions tol;
  LmgSpectrumOptions  spec;
  LmgDynamicsOptions  dyn;
  LmgThresholdOptions thr;
  LmgRatesOptions     rates;
  LmgLzOptions        lz;
  /* the run (config.c) */
  char      output[PETSC_MAX_PATH_LEN];
  PetscBool resume, dry_run;
  PetscInt  team_size;
  PetscReal progress;    /* seconds between progress lines */
  PetscReal drain_grace; /* seconds a record in flight may go on after a drain signal before it is abandoned */
  PetscReal checkpoint;  /* seconds between checkpoints of a long record (0: none) */
} LmgConfig;

/* Collective on comm. Reads and validates all options. Bad input is not a PETSc error: `err` gets one
   line naming the option and the value (empty when all is well). */
PetscErrorCode LmgConfigLoad(MPI_Comm comm, LmgConfig *cfg, char err[LMG_ERR_LEN]);
/* Every module's option table, in -help order (config.c): what -help shows and the unknown-option check knows. */
extern const LmgOptionTable *const LmgOptionTables[];
extern const PetscInt              LmgNOptionTables;
PetscErrorCode LmgConfigDestroy(LmgConfig *cfg);

/* The options that determine stored values, as one canonical line `key=value;...` (stored in the file, compared by
   -resume): the grid, every option of a module that changes a value, and every PETSc option under -dyn_, -rates_ and
   -spectrum_ (but monitors and viewers). Limits that only skip records (-dyn_max_steps, -dyn_max_gb) and options of
   the run (-progress, -team_size, -launch_check, ...) are not part of it. *sig is malloc'd. Not collective. */
PetscErrorCode LmgConfigSignature(const LmgConfig *cfg, char **sig);

/* Bias i (units of h1) and detection resolution i (atoms) of the grid: 0 when the axis is empty (a configuration built
   by hand without them has the ideal experiment). */
static inline PetscReal LmgConfigBias(const LmgConfig *cfg, PetscInt i)
{
  return cfg->nBias && i >= 0 ? cfg->bias[i] : 0;
}
static inline PetscReal LmgConfigSigma(const LmgConfig *cfg, PetscInt i)
{
  return cfg->nSigma && i >= 0 ? cfg->sigma[i] : 0;
}

/* Largest k among the levels (0 if only `full`). */
PetscInt LmgConfigMaxLevel(const LmgConfig *cfg);
