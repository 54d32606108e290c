/* One full-space record computed by a team (all ranks of the run; make check runs it on 1-4 oversubscribed ranks)
   against the same record on one rank: the distributed Liouvillian (both pictures,
   both directions, with a bias; the whole matrices and the packed lower triangles against one rank's whole matrices,
   whose folds are an independent route to [A, x]), the states and observables, and K3 at N = 20, 61, 150 (equal to 1e-10), which the
   one-rank path meets against the independent k = N+1 model (dense, from SLEPc's eigenvectors; test_dynamics); and a
   Landau-Zener sweep of rho (N = 61, gamma_phi = 0.05); the decoherence modes (N = 40, 100) to the eigensolver's
   tolerance. */
#include <math.h>
#include "lmg/config.h"
#include "lmg/lz.h"
#include "lmg/rates.h"
#include "lmgtest.h"

static PetscReal Bias(PetscReal t, void *ctx)
{
  (void)ctx;
  return 300 * PetscSinReal(40 * t);
}

/* a Hermitian matrix with entries of every size, the same for any layout: this rank's columns */
static PetscErrorCode Fill(LmgLiouville L, Vec x)
{
  const PetscInt n = L->n;
  PetscScalar   *X;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayWrite(x, &X));
  for (PetscInt b = 0; b < L->cols.nc; b++)
    for (PetscInt a = L->cols.lower ? L->cols.c0 + b : 0; a < n; a++) {
      PetscInt  B = L->cols.c0 + b, i = PetscMin(a, B), j = PetscMax(a, B);
      PetscReal re = PetscSinReal(1.3 * i + 0.7 * j * j), im = a == B ? 0 : PetscCosReal(0.3 * i * j + 2.1 * j);
      X[LmgColumnsIndex(&L->cols, a, b)] = PetscExpReal(-0.05 * (i + j)) * (re + (a < B ? 1 : -1) * PETSC_i * im);
    }
  PetscCall(VecRestoreArrayWrite(x, &X));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* max |x_team - x_one| over the team's layout (whole or packed) / max |x_one| (x_one: the whole matrix on this rank) */
