/* Run configuration: every option, read from the PETSc options database and validated. */
#pragma once
#include "lmg.h"

typedef enum { LMG_SOLVER_SLEPC, LMG_SOLVER_SCALAPACK } LmgSolverType;

typedef struct {
  PetscInt      nN, nG, nGphi, nLevel;
  PetscInt     *N;            /* atom numbers, >= 2 */
  PetscReal    *gamma_over_J; /* Gamma/J > 0 */
  PetscReal    *gamma_phi;    /* dephasing rates, 1/s, >= 0 */
  PetscInt     *level;        /* k >= 2 of a k-level model, 0 for `full` */
  PetscInt      nev;          /* eigenpairs per (N, Gamma/J) */
  PetscReal     J, T;         /* rad/s, K */
  PetscInt      team_size;
  LmgSolverType solver;
  PetscInt      dE_max_bits;  /* largest MPFR precision spent on resolving dE */
  PetscReal     progress;     /* seconds between progress lines */
  PetscBool     resume;
  char          output[PETSC_MAX_PATH_LEN];
  PetscInt      ntau;         /* tau grid, in units of tau_opt = pi/(3 dE) */
  PetscReal    *tau;
  char          initial[16];  /* ground, pointer or thermal */
  PetscBool     threshold;    /* root-find gamma_c for the numerical levels */
  PetscReal     dyn_max_gb;   /* memory a full-space dynamics record may take */
  PetscReal     dyn_max_steps; /* estimated time steps beyond which a dynamics record is refused */
} LmgConfig;

/* Parse a range list: items separated by commas, each a number, `a:b:n` (n points, linear, ends
   included) or `log:a:b:n` (geometric). Not collective. Returns 0, or 1 with `why` filled. */
int LmgRangeParse(const char *text, PetscInt *n, PetscReal **vals, char *why, size_t len);

/* Collective on comm. Reads and validates all options. Bad input is not a PETSc error: `err` gets one
   line naming the option and the value (empty when all is well). -help prints every option. */
PetscErrorCode LmgConfigLoad(MPI_Comm comm, LmgConfig *cfg, char err[LMG_ERR_LEN]);
PetscErrorCode LmgConfigDestroy(LmgConfig *cfg);

/* The options that determine the file's contents, as one canonical line `key=value;...`
   (stored in the file, compared by -resume). Not collective. */
PetscErrorCode LmgConfigSignature(const LmgConfig *cfg, char *buf, size_t len);

/* Largest k among the levels (0 if only `full`). */
PetscInt LmgConfigMaxLevel(const LmgConfig *cfg);
