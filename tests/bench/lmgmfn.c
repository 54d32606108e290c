/* make bench: the exponential integrator measured against the default RK on one propagation of the full space,
   rho(tau_opt) = e^{L tau_opt} rho0 (lab frame, where L is time independent), Gamma/J = 0.95, gamma_phi = 0.05.
   SLEPc MFN (Krylov, expm of the projected matrix) on a MatShell applying L; the RK reference is the engine's propagator.
   Usage: lmgmfn -N 100; prints 'N mfn_seconds matvecs rk_seconds rk_steps max|rho_mfn - rho_rk|'. */
#include <slepcmfn.h>
#include "lmg/config.h"

typedef struct {
  LmgLiouville L;
  PetscInt     count;
} Shell;

static PetscErrorCode Mult(Mat A, Vec x, Vec y)
{
  Shell *s;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &s));
  PetscCall(LmgLiouvilleApply(s->L, PETSC_FALSE, x, y));
  s->count++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  LmgConfig     cfg;
  LmgSpectrum   sp;
  LmgLiouville  L;
  LmgPropagator P;
  LmgRHS        rhs;
  Shell         s;
  Mat           A;
  MFN           mfn;
  FN            f;
  Vec           rho0, r1, r2;
  PetscInt      N = 100, n, steps;
  PetscReal     tau, err, t0, tm, tr;
  LmgPropStatus ok;
  char          msg[LMG_ERR_LEN];

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-N", &N, NULL));
  PetscCall(PetscOptionsClearValue(NULL, "-N"));
  PetscCall(LmgConfigLoad(PETSC_COMM_SELF, &cfg, msg));
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, N, 0.95, NULL, &sp));
  PetscCall(LmgLiouvilleCreate(PETSC_COMM_SELF, &sp, 0, 0.05, PETSC_FALSE, &L));
  n   = LmgLiouvilleSize(L);
  tau = PETSC_PI / (3 * sp.dE);
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n * n, &rho0));
  PetscCall(VecDuplicate(rho0, &r1));
  PetscCall(VecDuplicate(rho0, &r2));
  PetscCall(LmgLiouvilleInitial(L, "ground", cfg.spec.T, rho0));

  s.L = L, s.count = 0;
  PetscCall(MatCreateShell(PETSC_COMM_SELF, n * n, n * n, n * n, n * n, &s, &A));
  PetscCall(MatShellSetOperation(A, MATOP_MULT, (void (*)(void))Mult));
  PetscCall(MFNCreate(PETSC_COMM_SELF, &mfn));
  PetscCall(MFNSetOperator(mfn, A));
  PetscCall(MFNGetFN(mfn, &f));
  PetscCall(FNSetType(f, FNEXP));
  PetscCall(FNSetScale(f, tau, 1.0));
  PetscCall(MFNSetTolerances(mfn, 1e-10, PETSC_DEFAULT));
  PetscCall(MFNSetFromOptions(mfn));
  t0 = MPI_Wtime();
  PetscCall(MFNSolve(mfn, rho0, r1));
  tm = MPI_Wtime() - t0;

  PetscCall(LmgLiouvilleRHS(L, PETSC_FALSE, PETSC_TRUE, &rhs));
  PetscCall(LmgPropagatorCreate(&rhs, PETSC_FALSE, 1e-8, tau, 1e-4, 0.1, 100000000, rho0, &P));
  t0 = MPI_Wtime();
  PetscCall(LmgPropagatorSample(&P, 1.0, r2, &ok));
  tr = MPI_Wtime() - t0;
  PetscCall(TSGetStepNumber(P.ts, &steps));
  PetscCall(VecAXPY(r2, -1, r1));
  PetscCall(VecNorm(r2, NORM_INFINITY, &err));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%d %.3f %d %.3f %d %.1e\n", (int)N, tm, (int)s.count, tr, (int)steps, (double)err));
  PetscCall(LmgPropagatorDestroy(&P));
  PetscCall(MFNDestroy(&mfn));
  PetscCall(MatDestroy(&A));
  PetscCall(VecDestroy(&rho0));
  PetscCall(VecDestroy(&r1));
  PetscCall(VecDestroy(&r2));
  PetscCall(LmgLiouvilleDestroy(&L));
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscCall(SlepcFinalize());
  return 0;
}
