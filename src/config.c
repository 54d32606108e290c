/* Options: read every option through the PETSc options database, parse ranges, validate,
   and describe the configuration as the canonical signature stored in the file. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include "lmg/config.h"

#define OPT_LEN 4096

static int ParseNumber(const char *s, double *v)
{
  char *end;
  errno = 0;
  *v    = strtod(s, &end);
  return end != s && *end == '\0' && errno == 0 && isfinite(*v);
}

/* Append values of one range item to vals (capacity grown as needed). */
static int ParseItem(char *item, PetscInt *n, PetscReal **vals, PetscInt *cap, char *why, size_t len)
{
  PetscBool lg = (PetscBool)(strncmp(item, "log:", 4) == 0);
  char     *s = lg ? item + 4 : item, *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  double    a, b, cnt;
  PetscInt  k, m = 1;

  if (!c1) {
    if (lg || !ParseNumber(s, &a)) return snprintf(why, len, "'%s' is not a number", item), 1;
    b = a;
  } else {
    if (!c2 || strchr(c2 + 1, ':')) return snprintf(why, len, "'%s' is not of the form a:b:n or log:a:b:n", item), 1;
    *c1 = *c2 = '\0';
    if (!ParseNumber(s, &a) || !ParseNumber(c1 + 1, &b) || !ParseNumber(c2 + 1, &cnt))
      return *c1 = *c2 = ':', snprintf(why, len, "'%s' has a part that is not a number", item), 1;
    *c1 = *c2 = ':';
    if (cnt < 1 || cnt != floor(cnt) || cnt > 1e6) return snprintf(why, len, "'%s': the point count must be an integer from 1 to 1e6", item), 1;
    if (cnt == 1 && a != b) return snprintf(why, len, "'%s': one point needs a == b", item), 1;
    if (lg && (a <= 0 || b <= 0)) return snprintf(why, len, "'%s': a log range needs positive ends", item), 1;
    m = (PetscInt)cnt;
  }
  if (*n + m > *cap) {
    *cap  = 2 * (*n + m);
    *vals = (PetscReal *)realloc(*vals, (size_t)*cap * sizeof(PetscReal));
  }
  for (k = 0; k < m; k++) {
    double t = m > 1 ? (double)k / (double)(m - 1) : 0.0;
    (*vals)[(*n)++] = lg ? a * pow(b / a, t) : (k == m - 1 ? b : a + (b - a) * t);
  }
  return 0;
}

