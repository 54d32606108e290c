/* make bench: time one /landau_zener record at one (N, Gamma/J, gamma_phi, level, t_q/t_LZ), or the classical foil at two
   time steps on the same Brownian paths. Usage:
     lmglz -N 370 [-gamma_over_J 0.95] [-gamma_phi 0.05] [-level 0] [-tq 1]
       prints 'N level seconds P_error P_not_ground steps peak_MB status window K bound B'
     lmglz -classical M -refine r [-N 40 -gamma_over_J 0.8 -gamma_phi 2 -tq 1]
       prints 'P(refine 0) P(refine r) n01 n10 stderr seconds0 seconds_r'. */
#include <sys/resource.h>
#include "lmg/config.h"

int main(int argc, char **argv)
{
  LmgConfig     cfg;
  LmgSpectrum   sp;
  LmgLz         r;
  PetscInt      N = 370, level = 0, M = 0, refine = 1;
  PetscReal     g = 0.95, gphi = 0.05, tq = 1;
  char          err[LMG_ERR_LEN];
  struct rusage ru;
  double        t;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-N", &N, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-level", &level, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-classical", &M, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-refine", &refine, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-gamma_over_J", &g, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-gamma_phi", &gphi, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-tq", &tq, NULL));
  for (const char *const *o = (const char *const[]){"-N", "-level", "-classical", "-refine", "-gamma_over_J", "-gamma_phi", "-tq", NULL}; *o; o++) PetscCall(PetscOptionsClearValue(NULL, *o));
  PetscCall(LmgConfigLoad(PETSC_COMM_SELF, &cfg, err));
  cfg.spec.nev = PetscMax(4, level);
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, N, g, NULL, &sp));
  if (M > 0) {
    LmgLzClassical c[2] = {{0}};
    char          *o[2];
    PetscInt       n01 = 0, n10 = 0;
    double         s[2];
    PetscCall(PetscMalloc2(M, &o[0], M, &o[1]));
    for (int i = 0; i < 2; i++) {
      c[i].outcome = o[i];
      s[i]         = MPI_Wtime();
      PetscCall(LmgLzClassicalCompute(&cfg.lz, &cfg.dyn, &sp, gphi, tq, M, i ? refine : 0, NULL, &c[i]));
      s[i] = MPI_Wtime() - s[i];
    }
    for (PetscInt j = 0; j < M; j++) n01 += o[0][j] && !o[1][j], n10 += !o[0][j] && o[1][j];
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%.6f %.6f %d %d %.6f %.2f %.2f\n", (double)c[0].P_error_classical, (double)c[1].P_error_classical, (int)n01, (int)n10, (double)c[0].P_error_classical_stderr, s[0], s[1]));
    PetscCall(PetscFree2(o[0], o[1]));
  } else {
    PetscCall(PetscMemzero(&r, sizeof r));
    t = MPI_Wtime();
    PetscCall(LmgLzCompute(PETSC_COMM_SELF, &cfg.lz, &cfg.dyn, &sp, gphi, level, tq, cfg.lz.tol, NULL, &r));
    t = MPI_Wtime() - t;
    getrusage(RUSAGE_SELF, &ru);
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%d %d %.3f %.10f %.10f %d %.1f %s window %d bound %.1e\n", (int)N, (int)level, t, (double)r.P_error, (double)r.P_not_ground, (int)r.steps, ru.ru_maxrss / 1024.0, r.status == LMG_DONE ? "done" : r.message, (int)r.window, (double)r.window_bound));
  }
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscCall(LmgConfigDestroy(&cfg));
  PetscCall(SlepcFinalize());
  return 0;
}
