/* Grid: the axes (read from -N, -gamma_over_J, -gamma_phi, -levels), flat task index <-> record of a kind, and the
   cost order the master hands records out in. */
#include <math.h>
#include <string.h>
#include "lmg/kind.h"
#include "lmg/options.h"

static const LmgOption opts[] = {
  {"-N", "370", "Atom numbers N (integers >= 2): a list 100,200,370, a range a:b:n (n points, ends included) or log:a:b:n"},
  {"-gamma_over_J", "0.95", "Transverse field ratios Gamma/J (> 0): list, a:b:n or log:a:b:n"},
  {"-gamma_phi", "0.05", "Collective dephasing rates gamma_phi in 1/s (>= 0): list, a:b:n or log:a:b:n"},
  {"-levels", "2,3,5,10", "Models of the dynamics: k-level truncations (integers k >= 2) and/or full (the whole Dicke space); none: spectra only"},
  {"-bias", "0", "Static longitudinal biases h (H - h Jz) in units of h1 = dE/(2 J01) of each (N, Gamma/J) (finite, |bias| <= 1e6): list, a:b:n; given, it is an axis of /dynamics and /threshold"},
  {"-detect_sigma", "0", "Detection resolutions sigma, atoms of imbalance N_up - N_down (>= 0; 0 the ideal sign(Jz)): list, a:b:n or log:a:b:n; given, it is an axis of /dynamics and /threshold"},
};
const LmgOptionTable LmgGridOptionTable = LMG_TABLE("The grid (every combination is computed)", opts);

