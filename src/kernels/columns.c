/* Column-block layout of n x n matrices: ownership, Vec, halo exchange (point to point, contiguous column ranges). */
#include "lmg/columns.h"

PetscErrorCode LmgColumnsCreate(MPI_Comm comm, PetscInt n, PetscBool lower, LmgColumns *c)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(c, sizeof *c));
  c->comm  = comm;
  c->n     = n;
  c->lower = lower;
  PetscCallMPI(MPI_Comm_size(comm, &c->size));
  PetscCallMPI(MPI_Comm_rank(comm, &c->rank));
  PetscCheck(n >= c->size, comm, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " columns cannot be shared by %d ranks", n, (int)c->size);
  PetscCall(PetscMalloc1(c->size + 1, &c->start));
  c->start[0] = 0;
  for (PetscMPIInt r = 0; r < c->size; r++) c->start[r + 1] = c->start[r] + n / c->size + (r < n % c->size);
  if (lower) { /* the first column j with j n - j (j - 1) / 2 >= r / size of the triangle, at least one each */
    const double all = 0.5 * (double)n * (n + 1);
    for (PetscMPIInt r = 1, j = 0; r < c->size; r++) {
      while (j < n && (double)j * n - 0.5 * (double)j * (j - 1) < all * r / c->size) j++;
      c->start[r] = PetscMax(j, c->start[r - 1] + 1);
      c->start[r] = PetscMin(c->start[r], n - (c->size - r));
    }
  }
  c->c0 = c->start[c->rank];
  c->nc = c->start[c->rank + 1] - c->c0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgColumnsDestroy(LmgColumns *c)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(c->start));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgColumnsVec(const LmgColumns *c, Vec *v)
{
  PetscFunctionBeginUser;
  PetscCall(VecCreate(c->comm, v));
  PetscCall(VecSetSizes(*v, LmgColumnsOffset(c, c->c0 + c->nc) - LmgColumnsOffset(c, c->c0), LmgColumnsOffset(c, c->n)));
  PetscCall(VecSetType(*v, VECSTANDARD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgHaloCreate(const LmgColumns *c, PetscInt h0, PetscInt h1, LmgHalo *h)
{
  PetscInt mine[2] = {PetscMin(h0, c->c0), PetscMax(h1, c->c0 + c->nc)}, *all;
  PetscFunctionBeginUser;
  h->h0 = mine[0], h->h1 = mine[1];
  PetscCall(PetscMalloc3(c->size, &h->lo, c->size, &h->hi, 2 * c->size, &h->req));
  PetscCall(PetscMalloc1(2 * c->size, &all));
  PetscCallMPI(MPI_Allgather(mine, 2, MPIU_INT, all, 2, MPIU_INT, c->comm));
  for (PetscMPIInt r = 0; r < c->size; r++) h->lo[r] = all[2 * r], h->hi[r] = all[2 * r + 1];
  PetscCall(PetscFree(all));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgHaloDestroy(LmgHalo *h)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(h->lo, h->hi, h->req));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgHaloExchange(const LmgColumns *c, LmgHalo *h, PetscScalar *ext)
{
  const PetscInt o = LmgColumnsOffset(c, h->h0);
  PetscMPIInt    nreq = 0, cnt;
  PetscFunctionBeginUser;
  for (PetscMPIInt r = 0; r < c->size; r++) {
    PetscInt a, b;
    if (r == c->rank) continue;
    a = PetscMax(h->h0, c->start[r]), b = PetscMin(h->h1, c->start[r + 1]); /* mine from r */
    if (a < b) {
      PetscCall(PetscMPIIntCast(LmgColumnsOffset(c, b) - LmgColumnsOffset(c, a), &cnt));
      PetscCallMPI(MPI_Irecv(ext + LmgColumnsOffset(c, a) - o, cnt, MPIU_SCALAR, r, 0, c->comm, &h->req[nreq++]));
    }
    a = PetscMax(h->lo[r], c->c0), b = PetscMin(h->hi[r], c->c0 + c->nc); /* r's from me */
    if (a < b) {
      PetscCall(PetscMPIIntCast(LmgColumnsOffset(c, b) - LmgColumnsOffset(c, a), &cnt));
      PetscCallMPI(MPI_Isend(ext + LmgColumnsOffset(c, a) - o, cnt, MPIU_SCALAR, r, 0, c->comm, &h->req[nreq++]));
    }
  }
  PetscCallMPI(MPI_Waitall(nreq, h->req, MPI_STATUSES_IGNORE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
