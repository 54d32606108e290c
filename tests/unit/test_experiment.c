/* The experiment's parameters (README, What must an experiment achieve?): the k = 2 closed forms under a static bias
   (K3(tau) at gamma_phi = 0, by the modes and by the time stepper; the best K3 and the bias tolerance), k = N+1 equal to
   the full space with a bias and a detection resolution, sigma -> 0 equal to the ideal measurement for odd N (not for
   even N), the ideal experiment equal to today's record bit for bit, and Tr M(rho) = Tr[Q_sigma rho]. */
#include <math.h>
#include <string.h>
#include "lmg/config.h"
#include "lmgtest.h"

static PetscErrorCode Config(LmgConfig *cfg, PetscInt nev)
{
  char err[LMG_ERR_LEN];
  PetscFunctionBeginUser;
  PetscCall(LmgConfigLoad(PETSC_COMM_SELF, cfg, err));
  cfg->spec.nev = nev;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* k = 2, gamma_phi = 0, bias b h1: K3 = q01^2 [c^2 + (1 - c^2)(2 cos W tau - cos 2 W tau)], W = dE sqrt(1 + b^2), c^2 = b^2/(1 + b^2) */
static PetscReal K3Biased(const LmgSpectrum *sp, PetscReal b, PetscReal tau)
{
  PetscReal W = sp->dE * PetscSqrtReal(1 + b * b), c2 = b * b / (1 + b * b);
  return sp->q01 * sp->q01 * (c2 + (1 - c2) * (2 * PetscCosReal(W * tau) - PetscCosReal(2 * W * tau)));
}

static PetscReal MaxDK3(const LmgDynamics *a, const LmgDynamics *b, PetscInt ntau)
{
  PetscReal e = PetscAbsReal(a->K3_opt - b->K3_opt);
  for (PetscInt i = 0; i < ntau; i++) e = PetscMax(e, PetscAbsReal(a->K3[i] - b->K3[i]));
  return e;
}

static PetscErrorCode ClosedForms(LmgConfig *cfg)
{
  LmgSpectrum sp;
  char        msg[256];
  PetscFunctionBeginUser;
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg->spec, 370, 0.95, NULL, &sp));
  for (PetscInt m = LMG_METHOD_EXACT; m <= LMG_METHOD_STEPPER; m++)
    for (PetscInt ib = 0; ib < 3; ib++) {
      const PetscReal b = ib == 0 ? 0.5 : ib == 1 ? 1 : 2.7;
      LmgExperiment   x = LMG_EXPERIMENT_IDEAL;
      LmgDynamics     d;
      PetscReal       err;
      x.bias          = b * sp.dE / (2 * sp.J01);
      cfg->dyn.method = m;
      PetscCall(LmgDynamicsComputeAt(PETSC_COMM_SELF, &cfg->dyn, &sp, 0, 2, &x, NULL, &d));
      err = PetscAbsReal(d.K3_opt - K3Biased(&sp, b, d.tau_opt));
      for (PetscInt i = 0; i < cfg->dyn.ntau; i++) err = PetscMax(err, PetscAbsReal(d.K3[i] - K3Biased(&sp, b, cfg->dyn.tau[i] * d.tau_opt)));
      /* the modes: their bound (K3_err); the stepper at rtol 1e-10 over ~100 steps of its cheap k = 2 model: 1e-8 */
      snprintf(msg, sizeof msg, "k=2, gamma=0, bias %g h1 (%s): K3 against the closed form on the tau grid, max err %.1e", (double)b, m == LMG_METHOD_EXACT ? "modes" : "stepper", (double)err);
      LMG_TEST(msg, d.status == LMG_DONE && err < (m == LMG_METHOD_EXACT ? d.K3_err + 1e-12 : 1e-8) && !strstr(d.integrator, "exact") == (m == LMG_METHOD_STEPPER));
      PetscCall(LmgDynamicsDestroy(&d));
    }
  cfg->dyn.method = LMG_METHOD_AUTO;
  {
    LmgTolerance t;
    PetscReal    q2 = sp.q01 * sp.q01, c2 = 3 - 2 / q2, bc = PetscSqrtReal(c2 / (1 - c2)), cb = 0.25 / 1.25;
    cfg->tol.ask[LMG_TOL_BIAS] = PETSC_TRUE;
    PetscCall(LmgToleranceCompute(&cfg->tol, &cfg->dyn, &sp, 0, 0.5, 0, 2, NULL, &t));
    /* the best K3 at bias 0.5 h1 (c^2 = 0.2): q01^2 (1.5 - 0.5 c^2) at tau = pi/(3 W); bias_c from c^2 = 3 - 2/q01^2 */
    snprintf(msg, sizeof msg, "k=2, gamma=0, bias 0.5 h1: K3_best %.10f (closed form %.10f), bias_c %.9f h1 (closed form %.9f), status %d", (double)t.K3_best, (double)(q2 * (1.5 - 0.5 * cb)), (double)t.value[LMG_TOL_BIAS], (double)bc,
             (int)t.state[LMG_TOL_BIAS]);
    LMG_TEST(msg, t.status == LMG_DONE && PetscAbsReal(t.K3_best - q2 * (1.5 - 0.5 * cb)) < 1e-9 && t.state[LMG_TOL_BIAS] == LMG_TOL_FOUND && LMG_CLOSE(t.value[LMG_TOL_BIAS], bc, 1e-7) && t.lo[LMG_TOL_BIAS] < bc && bc <= t.hi[LMG_TOL_BIAS] &&
                      t.state[LMG_TOL_GAMMA] == LMG_TOL_NOT_ASKED && PetscIsNanReal(t.value[LMG_TOL_SIGMA]));
    PetscCall(LmgToleranceCompute(&cfg->tol, &cfg->dyn, &sp, 0, 3, 0, 2, NULL, &t));
    snprintf(msg, sizeof msg, "k=2, gamma=0, bias 3 h1 (beyond bias_c): K3_best %.6f, no violation (status %d)", (double)t.K3_best, (int)t.state[LMG_TOL_BIAS]);
    LMG_TEST(msg, t.status == LMG_DONE && t.K3_best < 1 && t.state[LMG_TOL_BIAS] == LMG_TOL_NO_VIOLATION && PetscIsNanReal(t.value[LMG_TOL_BIAS]) && strstr(t.message, "no violation"));
    cfg->tol.ask[LMG_TOL_BIAS] = PETSC_FALSE;
  }
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* k = N+1 against the full space, sigma -> 0 against the ideal Q, the ideal experiment against LmgDynamicsCompute. */
static PetscErrorCode Models(LmgConfig *cfg, PetscInt N)
{
  LmgSpectrum   sp;
  LmgDynamics   df, dk, d0, ds;
  LmgExperiment x = LMG_EXPERIMENT_IDEAL;
  char          msg[256];
  PetscReal     err;
  PetscFunctionBeginUser;
  cfg->spec.nev = N + 1;
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg->spec, N, 0.8, NULL, &sp));
  x.bias = 0.7 * sp.dE / (2 * sp.J01), x.sigma = 3;
  for (PetscInt g = 0; g < 2; g++) {
    PetscCall(LmgDynamicsComputeAt(PETSC_COMM_SELF, &cfg->dyn, &sp, g ? 1.5 : 0, 0, &x, NULL, &df));
    PetscCall(LmgDynamicsComputeAt(PETSC_COMM_SELF, &cfg->dyn, &sp, g ? 1.5 : 0, N + 1, &x, NULL, &dk));
    err = MaxDK3(&df, &dk, cfg->dyn.ntau);
    /* the full space's stepper at rtol 1e-8 (rho) and 1e-7 (Q_H) over ~100 steps; the k-level model far tighter */
    snprintf(msg, sizeof msg, "N=%d, gamma=%g, bias 0.7 h1, sigma 3: k = N+1 (%s) equals full (%s) on the tau grid, max diff %.1e", (int)N, g ? 1.5 : 0.0, dk.integrator, df.integrator, (double)err);
    LMG_TEST(msg, df.status == LMG_DONE && dk.status == LMG_DONE && err < 1e-6 && df.K3_opt < 1.5);
    PetscCall(LmgDynamicsDestroy(&df));
    PetscCall(LmgDynamicsDestroy(&dk));
  }
  for (PetscInt level = 0; level <= 5; level += 5) {
    LmgExperiment s = LMG_EXPERIMENT_IDEAL, z = LMG_EXPERIMENT_IDEAL;
    s.sigma = 1e-3;
    PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg->dyn, &sp, 0.5, level, NULL, &d0));
    PetscCall(LmgDynamicsComputeAt(PETSC_COMM_SELF, &cfg->dyn, &sp, 0.5, level, &s, NULL, &ds));
    err = MaxDK3(&d0, &ds, cfg->dyn.ntau);
    /* erf(sqrt2 m/sigma) and Phi(2m/sigma) are 0 or 1 in double precision at |m| >= 1/2: the ideal maps for odd N;
       for even N the m = 0 state reads +-1 at random instead of 0 */
    snprintf(msg, sizeof msg, "N=%d, %s: sigma 1e-3 against the ideal measurement, max diff %.1e", (int)N, level ? "k=5" : "full", (double)err);
    LMG_TEST(msg, d0.status == LMG_DONE && ds.status == LMG_DONE && (N % 2 ? err < 1e-12 : err > 1e-6));
    PetscCall(LmgDynamicsDestroy(&ds));
    PetscCall(LmgDynamicsComputeAt(PETSC_COMM_SELF, &cfg->dyn, &sp, 0.5, level, &z, NULL, &ds));
    snprintf(msg, sizeof msg, "N=%d, %s: the ideal experiment gives today's record bit for bit", (int)N, level ? "k=5" : "full");
    LMG_TEST(msg, ds.status == LMG_DONE && d0.K3_opt == ds.K3_opt && !memcmp(d0.K3, ds.K3, cfg->dyn.ntau * sizeof(PetscReal)) && ds.bias == 0);
    PetscCall(LmgDynamicsDestroy(&ds));
    PetscCall(LmgDynamicsDestroy(&d0));
  }
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Tr M(X) = Tr[(E+ - E-) X] = Tr[Q_sigma X] for a Hermitian X in the k = N+1 model with a bias (a truncation keeps
   (P K P)^2 != P K^2 P, and the identity only on the whole space). */
