/* Configuration: the options of the run, range lists, the load of every module's options with the checks across
   modules, and the canonical signature stored in the file. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include "lmg/grid.h"
#include "lmg/options.h"

static const LmgOption opts[] = {
  {"-output", "lmgsweep.h5", "HDF5 output file; must not exist unless -resume"},
  {"-resume", "off", "Reopen -output, check that it was written with the same grid and options, compute only the records not done"},
  {"-dry_run", "off", "Print the grid, the records per kind, their estimated time and memory, which would be skipped and why, and the estimated wall time; write nothing"},
  {"-team_size", "1", "MPI ranks per worker team (rank 0 schedules; the other ranks form teams of this size; a team computes each full-space record together)"},
  {"-progress", "5", "Seconds between progress lines on stderr"},
  {"-drain_grace", "20", "Seconds a record in flight may go on after SIGTERM/SIGUSR1 before it is abandoned (left pending for -resume)"},
  {"-checkpoint_interval", "600", "Seconds between checkpoints of a full-space dynamics record estimated to take longer (also written on a drain; beside -output in FILE.ckpt/; -resume restarts the record from it); 0: none"},
};
const LmgOptionTable LmgRunOptionTable = LMG_TABLE("The run", opts);

/* Every module's table, in -help order. */
extern const LmgOptionTable LmgGridOptionTable, LmgSpectrumOptionTable, LmgDynamicsOptionTable, LmgThresholdOptionTable, LmgRatesOptionTable, LmgLzOptionTable, LmgWindowOptionTable, LmgToleranceOptionTable, LmgLaunchOptionTable;
const LmgOptionTable *const LmgOptionTables[] = {&LmgRunOptionTable, &LmgGridOptionTable, &LmgSpectrumOptionTable, &LmgDynamicsOptionTable, &LmgThresholdOptionTable, &LmgRatesOptionTable, &LmgLzOptionTable, &LmgWindowOptionTable, &LmgToleranceOptionTable, &LmgLaunchOptionTable};
const PetscInt              LmgNOptionTables = (PetscInt)(sizeof LmgOptionTables / sizeof LmgOptionTables[0]);

