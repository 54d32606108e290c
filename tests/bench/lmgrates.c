/* make bench: time one /decoherence record (the Liouvillian's rho01 modes, population mode, gap) at one (N, Gamma/J,
   gamma_phi, level), the full space computed by all ranks as one team. Usage: [mpiexec -n P] lmgrates -N 370
   [-gamma_over_J 0.95] [-gamma_phi 0.05] [-level 0]; prints 'N level seconds rate_slow rate_fast freq gap max_residual
   matvecs peak_MB status' (peak_MB: the largest of any rank). */
#include <sys/resource.h>
#include "lmg/config.h"

int main(int argc, char **argv)
{
  LmgConfig     cfg;
  LmgSpectrum   sp;
  LmgRates      r;
  PetscInt      N = 370, level = 0;
  PetscReal     g = 0.95, gphi = 0.05, res = 0;
  char          err[LMG_ERR_LEN];
  struct rusage ru;
  double        t, mb;

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
  PetscCall(PetscMemzero(&r, sizeof r));
  t = MPI_Wtime();
  PetscCall(LmgRatesCompute(PETSC_COMM_WORLD, &cfg.rates, &cfg.dyn, &sp, gphi, level, NULL, &r));
  t = MPI_Wtime() - t;
  for (PetscInt k = 0; k < LMG_NRATES; k++) res = PetscMax(res, r.residual[k]);
  getrusage(RUSAGE_SELF, &ru);
  mb = ru.ru_maxrss / 1024.0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &mb, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d %d %.3f %.10g %.10g %.10g %.10g %.1e %d %.1f %s\n", (int)N, (int)level, t, (double)r.rate_01[0], (double)r.rate_01[1], (double)r.freq_01[0], (double)r.liouvillian_gap, (double)res, (int)r.matvecs, mb,
                        r.status == LMG_DONE ? "done" : r.message));
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscCall(LmgConfigDestroy(&cfg));
  PetscCall(SlepcFinalize());
  return 0;
}
