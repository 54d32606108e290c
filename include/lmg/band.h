/* Kernels of the dissipator in the eigenbasis of H: dense complex n x nc blocks of columns (column-major) times a real
   banded matrix from either side (liouville_full.c), the in-place (anti-)Hermitian folds, and the rotation into the
   interaction picture. */
#pragma once
#include "columns.h"

/* Real n x n matrix stored by columns, each column an arithmetic range of rows: column j holds rows lo[j],
   lo[j] + stride, ... (ptr[j+1] - ptr[j] of them) with values val[ptr[j] ..]; and the same entries by diagonals for the
   product from the left: dval[k][2a], dval[k][2a + 1] = M[a, a + d[k]] (0 where not kept). */
typedef struct {
  PetscInt   n, width, stride; /* width: the largest column range (rows spanned) */
  PetscInt  *lo, *ptr;
  PetscReal *val;
  PetscInt   nd, *d;
  PetscReal *dval;
} LmgBand;

/* B = M (dense real n x n, column-major) without the entries below droptol * max|M| outside each column's range; the
   rows of a column's range are every stride-th (an entry above droptol * max|M| between them is an error). */
PetscErrorCode LmgBandCreate(PetscInt n, const PetscReal *M, PetscReal droptol, PetscInt stride, LmgBand *B);
/* Collective on comm: the same from the columns c0 .. c0+nc-1 of M that each rank holds (n x nc, column-major; the
   ranks' blocks in rank order cover all n columns); every rank gets the whole band. */
PetscErrorCode LmgBandCreateColumns(MPI_Comm comm, PetscInt n, PetscInt c0, PetscInt nc, const PetscReal *M, PetscReal droptol, PetscInt stride, LmgBand *B);
PetscErrorCode LmgBandDestroy(LmgBand *B);
/* Columns j0 .. j1-1 of Z = X B: Z[:, j - j0] = (X B)[:, j], X holding columns x0, x0 + 1, ... of the left factor (all
   those the band of these columns reaches), n rows each; Z must not alias X. */
void LmgBandMultRight(const LmgBand *B, PetscInt j0, PetscInt j1, const PetscScalar *X, PetscInt x0, PetscScalar *Z);
/* Columns j0 .. j1-1 of the lower triangle of C = [B, X] = B X - X B for X held by its lower triangle, both packed
   (column j holds rows j .. n-1, columns one after another: columns.h, LmgPackedOffset): X from column x0 on (all
   those the band of these columns reaches on either side), C from column j0; X_ik = sgn conj(X_ki) above the diagonal:
   sgn = 1 for a Hermitian X, -1 for an anti-Hermitian one (then C is Hermitian). C must not alias X. */
void LmgBandCommLower(const LmgBand *B, PetscInt j0, PetscInt j1, const PetscScalar *X, PetscInt x0, PetscReal sgn, PetscScalar *C);
/* Y = B X for nc columns X (n rows each); Y must not alias X. */
void LmgBandMultLeft(const LmgBand *B, PetscInt nc, const PetscScalar *X, PetscScalar *Y);
/* out = P o in (inverse: conj(P) o in) for the n x nc block of columns c0 .. c0+nc-1, P_ab = z_a conj(z_b); in == out
   allowed. */
void LmgRotate(PetscInt n, PetscInt nc, PetscInt c0, const PetscScalar *z, PetscBool inverse, const PetscScalar *in, PetscScalar *out);
/* The same on packed lower triangles (columns c0 .. c0+nc-1). */
void LmgRotateLower(PetscInt n, PetscInt nc, PetscInt c0, const PetscScalar *z, PetscBool inverse, const PetscScalar *in, PetscScalar *out);
/* Z <- Z^dagger - Z (n x n). */
void LmgFoldAntiHermitian(PetscInt n, PetscScalar *Z);
/* C = alpha A B + beta C for whole n x n complex matrices (BLAS zgemm), for the small models (k levels, the window). */
PetscErrorCode LmgDenseMult(PetscInt n, PetscScalar alpha, const PetscScalar *A, const PetscScalar *B, PetscScalar beta, PetscScalar *C);
/* Y <- Y + c conj(P) o F on the block of columns c0 .. c0+nc-1 (z = NULL: P = 1). */
void LmgAddRotated(PetscInt n, PetscInt nc, PetscInt c0, PetscScalar c, const PetscScalar *z, const PetscScalar *F, PetscScalar *Y);
/* Y <- c conj(P) o (Y + Y^dagger) (n x n), P_ab = z_a conj(z_b) (z = NULL: P = 1). */
void LmgFoldHermitian(PetscInt n, PetscReal c, const PetscScalar *z, PetscScalar *Y);
