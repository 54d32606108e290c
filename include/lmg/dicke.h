/* LMG Hamiltonian in the Dicke basis, split into its two parity sectors (README (What is computed, §1)), in units of J. */
#pragma once
#include "lmg.h"

/* One parity sector as a symmetric tridiagonal matrix. Sector index i is half-chain index
   i + offset, where half-chain index k stands for m = k (N even) or m = k + 1/2 (N odd). */
typedef struct {
  PetscInt   N, parity; /* parity +1 (even, psi(-m) = psi(m)) or -1 (odd) */
  PetscInt   n, offset; /* dimension; half-chain index of sector index 0 */
  PetscReal  g;         /* Gamma/J */
  PetscReal *d, *e;     /* diagonal [n], off-diagonal [n-1] (e[i] couples i and i+1) */
  PetscReal *e2;        /* e[i]^2 */
  PetscReal  norm;      /* Gershgorin bound on the spectral radius */
} LmgSector;

/* Length of the half chain (m >= 0), floor(N/2) + 1 for even N, (N+1)/2 for odd N. */
PetscInt LmgHalfLength(PetscInt N);
/* m of half-chain index k. */
PetscReal LmgHalfM(PetscInt N, PetscInt k);

/* Build the sector of the given parity for N spins at Gamma/J = g (h = 0). Not collective. */
PetscErrorCode LmgSectorCreate(PetscInt N, PetscReal g, PetscInt parity, LmgSector *s);
PetscErrorCode LmgSectorDestroy(LmgSector *s);

/* Number of eigenvalues of the sector below sigma (Sturm sequence count, LAPACK dlaebz style). */
PetscInt LmgSectorCount(const LmgSector *s, PetscReal sigma);
/* The same counts at m shifts, several per pass over the chain: count[i] = LmgSectorCount(s, sigma[i]). */
void LmgSectorCountMany(const LmgSector *s, PetscInt m, const PetscReal *sigma, PetscInt *count);

/* Brackets [lo[i], hi[i]] (width <= tol) of eigenvalues 0..k-1, by multisection sharing its Sturm counts. */
void LmgSectorIsolate(const LmgSector *s, PetscInt k, PetscReal tol, PetscReal *lo, PetscReal *hi);

/* The sector as a PETSc matrix of the given type (MATAIJ, or a dense type such as MATSCALAPACK) on comm. Collective. */
PetscErrorCode LmgSectorMat(MPI_Comm comm, const LmgSector *s, MatType type, Mat *A);