int LmgRangeParse(const char *text, PetscInt *n, PetscReal **vals, char *why, size_t len)
{
  char    *buf = strdup(text), *save = NULL, *item;
  PetscInt cap = 0;
  int      bad = 0;

  *n    = 0;
  *vals = NULL;
  for (const char *p = text; *p; p++)
    if (isspace((unsigned char)*p)) bad = snprintf(why, len, "'%s' contains white space", text) > 0;
  if (!bad && (text[0] == '\0' || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,")))
    bad = snprintf(why, len, "'%s' is an empty list or has an empty item", text) > 0;
  for (item = bad ? NULL : strtok_r(buf, ",", &save); item && !bad; item = strtok_r(NULL, ",", &save)) bad = ParseItem(item, n, vals, &cap, why, len);
  free(buf);
  for (PetscInt i = 0; !bad && i < *n; i++)
    for (PetscInt k = 0; k < i && !bad; k++)
      if ((*vals)[i] == (*vals)[k]) bad = snprintf(why, len, "'%s' lists the value %g twice", text, (double)(*vals)[i]) > 0;
  if (bad) {
    free(*vals);
    *vals = NULL;
    *n    = 0;
  }
  return bad;
}

/* -N: integers >= 2. */
static int CheckN(const char *text, LmgConfig *cfg, char *err)
{
  PetscReal *v;
  char       why[256];
  if (LmgRangeParse(text, &cfg->nN, &v, why, sizeof why)) return snprintf(err, LMG_ERR_LEN, "-N %s: %s", text, why), 1;
  cfg->N = (PetscInt *)malloc((size_t)cfg->nN * sizeof(PetscInt));
  for (PetscInt i = 0; i < cfg->nN; i++) {
    if (v[i] != floor(v[i]) || v[i] < 2 || v[i] > 1e8) {
      snprintf(err, LMG_ERR_LEN, "-N %s: %g is not an integer from 2 to 1e8", text, (double)v[i]);
      free(v);
      return 1;
    }
    cfg->N[i] = (PetscInt)v[i];
  }
  free(v);
  return 0;
}

/* -levels: integers >= 2 or `full` (stored as 0), no repeats. */
static int CheckLevels(const char *text, LmgConfig *cfg, char *err)
{
  char *buf = strdup(text), *save = NULL, *item;
  int   bad = 0;
  cfg->nLevel = 0;
  cfg->level  = (PetscInt *)malloc((strlen(text) / 2 + 2) * sizeof(PetscInt));
  if (text[0] == '\0' || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,")) bad = snprintf(err, LMG_ERR_LEN, "-levels %s: an empty list or an empty item", text) > 0;
  for (item = bad ? NULL : strtok_r(buf, ",", &save); item && !bad; item = strtok_r(NULL, ",", &save)) {
    double   v;
    PetscInt k;
    if (!strcmp(item, "full")) k = 0;
    else if (ParseNumber(item, &v) && v == floor(v) && v >= 2 && v <= 1e8) k = (PetscInt)v;
    else {
      bad = snprintf(err, LMG_ERR_LEN, "-levels %s: unknown level '%s' (an integer k >= 2, or full)", text, item) > 0;
      break;
    }
    for (PetscInt i = 0; i < cfg->nLevel; i++)
      if (cfg->level[i] == k) bad = snprintf(err, LMG_ERR_LEN, "-levels %s: level '%s' is listed twice", text, item) > 0;
    cfg->level[cfg->nLevel++] = k;
  }
  free(buf);
  return bad;
}

static int CheckReals(const char *opt, const char *text, PetscReal lo, PetscBool strict, PetscInt *n, PetscReal **v, char *err)
{
  char why[256];
  if (LmgRangeParse(text, n, v, why, sizeof why)) return snprintf(err, LMG_ERR_LEN, "%s %s: %s", opt, text, why), 1;
  for (PetscInt i = 0; i < *n; i++)
    if ((*v)[i] < lo || (strict && (*v)[i] == lo)) return snprintf(err, LMG_ERR_LEN, "%s %s: %g must be %s %g", opt, text, (double)(*v)[i], strict ? ">" : ">=", (double)lo), 1;
  return 0;
}

/* A scalar option read as text, so that a malformed value gives one clear line. */
static PetscErrorCode OptReal(PetscOptionItems *PetscOptionsObject, const char *opt, const char *help, PetscReal def, PetscReal lo, PetscReal *val, char *err)
{
  char   text[256];
  double v = def;

  PetscFunctionBeginUser;
  snprintf(text, sizeof text, "%g", (double)def);
  PetscCall(PetscOptionsString(opt, help, NULL, text, text, sizeof text, NULL));
  if (!err[0] && (!ParseNumber(text, &v) || v <= lo)) snprintf(err, LMG_ERR_LEN, "%s %s: must be a number > %g", opt, text, (double)lo);
  *val = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode OptInt(PetscOptionItems *PetscOptionsObject, const char *opt, const char *help, PetscInt def, PetscInt lo, PetscInt hi, PetscInt *val, char *err)
{
  char   text[256];
  double v;

  PetscFunctionBeginUser;
  snprintf(text, sizeof text, "%" PetscInt_FMT, def);
  PetscCall(PetscOptionsString(opt, help, NULL, text, text, sizeof text, NULL));
  if (!ParseNumber(text, &v) || v != floor(v) || v < lo || v > hi) {
    if (!err[0]) snprintf(err, LMG_ERR_LEN, "%s %s: must be an integer from %" PetscInt_FMT " to %" PetscInt_FMT, opt, text, lo, hi);
    v = def;
  }
  *val = (PetscInt)v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadOptions(MPI_Comm comm, LmgConfig *cfg, char *err)
{
  char      tN[OPT_LEN] = "370", tG[OPT_LEN] = "0.95", tP[OPT_LEN] = "0.05", tL[OPT_LEN] = "2,3,5,10", solver[32] = "slepc", frame[32];
  char      tT[OPT_LEN] = "0.05:2:40";
  PetscInt  nev = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(cfg->output, "lmgsweep.h5", sizeof cfg->output)); /* PetscOptionsString keeps the old value when unset */
  PetscOptionsBegin(comm, NULL, "lmgsweep: LMG parameter sweep (units: hbar = 1; J, Gamma in rad/s; gamma_phi in 1/s; T in K)", NULL);
  PetscCall(PetscOptionsString("-output", "HDF5 output file (must not exist unless -resume)", NULL, "lmgsweep.h5", cfg->output, sizeof cfg->output, NULL));
  PetscCall(PetscOptionsBool("-resume", "Reopen -output, check it matches, compute only records not done", NULL, cfg->resume, &cfg->resume, NULL));
  PetscCall(PetscOptionsString("-N", "Atom numbers: list 100,200 or range a:b:n (integers >= 2)", NULL, tN, tN, sizeof tN, NULL));
  PetscCall(PetscOptionsString("-gamma_over_J", "Gamma/J values (> 0): list, a:b:n or log:a:b:n", NULL, tG, tG, sizeof tG, NULL));
  PetscCall(PetscOptionsString("-gamma_phi", "Dephasing rates gamma_phi in 1/s (>= 0): list, a:b:n or log:a:b:n", NULL, tP, tP, sizeof tP, NULL));
  PetscCall(PetscOptionsString("-levels", "Models: k-level truncations (k >= 2) and/or full (the full Dicke space: exact, and costly beyond N ~ 200)", NULL, tL, tL, sizeof tL, NULL));
  PetscCall(OptInt(PetscOptionsObject, "-nev", "Lowest eigenpairs per (N, Gamma/J); 0: max(4, largest k)", 0, 0, 100000000, &nev, err));
  PetscCall(OptReal(PetscOptionsObject, "-J", "Coupling J in rad/s", 37195.4, 0, &cfg->J, err));
  PetscCall(OptReal(PetscOptionsObject, "-T", "Temperature T in K", 1e-8, 0, &cfg->T, err));
  PetscCall(OptInt(PetscOptionsObject, "-team_size", "MPI ranks per worker team", 1, 1, 1 << 20, &cfg->team_size, err));
  PetscCall(PetscOptionsString("-spectrum_solver", "Eigensolver: slepc (Krylov-Schur, shift-and-invert) or scalapack (full spectrum)", NULL, solver, solver, sizeof solver, NULL));
  PetscCall(OptInt(PetscOptionsObject, "-dE_max_bits", "Largest MPFR precision (bits) used to resolve an exponentially small dE", 1024, 64, 1 << 20, &cfg->dE_max_bits, err));
  PetscCall(PetscOptionsString("-tau_grid", "K3 tau grid in units of tau_opt = pi/(3 dE): list, a:b:n or log:a:b:n (> 0)", NULL, tT, tT, sizeof tT, NULL));
  PetscCall(PetscStrncpy(cfg->initial, "ground", sizeof cfg->initial));
  PetscCall(PetscStrncpy(frame, "interaction", sizeof frame));
  PetscCall(PetscOptionsString("-dyn_frame", "Time integration in the interaction picture of H (interaction) or of L as it is (lab)", NULL, frame, frame, sizeof frame, NULL));
  PetscCall(PetscOptionsString("-initial", "Initial state: ground (|E0>), pointer ((|E0>+|E1>)/sqrt2) or thermal (Gibbs at T)", NULL, cfg->initial, cfg->initial, sizeof cfg->initial, NULL));
  PetscCall(PetscOptionsBool("-threshold", "Root-find the dephasing threshold gamma_c of each numerical level", NULL, cfg->threshold, &cfg->threshold, NULL));
  PetscCall(OptReal(PetscOptionsObject, "-dyn_max_gb", "Memory (GB) a full-space dynamics record may use (~640 n^2 bytes); larger ones fail with a message", 8.0, 0, &cfg->dyn_max_gb, err));
  PetscCall(OptReal(PetscOptionsObject, "-dyn_max_steps", "Estimated time steps (4 tau_opt x the fastest rate the integrator resolves) beyond which a dynamics record fails with a message; the most steps of a trajectory", 1e6, 0, &cfg->dyn_max_steps, err));
  PetscCall(OptReal(PetscOptionsObject, "-progress", "Seconds between progress lines on stderr", 5.0, 0, &cfg->progress, err));
  PetscOptionsEnd();

  if (!err[0]) CheckN(tN, cfg, err);
  if (!err[0]) CheckReals("-gamma_over_J", tG, 0, PETSC_TRUE, &cfg->nG, &cfg->gamma_over_J, err);
  if (!err[0]) CheckReals("-gamma_phi", tP, 0, PETSC_FALSE, &cfg->nGphi, &cfg->gamma_phi, err);
  if (!err[0]) CheckLevels(tL, cfg, err);
  if (!err[0]) CheckReals("-tau_grid", tT, 0, PETSC_TRUE, &cfg->ntau, &cfg->tau, err);
  if (!err[0] && strcmp(frame, "interaction") && strcmp(frame, "lab")) snprintf(err, LMG_ERR_LEN, "-dyn_frame %s: unknown (interaction or lab)", frame);
  if (!err[0] && strcmp(cfg->initial, "ground") && strcmp(cfg->initial, "pointer") && strcmp(cfg->initial, "thermal"))
    snprintf(err, LMG_ERR_LEN, "-initial %s: unknown (ground, pointer or thermal)", cfg->initial);
  if (!strcmp(solver, "slepc")) cfg->solver = LMG_SOLVER_SLEPC;
  else if (!strcmp(solver, "scalapack")) cfg->solver = LMG_SOLVER_SCALAPACK;
  else if (!err[0]) snprintf(err, LMG_ERR_LEN, "-spectrum_solver %s: unknown (slepc or scalapack)", solver);
  if (!err[0]) {
    PetscInt kmax = PetscMax(4, LmgConfigMaxLevel(cfg));
    if (nev && nev < kmax) snprintf(err, LMG_ERR_LEN, "-nev %" PetscInt_FMT ": must be at least %" PetscInt_FMT " (4, and the largest level)", nev, kmax);
    cfg->nev = nev ? nev : kmax;
  }
  if (!err[0] && !cfg->output[0]) snprintf(err, LMG_ERR_LEN, "-output: an empty file name");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgConfigLoad(MPI_Comm comm, LmgConfig *cfg, char err[LMG_ERR_LEN])
{
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(cfg, sizeof *cfg));
  err[0] = '\0';
  PetscCall(ReadOptions(comm, cfg, err));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (!err[0] && size > 1 && (size - 1) % cfg->team_size)
    snprintf(err, LMG_ERR_LEN, "-team_size %" PetscInt_FMT ": the %d worker ranks (all but rank 0) do not split into teams of that size", cfg->team_size, size - 1);
  if (!err[0] && size == 1 && cfg->team_size != 1) snprintf(err, LMG_ERR_LEN, "-team_size %" PetscInt_FMT ": a one-rank run has one team of one rank", cfg->team_size);
  if (!err[0] && size > 1 && (size - 1) / cfg->team_size > cfg->nN * cfg->nG * (1 + cfg->nGphi * cfg->nLevel + cfg->nLevel))
    snprintf(err, LMG_ERR_LEN, "-team_size %" PetscInt_FMT ": %d teams but only %" PetscInt_FMT " records; use fewer ranks or larger teams", cfg->team_size, (size - 1) / (int)cfg->team_size, cfg->nN * cfg->nG * (1 + cfg->nGphi * cfg->nLevel + cfg->nLevel));
  if (!err[0]) {
    PetscInt Nmax = 0, kmax = LmgConfigMaxLevel(cfg);
    for (PetscInt i = 0; i < cfg->nN; i++) Nmax = PetscMax(Nmax, cfg->N[i]);
    if (kmax > Nmax + 1) snprintf(err, LMG_ERR_LEN, "-levels: k = %" PetscInt_FMT " exceeds N+1 = %" PetscInt_FMT " for every N of the grid", kmax, Nmax + 1);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgConfigDestroy(LmgConfig *cfg)
{
  PetscFunctionBeginUser;
  free(cfg->N);
  free(cfg->gamma_over_J);
  free(cfg->gamma_phi);
  free(cfg->level);
  free(cfg->tau);
  PetscCall(PetscMemzero(cfg, sizeof *cfg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt LmgConfigMaxLevel(const LmgConfig *cfg)
{
  PetscInt k = 0;
  for (PetscInt i = 0; i < cfg->nLevel; i++) k = PetscMax(k, cfg->level[i]);
  return k;
}

static size_t AppendList(char *buf, size_t len, size_t at, const char *key, PetscInt n, const PetscReal *r, const PetscInt *k)
{
  at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s=", key);
  for (PetscInt i = 0; i < n; i++) {
    if (r) at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%.17g", i ? "," : "", (double)r[i]);
    else if (k[i]) at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%" PetscInt_FMT, i ? "," : "", k[i]);
    else at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%sfull", i ? "," : "");
  }
  return at + (size_t)snprintf(buf + at, at < len ? len - at : 0, ";");
}

PetscErrorCode LmgConfigSignature(const LmgConfig *cfg, char *buf, size_t len)
{
  size_t at = 0;

  PetscFunctionBeginUser;
  at = AppendList(buf, len, at, "N", cfg->nN, NULL, cfg->N);
  at = AppendList(buf, len, at, "gamma_over_J", cfg->nG, cfg->gamma_over_J, NULL);
  at = AppendList(buf, len, at, "gamma_phi", cfg->nGphi, cfg->gamma_phi, NULL);
  at = AppendList(buf, len, at, "levels", cfg->nLevel, NULL, cfg->level);
  at = AppendList(buf, len, at, "tau_grid", cfg->ntau, cfg->tau, NULL);
  at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "initial=%s;threshold=%d;", cfg->initial, (int)cfg->threshold);
  at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "nev=%" PetscInt_FMT ";J=%.17g;T=%.17g;spectrum_solver=%s;dE_max_bits=%" PetscInt_FMT ";", cfg->nev, (double)cfg->J, (double)cfg->T,
                         cfg->solver == LMG_SOLVER_SLEPC ? "slepc" : "scalapack", cfg->dE_max_bits);
  PetscCheck(at < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "signature longer than %zu bytes", len);
  PetscFunctionReturn(PETSC_SUCCESS);
}
