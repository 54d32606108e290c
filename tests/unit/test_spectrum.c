/* Spectrum against tests/reference/benchmark_N370.json (README (What is computed, §2)) and SLEPc against ScaLAPACK. */
#include "lmg/spectrum.h"
#include "lmgtest.h"

static PetscErrorCode Compute(LmgSolverType solver, PetscInt N, PetscReal g, PetscInt nev, LmgSpectrum *sp)
{
  LmgSpectrumOptions o = {nev, 1, 1e-8, solver, 1024, 8};
  PetscFunctionBeginUser;
  PetscCall(LmgSpectrumCompute(PETSC_COMM_WORLD, &o, N, g, NULL, sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  LmgSpectrum sp, sq;
  char        d[256];

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCall(Compute(LMG_SOLVER_SLEPC, 370, 0.95, 6, &sp));
  LMG_TEST("N=370 status done", sp.status == LMG_DONE);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  dE=%.12g E0=%.12g J01=%.8g q01=%.8g G01=%.8g msg='%s'\n", (double)sp.dE, (double)sp.E[0], (double)sp.J01, (double)sp.q01, (double)sp.G01, sp.message));
  LMG_TEST("N=370 dE", LMG_CLOSE(sp.dE, 0.0352194129218, 1e-8));
  LMG_TEST("N=370 E0", LMG_CLOSE(sp.E[0], -352.691757365545, 1e-12));
  LMG_TEST("N=370 E2-E0", LMG_CLOSE(sp.E[2] - sp.E[0], 0.40068, 1e-4));
  LMG_TEST("N=370 J01", LMG_CLOSE(sp.J01, 49.50996, 1e-4));
  LMG_TEST("N=370 q01", LMG_CLOSE(sp.q01, 0.971372, 1e-4));
  LMG_TEST("N=370 G01", LMG_CLOSE(sp.G01, 2838.962, 1e-4));
  LMG_TEST("N=370 Jz2", LMG_CLOSE(sp.Jz2[0], 2574.1896, 1e-4) && LMG_CLOSE(sp.Jz2[1], 3103.7342, 1e-4));
  LMG_TEST("N=370 eta", LMG_CLOSE(sp.eta_MF, 2.35083, 1e-4) && LMG_CLOSE(sp.eta_exact, 1.86344, 1e-4) && LMG_CLOSE(sp.eta_quantum, 1.17541, 1e-4));
  LMG_TEST("N=370 leakage", PetscAbsReal(sp.leakage[0] - 0.0478) < 1e-4 && PetscAbsReal(sp.leakage[1] - 0.2102) < 1e-4 && PetscAbsReal(sp.leakage_avg - 0.1366) < 1e-4);
  LMG_TEST("N=370 gap ratio", LMG_CLOSE(sp.gap_ratio, 11.3768, 1e-4));
  PetscCall(Compute(LMG_SOLVER_SCALAPACK, 370, 0.95, 6, &sq));
  snprintf(d, sizeof d, "SLEPc = ScaLAPACK at N=370: dE %.3e rel", (double)PetscAbsReal(sp.dE / sq.dE - 1));
  LMG_TEST(d, LMG_CLOSE(sp.dE, sq.dE, 1e-9) && LMG_CLOSE(sp.E[5], sq.E[5], 1e-12) && LMG_CLOSE(sp.J01, sq.J01, 1e-9));
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscCall(LmgSpectrumDestroy(&sq));
  PetscCall(Compute(LMG_SOLVER_SLEPC, 370, 0.8, 4, &sp));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  N=370 g=0.8: dE=%.12g bits=%d msg='%s'\n", (double)sp.dE, (int)sp.dE_bits, sp.message));
  LMG_TEST("N=370 g=0.8 dE (MPFR)", sp.dE_resolved && LMG_CLOSE(sp.dE, 1.13293984727e-14, 1e-9));
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscCall(Compute(LMG_SOLVER_SLEPC, 50, 0.5, 4, &sp));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  N=50 g=0.5: dE=%.12g bits=%d msg='%s'\n", (double)sp.dE, (int)sp.dE_bits, sp.message));
  LMG_TEST("N=50 g=0.5 dE (MPFR)", sp.dE_resolved && LMG_CLOSE(sp.dE, 1.34058924052e-9, 1e-9));
  PetscCall(LmgSpectrumDestroy(&sp));
  int rc = LmgTestSummary(PETSC_COMM_WORLD);
  PetscCall(SlepcFinalize());
  return rc;
}
