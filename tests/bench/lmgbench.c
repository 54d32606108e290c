/* make bench: time the spectrum (doublet) extraction of one (N, Gamma/J) on this communicator, and peak memory.
   Usage: lmgbench -N 1000000 [-gamma_over_J 0.95] [-reps 3]; prints 'N seconds peak_MB E0/J dE/J'. */
#include <sys/resource.h>
#include "lmg/spectrum.h"

int main(int argc, char **argv)
{
  LmgSpectrumOptions cfg = {4, 1, 1e-8, LMG_SOLVER_SLEPC, 1024, 8};
  LmgSpectrum sp;
  PetscInt    N = 2000, reps = 3;
  PetscReal   g = 0.95, best = 1e300;
  struct rusage ru;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-N", &N, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-reps", &reps, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-gamma_over_J", &g, NULL));
  for (PetscInt r = 0; r < reps; r++) {
    double t = MPI_Wtime();
    PetscCall(LmgSpectrumCompute(PETSC_COMM_WORLD, &cfg, N, g, NULL, &sp));
    t = MPI_Wtime() - t;
    best = PetscMin(best, t);
    PetscCheck(sp.status == LMG_DONE, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "N=%" PetscInt_FMT ": %s", N, sp.message);
    if (r < reps - 1) PetscCall(LmgSpectrumDestroy(&sp));
  }
  getrusage(RUSAGE_SELF, &ru);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%" PetscInt_FMT " %.4f %.1f %.12g %.6g\n", N, best, ru.ru_maxrss / 1024.0, (double)sp.E[0], (double)sp.dE));
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscCall(SlepcFinalize());
  return 0;
}