static int CompareReal(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

/* -N: integers >= 2. */
static int CheckN(const char *text, LmgConfig *cfg, char *err)
{
  PetscReal *v;
  char       why[256];
  char q[104];
  if (LmgRangeParse(text, &cfg->nN, &v, why, sizeof why)) return snprintf(err, LMG_ERR_LEN, "-N %s: %s", LmgQuote(text, q, sizeof q), why), 1;
  cfg->N = (PetscInt *)malloc((size_t)cfg->nN * sizeof(PetscInt));
  for (PetscInt i = 0; i < cfg->nN; i++) {
    if (PetscAbsReal(v[i] - round(v[i])) > 1e-9 * v[i] || v[i] < 2 || v[i] > 1e8) { /* a:b:n steps land within rounding */
      snprintf(err, LMG_ERR_LEN, "-N %s: %.17g is not an integer from 2 to 100000000", LmgQuote(text, q, sizeof q), (double)v[i]);
      free(v);
      return 1;
    }
    cfg->N[i] = (PetscInt)round(v[i]);
    v[i]      = (PetscReal)cfg->N[i];
  }
  qsort(v, (size_t)cfg->nN, sizeof *v, CompareReal); /* a list and a range may meet in one integer */
  for (PetscInt i = 1; i < cfg->nN; i++)
    if (v[i] == v[i - 1]) {
      snprintf(err, LMG_ERR_LEN, "-N %s: %.0f is listed twice", LmgQuote(text, q, sizeof q), (double)v[i]);
      free(v);
      return 1;
    }
  free(v);
  return 0;
}

/* -levels: integers >= 2 or `full` (stored as 0), no repeats; `none` alone: no dynamics. */
static int CheckLevels(const char *text, LmgConfig *cfg, char *err)
{
  char *buf = strdup(text), *save = NULL, *item;
  int   bad = 0;
  cfg->nLevel = 0;
  cfg->level  = (PetscInt *)malloc((strlen(text) / 2 + 2) * sizeof(PetscInt));
  if (!strcmp(text, "none")) {
    free(buf);
    return 0;
  }
  char q[104];
  if (text[0] == '\0' || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,")) bad = snprintf(err, LMG_ERR_LEN, "-levels %s: an empty list or an empty item", LmgQuote(text, q, sizeof q)) > 0;
  for (item = bad ? NULL : strtok_r(buf, ",", &save); item && !bad; item = strtok_r(NULL, ",", &save)) {
    double   v;
    PetscInt k;
    if (!strcmp(item, "full")) k = 0;
    else if (LmgParseNumber(item, &v) && v == floor(v) && v >= 2 && v <= 1e8) k = (PetscInt)v;
    else {
      bad = snprintf(err, LMG_ERR_LEN, "-levels %s: unknown level '%.40s' (an integer k >= 2, or full; none alone for spectra only)", LmgQuote(text, q, sizeof q), item) > 0;
      break;
    }
    for (PetscInt i = 0; i < cfg->nLevel; i++)
      if (cfg->level[i] == k) bad = snprintf(err, LMG_ERR_LEN, "-levels %s: level '%.40s' is listed twice", LmgQuote(text, q, sizeof q), item) > 0;
    cfg->level[cfg->nLevel++] = k;
  }
  free(buf);
  return bad;
}

/* Gamma/J up to 1e12 (beyond, (Gamma N)^2 overflows in the sector matrices' Sturm counts); gamma_phi up to 1e30 1/s. */
PetscErrorCode LmgGridSetFromOptions(LmgConfig *cfg, char *err)
{
  const char *t[6];
  PetscBool   set[6];
  PetscFunctionBeginUser;
  for (int i = 0; i < 6; i++) PetscCall(LmgOptionsText(&opts[i], &t[i], &set[i]));
  if (!err[0]) CheckN(t[0], cfg, err);
  if (!err[0]) PetscCall(LmgOptionsList(&opts[1], 0, PETSC_TRUE, 1e12, &cfg->nG, &cfg->gamma_over_J, err));
  if (!err[0]) PetscCall(LmgOptionsList(&opts[2], 0, PETSC_FALSE, 1e30, &cfg->nGphi, &cfg->gamma_phi, err));
  if (!err[0]) CheckLevels(t[3], cfg, err);
  if (!err[0]) PetscCall(LmgOptionsList(&opts[4], -1e6, PETSC_FALSE, 1e6, &cfg->nBias, &cfg->bias, err));
  if (!err[0]) PetscCall(LmgOptionsList(&opts[5], 0, PETSC_FALSE, 1e9, &cfg->nSigma, &cfg->sigma, err));
  cfg->experiment = (PetscBool)(set[4] || set[5]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

LmgAxisInfo LmgGridAxis(const LmgConfig *cfg, LmgAxis a)
{
  static const PetscReal zero[1] = {0}; /* the ideal experiment of a configuration without those axes */
  LmgAxisInfo x = {NULL, "1", NULL, 0, NULL, NULL};
  switch (a) {
  case LMG_AX_N: x = (LmgAxisInfo){"N", "1", "number of atoms (spin-1/2 particles) N", cfg->nN, NULL, cfg->N}; break;
  case LMG_AX_G: x = (LmgAxisInfo){"gamma_over_J", "1", "transverse field ratio Gamma/J", cfg->nG, cfg->gamma_over_J, NULL}; break;
  case LMG_AX_P: x = (LmgAxisInfo){"gamma_phi", "1/s", "collective dephasing rate gamma_phi", cfg->nGphi, cfg->gamma_phi, NULL}; break;
  case LMG_AX_L: x = (LmgAxisInfo){"level", "1", "model: k of a k-level truncation, 0 for the full Dicke space", cfg->nLevel, NULL, cfg->level}; break;
  case LMG_AX_TQ: x = (LmgAxisInfo){"tq_over_tLZ", "1", "Landau-Zener quench time t_q in units of t_LZ = 8 h0 J01/(pi dE^2) of the record", cfg->lz.ntq, cfg->lz.tq, NULL}; break;
  case LMG_AX_B: x = (LmgAxisInfo){"bias_over_h1", "1", "static bias h in units of h1 = dE/(2 J01) of the record", cfg->nBias ? cfg->nBias : 1, cfg->nBias ? cfg->bias : zero, NULL}; break;
  case LMG_AX_S: x = (LmgAxisInfo){"detect_sigma", "atoms", "detection resolution sigma (atoms of imbalance N_up - N_down; 0: ideal)", cfg->nSigma ? cfg->nSigma : 1, cfg->nSigma ? cfg->sigma : zero, NULL}; break;
  case LMG_AX_TAU: x = (LmgAxisInfo){"tau_over_tau_opt", "1", "K3 interval tau in units of tau_opt = pi/(3 dE) of the record", cfg->dyn.ntau, cfg->dyn.tau, NULL}; break;
  case LMG_AX_EIG: x = (LmgAxisInfo){"eigen_index", "1", "index i of the eigenvalue E_i (ascending)", cfg->spec.nev, NULL, NULL}; break;
  case LMG_AX_DOUBLET: x = (LmgAxisInfo){"doublet", "1", "member of the ground doublet: 0 (E0), 1 (E1)", 2, NULL, NULL}; break;
  case LMG_AX_MODE: x = (LmgAxisInfo){"mode", "1", "Liouvillian mode carrying rho01: 0 the slower, 1 the faster", 2, NULL, NULL}; break;
  case LMG_AX_RATE: x = (LmgAxisInfo){"rate", "1", "exact rate: 0 slower rho01 mode, 1 faster rho01 mode, 2 population mode, 3 Liouvillian gap", LMG_NRATES, NULL, NULL}; break;
  case LMG_AX_TRACE: x = (LmgAxisInfo){"t_over_T2", "1", "time in units of T2 = 1/(gamma_phi G01) of the record", cfg->rates.ntrace, cfg->rates.trace_t, NULL}; break;
  default: break;
  }
  return x;
}

PetscInt LmgGridKindCount(const LmgConfig *cfg, PetscInt k)
{
  const LmgKind *kind = LmgKinds[k];
  PetscInt       n    = 1;
  if (!kind->enabled(cfg)) return 0;
  for (PetscInt a = 0; a < kind->naxes; a++) n *= LmgGridAxis(cfg, kind->axes[a]).n;
  return n;
}

PetscReal LmgGridRecords(const LmgConfig *cfg)
{
  PetscReal n = 0;
  for (PetscInt k = 0; k < LmgNKinds; k++) {
    PetscReal m = LmgKinds[k]->enabled(cfg) ? 1 : 0;
    for (PetscInt a = 0; a < LmgKinds[k]->naxes; a++) m *= (PetscReal)LmgGridAxis(cfg, LmgKinds[k]->axes[a]).n;
    n += m;
  }
  return n;
}

PetscInt LmgGridKindStart(const LmgConfig *cfg, PetscInt k)
{
  PetscInt t = 0;
  for (PetscInt i = 0; i < k; i++) t += LmgGridKindCount(cfg, i);
  return t;
}

PetscInt LmgGridTaskCount(const LmgConfig *cfg)
{
  return LmgGridKindStart(cfg, LmgNKinds);
}

LmgTask LmgGridTask(const LmgConfig *cfg, PetscInt t)
{
  LmgTask  task = {0, -1, -1, -1, -1, -1, 0, 0, -1, -1};
  PetscInt r    = t, nk;
  while (task.kind < LmgNKinds - 1 && r >= (nk = LmgGridKindCount(cfg, task.kind))) r -= nk, task.kind++;
  task.record = r;
  for (PetscInt a = LmgKinds[task.kind]->naxes - 1; a >= 0; a--) { /* C order: the last axis runs fastest */
    LmgAxis  ax = LmgKinds[task.kind]->axes[a];
    PetscInt n = LmgGridAxis(cfg, ax).n, i = r % n;
    r /= n;
    if (ax == LMG_AX_N) task.iN = i;
    else if (ax == LMG_AX_G) task.iG = i;
    else if (ax == LMG_AX_P) task.iP = i;
    else if (ax == LMG_AX_L) task.iL = i;
    else if (ax == LMG_AX_TQ) task.iT = i;
    else if (ax == LMG_AX_B) task.iB = i;
    else if (ax == LMG_AX_S) task.iS = i;
  }
  task.group = task.iN * cfg->nG + task.iG;
  return task;
}

PetscReal LmgGridTaskCost(const LmgConfig *cfg, PetscInt t)
{
  LmgTask task = LmgGridTask(cfg, t);
  return LmgKinds[task.kind]->cost(cfg, &task);
}

/* Order: the costliest (N, Gamma/J) group first, and within a group the spectrum record first, then its costliest
   records — with the scheduler's group affinity a team computes each spectrum once and reuses it. */
typedef struct {
  PetscInt  t, group, kind;
  PetscReal cost, group_cost;
} Key;

static int CompareKey(const void *a, const void *b)
{
  const Key *x = (const Key *)a, *y = (const Key *)b;
  if (x->group != y->group) return x->group_cost > y->group_cost ? -1 : x->group_cost < y->group_cost ? 1 : (x->group > y->group) - (x->group < y->group);
  if ((x->kind == LMG_KIND_SPECTRUM) != (y->kind == LMG_KIND_SPECTRUM)) return x->kind == LMG_KIND_SPECTRUM ? -1 : 1;
  return x->cost > y->cost ? -1 : x->cost < y->cost ? 1 : (x->t > y->t) - (x->t < y->t);
}

PetscErrorCode LmgGridOrderByCost(const LmgConfig *cfg, PetscInt n, PetscInt *tasks)
{
  PetscInt   nt = LmgGridTaskCount(cfg);
  PetscReal *gc;
  Key       *key;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(cfg->nN * cfg->nG, &gc));
  PetscCall(PetscMalloc1(n, &key));
  for (PetscInt t = 0; t < nt; t++) gc[LmgGridTask(cfg, t).group] += LmgGridTaskCost(cfg, t);
  for (PetscInt i = 0; i < n; i++) {
    LmgTask x = LmgGridTask(cfg, tasks[i]);
    key[i]    = (Key){tasks[i], x.group, x.kind, LmgGridTaskCost(cfg, tasks[i]), gc[x.group]};
  }
  qsort(key, (size_t)n, sizeof *key, CompareKey);
  for (PetscInt i = 0; i < n; i++) tasks[i] = key[i].t;
  PetscCall(PetscFree(key));
  PetscCall(PetscFree(gc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void LmgGridTaskWhere(const LmgConfig *cfg, const LmgTask *t, char *buf, size_t len)
{
  int o = snprintf(buf, len, "N = %" PetscInt_FMT ", Gamma/J = %g", cfg->N[t->iN], (double)cfg->gamma_over_J[t->iG]);
  if (t->iP >= 0) o += snprintf(buf + o, len - (size_t)o, ", gamma_phi = %g", (double)cfg->gamma_phi[t->iP]);
  if (t->iL >= 0 && cfg->level[t->iL]) o += snprintf(buf + o, len - (size_t)o, ", level %" PetscInt_FMT, cfg->level[t->iL]);
  else if (t->iL >= 0) o += snprintf(buf + o, len - (size_t)o, ", full");
  if (t->iT >= 0) o += snprintf(buf + o, len - (size_t)o, ", t_q/t_LZ = %g", (double)cfg->lz.tq[t->iT]);
  if (LmgConfigBias(cfg, t->iB) != 0 || cfg->nBias > 1) o += snprintf(buf + o, len - (size_t)o, ", bias %g h1", (double)LmgConfigBias(cfg, t->iB));
  if (LmgConfigSigma(cfg, t->iS) != 0 || cfg->nSigma > 1) snprintf(buf + o, len - (size_t)o, ", sigma %g atoms", (double)LmgConfigSigma(cfg, t->iS));
}

