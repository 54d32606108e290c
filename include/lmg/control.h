/* What a long computation needs to stop or save, handed down by the engine where the computation starts (in the manner
   of PETSc's monitors and TSSetPostStep): a stop callback, a drain query and a checkpoint hook. The physics asks these,
   never the scheduler. */
#pragma once
#include "lmg.h"

/* Saves and restores a computation's state: write stores head (hlen bytes) and nv Vecs on comm as one complete
   checkpoint (err: why not, the computation goes on; else ""); read restores the last one (*found, else why: "" when
   there is none). Both collective on comm. write NULL: no checkpoints. */
typedef struct {
  PetscErrorCode (*write)(void *ctx, MPI_Comm comm, const void *head, size_t hlen, PetscInt nv, Vec *v, char *err, size_t errlen);
  PetscErrorCode (*read)(void *ctx, MPI_Comm comm, void *head, size_t hlen, PetscInt nv, Vec *v, PetscBool *found, char *why, size_t whylen);
  PetscReal   interval; /* seconds between checkpoints (0: only on a drain) */
  PetscBool   resume;   /* a checkpoint found may be restored */
  const char *name;     /* what the messages call it (the checkpoint's path) */
  void       *ctx;
} LmgCheckpointHook;

/* abandon: give up the record in flight now (a drain's grace period is over; the record is LMG_ABANDONED); draining:
   a drain was requested (save now, the record may still finish). Not collective; NULL callbacks answer PETSC_FALSE. */
typedef struct {
  PetscBool (*abandon)(void *ctx);
  PetscBool (*draining)(void *ctx);
  void             *ctx;
  LmgCheckpointHook checkpoint; /* of the record in flight (write NULL: none) */
} LmgControl;

/* Not collective. c NULL: never stop, no drain. */
PetscBool LmgControlAbandon(const LmgControl *c);
PetscBool LmgControlDraining(const LmgControl *c);
/* The checkpoint hook of c, or NULL when c (or c's hook) writes none. */
const LmgCheckpointHook *LmgControlCheckpoint(const LmgControl *c);
