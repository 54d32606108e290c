/* Queries on the control a long computation is handed (NULL: never stop, no checkpoints). */
#include "lmg/control.h"

PetscBool LmgControlAbandon(const LmgControl *c)
{
  return c && c->abandon ? c->abandon(c->ctx) : PETSC_FALSE;
}

PetscBool LmgControlDraining(const LmgControl *c)
{
  return c && c->draining ? c->draining(c->ctx) : PETSC_FALSE;
}

const LmgCheckpointHook *LmgControlCheckpoint(const LmgControl *c)
{
  return c && c->checkpoint.write ? &c->checkpoint : NULL;
}
