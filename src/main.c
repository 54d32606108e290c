/* lmgsweep: read options, open the file, schedule the grid over teams, close, exit with the sweep's code. */
#include "lmg/launch.h"
#include "lmg/task.h"

static const char help[] = "lmgsweep: MPI parameter sweep of the mesoscopic LMG model (README.md; units: hbar=1, rad/s, 1/s, s, K).\n"
                           "Exit codes: 0 sweep complete (failed records are in the file), 2 bad input, 75 drained by SIGTERM/SIGUSR1 (rerun with -resume).\n";

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

/* The tasks still to do (status not done), costliest first. */
static PetscErrorCode BuildWork(const LmgConfig *cfg, const LmgH5 *h5, LmgWorkList *w)
{
  PetscInt n = LmgGridTaskCount(cfg);
  int8_t  *st;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n, &st));
  PetscCall(LmgH5ReadStatus(h5, st));
  PetscCall(PetscMalloc3(n, &w->order, n, &w->group, n, &w->cost));
  w->n = 0;
  for (PetscInt t = 0; t < n; t++)
    if (st[t] != LMG_DONE) w->order[w->n++] = t;
  PetscCall(LmgGridOrderByCost(cfg, w->n, w->order));
  for (PetscInt i = 0; i < w->n; i++) {
    w->group[i] = LmgGridTask(cfg, w->order[i]).group;
    w->cost[i]  = LmgGridTaskCost(cfg, w->order[i]);
  }
  PetscCall(PetscFree(st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Sweep(const LmgConfig *cfg, const char *cmdline, char *err, int *code)
{
  LmgTeam       team;
  LmgH5         h5;
  LmgWorkList   w;
  LmgSweepStats stats;
  LmgWork       work;
  PetscFunctionBeginUser;
  PetscCall(LmgH5Open(PETSC_COMM_WORLD, cfg, cmdline, &h5, err));
  if (err[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(LmgTeamCreate(PETSC_COMM_WORLD, cfg->team_size, &team));
  PetscCall(BuildWork(cfg, &h5, &w));
  PetscCall(PetscFPrintf(PETSC_COMM_WORLD, PETSC_STDERR, "lmgsweep: %s %s: %" PetscInt_FMT " records (spectrum, dynamics, thresholds), %" PetscInt_FMT " to compute, %" PetscInt_FMT " team(s) of %" PetscInt_FMT " rank(s)\n", h5.resumed ? "resuming" : "writing", cfg->output, LmgGridTaskCount(cfg), w.n, team.count, cfg->team_size));
  work.cfg          = cfg;
  work.h5           = &h5;
  work.cached_group = -1;
  PetscCall(LmgSchedulerRun(PETSC_COMM_WORLD, &team, cfg, &w, LmgTaskRun, &work, &stats));
  PetscCall(LmgWorkDestroy(&work));
  PetscCall(LmgH5Close(&h5, (PetscBool)(stats.left == 0)));
  PetscCall(PetscFree3(w.order, w.group, w.cost));
  PetscCall(LmgTeamDestroy(&team));
  *code = stats.drained ? LMG_EXIT_DRAINED : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  LmgConfig cfg;
  char      err[LMG_ERR_LEN] = "", launch[LMG_ERR_LEN], *cmdline;
  PetscBool help_only, speak;
  int       code = 0;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, help));
  PetscCall(LmgSignalsInstall());
  PetscCall(JoinArgs(argc, argv, &cmdline));
  PetscCall(LmgLaunchCheck(PETSC_COMM_WORLD, launch, &speak));
  PetscCall(LmgConfigLoad(PETSC_COMM_WORLD, &cfg, err));
  if (launch[0]) PetscCall(PetscStrncpy(err, launch, sizeof err)); /* the tasks are not one MPI job: nothing else matters */
  PetscCall(PetscOptionsHasHelp(NULL, &help_only));
  if (!help_only && !err[0]) PetscCall(Sweep(&cfg, cmdline, err, &code));
  if (!help_only && err[0]) {
    if (speak) PetscCall(PetscFPrintf(PETSC_COMM_WORLD, PETSC_STDERR, "lmgsweep: error: %s\n", err));
    code = LMG_EXIT_BADARG;
  }
  PetscCall(PetscFree(cmdline));
  PetscCall(LmgConfigDestroy(&cfg));
  PetscCall(SlepcFinalize());
  return code;
}
