/* Dynamics against README (What is computed, §3): the k = 2 closed forms (gamma_phi = 0 and 0.05) at the benchmark, the
   exact propagation against the time stepper, deep tunnelling, k = N+1 equal to full,
   trace/Hermiticity/positivity of rho(t) in the full space, and convergence under halved tolerances. */
#include <math.h>
#include "lmg/config.h"
#include <string.h>
#include "lmgtest.h"
#include <petscblaslapack.h>

static PetscErrorCode Config(LmgConfig *cfg, PetscInt nev)
{
  char err[LMG_ERR_LEN];
  PetscFunctionBeginUser;
  PetscCall(LmgConfigLoad(PETSC_COMM_SELF, cfg, err)); /* defaults: J = 37195.4, T = 1e-8, tau grid 0.01:2:200, ground */
  cfg->spec.nev = nev;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* README (What is computed, §3): k = 2, rho0 = |E0><E0|: C(tau) = q01^2 e^{-kappa tau}(cos W tau + kappa/W sin W tau), K3 = 2C(tau) - C(2tau). */
static PetscReal K3TwoLevel(const LmgSpectrum *sp, PetscReal gphi, PetscReal tau)
{
  PetscReal q2 = sp->q01 * sp->q01, kap = gphi * sp->J01 * sp->J01, W = PetscSqrtReal(sp->dE * sp->dE - kap * kap);
  PetscReal c1 = q2 * PetscExpReal(-kap * tau) * (PetscCosReal(W * tau) + kap / W * PetscSinReal(W * tau));
  PetscReal c2 = q2 * PetscExpReal(-2 * kap * tau) * (PetscCosReal(2 * W * tau) + kap / W * PetscSinReal(2 * W * tau));
  return 2 * c1 - c2;
}

/* the smallest eigenvalue of rho, held whole or packed (its lower triangle, columns.h); zheev reads the lower triangle */
static PetscErrorCode MinEigenvalue(PetscInt n, PetscBool packed, Vec rho, PetscReal *lmin)
{
  PetscBLASInt       bn, lwork = 4 * (PetscBLASInt)n, info;
  PetscScalar       *A, *work;
  PetscReal         *w, *rwork;
  const PetscScalar *r;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscMalloc4(n * n, &A, n, &w, lwork, &work, 3 * n, &rwork));
  PetscCall(VecGetArrayRead(rho, &r));
  for (PetscInt b = 0; b < n; b++)
    for (PetscInt a = b; a < n; a++) A[a + n * b] = r[packed ? LmgPackedOffset(n, b) + a - b : a + n * b];
  PetscCall(VecRestoreArrayRead(rho, &r));
  PetscCallBLAS("LAPACKheev", LAPACKheev_("N", "L", &bn, A, &bn, w, work, &lwork, rwork, &info));
  *lmin = w[0];
  PetscCall(PetscFree4(A, w, work, rwork));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* max |K3_a - K3_b| over K3_opt and the tau grid */
static PetscReal MaxDK3(const LmgDynamics *a, const LmgDynamics *b, PetscInt ntau)
{
  PetscReal e = PetscAbsReal(a->K3_opt - b->K3_opt);
  for (PetscInt i = 0; i < ntau; i++) e = PetscMax(e, PetscAbsReal(a->K3[i] - b->K3[i]));
  return e;
}

int main(int argc, char **argv)
{
  LmgConfig   cfg;
  LmgSpectrum sp;
  LmgDynamics d0, d5, df, dk;
  char        msg[256];
  PetscReal   err = 0;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCall(Config(&cfg, 4));
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 370, 0.95, NULL, &sp));
  PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.0, 2, NULL, &d0));
  PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.05, 2, NULL, &d5));
  for (PetscInt i = 0; i < cfg.dyn.ntau; i++) err = PetscMax(err, PetscAbsReal(d0.K3[i] - K3TwoLevel(&sp, 0, cfg.dyn.tau[i] * d0.tau_opt)));
  snprintf(msg, sizeof msg, "k=2, gamma=0: K3_opt = %.7f (1.5 q01^2 = %.7f; reference 1.415345), K3(tau) grid max err %.1e", (double)d0.K3_opt, (double)(1.5 * sp.q01 * sp.q01), (double)err);
  LMG_TEST(msg, d0.status == LMG_DONE && PetscAbsReal(d0.K3_opt - 1.5 * sp.q01 * sp.q01) < 1e-6 && PetscAbsReal(d0.K3_opt - 1.415345) < 2e-6 && err < 1e-6);
  err = 0;
  for (PetscInt i = 0; i < cfg.dyn.ntau; i++) err = PetscMax(err, PetscAbsReal(d5.K3[i] - K3TwoLevel(&sp, 0.05, cfg.dyn.tau[i] * d5.tau_opt)));
  snprintf(msg, sizeof msg, "k=2, gamma=0.05: K3_opt = %.7f (closed form %.7f; reference 1.319360), grid max err %.1e", (double)d5.K3_opt, (double)K3TwoLevel(&sp, 0.05, d5.tau_opt), (double)err);
  LMG_TEST(msg, d5.status == LMG_DONE && PetscAbsReal(d5.K3_opt - K3TwoLevel(&sp, 0.05, d5.tau_opt)) < 1e-6 && PetscAbsReal(d5.K3_opt - 1.319360) < 2e-6 && err < 1e-6);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  k=2 steps %d, rejects %d, integrator %s\n", (int)d5.steps, (int)d5.rejects, d5.integrator));
  PetscCall(LmgDynamicsDestroy(&d0));
  PetscCall(LmgDynamicsDestroy(&d5));
  {
    LmgThreshold th;
    cfg.thr.numerical = PETSC_TRUE;
    PetscCall(LmgThresholdCompute(&cfg.thr, &cfg.dyn, &sp, 2, NULL, &th));
    /* the seed's rounded values: 0.04992, 0.11734 (README (What is computed, §4)); the formula from the reference spectrum gives 0.049905, 0.117318 */
    snprintf(msg, sizeof msg, "closed forms: gamma_c_A = %.6f (0.04992), gamma_c_B = %.6f (0.11734), to 5e-4 relative", (double)th.gamma_c_A, (double)th.gamma_c_B);
    LMG_TEST(msg, LMG_CLOSE(th.gamma_c_A, 0.04992, 5e-4) && LMG_CLOSE(th.gamma_c_B, 0.11734, 5e-4));
    snprintf(msg, sizeof msg, "k=2 numerical gamma_c = %.6f: the closed-form K3_opt there is %.8f (= 1 to 1e-6), %d solves", (double)th.gamma_c, (double)K3TwoLevel(&sp, th.gamma_c, PETSC_PI / (3 * sp.dE)), (int)th.evaluations);
    LMG_TEST(msg, th.status == LMG_DONE && PetscAbsReal(K3TwoLevel(&sp, th.gamma_c, PETSC_PI / (3 * sp.dE)) - 1) < 1e-6);
    cfg.thr.numerical = PETSC_FALSE;
  }
  PetscCall(LmgSpectrumDestroy(&sp));

  /* the two methods: K3 from the Liouvillian's modes (-dyn_method exact) against the time stepper at tolerance 1e-12,
     k = 2, 5, 10 at the benchmark (N = 370, Gamma/J = 0.95, gamma_phi = 0.05) */
  PetscCall(Config(&cfg, 11));
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 370, 0.95, NULL, &sp));
  for (PetscInt k = 2; k <= 10; k += k == 2 ? 3 : 5) {
    cfg.dyn.method = LMG_METHOD_EXACT;
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.05, k, NULL, &dk));
    cfg.dyn.method = LMG_METHOD_STEPPER;
    PetscCall(PetscOptionsSetValue(NULL, "-dyn_ts_rtol", "1e-12"));
    PetscCall(PetscOptionsSetValue(NULL, "-dyn_ts_atol", "1e-12"));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.05, k, NULL, &df));
    PetscCall(PetscOptionsClearValue(NULL, "-dyn_ts_rtol"));
    PetscCall(PetscOptionsClearValue(NULL, "-dyn_ts_atol"));
    cfg.dyn.method = LMG_METHOD_AUTO;
    err = MaxDK3(&df, &dk, cfg.dyn.ntau);
    snprintf(msg, sizeof msg, "N=370 k=%d: exact ('%s', bound %.1e) and stepper at 1e-12 agree (max |dK3| %.1e < 1e-9, within the bound < 1e-8), K3_opt %.9f", (int)k, dk.integrator, (double)dk.K3_err, (double)err, (double)dk.K3_opt);
    LMG_TEST(msg, dk.status == LMG_DONE && df.status == LMG_DONE && strstr(dk.integrator, "exact") && !strstr(df.integrator, "exact") && err < 1e-9 && err <= dk.K3_err && dk.K3_err < 1e-8 && PetscIsNanReal(df.K3_err));
    PetscCall(LmgDynamicsDestroy(&df));
    PetscCall(LmgDynamicsDestroy(&dk));
  }
  PetscCall(LmgSpectrumDestroy(&sp));

  /* deep tunnelling (N = 1000, Gamma/J = 0.9: tau_opt ~ 1e8 s, beyond any time stepper): k = 2 exact equals its closed
     form; k = 5 at gamma_phi = 0 needs the level energies to better than double precision over 2 tau_max and is skipped
     with that reason, not stored as a number */
  PetscCall(Config(&cfg, 5));
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 1000, 0.9, NULL, &sp));
  PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.0, 2, NULL, &dk));
  err = 0;
  for (PetscInt i = 0; i < cfg.dyn.ntau; i++) err = PetscMax(err, PetscAbsReal(dk.K3[i] - K3TwoLevel(&sp, 0, cfg.dyn.tau[i] * dk.tau_opt)));
  snprintf(msg, sizeof msg, "N=1000 Gamma/J=0.9 k=2 gamma=0 (tau_opt %.2e s): exact = closed form (grid max err %.1e < 1e-8, bound %.1e)", (double)dk.tau_opt, (double)err, (double)dk.K3_err);
  LMG_TEST(msg, dk.status == LMG_DONE && dk.tau_opt > 1e7 && err < 1e-8 && PetscAbsReal(dk.K3_opt - 1.5 * sp.q01 * sp.q01) < 1e-8);
  PetscCall(LmgDynamicsDestroy(&dk));
  PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.0, 5, NULL, &dk));
  snprintf(msg, sizeof msg, "N=1000 Gamma/J=0.9 k=5 gamma=0: skipped (status %d), '%s', K3_opt %g", (int)dk.status, dk.message, (double)dk.K3_opt);
  LMG_TEST(msg, dk.status == LMG_SKIPPED && strstr(dk.message, "level energies") && PetscIsNanReal(dk.K3_opt));
  PetscCall(LmgDynamicsDestroy(&dk));
  PetscCall(LmgSpectrumDestroy(&sp));

  /* k = N+1 equals full, small N, dephasing strong enough to matter */
  for (PetscInt N = 10; N <= 11; N++) {
    PetscCall(Config(&cfg, N + 1));
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, N, 0.7, NULL, &sp));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 2000.0, 0, NULL, &df));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 2000.0, N + 1, NULL, &dk));
    err = 0;
    for (PetscInt i = 0; i < cfg.dyn.ntau; i++) err = PetscMax(err, PetscAbsReal(df.K3[i] - dk.K3[i]));
    snprintf(msg, sizeof msg, "N=%d: k=N+1 equals full (max |dK3| %.1e, K3_opt %.6f vs %.6f)", (int)N, (double)err, (double)dk.K3_opt, (double)df.K3_opt);
    LMG_TEST(msg, df.status == LMG_DONE && dk.status == LMG_DONE && err < 1e-7 && PetscAbsReal(df.K3_opt - dk.K3_opt) < 1e-7);
    snprintf(msg, sizeof msg, "N=%d full: trace error %.1e, Hermiticity error %.1e", (int)N, (double)df.trace_err, (double)df.herm_err);
    LMG_TEST(msg, df.trace_err < 1e-9 && df.herm_err < 1e-9);
    PetscCall(LmgDynamicsDestroy(&df));
    PetscCall(LmgDynamicsDestroy(&dk));
    PetscCall(LmgSpectrumDestroy(&sp));
  }

  /* k = N+1 (dense P Jz P from SLEPc's eigenvectors) equals full (banded Jz from dstevd's, entries below 1e-14 dropped)
     where the band is narrower than the space: N = 150 (75 levels per sector, band ~25) */
  PetscCall(Config(&cfg, 151));
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 150, 0.95, NULL, &sp));
  PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.5, 0, NULL, &df));
  PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.5, 151, NULL, &dk));
  err = MaxDK3(&df, &dk, cfg.dyn.ntau);
  snprintf(msg, sizeof msg, "N=150, gamma_phi=0.5: k=N+1 equals full, banded (max |dK3| %.1e < 2e-8, K3_opt %.6f)", (double)err, (double)df.K3_opt);
  LMG_TEST(msg, df.status == LMG_DONE && dk.status == LMG_DONE && err < 2e-8);
  PetscCall(LmgDynamicsDestroy(&df));
  PetscCall(LmgDynamicsDestroy(&dk));
  PetscCall(LmgSpectrumDestroy(&sp));

  /* the pointer and thermal initial states: k = N+1 (Gibbs over the model's levels) equals full (Gibbs from the full H) */
  for (PetscInt s = 0; s < 2; s++) {
    PetscCall(Config(&cfg, 13));
    PetscCall(PetscStrncpy(cfg.dyn.initial, s ? "thermal" : "pointer", sizeof cfg.dyn.initial));
    cfg.spec.T = 2e-7; /* kT comparable to the gaps of N = 12 */
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 12, 0.8, NULL, &sp));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 300.0, 0, NULL, &df));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 300.0, 13, NULL, &dk));
    err = MaxDK3(&df, &dk, cfg.dyn.ntau);
    snprintf(msg, sizeof msg, "N=12, -initial %s: k=N+1 equals full (max |dK3| %.1e, K3_opt %.6f)", cfg.dyn.initial, (double)err, (double)df.K3_opt);
    LMG_TEST(msg, df.status == LMG_DONE && dk.status == LMG_DONE && err < 1e-7);
    PetscCall(LmgDynamicsDestroy(&df));
    PetscCall(LmgDynamicsDestroy(&dk));
    PetscCall(LmgSpectrumDestroy(&sp));
  }

  /* converged: tighter tolerances (5e-9 on both trajectories: rho's default 1e-8 halved, Q_H's 1e-7 / 20) change K3 by
     less than 1e-6 (full space, N = 150, Gamma/J = 0.9: tau_opt long enough that the steps follow the tolerance, not
     their 0.1 tau_opt cap) */
  {
    PetscCall(Config(&cfg, 4));
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 150, 0.9, NULL, &sp));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.05, 0, NULL, &df));
    PetscCall(PetscOptionsSetValue(NULL, "-dyn_ts_rtol", "5e-9"));
    PetscCall(PetscOptionsSetValue(NULL, "-dyn_ts_atol", "5e-9"));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.05, 0, NULL, &dk));
    PetscCall(PetscOptionsClearValue(NULL, "-dyn_ts_rtol"));
    PetscCall(PetscOptionsClearValue(NULL, "-dyn_ts_atol"));
    err = MaxDK3(&df, &dk, cfg.dyn.ntau);
    snprintf(msg, sizeof msg, "N=150 full: tolerances 5e-9 (rho's halved, Q_H's / 20) change K3 by %.1e (< 1e-6); %d vs %d steps", (double)err, (int)df.steps, (int)dk.steps);
    LMG_TEST(msg, df.status == LMG_DONE && dk.status == LMG_DONE && err < 1e-6 && dk.steps > df.steps);
    PetscCall(LmgDynamicsDestroy(&df));
    PetscCall(LmgDynamicsDestroy(&dk));
    PetscCall(LmgSpectrumDestroy(&sp));
  }

  /* a method without dense output (RK 5bs) ends its steps on the sample times and agrees with the default (N = 100) */
  {
    PetscCall(Config(&cfg, 4));
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 100, 0.95, NULL, &sp));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.05, 0, NULL, &df));
    PetscCall(PetscOptionsSetValue(NULL, "-dyn_ts_rk_type", "5bs"));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.05, 0, NULL, &dk));
    PetscCall(PetscOptionsClearValue(NULL, "-dyn_ts_rk_type"));
    err = MaxDK3(&df, &dk, cfg.dyn.ntau);
    snprintf(msg, sizeof msg, "N=100 full: RK 5bs stepping onto the samples agrees with 5dp's dense output (max |dK3| %.1e < 1e-8; %d vs %d steps)", (double)err, (int)dk.steps, (int)df.steps);
    LMG_TEST(msg, df.status == LMG_DONE && dk.status == LMG_DONE && err < 1e-8 && dk.steps > df.steps);
    PetscCall(LmgDynamicsDestroy(&df));
    PetscCall(LmgDynamicsDestroy(&dk));
    PetscCall(LmgSpectrumDestroy(&sp));
  }

  /* the two frames integrate the same equation: interaction picture (default) against the lab frame (full space, N = 20) */
  {
    PetscCall(Config(&cfg, 4));
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 20, 0.9, NULL, &sp));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.5, 0, NULL, &df));
    cfg.dyn.interaction = PETSC_FALSE;
    PetscCall(PetscOptionsSetValue(NULL, "-dyn_ts_rtol", "1e-11")); /* the lab frame needs it for 1e-8 */
    PetscCall(PetscOptionsSetValue(NULL, "-dyn_ts_atol", "1e-11"));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.5, 0, NULL, &dk));
    cfg.dyn.interaction = PETSC_TRUE;
    PetscCall(PetscOptionsClearValue(NULL, "-dyn_ts_rtol"));
    PetscCall(PetscOptionsClearValue(NULL, "-dyn_ts_atol"));
    err = MaxDK3(&df, &dk, cfg.dyn.ntau);
    snprintf(msg, sizeof msg, "N=20 full: interaction picture (tol 1e-8) and lab frame (tol 1e-11) agree (max |dK3| %.1e < 1e-8; %d vs %d steps)", (double)err, (int)df.steps, (int)dk.steps);
    LMG_TEST(msg, df.status == LMG_DONE && dk.status == LMG_DONE && err < 1e-8 && dk.steps > df.steps);
    PetscCall(LmgDynamicsDestroy(&df));
    PetscCall(LmgDynamicsDestroy(&dk));
    PetscCall(LmgSpectrumDestroy(&sp));
  }

  /* a step the integrator cannot take fails the record with its message (the run goes on): implicit BDF whose linear
     solves are starved (one GMRES iteration) */
  {
    const char *opts[][2] = {{"-dyn_ts_type", "bdf"}, {"-dyn_snes_mf", NULL}, {"-dyn_pc_type", "none"}, {"-dyn_ksp_max_it", "1"}, {"-dyn_ksp_rtol", "1e-12"}};
    PetscCall(Config(&cfg, 4));
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 20, 0.9, NULL, &sp));
    for (PetscInt i = 0; i < 5; i++) PetscCall(PetscOptionsSetValue(NULL, opts[i][0], opts[i][1]));
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, 0.5, 0, NULL, &df));
    for (PetscInt i = 0; i < 5; i++) PetscCall(PetscOptionsClearValue(NULL, opts[i][0]));
    snprintf(msg, sizeof msg, "a failed time step fails the record: status %d, '%s', K3_opt %g", (int)df.status, df.message, (double)df.K3_opt);
    LMG_TEST(msg, df.status == LMG_FAILED && strstr(df.message, "integrator failed") && PetscIsNanReal(df.K3_opt));
    PetscCall(LmgDynamicsDestroy(&df));
    PetscCall(LmgSpectrumDestroy(&sp));
  }

  /* positivity of rho(t) in the full space (N = 20, pointer state, strong dephasing), held whole and packed */
  for (PetscInt pk = 0; pk < 2; pk++) {
    LmgLiouville  L;
    LmgPropagator P;
    LmgRHS        rhs;
    Vec           rho;
    PetscReal     lmin = 0, l = 0;
    LmgPropStatus ok = LMG_PROP_OK;
    PetscCall(Config(&cfg, 4));
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 20, 0.9, NULL, &sp));
    PetscCall(LmgLiouvilleCreate(PETSC_COMM_SELF, &sp, 0, 500.0, (PetscBool)pk, &L));
    PetscCall(LmgLiouvilleCreateVec(L, &rho));
    PetscCall(LmgLiouvilleInitial(L, "pointer", cfg.spec.T, rho));
    PetscCall(LmgLiouvilleRHS(L, PETSC_FALSE, PETSC_TRUE, &rhs));
    PetscCall(LmgPropagatorCreate(&rhs, PETSC_FALSE, 1e-8, 1e-4, 1e-5, 0.1, 1000000, rho, &P)); /* time unit 1e-4 s */
    for (PetscInt s = 1; s <= 10; s++) {
      PetscCall(LmgPropagatorSample(&P, (PetscReal)s, rho, &ok));
      PetscCall(MinEigenvalue(21, (PetscBool)pk, rho, &l));
      lmin = PetscMin(lmin, l);
    }
    snprintf(msg, sizeof msg, "N=20 full (%s), pointer state: rho(t) positive to 10x the integration tolerance 1e-9 (min eigenvalue %.1e)", pk ? "packed lower triangle" : "whole matrix", (double)lmin);
    LMG_TEST(msg, ok == LMG_PROP_OK && lmin > -1e-8);
    PetscCall(LmgPropagatorDestroy(&P));
    PetscCall(VecDestroy(&rho));
    PetscCall(LmgLiouvilleDestroy(&L));
    PetscCall(LmgSpectrumDestroy(&sp));
  }
  int rc = LmgTestSummary(PETSC_COMM_WORLD);
  PetscCall(SlepcFinalize());
  return rc;
}
