/* Spectrum record of one (N, Gamma/J): the quantities of PHYSICS.md §2 and the eigenvectors. */
#pragma once
#include "config.h"

typedef struct {
  PetscInt   N;
  PetscReal  g;      /* Gamma/J */
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
  PetscInt   status;               /* LMG_DONE or LMG_FAILED */
  char       message[LMG_MSG_LEN]; /* why it failed, or a note (e.g. dE unresolved) */
} LmgSpectrum;

/* Collective on comm (one team). Computes the spectrum record of (N, g) with cfg's solver, nev, J, T.
   A numerical failure is sp->status = LMG_FAILED with sp->message, not an error. Results on all ranks. */
PetscErrorCode LmgSpectrumCompute(MPI_Comm comm, const LmgConfig *cfg, PetscInt N, PetscReal g, LmgSpectrum *sp);
PetscErrorCode LmgSpectrumDestroy(LmgSpectrum *sp);

/* Not collective. Fills the derived quantities of PHYSICS.md §2 from E, vec and dE (doublet.c). */
PetscErrorCode LmgSpectrumDerive(LmgSpectrum *sp, const LmgConfig *cfg);