static PetscErrorCode Compare(LmgLiouville T, Vec xt, Vec x1, PetscReal *err)
{
  const PetscScalar *a, *b;
  PetscReal          e[2] = {0, 0};
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(xt, &a));
  PetscCall(VecGetArrayRead(x1, &b));
  for (PetscInt j = 0; j < T->cols.nc; j++)
    for (PetscInt i = T->cols.lower ? T->cols.c0 + j : 0; i < T->n; i++) e[0] = PetscMax(e[0], PetscAbsScalar(a[LmgColumnsIndex(&T->cols, i, j)] - b[i + T->n * (T->cols.c0 + j)]));
  for (PetscInt i = 0; i < T->n * T->n; i++) e[1] = PetscMax(e[1], PetscAbsScalar(b[i]));
  PetscCall(VecRestoreArrayRead(xt, &a));
  PetscCall(VecRestoreArrayRead(x1, &b));
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, e, 2, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  *err = e[0] / e[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

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
  char        msg[512], err[LMG_ERR_LEN];
  PetscMPIInt size;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(LmgConfigLoad(PETSC_COMM_SELF, &cfg, err));
  cfg.spec.nev = 4;

  /* the operator and the states, team against one rank's whole matrices */
  for (PetscInt k = 0; k < 4; k++) {
    const PetscInt  N  = k % 2 ? 150 : 61;
    const PetscBool lw = (PetscBool)(k >= 2);
    const char     *how = lw ? "packed lower triangles" : "whole matrices";
    LmgLiouville    T, O;
    Vec             xt, yt, x1, y1, rt, r1;
    PetscReal       e = 0, d, v[2][6], psi[151], herr[2];
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, N, 0.95, NULL, &sp));
    PetscCall(LmgLiouvilleCreate(PETSC_COMM_WORLD, &sp, 0, 0.5, lw, &T));
    PetscCall(LmgLiouvilleCreate(PETSC_COMM_SELF, &sp, 0, 0.5, PETSC_FALSE, &O));
    PetscCall(LmgLiouvilleSetBias(T, Bias, NULL));
    PetscCall(LmgLiouvilleSetBias(O, Bias, NULL));
    PetscCall(LmgLiouvilleCreateVec(T, &xt));
    PetscCall(VecDuplicate(xt, &yt));
    PetscCall(VecDuplicate(xt, &rt));
    PetscCall(LmgLiouvilleCreateVec(O, &x1));
    PetscCall(VecDuplicate(x1, &y1));
    PetscCall(VecDuplicate(x1, &r1));
    PetscCall(Fill(T, xt));
    PetscCall(Fill(O, x1));
    for (PetscInt k = 0; k < 4; k++) { /* L and L^dagger, in the lab frame and the interaction picture at t */
      PetscBool adj = (PetscBool)(k % 2);
      if (k < 2) {
        PetscCall(LmgLiouvilleApplyAt(T, adj, 1e-3, xt, yt));
        PetscCall(LmgLiouvilleApplyAt(O, adj, 1e-3, x1, y1));
      } else {
        PetscCall(LmgLiouvilleInteraction(T, adj, 2e-3, 0.7, xt, yt));
        PetscCall(LmgLiouvilleInteraction(O, adj, 2e-3, 0.7, x1, y1));
      }
      PetscCall(Compare(T, yt, y1, &d));
      e = PetscMax(e, d);
    }
    snprintf(msg, sizeof msg, "N=%d, %d rank(s), %s: L and L^dagger with a bias, lab frame and interaction picture, equal one rank's (max %.1e relative < 1e-13)", (int)N, (int)size, how, (double)e);
    LMG_TEST_TEAM(msg, e < 1e-13);
    /* states and observables on a rho spread over a few dozen levels (the correlator's support) */
    PetscCall(LmgLiouvilleInitial(T, "pointer", 0, rt));
    PetscCall(LmgLiouvilleInitial(O, "pointer", 0, r1));
    for (PetscInt s = 0; s < 3; s++) {
      PetscCall(LmgLiouvilleInteraction(T, PETSC_FALSE, 1e-3, 1e-3, rt, yt));
      PetscCall(VecAXPY(rt, 1, yt));
      PetscCall(LmgLiouvilleInteraction(O, PETSC_FALSE, 1e-3, 1e-3, r1, y1));
      PetscCall(VecAXPY(r1, 1, y1));
    }
    PetscCall(LmgLiouvilleGround(O, 200, psi));
    for (PetscInt m = 0; m < 2; m++) {
      LmgLiouville L = m ? O : T;
      Vec          r = m ? r1 : rt, x = m ? x1 : xt;
      v[m][4] = 0, v[m][5] = 0, herr[m] = 0;
      PetscCall(LmgLiouvilleExpect(L, r, psi, &v[m][0], &v[m][1], &v[m][2]));
      PetscCall(LmgLiouvilleCorrelate(L, x, r, &v[m][3]));
      PetscCall(LmgLiouvilleExpectQ(L, psi, &v[m][4]));
      PetscCall(LmgLiouvilleDiagnose(L, x, &v[m][5], &d));
      PetscCall(VecScale(x, PETSC_i)); /* i x: anti-Hermitian, |i x - (i x)^dagger| = 2 |x| */
      PetscCall(LmgLiouvilleDiagnose(L, x, &d, &herr[m]));
      PetscCall(VecScale(x, -PETSC_i));
    }
    e = 0;
    for (PetscInt i = 0; i < 6; i++) e = PetscMax(e, PetscAbsReal(v[0][i] - v[1][i]) / PetscMax(1, PetscAbsReal(v[1][i])));
    snprintf(msg, sizeof msg, "N=%d, %d rank(s), %s: Tr rho %.12f, Tr Q rho %.3e, <psi|rho|psi> %.3e, Tr[x Q rho] %.6e, <psi|Q|psi> %.6f, |Tr x - 1| %.3e equal one rank's (max %.1e < 1e-13)", (int)N, (int)size, how, (double)v[0][0], (double)v[0][1], (double)v[0][2], (double)v[0][3], (double)v[0][4], (double)v[0][5], (double)e);
    LMG_TEST_TEAM(msg, e < 1e-13);
    if (!lw) { /* (a packed triangle is Hermitian by construction) */
      snprintf(msg, sizeof msg, "N=%d, %d rank(s): the Hermiticity error of an anti-Hermitian matrix, %.6f, equals one rank's %.6f", (int)N, (int)size, (double)herr[0], (double)herr[1]);
      LMG_TEST_TEAM(msg, PetscAbsReal(herr[0] - herr[1]) < 1e-13 * herr[1] && herr[1] > 1);
    }
    if (!lw) { /* one entry rho_{5,40} = 1 and its mirror 0: row 5 is outside the support, which the team's check must see */
      PetscScalar *X;
      PetscReal    h = 0;
      PetscCall(VecZeroEntries(xt));
      PetscCall(VecGetArray(xt, &X));
      if (40 >= T->cols.c0 && 40 < T->cols.c0 + T->cols.nc) X[5 + T->n * (40 - T->cols.c0)] = 0.25;
      if (3 >= T->cols.c0 && 3 < T->cols.c0 + T->cols.nc) X[3 + T->n * (3 - T->cols.c0)] = 1;
      PetscCall(VecRestoreArray(xt, &X));
      PetscCall(LmgLiouvilleDiagnose(T, xt, &d, &h));
      snprintf(msg, sizeof msg, "N=%d, %d rank(s): a non-Hermitian entry outside the support is seen: error %.17g (0.25)", (int)N, (int)size, (double)h);
      LMG_TEST_TEAM(msg, PetscAbsReal(h - 0.25) <= 1e-16);
    }
    PetscCall(VecDestroy(&xt));
    PetscCall(VecDestroy(&yt));
    PetscCall(VecDestroy(&rt));
    PetscCall(VecDestroy(&x1));
    PetscCall(VecDestroy(&y1));
    PetscCall(VecDestroy(&r1));
    PetscCall(LmgLiouvilleDestroy(&T));
    PetscCall(LmgLiouvilleDestroy(&O));
    PetscCall(LmgSpectrumDestroy(&sp));
  }

  /* K3 of the full space by a team equals one rank's to 1e-10 (and the team's trace and Hermiticity errors stay small) */
  {
    const PetscInt  Ns[] = {20, 61, 150};
    const PetscReal Gs[] = {0.9, 0.95, 0.95}, gs[] = {0.5, 0.05, 0.5};
    for (PetscInt i = 0; i < 3; i++) {
      LmgDynamics dt, d1;
      PetscReal   e;
      PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, Ns[i], Gs[i], NULL, &sp));
      PetscCall(LmgDynamicsCompute(PETSC_COMM_WORLD, &cfg.dyn, &sp, gs[i], 0, NULL, &dt));
      PetscCall(LmgDynamicsCompute(PETSC_COMM_SELF, &cfg.dyn, &sp, gs[i], 0, NULL, &d1));
      e = MaxDK3(&dt, &d1, cfg.dyn.ntau);
      snprintf(msg, sizeof msg, "N=%d, Gamma/J=%g, gamma_phi=%g, %d rank(s): K3 of the team equals one rank's (max |dK3| %.1e < 1e-10; K3_opt %.9f; %d vs %d steps; trace err %.1e, Hermiticity err %.1e)", (int)Ns[i], (double)Gs[i], (double)gs[i], (int)size, (double)e, (double)dt.K3_opt, (int)dt.steps, (int)d1.steps, (double)dt.trace_err, (double)dt.herm_err);
      LMG_TEST_TEAM(msg, dt.status == LMG_DONE && d1.status == LMG_DONE && e < 1e-10 && dt.trace_err < 1e-7 && dt.herm_err < 1e-12);
      PetscCall(LmgDynamicsDestroy(&dt));
      PetscCall(LmgDynamicsDestroy(&d1));
      PetscCall(LmgSpectrumDestroy(&sp));
    }
  }
  /* the decoherence modes of the full space by a team (SLEPc GD on the team's comm, the blocks' entries in each rank's
     columns) equal one rank's to the eigensolver's tolerance */
  for (PetscInt i = 0; i < 2; i++) {
    const PetscInt  Ns[] = {40, 100};
    const PetscReal Gs[] = {0.8, 0.95}, gs[] = {2, 0.05};
    LmgRates        rt, r1;
    PetscReal       e = 0, ev = 0, vt[7], v1[7];
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, Ns[i], Gs[i], NULL, &sp));
    PetscCall(LmgRatesCompute(PETSC_COMM_WORLD, &cfg.rates, &cfg.dyn, &sp, gs[i], 0, NULL, &rt));
    PetscCall(LmgRatesCompute(PETSC_COMM_SELF, &cfg.rates, &cfg.dyn, &sp, gs[i], 0, NULL, &r1));
    vt[0] = rt.rate_01[0], vt[1] = rt.rate_01[1], vt[2] = rt.rate_population, vt[3] = rt.liouvillian_gap, vt[4] = rt.weight_01[0], vt[5] = rt.population_overlap, vt[6] = rt.freq_01[0];
    v1[0] = r1.rate_01[0], v1[1] = r1.rate_01[1], v1[2] = r1.rate_population, v1[3] = r1.liouvillian_gap, v1[4] = r1.weight_01[0], v1[5] = r1.population_overlap, v1[6] = r1.freq_01[0];
    for (PetscInt k = 0; k < 7; k++) { /* eigenvalues (rates, frequency) to their residuals' reach; weights (k = 4, 5) */
      const PetscInt  j   = k == 2 ? LMG_RATE_POPULATION : k == 3 ? LMG_RATE_GAP : k == 1 ? 1 : 0; /* the mode of value k */
      const PetscReal lam = j < 2 ? PetscSqrtReal(PetscSqr(r1.rate_01[j]) + PetscSqr(r1.freq_01[j])) : PetscAbsReal(v1[k]);
      PetscReal       d;
      if (k == 4 || k == 5) d = PetscAbsReal(vt[k] - v1[k]) / PetscMax(PetscAbsReal(v1[k]), 1e-300);
      else d = PetscAbsReal(vt[k] - v1[k]) / (LmgEigenvalueReach(rt.residual[j], r1.residual[j]) * lam);
      if (!(d <= 1e300)) d = INFINITY; /* NaN */
      if (k == 4 || k == 5) ev = PetscMax(ev, d);
      else e = PetscMax(e, d);
    }
    snprintf(msg, sizeof msg, "N=%d, Gamma/J=%g, gamma_phi=%g, %d rank(s): the full-space rates %.9g, %.9g, population %.9g, gap %.9g (weight %.6f, overlap %.6f) equal one rank's (rates: max |difference| %.2f of what the residuals allow <= 1; weights %.1e < 1e-6; residuals %.1e, %.1e; %d vs %d products)", (int)Ns[i], (double)Gs[i], (double)gs[i], (int)size, (double)vt[0], (double)vt[1], (double)vt[2], (double)vt[3], (double)vt[4], (double)vt[5], (double)e, (double)ev, (double)rt.residual[0], (double)r1.residual[0], (int)rt.matvecs, (int)r1.matvecs);
    LMG_TEST_TEAM(msg, rt.status == LMG_DONE && r1.status == LMG_DONE && e <= 1 && ev < 1e-6);
    PetscCall(LmgSpectrumDestroy(&sp));
  }
  /* the Landau-Zener sweep of rho by a team equals one rank's: in the whole space distributed over the team, and on a
     window (the team's first rank computes it, every rank gets the record) */
  for (PetscInt m = 0; m < 2; m++) {
    LmgLz     rt, r1;
    PetscReal e;
    cfg.lz.win.method = m ? LMG_FULL_WINDOW : LMG_FULL_WHOLE;
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, 61, 0.95, NULL, &sp));
    PetscCall(LmgLzCompute(PETSC_COMM_WORLD, &cfg.lz, &cfg.dyn, &sp, 0.05, 0, 1.0, cfg.lz.tol, NULL, &rt));
    PetscCall(LmgLzCompute(PETSC_COMM_SELF, &cfg.lz, &cfg.dyn, &sp, 0.05, 0, 1.0, cfg.lz.tol, NULL, &r1));
    e = PetscMax(PetscAbsReal(rt.P_error - r1.P_error), PetscAbsReal(rt.P_not_ground - r1.P_not_ground));
    snprintf(msg, sizeof msg, "N=61 Landau-Zener sweep of rho (gamma_phi 0.05, t_q = t_LZ), %d rank(s), %s (window %d, bound %.1e): P_error %.9f, P_not_ground %.9f equal one rank's (max %.1e < 1e-10; %d vs %d steps)", (int)size, m ? "on a window" : "whole space", (int)rt.window, (double)rt.window_bound, (double)rt.P_error, (double)rt.P_not_ground, (double)e, (int)rt.steps, (int)r1.steps);
    LMG_TEST_TEAM(msg, rt.status == LMG_DONE && r1.status == LMG_DONE && e < 1e-10 && rt.window == r1.window && (m ? rt.window < 62 : rt.window == 62));
    PetscCall(LmgSpectrumDestroy(&sp));
  }
  PetscCall(LmgConfigDestroy(&cfg));
  int rc = LmgTestSummary(PETSC_COMM_WORLD);
  PetscCall(SlepcFinalize());
  return rc;
}
