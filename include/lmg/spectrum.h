/* Spectrum record of one (N, Gamma/J): the quantities of README (What is computed, §2) and the eigenvectors. */
#pragma once
#include "control.h"

typedef enum { LMG_SOLVER_SLEPC, LMG_SOLVER_SCALAPACK } LmgSolverType;

typedef struct {
  PetscInt      nev;         /* eigenpairs per (N, Gamma/J) */
  PetscReal     J, T;        /* rad/s, K */
  LmgSolverType solver;
  PetscInt      dE_max_bits; /* largest MPFR precision spent on resolving dE */
  PetscReal     max_gb;      /* memory a spectrum record may take; a larger one is skipped */
} LmgSpectrumOptions;

/* Estimated peak memory of the spectrum record of N with nev eigenpairs (measured ~250 bytes per basis state, and the
   eigenvectors). */
PetscReal LmgSpectrumBytes(PetscInt N, PetscInt nev);

/* Not collective. Reads -nev, -J, -T, -spectrum_solver, -dE_max_bits, -spectrum_max_gb; nev covers kmax, the largest
   level asked for. */
PetscErrorCode LmgSpectrumSetFromOptions(LmgSpectrumOptions *o, PetscInt kmax, char *err);
/* Collective on comm (a team): a small solve configured as the sweep's, so that PETSc/SLEPc read every -spectrum_
   option they will use (the unknown-option check follows); err: one line when SLEPc refuses one of them. */
PetscErrorCode LmgSpectrumCheckOptions(MPI_Comm comm, const LmgSpectrumOptions *o, char *err);

typedef struct {
  PetscInt   N;
  PetscReal  g;      /* Gamma/J */
  PetscReal  J, T;   /* rad/s, K: the units of E and the temperature of the record */
  PetscInt   nev;    /* eigenpairs held: min(cfg->nev, N+1) */
  PetscInt   nh;     /* half-chain length (see dicke.h) */
  PetscReal *E;      /* [nev] eigenvalues, rad/s; E[2i] even, E[2i+1] odd (Sturm oscillation) */
  PetscReal *Eerr;   /* [nev] rigorous error bounds of E, rad/s */
  PetscInt  *parity; /* [nev] +1 / -1 */
  PetscReal *Jz2;    /* [nev] <E_i|Jz^2|E_i> */
  PetscReal *vec;    /* [nev][nh] half-chain eigenvectors: psi(+-m) = vec[k] (m = 0) or +-vec[k]/sqrt2 */
  PetscReal  dE;     /* E1 - E0, rad/s; NaN when not resolved */
  PetscInt   dE_resolved, dE_bits; /* dE_bits: 53 (double) or the MPFR precision that resolved it */
  PetscReal  gap_ratio, J01, q01, G01, G_loc, eta_MF, eta_exact, eta_quantum, leakage[2], leakage_avg;
  PetscReal  delta_G, Delta_zp, S_inst, S_overlap, dE_over_kT;
  PetscReal  seconds;              /* wall time of the computation */
  PetscInt   status;               /* LMG_DONE or LMG_FAILED */
  char       message[LMG_MSG_LEN]; /* why it failed, or a note (e.g. dE unresolved) */
} LmgSpectrum;

/* Collective on comm (one team). Computes the spectrum record of (N, g) with o's solver, nev, J, T.
   A numerical failure is sp->status = LMG_FAILED with sp->message, not an error; a record over -spectrum_max_gb is
   LMG_SKIPPED (nothing allocated), one given up by a drain (ctl's abandon; NULL: never) LMG_ABANDONED. Results on all
   ranks. */
PetscErrorCode LmgSpectrumCompute(MPI_Comm comm, const LmgSpectrumOptions *o, PetscInt N, PetscReal g, const LmgControl *ctl, LmgSpectrum *sp);
PetscErrorCode LmgSpectrumDestroy(LmgSpectrum *sp);

/* Not collective. Fills the derived quantities of the spectrum record from E, vec and dE (doublet.c). */
PetscErrorCode LmgSpectrumDerive(LmgSpectrum *sp);
