/* Exponentially small tunnel splittings: extended-precision (MPFR) bisection on the parity sectors. */
#pragma once
#include "control.h"
#include "dicke.h"

/* Not collective. Resolves dE = (lowest odd) - (lowest even) of the two sectors (units of J) to about
   significant digits, starting from double-precision eigenvalues le, lo with error bounds ee, eo.
   On success *dE > 0 and *bits = precision used; otherwise *dE = NaN and why says what was missing (*bits = -1: given
   up by a drain: ctl's abandon; ctl NULL: never). */
PetscErrorCode LmgSplittingResolve(const LmgSector *even, const LmgSector *odd, PetscReal le, PetscReal ee, PetscReal lo, PetscReal eo, PetscInt max_bits, const LmgControl *ctl, PetscReal *dE, PetscInt *bits, char *why, size_t len);
