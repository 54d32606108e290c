/* Scheduler: rank 0 hands tasks to teams on request (costliest first, preferring a team's cached group),
   prints progress and a summary, and drains on SIGTERM/SIGUSR1. One-rank runs loop locally. */
#include <time.h>
#include "lmg/scheduler.h"

#define TAG_REQ  11
#define TAG_TASK 12

volatile sig_atomic_t LmgStopSignal = 0;

static void OnSignal(int sig)
{
  LmgStopSignal = sig;
}

PetscErrorCode LmgSignalsInstall(void)
{
  struct sigaction sa;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&sa, sizeof sa));
  sa.sa_handler = OnSignal;
  sa.sa_flags   = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  PetscCheck(!sigaction(SIGTERM, &sa, NULL) && !sigaction(SIGUSR1, &sa, NULL), PETSC_COMM_SELF, PETSC_ERR_SYS, "sigaction failed");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgTeamCreate(MPI_Comm comm, PetscInt team_size, LmgTeam *team)
{
  PetscMPIInt rank, size;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  team->master = (PetscBool)(size > 1 && rank == 0);
  team->count  = size > 1 ? (size - 1) / team_size : 1;
  team->id     = size > 1 ? (rank ? (rank - 1) / team_size : -1) : 0;
  PetscCallMPI(MPI_Comm_split(comm, team->master ? MPI_UNDEFINED : (int)team->id, rank, &team->comm));
  if (team->master) team->leader = PETSC_FALSE;
  else {
    PetscMPIInt trank;
    PetscCallMPI(MPI_Comm_rank(team->comm, &trank));
    team->leader = (PetscBool)(trank == 0);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgTeamDestroy(LmgTeam *team)
{
  PetscFunctionBeginUser;
  if (team->comm != MPI_COMM_NULL) PetscCallMPI(MPI_Comm_free(&team->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Progress bookkeeping of the process that schedules. */
typedef struct {
  PetscInt   done, failed, taken, busy, nteams;
  PetscReal  t0, last, cost_total, cost_done;
  PetscInt  *tasks;   /* per team: records finished */
  PetscReal *seconds; /* per team: busy seconds */
} Book;

static void HMS(PetscReal s, char *buf, size_t len)
{
  long t = (long)(s + 0.5);
  snprintf(buf, len, "%02ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
}

/* One progress line; the ETA extrapolates the modelled cost done so far (shown once 2 % of it is done). */
static PetscErrorCode Progress(Book *b, PetscInt n, const LmgConfig *cfg, PetscBool force)
{
  PetscReal now = MPI_Wtime();
  char      el[32], eta[32] = "--:--:--";
  PetscFunctionBeginUser;
  if (!force && now - b->last < cfg->progress) PetscFunctionReturn(PETSC_SUCCESS);
  b->last = now;
  HMS(now - b->t0, el, sizeof el);
  if (b->cost_done > 0.02 * b->cost_total) HMS((now - b->t0) * (b->cost_total - b->cost_done) / b->cost_done, eta, sizeof eta);
  PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "lmgsweep: %" PetscInt_FMT "/%" PetscInt_FMT " done, %" PetscInt_FMT " failed, %" PetscInt_FMT "/%" PetscInt_FMT " teams busy, elapsed %s, ETA %s%s\n", b->done + b->failed, n, b->failed, b->busy, b->nteams, el, eta, LmgStopSignal ? " (draining)" : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void Account(Book *b, const LmgWorkList *w, PetscInt pos, PetscInt team, PetscInt status, PetscReal secs)
{
  if (status == LMG_DONE) b->done++;
  else b->failed++;
  b->cost_done += w->cost[pos];
  b->tasks[team]++;
  b->seconds[team] += secs;
}

/* Next position for a team: an untaken task of its last group, else the costliest untaken one. */
static PetscInt Pick(const LmgWorkList *w, PetscBool *taken, PetscInt *cursor, PetscInt last_group)
{
  PetscInt pos = -1;
  while (*cursor < w->n && taken[*cursor]) (*cursor)++;
  for (PetscInt i = *cursor; last_group >= 0 && i < w->n && pos < 0; i++)
    if (!taken[i] && w->group[i] == last_group) pos = i;
  if (pos < 0 && *cursor < w->n) pos = *cursor;
  if (pos >= 0) taken[pos] = PETSC_TRUE;
  return pos;
}

static PetscErrorCode Master(MPI_Comm comm, const LmgConfig *cfg, const LmgWorkList *w, Book *b)
{
  PetscBool *taken;
  PetscInt  *last, *inflight, cursor = 0, active = b->nteams, stop = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc3(w->n, &taken, b->nteams, &last, b->nteams, &inflight));
  for (PetscInt i = 0; i < b->nteams; i++) last[i] = inflight[i] = -1;
  while (active > 0) {
    int        flag;
    MPI_Status st;
    double     msg[5];
    int        pos = -1;
    PetscCallMPI(MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQ, comm, &flag, &st));
    if (!flag) {
      struct timespec ts = {0, 2000000};
      nanosleep(&ts, NULL);
      PetscCall(Progress(b, w->n, cfg, PETSC_FALSE));
      continue;
    }
    PetscCallMPI(MPI_Recv(msg, 5, MPI_DOUBLE, st.MPI_SOURCE, TAG_REQ, comm, MPI_STATUS_IGNORE));
    PetscInt team = (PetscInt)msg[0];
    if (inflight[team] >= 0) {
      Account(b, w, inflight[team], team, (PetscInt)msg[2], msg[3]);
      b->busy--;
      inflight[team] = -1;
    }
    if (msg[4] != 0) stop = 1; /* a worker got the signal */
    if (!stop && !LmgStopSignal) pos = (int)Pick(w, taken, &cursor, last[team]);
    PetscCallMPI(MPI_Send(&pos, 1, MPI_INT, st.MPI_SOURCE, TAG_TASK, comm));
    if (pos < 0) active--;
    else {
      inflight[team] = pos;
      last[team]     = w->group[pos];
      b->taken++;
      b->busy++;
    }
    PetscCall(Progress(b, w->n, cfg, PETSC_FALSE));
  }
  PetscCall(PetscFree3(taken, last, inflight));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Worker(MPI_Comm comm, const LmgTeam *team, const LmgWorkList *w, LmgTaskFn fn, void *ctx)
{
  double   msg[5] = {(double)team->id, -1, 0, 0, 0};
  int      pos;
  PetscInt status;
  PetscFunctionBeginUser;
  for (;;) {
    if (team->leader) {
      msg[4] = LmgStopSignal;
      PetscCallMPI(MPI_Send(msg, 5, MPI_DOUBLE, 0, TAG_REQ, comm));
      PetscCallMPI(MPI_Recv(&pos, 1, MPI_INT, 0, TAG_TASK, comm, MPI_STATUS_IGNORE));
    }
    PetscCallMPI(MPI_Bcast(&pos, 1, MPI_INT, 0, team->comm));
    if (pos < 0) break;
    double t = MPI_Wtime();
    PetscCall(fn(ctx, team, w->order[pos], &status));
    msg[1] = pos;
    msg[2] = (double)status;
    msg[3] = MPI_Wtime() - t;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Alone(const LmgTeam *team, const LmgConfig *cfg, const LmgWorkList *w, LmgTaskFn fn, void *ctx, Book *b)
{
  PetscInt status;
  PetscFunctionBeginUser;
  for (PetscInt pos = 0; pos < w->n && !LmgStopSignal; pos++) {
    double t = MPI_Wtime();
    b->busy  = 1;
    b->taken++;
    PetscCall(fn(ctx, team, w->order[pos], &status));
    b->busy = 0;
    Account(b, w, pos, 0, status, MPI_Wtime() - t);
    PetscCall(Progress(b, w->n, cfg, PETSC_FALSE));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Summary(const Book *b, const LmgWorkList *w, LmgSweepStats *s)
{
  char el[32];
  PetscFunctionBeginUser;
  HMS(s->wall, el, sizeof el);
  PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "lmgsweep: finished %" PetscInt_FMT " of %" PetscInt_FMT " records: %" PetscInt_FMT " done, %" PetscInt_FMT " failed, %" PetscInt_FMT " not started%s; wall %s (%.1f s)\n", b->done + b->failed, w->n, b->done, b->failed, s->left, s->drained ? " (drained by a signal: rerun with -resume)" : "", el, (double)s->wall));
  for (PetscInt t = 0; t < b->nteams; t++) PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "lmgsweep:   team %" PetscInt_FMT ": %" PetscInt_FMT " records, %.2f s busy (%.0f%%)\n", t, b->tasks[t], (double)b->seconds[t], s->wall > 0 ? 100.0 * (double)(b->seconds[t] / s->wall) : 0.0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgSchedulerRun(MPI_Comm comm, const LmgTeam *team, const LmgConfig *cfg, const LmgWorkList *w, LmgTaskFn fn, void *ctx, LmgSweepStats *s)
{
  Book        b;
  PetscMPIInt rank, size;
  int         sig = LmgStopSignal, anysig;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMemzero(&b, sizeof b));
  PetscCall(PetscMemzero(s, sizeof *s));
  b.nteams = team->count;
  b.t0 = b.last = MPI_Wtime();
  for (PetscInt i = 0; i < w->n; i++) b.cost_total += w->cost[i];
  PetscCall(PetscCalloc2(b.nteams, &b.tasks, b.nteams, &b.seconds));
  if (size == 1) PetscCall(Alone(team, cfg, w, fn, ctx, &b));
  else if (team->master) PetscCall(Master(comm, cfg, w, &b));
  else PetscCall(Worker(comm, team, w, fn, ctx));
  sig = LmgStopSignal;
  PetscCallMPI(MPI_Allreduce(&sig, &anysig, 1, MPI_INT, MPI_MAX, comm));
  if (!rank) {
    s->done   = b.done;
    s->failed = b.failed;
    s->left   = w->n - b.taken;
    s->wall   = MPI_Wtime() - b.t0;
  }
  PetscCallMPI(MPI_Bcast(s, sizeof *s, MPI_BYTE, 0, comm));
  s->drained = (PetscBool)(anysig && s->left > 0);
  if (!rank) PetscCall(Summary(&b, w, s));
  PetscCall(PetscFree2(b.tasks, b.seconds));
  PetscFunctionReturn(PETSC_SUCCESS);
}
