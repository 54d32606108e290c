/* lmgsweep: read and check the options, open the file (or plan a dry run), schedule the grid over teams, close, exit
   with the sweep's code. */
#include "lmg/dryrun.h"
#include "lmg/launch.h"
#include "lmg/task.h"

static const char intro[] = "lmgsweep: MPI parameter sweep of the mesoscopic LMG model (README.md; units: hbar = 1, rad/s, 1/s, s, K).\n"
                            "Usage: mpiexec -n P bin/lmgsweep [-options_file inputs/X.opts] -output FILE.h5 [-resume] [options]\n"
                            "Exit codes: 0 sweep complete (failed and skipped records are marked in the file), 2 bad input (nothing written),\n"
                            "75 drained by SIGTERM/SIGUSR1 with work left (rerun with -resume).\n"
                            "Lists: a,b,c; a:b:n (n points, ends included); log:a:b:n (geometric).\n";

static PetscErrorCode JoinArgs(int argc, char **argv, char **line)
{
  size_t len = 1;
  PetscFunctionBeginUser;
  for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
  PetscCall(PetscCalloc1(len, line));
  for (int i = 0; i < argc; i++) {
    if (i) strcat(*line, " ");
    strcat(*line, argv[i]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The tasks still to do (status pending or failed), costliest first. */
static PetscErrorCode BuildWork(const LmgConfig *cfg, const LmgH5 *h5, LmgWorkList *w)
{
  PetscInt n = LmgGridTaskCount(cfg);
  int8_t  *st;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n, &st));
  PetscCall(LmgH5ReadStatus(h5, st));
  PetscCall(PetscMalloc4(n, &w->order, n, &w->group, n, &w->kind, n, &w->cost));
  w->n = 0;
  for (PetscInt t = 0; t < n; t++)
    if (st[t] != LMG_DONE && st[t] != LMG_SKIPPED) w->order[w->n++] = t;
  PetscCall(LmgGridOrderByCost(cfg, w->n, w->order));
  for (PetscInt i = 0; i < w->n; i++) {
    LmgTask task = LmgGridTask(cfg, w->order[i]);
    w->group[i]  = task.group;
    w->kind[i]   = task.kind;
    w->cost[i]   = LmgKinds[task.kind]->cost(cfg, &task);
  }
  PetscCall(PetscFree(st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Sweep(const LmgConfig *cfg, const LmgTeam *team, const char *cmdline, char *err, int *code)
{
  LmgH5         h5;
  LmgWorkList   w;
  LmgSweepStats stats;
  LmgWork       work;
  char          kinds[256] = "";
  int           sig = LmgStopSignal;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &sig, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD));
  if (sig) { /* drained before the start: nothing to close, nothing written */
    PetscCall(PetscFPrintf(PETSC_COMM_WORLD, PETSC_STDERR, "lmgsweep: stopped by signal %d before the sweep started; nothing written (rerun to start)\n", sig));
    *code = LMG_EXIT_DRAINED;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(LmgH5Open(PETSC_COMM_WORLD, cfg, cmdline, &h5, err));
  if (err[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(BuildWork(cfg, &h5, &w));
  for (PetscInt k = 0; k < LmgNKinds; k++)
    if (LmgGridKindCount(cfg, k)) snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%" PetscInt_FMT " %s", kinds[0] ? ", " : "", LmgGridKindCount(cfg, k), LmgKinds[k]->name);
  PetscCall(PetscFPrintf(PETSC_COMM_WORLD, PETSC_STDERR, "lmgsweep: %s %s: %" PetscInt_FMT " records (%s), %" PetscInt_FMT " to compute, %" PetscInt_FMT " team(s) of %" PetscInt_FMT " rank(s)\n", h5.resumed ? "resuming" : "writing", cfg->output, LmgGridTaskCount(cfg), kinds, w.n, team->count, cfg->team_size));
  PetscCall(LmgWorkCreate(cfg, &h5, team, &work));
  PetscCall(LmgSchedulerRun(PETSC_COMM_WORLD, team, cfg, &w, LmgTaskRun, LmgTaskEstimate, &work, &stats));
  PetscCall(LmgWorkDestroy(&work));
  PetscCall(LmgH5Close(&h5, (PetscBool)(stats.left == 0), (PetscBool)(stats.done + stats.failed + stats.skipped > 0)));
  PetscCall(PetscFree4(w.order, w.group, w.kind, w.cost));
  *code = stats.drained ? LMG_EXIT_DRAINED : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The first error line of any rank, on every rank. */
static PetscErrorCode Agree(MPI_Comm comm, char *err)
{
  PetscMPIInt rank, size, who;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  who = err[0] ? rank : size;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &who, 1, MPI_INT, MPI_MIN, comm));
  if (who < size) PetscCallMPI(MPI_Bcast(err, LMG_ERR_LEN, MPI_CHAR, who, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every option must be read by someone: lmgsweep's modules, then PETSc/SLEPc through objects configured as the sweep's
   (on the workers), then no option may be left over. */
static PetscErrorCode CheckOptions(const LmgConfig *cfg, const LmgTeam *team, char *err)
{
  PetscFunctionBeginUser;
  if (!team->master) {
    PetscCall(LmgSpectrumCheckOptions(team->comm, &cfg->spec, err));
    if (!err[0]) PetscCall(LmgPropagatorCheckOptions(err));
    if (!err[0]) PetscCall(LmgRatesCheckOptions(err));
  }
  PetscCall(Agree(PETSC_COMM_WORLD, err));
  if (!err[0]) PetscCall(LmgOptionsCheckUnused(PETSC_COMM_WORLD, LmgOptionTables, LmgNOptionTables, err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  LmgConfig cfg;
  LmgTeam   team = {MPI_COMM_NULL, -1, 0, PETSC_FALSE, PETSC_FALSE};
  char      err[LMG_ERR_LEN] = "", launch[LMG_ERR_LEN], *cmdline, *help = LmgOptionsHelp(intro, LmgOptionTables, LmgNOptionTables);
  PetscBool help_only, speak, teamed = PETSC_FALSE;
  int       code = 0;

  sigset_t  drain;

  sigemptyset(&drain); /* a drain signal during start-up waits for lmgsweep's handler (not PETSc's, which aborts) */
  sigaddset(&drain, SIGTERM);
  sigaddset(&drain, SIGUSR1);
  sigprocmask(SIG_BLOCK, &drain, NULL);
  MPI_Init(&argc, &argv); /* before PETSc: a bad options file is one line, not PETSc's trace */
  if (LmgOptionsFilesCheck(argc, argv, err)) {
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (!rank) fprintf(stderr, "lmgsweep: error: %s\n", err);
    free(help);
    MPI_Finalize();
    return LMG_EXIT_BADARG;
  }
  PetscCall(SlepcInitialize(&argc, &argv, NULL, help ? help : intro));
  free(help);
  PetscCall(LmgSignalsInstall());
  sigprocmask(SIG_UNBLOCK, &drain, NULL);
  PetscCall(JoinArgs(argc, argv, &cmdline));
  PetscCall(LmgLaunchCheck(PETSC_COMM_WORLD, launch, &speak));
  PetscCall(LmgConfigLoad(PETSC_COMM_WORLD, &cfg, err));
  if (launch[0]) PetscCall(PetscStrncpy(err, launch, sizeof err)); /* the tasks are not one MPI job: nothing else matters */
  PetscCall(PetscOptionsHasHelp(NULL, &help_only));
  if (!err[0] || help_only) {
    PetscCall(LmgTeamCreate(PETSC_COMM_WORLD, err[0] ? 1 : cfg.team_size, &team));
    teamed = PETSC_TRUE;
    if (!err[0]) PetscCall(CheckOptions(&cfg, &team, err));
    else if (!team.master) { /* -help: PETSc's sections of the integrator and the eigensolver after lmgsweep's */
      char ignore[LMG_ERR_LEN] = "";
      PetscCall(LmgSpectrumCheckOptions(team.comm, &cfg.spec, ignore));
      PetscCall(LmgPropagatorCheckOptions(ignore));
      PetscCall(LmgRatesCheckOptions(ignore));
    }
  }
  if (!help_only && !err[0]) {
    if (cfg.dry_run) PetscCall(LmgDryRun(PETSC_COMM_WORLD, &team, &cfg));
    else PetscCall(Sweep(&cfg, &team, cmdline, err, &code));
  }
  if (!help_only && err[0]) {
    if (speak) PetscCall(PetscFPrintf(PETSC_COMM_WORLD, PETSC_STDERR, "lmgsweep: error: %s\n", err));
    code = LMG_EXIT_BADARG;
  }
  if (teamed) PetscCall(LmgTeamDestroy(&team));
  PetscCall(PetscFree(cmdline));
  PetscCall(LmgConfigDestroy(&cfg));
  PetscCall(SlepcFinalize());
  MPI_Finalize();
  return code;
}
