/* The process's control (what long computations ask when they are handed none) and the queries on a control. */
#include "lmg/control.h"

static LmgControl process; /* zero: never stop, no checkpoints */

PetscErrorCode LmgControlSet(const LmgControl *c)
{
  PetscFunctionBeginUser;
  if (c) process = *c;
  else process = (LmgControl){0};
  process.checkpoint = (LmgCheckpointHook){0};
  PetscFunctionReturn(PETSC_SUCCESS);
}

const LmgControl *LmgControlGet(void)
{
  return &process;
}

PetscBool LmgControlAbandon(const LmgControl *c)
{
  if (!c) c = &process;
  return c->abandon ? c->abandon(c->ctx) : PETSC_FALSE;
}

PetscBool LmgControlDraining(const LmgControl *c)
{
  if (!c) c = &process;
  return c->draining ? c->draining(c->ctx) : PETSC_FALSE;
}

const LmgCheckpointHook *LmgControlCheckpoint(const LmgControl *c)
{
  return c && c->checkpoint.write ? &c->checkpoint : NULL;
}