static PetscErrorCode ReadRun(LmgConfig *cfg, char *err)
{
  const char *out;
  PetscFunctionBeginUser;
  PetscCall(LmgOptionsText(&opts[0], &out, NULL));
  if (strlen(out) >= sizeof cfg->output) {
    if (!err[0]) snprintf(err, LMG_ERR_LEN, "-output: the file name is longer than %d characters", (int)sizeof cfg->output - 1);
  } else PetscCall(PetscStrncpy(cfg->output, out, sizeof cfg->output));
  PetscCall(LmgOptionsFlag(&opts[1], &cfg->resume, err));
  PetscCall(LmgOptionsFlag(&opts[2], &cfg->dry_run, err));
  PetscCall(LmgOptionsInt(&opts[3], 1, 1 << 20, &cfg->team_size, err));
  PetscCall(LmgOptionsReal(&opts[4], 0, PETSC_TRUE, 1e9, &cfg->progress, err));
  PetscCall(LmgOptionsReal(&opts[5], 0, PETSC_FALSE, 1e9, &cfg->drain_grace, err));
  PetscCall(LmgOptionsReal(&opts[6], 0, PETSC_FALSE, 1e9, &cfg->checkpoint, err));
  if (!err[0] && !cfg->output[0]) snprintf(err, LMG_ERR_LEN, "-output: an empty file name");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgConfigLoad(MPI_Comm comm, LmgConfig *cfg, char err[LMG_ERR_LEN])
{
  PetscMPIInt size;
  PetscInt    nrec, Nmax = 0, kmax;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(cfg, sizeof *cfg));
  err[0] = '\0';
  cfg->team_size  = 1;
  cfg->checkpoint = 600;
  PetscCall(ReadRun(cfg, err));
  PetscCall(LmgGridSetFromOptions(cfg, err));
  kmax = LmgConfigMaxLevel(cfg);
  PetscCall(LmgSpectrumSetFromOptions(&cfg->spec, PetscMax(4, kmax), err));
  PetscCall(LmgDynamicsSetFromOptions(&cfg->dyn, err));
  PetscCall(LmgThresholdSetFromOptions(&cfg->thr, err));
  PetscCall(LmgRatesSetFromOptions(&cfg->rates, err));
  PetscCall(LmgLzSetFromOptions(&cfg->lz, err));
  PetscCall(LmgToleranceSetFromOptions(&cfg->tol, err));
  if (!err[0] && cfg->tol.on && (!cfg->nLevel || !cfg->nGphi)) snprintf(err, LMG_ERR_LEN, "-tolerance: needs a model and a dephasing rate (-levels is none): no record to solve");
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (err[0]) PetscFunctionReturn(PETSC_SUCCESS);
  if (LmgGridRecords(cfg) > LMG_MAX_RECORDS) {
    snprintf(err, LMG_ERR_LEN, "-N, -gamma_over_J, -gamma_phi, -levels: the grid has %.3g records, more than the %g one file holds; split the sweep", (double)LmgGridRecords(cfg), (double)LMG_MAX_RECORDS);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  nrec = LmgGridTaskCount(cfg);
  if (size > 1 && (size - 1) % cfg->team_size)
    snprintf(err, LMG_ERR_LEN, "-team_size %" PetscInt_FMT ": the %d worker ranks (all but rank 0) do not split into teams of that size", cfg->team_size, size - 1);
  else if (size == 1 && cfg->team_size != 1) snprintf(err, LMG_ERR_LEN, "-team_size %" PetscInt_FMT ": a one-rank run has one team of one rank", cfg->team_size);
  else if (size > 1 && (size - 1) / cfg->team_size > nrec)
    snprintf(err, LMG_ERR_LEN, "-team_size %" PetscInt_FMT ": %d teams but only %" PetscInt_FMT " records; use fewer ranks or larger teams", cfg->team_size, (size - 1) / (int)cfg->team_size, nrec);
  for (PetscInt i = 0; i < cfg->nN; i++) Nmax = PetscMax(Nmax, cfg->N[i]);
  if (!err[0] && kmax > Nmax + 1) snprintf(err, LMG_ERR_LEN, "-levels: k = %" PetscInt_FMT " exceeds N+1 = %" PetscInt_FMT " for every N of the grid", kmax, Nmax + 1);
  if (!err[0] && cfg->spec.nev > Nmax + 1) snprintf(err, LMG_ERR_LEN, "-nev %" PetscInt_FMT ": more than the N+1 = %" PetscInt_FMT " eigenpairs of the largest N of the grid", cfg->spec.nev, Nmax + 1);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgConfigDestroy(LmgConfig *cfg)
{
  PetscFunctionBeginUser;
  free(cfg->N);
  free(cfg->gamma_over_J);
  free(cfg->gamma_phi);
  free(cfg->level);
  free(cfg->bias);
  free(cfg->sigma);
  PetscCall(LmgDynamicsOptionsDestroy(&cfg->dyn));
  PetscCall(LmgRatesOptionsDestroy(&cfg->rates));
  PetscCall(LmgLzOptionsDestroy(&cfg->lz));
  PetscCall(PetscMemzero(cfg, sizeof *cfg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt LmgConfigMaxLevel(const LmgConfig *cfg)
{
  PetscInt k = 0;
  for (PetscInt i = 0; i < cfg->nLevel; i++) k = PetscMax(k, cfg->level[i]);
  return k;
}

static void AppendList(LmgStr *b, const char *key, PetscInt n, const PetscReal *r, const PetscInt *k)
{
  LmgStrAppend(b, "%s=", key);
  for (PetscInt i = 0; i < n; i++) {
    if (r) LmgStrAppend(b, "%s%.17g", i ? "," : "", (double)r[i]);
    else if (k[i]) LmgStrAppend(b, "%s%" PetscInt_FMT, i ? "," : "", k[i]);
    else LmgStrAppend(b, "%sfull", i ? "," : "");
  }
  LmgStrAppend(b, ";");
}

static int CompareString(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The PETSc options under -dyn_, -spectrum_ and -rates_ (not lmgsweep's own, no monitors or viewers), "name=value" sorted. */
static PetscErrorCode AppendPrefixed(LmgStr *b)
{
  char  *all, *save = NULL, **kv;
  size_t n = 0, cap = 16;
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscMalloc1(cap, &kv));
  for (char *tok = strtok_r(all, " ", &save); tok;) { /* "-name [value] -name [value] ..." */
    char *name = tok, *val = strtok_r(NULL, " ", &save);
    tok = val;
    if (val && (val[0] != '-' || isdigit((unsigned char)val[1]) || val[1] == '.')) tok = strtok_r(NULL, " ", &save);
    else val = NULL;
    if ((strncmp(name, "-dyn_", 5) && strncmp(name, "-spectrum_", 10) && strncmp(name, "-rates_", 7)) || strstr(name, "monitor") || strstr(name, "view") || LmgOptionsOwn(LmgOptionTables, LmgNOptionTables, name)) continue;
    if (n == cap) PetscCall(PetscRealloc((cap *= 2) * sizeof *kv, &kv));
    kv[n] = (char *)malloc(strlen(name) + (val ? strlen(val) : 0) + 2);
    sprintf(kv[n++], "%s=%s", name + 1, val ? val : "");
  }
  qsort(kv, n, sizeof *kv, CompareString);
  for (size_t i = 0; i < n; i++) LmgStrAppend(b, "%s;", kv[i]), free(kv[i]);
  PetscCall(PetscFree(kv));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgConfigSignature(const LmgConfig *cfg, char **sig)
{
  LmgStr b = {NULL, 0, 0};
  PetscFunctionBeginUser;
  AppendList(&b, "N", cfg->nN, NULL, cfg->N);
  AppendList(&b, "gamma_over_J", cfg->nG, cfg->gamma_over_J, NULL);
  AppendList(&b, "gamma_phi", cfg->nGphi, cfg->gamma_phi, NULL);
  if (cfg->nLevel) AppendList(&b, "levels", cfg->nLevel, NULL, cfg->level);
  else LmgStrAppend(&b, "levels=none;");
  AppendList(&b, "tau_grid", cfg->dyn.ntau, cfg->dyn.tau, NULL);
  if (cfg->experiment) { /* given: their axes are in the layout (a run without them keeps the signature it had) */
    AppendList(&b, "bias", cfg->nBias, cfg->bias, NULL);
    AppendList(&b, "detect_sigma", cfg->nSigma, cfg->sigma, NULL);
  }
  if (cfg->tol.on) LmgStrAppend(&b, "tolerance=%d%d%d%d;", (int)cfg->tol.ask[0], (int)cfg->tol.ask[1], (int)cfg->tol.ask[2], (int)cfg->tol.ask[3]);
  LmgStrAppend(&b, "initial=%s;threshold=%d;dyn_frame=%s;dyn_method=%s;", cfg->dyn.initial, (int)cfg->thr.numerical, cfg->dyn.interaction ? "interaction" : "lab",
               cfg->dyn.method == LMG_METHOD_AUTO ? "auto" : cfg->dyn.method == LMG_METHOD_EXACT ? "exact" : "stepper");
  LmgStrAppend(&b, "nev=%" PetscInt_FMT ";J=%.17g;T=%.17g;spectrum_solver=%s;dE_max_bits=%" PetscInt_FMT ";", cfg->spec.nev, (double)cfg->spec.J, (double)cfg->spec.T,
               cfg->spec.solver == LMG_SOLVER_SLEPC ? "slepc" : "scalapack", cfg->spec.dE_max_bits);
  LmgStrAppend(&b, "dynamics=%d;rates=%d;rates_trace=%d;", (int)cfg->dyn.on, (int)cfg->rates.on, (int)cfg->rates.trace);
  if (cfg->rates.on) LmgStrAppend(&b, "rates_tol=%.17g;rates_k0=%" PetscInt_FMT ";", (double)cfg->rates.tol, cfg->rates.k0);
  if (cfg->rates.trace) AppendList(&b, "rates_trace_grid", cfg->rates.ntrace, cfg->rates.trace_t, NULL);
  if (cfg->lz.ntq) {
    AppendList(&b, "lz_tq", cfg->lz.ntq, cfg->lz.tq, NULL);
    LmgStrAppend(&b, "lz_bias=%.17g;lz_tol=%.17g;lz_trajectories=%" PetscInt_FMT ";lz_seed=%" PetscInt_FMT ";lz_classical_step=%.17g;", (double)cfg->lz.bias, (double)cfg->lz.tol, cfg->lz.trajectories, cfg->lz.seed, (double)cfg->lz.dtheta);
    if (cfg->lz.win.method == LMG_FULL_WINDOW) LmgStrAppend(&b, "full_method=window;full_tol=%.17g;full_window=%" PetscInt_FMT ";full_window_max=%" PetscInt_FMT ";", (double)cfg->lz.win.tol, cfg->lz.win.k0, cfg->lz.win.kmax);
  }
  PetscCall(AppendPrefixed(&b));
  PetscCheck(b.s, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the signature");
  *sig = b.s;
  PetscFunctionReturn(PETSC_SUCCESS);
}
