/* make bench: time the full-space (or k-level) K3 on the tau grid at one (N, Gamma/J, gamma_phi), the full space
   computed by all ranks as one team. Usage: [mpiexec -n P] lmgdyn -N 100 [-gamma_over_J 0.95] [-gamma_phi 0.05]
   [-level 0]; prints 'N level seconds K3_opt steps peak_MB ranks' (peak_MB: the largest of any rank). */
#include <sys/resource.h>
#include "lmg/config.h"

int main(int argc, char **argv)
{
  LmgConfig     cfg;
  LmgSpectrum   sp;
  LmgDynamics   d;
  PetscInt      N = 100, level = 0;
  PetscReal     g = 0.95, gphi = 0.05;
  char          err[LMG_ERR_LEN];
  struct rusage ru;
  double        t, mb;
  PetscMPIInt   size;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-N", &N, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-level", &level, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-gamma_over_J", &g, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-gamma_phi", &gphi, NULL));
  PetscCall(PetscOptionsClearValue(NULL, "-N"));
  PetscCall(PetscOptionsClearValue(NULL, "-gamma_over_J"));
  PetscCall(PetscOptionsClearValue(NULL, "-gamma_phi"));
  PetscCall(LmgConfigLoad(PETSC_COMM_SELF, &cfg, err));
  cfg.spec.nev = PetscMax(4, level);
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, N, g, NULL, &sp));
  t = MPI_Wtime();
  PetscCall(LmgDynamicsCompute(PETSC_COMM_WORLD, &cfg.dyn, &sp, gphi, level, NULL, &d));
  t = MPI_Wtime() - t;
  getrusage(RUSAGE_SELF, &ru);
  mb = ru.ru_maxrss / 1024.0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &mb, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d %d %.3f %.9f %d %.1f %d %s\n", (int)N, (int)level, t, (double)d.K3_opt, (int)d.steps, mb, (int)size, d.message));
  PetscCall(LmgDynamicsDestroy(&d));
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscCall(SlepcFinalize());
  return 0;
}
