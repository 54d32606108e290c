/* n x n complex matrices distributed by blocks of whole columns over a communicator (column-major, so a rank's block
   and any range of columns are contiguous): the ownership, its Vec, and the halo of neighbouring columns a banded
   product from the right needs. (No transpose: measured, an all-to-all of the matrix costs more than the products
   that replace it; liouville_full.c.) */
#pragma once
#include "lmg.h"

typedef struct {
  MPI_Comm    comm;
  PetscMPIInt size, rank;
  PetscInt    n, c0, nc; /* this rank's columns c0 .. c0 + nc - 1 */
  PetscInt   *start;     /* [size + 1] first column of each rank */
  PetscBool   lower;     /* the matrices are Hermitian (or anti-): packed, column j holds its rows j .. n-1 alone */
} LmgColumns;

/* Where column j starts in the storage of the whole matrix (entry (a, j) is LmgColumnsOffset(c, j) + a, or + a - j
   packed, a >= j), and the index of entry (a, c0 + b) in this rank's block. */
static inline PetscInt LmgPackedOffset(PetscInt n, PetscInt j)
{
  return j * n - j * (j - 1) / 2;
}
static inline PetscInt LmgColumnsOffset(const LmgColumns *c, PetscInt j)
{
  return c->lower ? LmgPackedOffset(c->n, j) : c->n * j;
}
static inline PetscInt LmgColumnsIndex(const LmgColumns *c, PetscInt a, PetscInt b)
{
  return LmgColumnsOffset(c, c->c0 + b) - LmgColumnsOffset(c, c->c0) + a - (c->lower ? c->c0 + b : 0);
}

/* Collective. The blocks are balanced by the entries a rank computes: columns (n / size each, the first n % size one
   more), or with `lower` the entries of the lower triangle (column j has n - j). */
PetscErrorCode LmgColumnsCreate(MPI_Comm comm, PetscInt n, PetscBool lower, LmgColumns *c);
PetscErrorCode LmgColumnsDestroy(LmgColumns *c);
/* Collective: a Vec of the n^2 (packed: n (n + 1) / 2) entries with this layout (a rank's block of its columns). */
PetscErrorCode LmgColumnsVec(const LmgColumns *c, Vec *v);

/* The columns h0 .. h1-1 a rank needs (its own among them), held in one buffer (their entries in the layout's storage,
   from LmgColumnsOffset(h0)). */
typedef struct {
  PetscInt     h0, h1;
  PetscInt    *lo, *hi; /* [size]: every rank's range */
  MPI_Request *req;     /* [2 size] */
} LmgHalo;
/* Collective. */
PetscErrorCode LmgHaloCreate(const LmgColumns *c, PetscInt h0, PetscInt h1, LmgHalo *h);
PetscErrorCode LmgHaloDestroy(LmgHalo *h);
/* Collective: ext (columns h0 .. h1-1, this rank's own already in place) gets the others from their owners. */
PetscErrorCode LmgHaloExchange(const LmgColumns *c, LmgHalo *h, PetscScalar *ext);
