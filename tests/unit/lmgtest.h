/* Tiny unit-test harness: LMG_TEST(descr, cond) counts, failures reduced over ranks, one summary line. */
#pragma once
#include <petscsys.h>

static int lmg_test_pass, lmg_test_fail;

#define LMG_TEST(descr, cond) \
  do { \
    int ok_ = (cond) ? 1 : 0; \
    if (ok_) lmg_test_pass++; \
    else lmg_test_fail++; \
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s %s\n", ok_ ? "  ok  " : "  FAIL", descr)); \
  } while (0)

/* A condition every rank of PETSC_COMM_WORLD evaluates alike (values reduced over the ranks): one line, printed once. */
#define LMG_TEST_TEAM(descr, cond) \
  do { \
    int ok_ = (cond) ? 1 : 0; \
    if (ok_) lmg_test_pass++; \
    else lmg_test_fail++; \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %s\n", ok_ ? "  ok  " : "  FAIL", descr)); \
  } while (0)

/* |a - b| <= rtol |b| */
#define LMG_CLOSE(a, b, rtol) (PetscAbsReal((PetscReal)(a) - (PetscReal)(b)) <= (rtol) * PetscAbsReal((PetscReal)(b)))

/* How far two solutions of one eigenvalue, with relative residuals r1 and r2, may differ, relative to |lambda|:
   Bauer-Fike, |d lambda| <= kappa |r|, with kappa <= 100 for the decoherence modes (measured <= 50: the gap at N = 100),
   and at least 1e-9 (roundoff in applying L, eps |L| / |lambda| with |L| / |lambda| up to ~1e6, leaves the residual
   below the error). */
static inline PetscReal LmgEigenvalueReach(PetscReal r1, PetscReal r2)
{
  return PetscMax(1e-9, 100 * (r1 + r2));
}

/* Collective: print 'N passed, N failed' (totals over ranks, counted once per test) and return the exit code. */
static inline int LmgTestSummary(MPI_Comm comm)
{
  int loc[2] = {lmg_test_pass, lmg_test_fail}, tot[2];
  MPI_Allreduce(loc, tot, 2, MPI_INT, MPI_MAX, comm);
  PetscPrintf(comm, "%d passed, %d failed\n", tot[0], tot[1]);
  return tot[1] > 0;
}
