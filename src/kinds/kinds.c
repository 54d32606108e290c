/* The table of record kinds: one row per kind, each defined in its own file (kind_*.c). */
#include "lmg/kind.h"

extern const LmgKind LmgKindSpectrum, LmgKindDynamics, LmgKindThreshold, LmgKindDecoherence, LmgKindTraces, LmgKindLzScales, LmgKindLz, LmgKindLzClassical;
const LmgKind *const LmgKinds[] = {&LmgKindSpectrum, &LmgKindDynamics, &LmgKindThreshold, &LmgKindDecoherence, &LmgKindTraces, &LmgKindLzScales, &LmgKindLz, &LmgKindLzClassical};
const PetscInt       LmgNKinds  = (PetscInt)(sizeof LmgKinds / sizeof LmgKinds[0]);
