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
  PetscInt   *start;     /* [size + 1] first column of each rank (balanced: n / size, the first n % size one more) */
} LmgColumns;

/* Collective. */
PetscErrorCode LmgColumnsCreate(MPI_Comm comm, PetscInt n, LmgColumns *c);
PetscErrorCode LmgColumnsDestroy(LmgColumns *c);
/* Collective: a Vec of the n^2 entries with this layout (a rank's n nc entries are its block). */
PetscErrorCode LmgColumnsVec(const LmgColumns *c, Vec *v);

/* The columns h0 .. h1-1 a rank needs (its own among them), held in one buffer of n (h1 - h0) entries. */
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
