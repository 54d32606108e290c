/* The full space on a window (window.h; the Landau-Zener sweep of rho): the window's eigenpairs and operators against
   the spectrum record's (SLEPc, an independent solver) and the identity B^T B = P Jz^2 P - (P Jz P)^2; projections and
   the Dicke-basis ground state; the sweep on a window against the whole space at N = 40, 61 (within the stored bound,
   the bound below -full_tol); a window forced small (its bound above its true error); the bound shrinking as the
   window grows. */
#include <math.h>
#include "lmg/config.h"
#include "lmg/dicke.h"
#include "lmg/window.h"
#include "lmgtest.h"

/* <psi|H0|psi> (rad/s) of a Dicke-basis state. */
static PetscReal Energy(PetscInt N, PetscReal g, PetscReal J, const PetscReal *psi)
{
  const PetscReal j = 0.5 * N;
  PetscReal       e = 0;
  for (PetscInt i = 0; i <= N; i++) {
    const PetscReal m = i - j;
    e += -2 * J * m * m / N * psi[i] * psi[i];
    if (i < N) e += -2 * g * J * PetscSqrtReal(j * (j + 1) - m * (m + 1)) * psi[i] * psi[i + 1];
  }
  return e;
}

static PetscErrorCode Operators(LmgConfig *cfg, PetscInt N, PetscReal g)
{
  LmgSpectrum sp;
  LmgWindow   w, all;
  PetscReal   eE = 0, eS = 0, eB = 0, edge, *psi, *c, rest, norm = 0, jj;
  PetscInt    K = 12;
  char        msg[400];
  PetscFunctionBeginUser;
  cfg->spec.nev = K;
  PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg->spec, N, g, NULL, &sp));
  PetscCall(LmgWindowCreate(&sp, K, &w));
  jj = w.jmax * w.jmax;
  for (PetscInt a = 0; a < K; a++) {
    PetscReal aa = 0;
    eE = PetscMax(eE, PetscAbsReal(w.E[a] - (a == 1 ? sp.dE : sp.E[a] - sp.E[0])) / (sp.J * N));
    eS = PetscMax(eS, PetscAbsReal(w.S[a + K * a] - sp.Jz2[a]) / jj);
    for (PetscInt c = 0; c < K; c++) aa += w.A[a + K * c] * w.A[c + K * a];
    eB = PetscMax(eB, PetscAbsReal(w.G[a + K * a] - (w.S[a + K * a] - aa)) / jj); /* |B e_a|^2 = (S - A A)_aa */
    if (w.p[a] != sp.parity[a]) eE = INFINITY;
  }
  edge = w.G[K - 1 + K * (K - 1)] / jj;
  /* SLEPc's vectors: residual 1e-10 |E| over an in-sector gap of ~|E|/50, sin theta < 5e-9: <Jz^2> within 1e-8 jmax^2,
     J01 and q01 within 1e-7 relative; its energies are Rayleigh quotients (squared: 1e-12 of J N) */
  snprintf(msg, sizeof msg, "N=%d g=%.2f window of %d (dstevr) against the spectrum (SLEPc): energies %.1e of J N (< 1e-12), Jz2 %.1e of jmax^2 (< 1e-8), |A01| %.10f = J01 %.10f, |Q01| %.8f = q01 (1e-7); |B e_a|^2 = (S - A A)_aa to %.1e of jmax^2 (< 1e-12), top level's %.1e", (int)N, (double)g, (int)K, (double)eE, (double)eS, (double)PetscAbsReal(w.A[1]), (double)sp.J01, (double)PetscAbsReal(w.Q[1]), (double)eB, (double)edge);
  LMG_TEST(msg, eE < 1e-12 && eS < 1e-8 && LMG_CLOSE(PetscAbsReal(w.A[1]), sp.J01, 1e-7) && LMG_CLOSE(PetscAbsReal(w.Q[1]), sp.q01, 1e-7) && eB < 1e-12 && edge > 1e-6);
  PetscCall(LmgWindowCreate(&sp, N + 1, &all));
  for (PetscInt i = 0; i < (N + 1) * (N + 1); i++) norm = PetscMax(norm, all.G[i] / jj);
  PetscCall(PetscMalloc2(N + 1, &psi, N + 1, &c));
  PetscCall(LmgDickeGround(N, g, sp.J, 0, psi));
  PetscCall(LmgWindowProject(&w, psi, c, &rest));
  {
    PetscReal s = rest * rest, r2;
    for (PetscInt a = 0; a < K; a++) s += c[a] * c[a];
    PetscCall(LmgWindowProject(&all, psi, c, &r2));
    snprintf(msg, sizeof msg, "N=%d: the whole space as a window leaks nothing (max |B^T B| %.1e of jmax^2 < 1e-20); the Dicke ground state: energy %.10f J = E0 %.10f J, |c|^2 + rest^2 - 1 = %.1e, rest %.1e on %d levels and %.1e on all", (int)N, (double)norm, (double)(Energy(N, g, sp.J, psi) / sp.J), (double)(sp.E[0] / sp.J), (double)(s - 1), (double)rest, (int)K, (double)r2);
    LMG_TEST(msg, norm < 1e-20 && LMG_CLOSE(Energy(N, g, sp.J, psi), sp.E[0], 1e-12) && PetscAbsReal(s - 1) < 1e-13 && r2 < 1e-13 && PetscAbsReal(c[0]) > 0.99);
  }
  PetscCall(PetscFree2(psi, c));
  PetscCall(LmgWindowDestroy(&w));
  PetscCall(LmgWindowDestroy(&all));
  PetscCall(LmgSpectrumDestroy(&sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Sweep(LmgConfig *cfg, const LmgSpectrum *sp, PetscInt method, PetscInt k0, PetscInt kmax, PetscReal ftol, PetscReal gphi, PetscInt level, PetscReal tq, PetscReal tol, LmgLz *r)
{
  PetscFunctionBeginUser;
  cfg->lz.win.method = method, cfg->lz.win.k0 = k0, cfg->lz.win.kmax = kmax, cfg->lz.win.tol = ftol;
  PetscCall(PetscMemzero(r, sizeof *r));
  PetscCall(LmgLzCompute(PETSC_COMM_SELF, &cfg->lz, &cfg->dyn, sp, gphi, level, tq, tol, NULL, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal Diff(const LmgLz *a, const LmgLz *b)
{
  return PetscMax(PetscAbsReal(a->P_error - b->P_error), PetscAbsReal(a->P_not_ground - b->P_not_ground));
}

int main(int argc, char **argv)
{
  LmgConfig   cfg;
  LmgSpectrum sp;
  LmgLz       r, q, s;
  char        msg[400], err[LMG_ERR_LEN];

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCall(LmgConfigLoad(PETSC_COMM_SELF, &cfg, err));
  PetscCall(Operators(&cfg, 40, 0.8));
  PetscCall(Operators(&cfg, 61, 0.95));

  /* the sweep: a window (default -full_tol 1e-8) against the whole space, both integrated at 1e-11 (the integrators'
     own errors, ~100 tol, stay below what is compared) */
  for (PetscInt i = 0; i < 4; i++) { /* N = 40: no window certifies below the cost cap (24 levels), the whole space does */
    const PetscInt  Ns[] = {40, 61, 61, 100};
    const PetscReal gs[] = {0.8, 0.95, 0.95, 0.95}, gp[] = {2, 0.05, 2, 0.05};
    cfg.spec.nev = 4;
    PetscCall(LmgSpectrumCompute(PETSC_COMM_SELF, &cfg.spec, Ns[i], gs[i], NULL, &sp));
    PetscCall(Sweep(&cfg, &sp, LMG_FULL_WINDOW, 16, 512, 1e-8, gp[i], 0, 1, 1e-11, &r));
    PetscCall(Sweep(&cfg, &sp, LMG_FULL_WHOLE, 16, 512, 1e-8, gp[i], 0, 1, 1e-11, &q));
    snprintf(msg, sizeof msg, "N=%d g=%.2f gphi=%g t_q=t_LZ: window of %d levels P_error %.10f, P_not_ground %.10f; whole (%d) %.10f, %.10f: |diff| %.1e <= bound %.1e + 1e-9 (integrators), bound <= 1e-8", (int)Ns[i], (double)gs[i], (double)gp[i], (int)r.window, (double)r.P_error, (double)r.P_not_ground, (int)q.window, (double)q.P_error, (double)q.P_not_ground, (double)Diff(&r, &q), (double)r.window_bound);
    LMG_TEST(msg, r.status == LMG_DONE && q.status == LMG_DONE && (i == 0 ? r.window == Ns[i] + 1 && r.window_bound == 0 : r.window < Ns[i] + 1) && q.window == Ns[i] + 1 && q.window_bound == 0 && r.window_bound <= 1e-8 && Diff(&r, &q) <= r.window_bound + 1e-9 && r.P_floor == r.P_floor && PetscAbsReal(r.P_floor - q.P_floor) < 1e-12);
    if (i == 0) { /* forced small windows: the bound above the true error, shrinking as the window grows */
      PetscReal b[4], e[4];
      PetscBool ok = PETSC_TRUE;
      for (PetscInt k = 0; k < 4; k++) {
        const PetscInt K = 6 + 4 * k;
        PetscCall(Sweep(&cfg, &sp, LMG_FULL_WINDOW, K, K, INFINITY, gp[i], 0, 1, 1e-11, &s)); /* any bound accepted */
        b[k] = s.window_bound, e[k] = Diff(&s, &q);
        ok = (PetscBool)(ok && s.status == LMG_DONE && s.window == K && e[k] <= b[k] && (k == 0 || b[k] < b[k - 1]));
      }
      snprintf(msg, sizeof msg, "N=40 g=0.8 gphi=2: windows of 6, 10, 14, 18 levels: true errors %.1e %.1e %.1e %.1e below their bounds %.1e %.1e %.1e %.1e, which shrink", (double)e[0], (double)e[1], (double)e[2], (double)e[3], (double)b[0], (double)b[1], (double)b[2], (double)b[3]);
      LMG_TEST(msg, ok && e[0] > 1e-4);
      PetscCall(Sweep(&cfg, &sp, LMG_FULL_WINDOW, 6, 12, 1e-8, gp[i], 0, 1, 1e-11, &s));
      snprintf(msg, sizeof msg, "no window up to -full_window_max certifies: the whole space computes it (window %d, bound %g, P_error %.10f = whole)", (int)s.window, (double)s.window_bound, (double)s.P_error);
      LMG_TEST(msg, s.status == LMG_DONE && s.window == 41 && s.window_bound == 0 && s.P_error == q.P_error);
      PetscCall(Sweep(&cfg, &sp, LMG_FULL_WINDOW, 16, 512, 1e-8, gp[i], 2, 1, 1e-11, &s));
      snprintf(msg, sizeof msg, "a k-level record has no window: window %d, bound %g", (int)s.window, (double)s.window_bound);
      LMG_TEST(msg, s.status == LMG_DONE && s.window == 0 && PetscIsNanReal(s.window_bound));
    }
    PetscCall(LmgSpectrumDestroy(&sp));
  }
  PetscCall(LmgConfigDestroy(&cfg));
  {
    int rc = LmgTestSummary(PETSC_COMM_WORLD);
    PetscCall(SlepcFinalize());
    return rc;
  }
}
