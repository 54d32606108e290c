/* Kernels of the dissipator in the eigenbasis of H: dense complex n x n matrices (column-major) times a real banded
   matrix (liouville_full.c), the in-place (anti-)Hermitian folds, and the rotation into the interaction picture. */
#pragma once
#include "lmg.h"

/* Real n x n matrix stored by columns, each column a contiguous range of rows: column j holds rows
   lo[j] .. lo[j] + ptr[j+1] - ptr[j] - 1 with values val[ptr[j] ..]. */
typedef struct {
  PetscInt   n, width; /* width: the largest column range */
  PetscInt  *lo, *ptr;
  PetscReal *val;
} LmgBand;

/* B = M (dense real n x n, column-major) without the entries below droptol * max|M| outside each column's range. */
PetscErrorCode LmgBandCreate(PetscInt n, const PetscReal *M, PetscReal droptol, LmgBand *B);
PetscErrorCode LmgBandDestroy(LmgBand *B);
/* Z = X B (X, Z complex n x n; Z must not alias X). */
void LmgBandMultRight(const LmgBand *B, const PetscScalar *X, PetscScalar *Z);
/* out = P o in (inverse: conj(P) o in), P_ab = z_a conj(z_b); in == out allowed. */
void LmgRotate(PetscInt n, const PetscScalar *z, PetscBool inverse, const PetscScalar *in, PetscScalar *out);
/* Z <- Z^dagger - Z. */
void LmgFoldAntiHermitian(PetscInt n, PetscScalar *Z);
/* Y <- Y + c conj(P) o F (z = NULL: P = 1). */
void LmgAddRotated(PetscInt n, PetscScalar c, const PetscScalar *z, const PetscScalar *F, PetscScalar *Y);
/* Y <- c conj(P) o (Y + Y^dagger), P_ab = z_a conj(z_b) (z = NULL: P = 1). */
void LmgFoldHermitian(PetscInt n, PetscReal c, const PetscScalar *z, PetscScalar *Y);
