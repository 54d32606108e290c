/* The table of record kinds: one row per kind, each defined in its own file (kind_*.c). */
#include "lmg/kind.h"

extern const LmgKind LmgKindSpectrum, LmgKindDynamics, LmgKindThreshold;
const LmgKind *const LmgKinds[] = {&LmgKindSpectrum, &LmgKindDynamics, &LmgKindThreshold};
const PetscInt       LmgNKinds  = (PetscInt)(sizeof LmgKinds / sizeof LmgKinds[0]);
