#include <string.h>
/* Grid: task index <-> (iN, iG) round trip over a 3x4 grid, and the cost ordering (larger N first, a permutation). */
#include "lmg/kind.h"
#include "lmgtest.h"

/* Checks that tasks[0..n) is a permutation of 0..n-1. */
static PetscBool IsPermutation(PetscInt n, const PetscInt *tasks)
{
  PetscInt seen[64] = {0};
  if (n > 64) return PETSC_FALSE;
  for (PetscInt i = 0; i < n; i++) {
    if (tasks[i] < 0 || tasks[i] >= n || seen[tasks[i]]) return PETSC_FALSE;
    seen[tasks[i]] = 1;
  }
  return PETSC_TRUE;
}

int main(int argc, char **argv)
{
  PetscInt  N[3] = {200, 1000, 100};           /* deliberately not sorted */
  PetscReal G[4] = {0.8, 0.95, 1.2, 0.5};
  LmgConfig cfg;
  PetscInt  hits[3][4] = {{0}}, tasks[12], n;
  PetscBool ok;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscMemzero(&cfg, sizeof cfg));
  cfg.nN = 3; cfg.N = N; cfg.nG = 4; cfg.gamma_over_J = G; cfg.spec.dE_max_bits = 1024; cfg.dyn.on = PETSC_TRUE; /* -dynamics (on by default) */

  /* --- round trip --- */
  n = LmgGridTaskCount(&cfg);
  LMG_TEST("3x4 grid: 12 tasks", n == 12);
  ok = PETSC_TRUE;
  for (PetscInt t = 0; t < n && t < 12; t++) {
    LmgTask task = LmgGridTask(&cfg, t);
    if (task.kind != LMG_KIND_SPECTRUM || task.iN < 0 || task.iN >= 3 || task.iG < 0 || task.iG >= 4 || task.group != t) ok = PETSC_FALSE;
    else hits[task.iN][task.iG]++;
  }
  LMG_TEST("every task: spectrum kind, indices in range, group == task id", ok);
  ok = PETSC_TRUE;
  for (PetscInt i = 0; i < 3; i++)
    for (PetscInt k = 0; k < 4; k++) ok = (PetscBool)(ok && hits[i][k] == 1);
  LMG_TEST("every (iN, iG) exactly once", ok);

  /* --- cost ordering --- */
  for (PetscInt t = 0; t < 12; t++) tasks[t] = t;
  PetscCall(LmgGridOrderByCost(&cfg, 12, tasks));
  LMG_TEST("order by cost: a permutation of 0..11", IsPermutation(12, tasks));
  /* at each Gamma/J, the larger N comes first */
  ok = PETSC_TRUE;
  for (PetscInt a = 0; a < 12; a++)
    for (PetscInt b = a + 1; b < 12; b++) {
      LmgTask ta = LmgGridTask(&cfg, tasks[a]), tb = LmgGridTask(&cfg, tasks[b]);
      if (ta.iG == tb.iG && N[ta.iN] < N[tb.iN]) ok = PETSC_FALSE;
    }
  LMG_TEST("order by cost: at fixed Gamma/J, larger N first", ok);
  /* the largest N (1000) with the deepest doublet (g = 0.5) is the costliest of all */
  {
    LmgTask first = LmgGridTask(&cfg, tasks[0]);
    LMG_TEST("order by cost: N=1000, g=0.5 first", N[first.iN] == 1000 && G[first.iG] == 0.5);
  }
  ok = PETSC_TRUE;
  for (PetscInt a = 0; a + 1 < 12; a++) ok = (PetscBool)(ok && LmgGridTaskCost(&cfg, tasks[a]) >= LmgGridTaskCost(&cfg, tasks[a + 1]));
  LMG_TEST("order by cost: cost non-increasing", ok);

  /* Gamma/J >= 1 only (no tunnelling doublet): the order is by N alone, ties by task id (stable) */
  {
    PetscReal G2[4] = {1.0, 1.1, 1.5, 2.0};
    PetscInt  ref[12];
    cfg.gamma_over_J = G2;
    for (PetscInt t = 0; t < 12; t++) tasks[t] = 11 - t;
    PetscCall(LmgGridOrderByCost(&cfg, 12, tasks));
    /* hand-made reference: N = 1000 (iN 1) tasks 4..7, then N = 200 (iN 0) tasks 0..3, then N = 100 (iN 2) tasks 8..11 */
    for (PetscInt k = 0; k < 4; k++) {
      ref[k]     = 4 + k;
      ref[4 + k] = k;
      ref[8 + k] = 8 + k;
    }
    ok = PETSC_TRUE;
    for (PetscInt t = 0; t < 12; t++) ok = (PetscBool)(ok && tasks[t] == ref[t]);
    LMG_TEST("Gamma/J >= 1: sorted by N descending, ties by task id", ok);
    cfg.gamma_over_J = G;
  }

  /* a subset of the tasks (as after -resume) stays a permutation of that subset */
  {
    PetscInt sub[5] = {11, 2, 7, 0, 5}, cnt[12] = {0};
    PetscCall(LmgGridOrderByCost(&cfg, 5, sub));
    ok = PETSC_TRUE;
    for (PetscInt i = 0; i < 5; i++) cnt[sub[i]]++;
    ok = (PetscBool)(cnt[11] == 1 && cnt[2] == 1 && cnt[7] == 1 && cnt[0] == 1 && cnt[5] == 1);
    LMG_TEST("subset of 5 tasks: a permutation of the subset", ok);
  }

  /* with dynamics and threshold records: round trip over all kinds; groups contiguous, each led by its spectrum */
  {
    PetscReal P[2]  = {0.0, 0.05};
    PetscInt  L[3]  = {2, 5, 0}, all[3 * 4 * (1 + 2 * 3 + 3)], seen[3 * 4] = {0}, count[3][3][4] = {{{0}}};
    PetscBool contiguous = PETSC_TRUE, lead = PETSC_TRUE, kinds = PETSC_TRUE;
    cfg.gamma_over_J = G;
    cfg.nGphi = 2, cfg.gamma_phi = P, cfg.nLevel = 3, cfg.level = L;
    n = LmgGridTaskCount(&cfg);
    for (PetscInt t = 0; t < n; t++) {
      LmgTask x = LmgGridTask(&cfg, t);
      all[t]    = t;
      count[x.kind][x.iN][x.iG]++;
      kinds = (PetscBool)(kinds && x.group == x.iN * 4 + x.iG && (x.kind == LMG_KIND_SPECTRUM) == (x.iL < 0) && (x.kind == 1 /* dynamics */) == (x.iP >= 0));
    }
    for (PetscInt i = 0; i < 3; i++)
      for (PetscInt g = 0; g < 4; g++) kinds = (PetscBool)(kinds && count[0][i][g] == 1 && count[1][i][g] == 6 && count[2][i][g] == 3);
    LMG_TEST("all kinds: 120 tasks, per (N, G) 1 spectrum, 6 dynamics (2 gamma_phi x 3 levels), 3 threshold records", n == 120 && kinds);
    PetscCall(LmgGridOrderByCost(&cfg, n, all));
    for (PetscInt i = 0; i < n; i++) {
      LmgTask x = LmgGridTask(&cfg, all[i]);
      if (i == 0 || LmgGridTask(&cfg, all[i - 1]).group != x.group) {
        contiguous = (PetscBool)(contiguous && !seen[x.group]);
        lead       = (PetscBool)(lead && x.kind == LMG_KIND_SPECTRUM);
        seen[x.group] = 1;
      }
    }
    LMG_TEST("order: each (N, Gamma/J) group contiguous and led by its spectrum record", contiguous && lead);
  }

  { /* the key that groups record messages: numbers and inf/nan masked, digits inside words kept */
    const char *in[][2] = {
      {"double precision leaves K3 uncertain by up to 6.6e-03 over 2 tau_max = 9.9e+09 s (the level energies' share: 1.3e-09)", "double precision leaves K3 uncertain by up to # over # tau_max = # s (the level energies' share: #)"},
      {"level k = 30 exceeds N+1 = 21", "level k = # exceeds N+1 = #"},
      {"rho01 rate -122.5618, J01 = .5, E = -1E+5, bound inf, x nan; info and nano kept", "rho01 rate #, J01 = #, E = #, bound #, x #; info and nano kept"},
      {"needs ~1.2e+07 time steps (5 h) > -dyn_max_steps 100", "needs ~# time steps (# h) > -dyn_max_steps #"},
    };
    char      key[LMG_MSG_LEN];
    PetscBool same = PETSC_TRUE;
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
      LmgMessageKey(in[i][0], key, sizeof key);
      if (!strcmp(key, in[i][1])) continue;
      same = PETSC_FALSE;
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "  key of '%s': '%s'\n", in[i][0], key));
    }
    LMG_TEST("message keys: numbers, inf and nan masked; K3, rho01, J01, N+1, info, nano kept", same);
  }
  {
    PetscReal G[1] = {0.95}, P[1] = {0.05};
    PetscInt  Ns[1] = {370}, L[2] = {5, 0};
    char      at[128], full[128];
    LmgTask   t;
    cfg.nN = 1, cfg.N = Ns, cfg.nG = 1, cfg.gamma_over_J = G, cfg.nGphi = 1, cfg.gamma_phi = P, cfg.nLevel = 2, cfg.level = L;
    t = LmgGridTask(&cfg, 1); /* the first dynamics record: level 5 */
    LmgGridTaskWhere(&cfg, &t, at, sizeof at);
    t = LmgGridTask(&cfg, 2);
    LmgGridTaskWhere(&cfg, &t, full, sizeof full);
    LMG_TEST("where a record lies: 'N = 370, Gamma/J = 0.95, gamma_phi = 0.05, level 5' and '..., full'", !strcmp(at, "N = 370, Gamma/J = 0.95, gamma_phi = 0.05, level 5") && !strcmp(full, "N = 370, Gamma/J = 0.95, gamma_phi = 0.05, full"));
  }

  int rc = LmgTestSummary(PETSC_COMM_WORLD);
  PetscCall(SlepcFinalize());
  return rc;
}
