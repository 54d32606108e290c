/* Checkpoints of a long record computed by a team: each rank's part (a header the record defines and its blocks of
   some Vecs) in a file of its own beside the output, <output>.ckpt/<kind>-<task>.g<generation>.<rank>-<size>, and a
   file <kind>-<task>.meta that names the last complete generation. Every file is written to a temporary name, flushed,
   fsync'd and renamed; the meta file last, so a kill at any moment leaves the previous complete checkpoint. */
#pragma once
#include "lmg.h"

typedef struct {
  char      path[PETSC_MAX_PATH_LEN]; /* <output>.ckpt/<kind>-<task>; "" : no checkpoints */
  PetscReal interval;                 /* seconds between checkpoints (0: only on a drain) */
  uint64_t  key;                      /* the run's signature and the task: a checkpoint of anything else is ignored */
  PetscBool resume;                   /* a checkpoint found may be restored */
  PetscInt  gen;                      /* the generation last written (0: none) */
} LmgCheckpoint;

/* Not collective: ck for task t of kind `kind` of the run writing `output` (key: a hash of the signature and t). */
PetscErrorCode LmgCheckpointSet(LmgCheckpoint *ck, const char *output, const char *kind, PetscInt t, const char *signature, PetscReal interval, PetscBool resume);
/* Collective on comm: write generation ck->gen + 1 (head: hlen bytes, the same on every rank or not; v: nv Vecs on
   comm), then remove the previous one. err: why it could not be written (the record goes on; the message is the
   caller's to print), else "". */
PetscErrorCode LmgCheckpointWrite(LmgCheckpoint *ck, MPI_Comm comm, const void *head, size_t hlen, PetscInt nv, Vec *v, char *err, size_t errlen);
/* Collective on comm: restore the last checkpoint into head and v (layouts as when written). *found: PETSC_TRUE when
   restored; else why (empty: there is none), and nothing of head or v is trusted. A checkpoint of another team size,
   another run or task, a truncated or corrupted file is ignored with its reason. */
PetscErrorCode LmgCheckpointRead(LmgCheckpoint *ck, MPI_Comm comm, void *head, size_t hlen, PetscInt nv, Vec *v, PetscBool *found, char *why, size_t whylen);
/* Collective on comm: remove the checkpoint files of ck's task (those of any generation this run wrote or found). */
PetscErrorCode LmgCheckpointRemove(LmgCheckpoint *ck, MPI_Comm comm);
