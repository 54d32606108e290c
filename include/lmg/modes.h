/* The Liouvillian of a model as the dense matrices of its two parity blocks — the entries (a,b) of vec(x) with
   p_a p_b = +1 (populations, coherences within a parity) and p_a p_b = -1 (the doublet coherence rho01 among them); Jz
   is parity-odd, so L maps each block onto itself — and their eigendecompositions (LAPACK zgeev): exact propagation,
   e^{Lt} = V e^{Lambda t} V^{-1}, and the Liouvillian's modes. Meant for the k-level models (k^2/2 unknowns per block);
   the full space only at small N (cross-checks). */
#pragma once
#include "liouville.h"

typedef struct {
  PetscInt     m;     /* unknowns of the block */
  PetscInt    *idx;   /* [m] their indices a + n b in vec(x) */
  PetscScalar *lam;   /* [m] eigenvalues */
  PetscScalar *V, *W; /* m x m, column-major: right eigenvectors (columns of unit 2-norm) and W = V^{-1} */
  PetscReal   *kappa; /* [m] condition numbers of the eigenvalues: |row j of W| |column j of V| */
  PetscReal    norm;  /* Frobenius norm of the block */
} LmgBlock;

typedef struct {
  PetscInt n;
  LmgBlock b[2]; /* b[0]: p_a p_b = +1, b[1]: p_a p_b = -1 */
} LmgModes;

/* Not collective. Builds the blocks of L (not L^dagger) of model L and diagonalises them; *ok false (why filled)
   when LAPACK fails or V is singular. Cost ~ 2 (k^2/2)^3 complex operations for k levels. */
PetscErrorCode LmgModesCreate(LmgLiouville L, LmgModes *M, PetscBool *ok, char *why, size_t len);
/* The same for the model given by its energies E, parities p, Jz (n x n, column-major; Z^2 is formed from it, as in a
   k-level truncation) and gphi. */
PetscErrorCode LmgModesCreateFrom(PetscInt n, const PetscReal *E, const PetscInt *p, const PetscReal *Z, PetscReal gphi, LmgModes *M, PetscBool *ok, char *why, size_t len);
PetscErrorCode LmgModesDestroy(LmgModes *M);

/* The modes of the last model asked for, kept for the next request of the same model (its n, gphi, energies, parities
   and Jz equal bit for bit): a tolerance's root-finding in sigma or T, and the several tau grids of one K3_best, change
   the measurement, the state or the grid, not the Liouvillian. Zero-initialised: empty. */
typedef struct LmgModesCache LmgModesCache; /* also in dynamics.h (C11 allows the repeat) */
struct LmgModesCache {
  PetscInt   n;
  PetscReal  gphi, *key; /* E (n), p (n), Jz (n^2) of the model held */
  LmgModes   M;
  PetscBool  held, ok;
  char       why[LMG_MSG_LEN];
};
/* Not collective. *M: the model's modes from the cache, or created (and held in place of the previous ones); *ok and
   why as LmgModesCreate's. The modes stay owned by the cache. */
PetscErrorCode LmgModesCacheGet(LmgModesCache *c, LmgLiouville L, LmgModes **M, PetscBool *ok, char *why, size_t len);
PetscErrorCode LmgModesCacheDestroy(LmgModesCache *c);
/* The block of vec index e (0 or 1) of a model of n states with parities p. */
PetscInt LmgModesBlockOf(const PetscInt *p, PetscInt n, PetscInt e);
/* c = W x_b: the modal amplitudes of the block-b entries of vec(x) (n*n). Not collective. */
PetscErrorCode LmgModesAmplitudes(const LmgModes *M, PetscInt b, const PetscScalar *x, PetscScalar *c);
/* The block-b entries of vec(x) = V (e^{lam t} o c); the other entries of x are left as they are. */
PetscErrorCode LmgModesEvolve(const LmgModes *M, PetscInt b, const PetscScalar *c, PetscReal t, PetscScalar *x);
/* The block-b entries of vec(x) = V e (e: the amplitudes already evolved); the other entries of x are left as they are. */
PetscErrorCode LmgModesCombine(const LmgModes *M, PetscInt b, const PetscScalar *e, PetscScalar *x);