static PetscErrorCode Measure(LmgConfig *cfg)
{
  LmgSpectrum  sp;
  LmgLiouville L;
  PetscScalar *X, *Y, tm = 0, tq = 0;
  PetscInt     k = 13;
  char         msg[160];
  PetscFunctionBeginUser;
  cfg->spec.nev = k;
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg->spec, k - 1, 0.8, NULL, &sp));
  PetscCall(LmgLiouvilleCreate(PETSC_COMM_SELF, &sp, k, 0.1, PETSC_FALSE, &L));
  PetscCall(LmgLiouvilleSetStaticBias(L, 0.4 * sp.dE / (2 * sp.J01)));
  PetscCall(LmgLiouvilleSetDetection(L, 2.5));
  PetscCall(PetscMalloc2(k * k, &X, k * k, &Y));
  for (PetscInt b = 0; b < k; b++)
    for (PetscInt a = 0; a < k; a++) X[a + k * b] = PetscCosReal(a + 2.0 * b) + PetscCosReal(b + 2.0 * a) + PETSC_i * (PetscSinReal(a - 3.0 * b) - PetscSinReal(b - 3.0 * a));
  PetscCall(LmgLiouvilleMeasure(L, X, Y));
  for (PetscInt a = 0; a < k; a++) tm += Y[a + k * a];
  for (PetscInt a = 0; a < k; a++)
    for (PetscInt c = 0; c < k; c++) tq += L->Q[a + k * c] * X[c + k * a];
  snprintf(msg, sizeof msg, "N=12, k=13, bias 0.4 h1, sigma 2.5: Tr M(X) = %.12f, Tr[Q_sigma X] = %.12f", (double)PetscRealPart(tm), (double)PetscRealPart(tq));
  LMG_TEST(msg, PetscAbsScalar(tm - tq) < 1e-12 * k * k && PetscAbsReal(PetscRealPart(tq)) > 1e-3 && L->rotated);
  PetscCall(PetscFree2(X, Y));
  PetscCall(LmgLiouvilleDestroy(&L));
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  LmgConfig cfg;
  int       rc;
  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCall(Config(&cfg, 8));
  PetscCall(ClosedForms(&cfg));
  PetscCall(LmgConfigDestroy(&cfg));
  PetscCall(Config(&cfg, 8));
  cfg.dyn.ntau = 20; /* the grid 0.1 .. 2 tau_opt, 20 points, in place of the default's first 20 */
  for (PetscInt i = 0; i < 20; i++) cfg.dyn.tau[i] = 0.1 * (i + 1);
  PetscCall(Models(&cfg, 15));
  PetscCall(Models(&cfg, 14));
  PetscCall(Measure(&cfg));
  PetscCall(LmgConfigDestroy(&cfg));
  rc = LmgTestSummary(PETSC_COMM_SELF);
  PetscCall(SlepcFinalize());
  return rc;
}
