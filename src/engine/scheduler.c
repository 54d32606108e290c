/* Scheduler: rank 0 hands batches of tasks to teams (costliest first, preferring a team's cached group, sized by the
   cost model scaled to measured times); a team asks for its next batch as it starts the last record of the current one,
   so it never waits, unless that record is estimated long: then the batch waits for a free team. Progress and a
   summary with reasons grouped; a drain on SIGTERM/SIGUSR1. One-rank runs loop locally. */
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "lmg/kind.h"
#include "lmg/scheduler.h"

#define TAG_REQ   11
#define TAG_TASK  12
#define BATCH_MAX 256   /* records per batch */
#define BATCH_SEC 0.02  /* estimated seconds per batch: well above a round trip to the master */
#define LONG_SEC  1.0   /* a team whose record in hand is estimated longer gets no batch ahead of it (another team may be free) */
#define NREASON   64    /* distinct reasons counted per run (more: "other reasons") */

volatile sig_atomic_t        LmgStopSignal = 0;
static volatile sig_atomic_t stop_at       = 0; /* CLOCK_MONOTONIC second of the first signal */
static PetscReal             drain_grace   = 20;

static void OnSignal(int sig)
{
  struct timespec ts;
  if (!LmgStopSignal) {
    clock_gettime(CLOCK_MONOTONIC, &ts); /* async-signal-safe */
    stop_at = (sig_atomic_t)ts.tv_sec;
  }
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
  signal(SIGPIPE, SIG_IGN); /* a closed stderr (| head) must not stop the work: progress lines are dropped */
  PetscFunctionReturn(PETSC_SUCCESS);
}

void LmgDrainSetGrace(PetscReal seconds)
{
  drain_grace = seconds;
}

PetscBool LmgDraining(void)
{
  return (PetscBool)(LmgStopSignal != 0);
}

static void (*tick)(void); /* one rank: a progress line from inside a record (the long loops call LmgAbandon) */

PetscBool LmgAbandon(void)
{
  struct timespec ts;
  if (tick) tick();
  if (!LmgStopSignal) return PETSC_FALSE;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (PetscBool)((PetscReal)(ts.tv_sec - stop_at) >= drain_grace);
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

/* What one finished record tells the master; an estimate of one record not started yet. */
typedef struct {
  int        pos;
  double     secs;
  LmgOutcome out;
} Report;

typedef struct {
  int    pos;
  double secs;
} Estimate;

typedef struct {
  int     kind, status, count;
  char    key[LMG_MSG_LEN], example[LMG_MSG_LEN + 130]; /* the first record's place on the grid and message */
} Reason;

/* Bookkeeping of the process that schedules. */
typedef struct {
  PetscInt   n, nteams, done, failed, skipped, abandoned, handed, reported;
  PetscBool  master; /* this process only schedules */
  const LmgConfig *cfg;
  PetscReal  t0, last;
  PetscReal  model_left[LMG_MAXKINDS];           /* a-priori cost of the records not reported yet, per kind */
  PetscReal  model_done[LMG_MAXKINDS], secs_done[LMG_MAXKINDS];
  PetscReal  plan_left[LMG_MAXKINDS];            /* estimated seconds of the records with an estimate not reported yet */
  PetscReal  plan_done[LMG_MAXKINDS], psecs_done[LMG_MAXKINDS];
  PetscReal *est;                                /* per position: the estimate (seconds), 0: none */
  PetscInt  *tasks, *inflight; /* per team: records reported, records handed out and not reported */
  PetscBool *reported_at;      /* per position */
  PetscReal *seconds;          /* per team: busy seconds */
  PetscReal *heard;            /* per team: when it last reported (its current record started about then) */
  PetscReal *hest;             /* per position: its estimated seconds when handed out */
  PetscReal *inflight_est;     /* per team: the estimated seconds of its records in flight */
  Reason     reason[NREASON];
  PetscInt   nreason, other;
} Book;

static void HMS(PetscReal s, char *buf, size_t len)
{
  long t = (long)(s + 0.5);
  if (!(s < 1e9)) snprintf(buf, len, "--:--:--");
  else snprintf(buf, len, "%02ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
}

/* Seconds per modelled unit of kind k: measured so far, else over all kinds, else 1 us per unit. */
static PetscReal Ratio(const Book *b, PetscInt k)
{
  PetscReal md = 0, sd = 0;
  if (b->model_done[k] > 0 && b->secs_done[k] > 0) return b->secs_done[k] / b->model_done[k];
  for (PetscInt i = 0; i < LMG_MAXKINDS; i++) md += b->model_done[i], sd += b->secs_done[i];
  return md > 0 && sd > 0 ? sd / md : 1e-6;
}

/* Measured over estimated seconds of kind k's records done so far (1 before any). */
static PetscReal PlanRatio(const Book *b, PetscInt k)
{
  return b->plan_done[k] > 0 && b->psecs_done[k] > 0 ? b->psecs_done[k] / b->plan_done[k] : 1;
}

static PetscReal SecondsLeft(const Book *b)
{
  PetscReal s = 0;
  for (PetscInt k = 0; k < LMG_MAXKINDS; k++) s += b->model_left[k] * Ratio(b, k) + b->plan_left[k] * PlanRatio(b, k);
  return s;
}

static PetscReal SecondsOf(const Book *b, const LmgWorkList *w, PetscInt pos)
{
  return b->est[pos] > 0 ? b->est[pos] * PlanRatio(b, w->kind[pos]) : w->cost[pos] * Ratio(b, w->kind[pos]);
}

/* An estimate for a record not reported yet replaces its a-priori cost. */
static void Estimated(Book *b, const LmgWorkList *w, const Estimate *e)
{
  PetscInt k = w->kind[e->pos];
  if (b->est[e->pos] > 0 || !(e->secs > 0) || b->reported_at[e->pos]) return;
  b->est[e->pos] = e->secs;
  b->model_left[k] -= w->cost[e->pos];
  b->plan_left[k] += e->secs;
}

/* A line on stderr; a closed stderr drops it (SIGPIPE is ignored) and the work goes on. */
static void Say(const char *line)
{
  if (fputs(line, stderr) < 0 || fflush(stderr)) clearerr(stderr);
}

/* One progress line; the ETA from the measured seconds per modelled cost of each kind, once a record is reported. */
static void Progress(Book *b, const LmgConfig *cfg, PetscBool force)
{
  PetscReal now = MPI_Wtime();
  PetscInt  busy = 0, over = 0;
  char      el[32], eta[32] = "--:--:--", line[448];
  if (!force && now - b->last < cfg->progress) return;
  b->last = now;
  PetscReal left = SecondsLeft(b);
  char      rec[96] = "";
  for (PetscInt t = 0; t < b->nteams; t++) /* what the records in flight have done, at most their estimate: the ETA */
    if (b->inflight[t] > 0) busy++, over += now - b->heard[t] > b->inflight_est[t], left -= PetscMin(now - b->heard[t], b->inflight_est[t]); /* keeps the rest */
  HMS(now - b->t0, el, sizeof el);
  if (b->reported > 0) HMS(PetscMax(left, 0) / b->nteams, eta, sizeof eta);
  if (!b->master && b->inflight[0] > 0) { /* one rank: the record in hand */
    char a[32], e[32];
    HMS(now - b->heard[0], a, sizeof a);
    HMS(b->inflight_est[0], e, sizeof e);
    snprintf(rec, sizeof rec, ", the record in hand %s of ~%s", a, e);
  }
  snprintf(line, sizeof line, "lmgsweep: %" PetscInt_FMT "/%" PetscInt_FMT " done, %" PetscInt_FMT " failed, %" PetscInt_FMT " skipped, %" PetscInt_FMT "/%" PetscInt_FMT " teams busy, elapsed %s, ETA %s%s%s%s\n", b->done + b->failed + b->skipped, b->n, b->failed, b->skipped, busy, b->nteams, el, eta, rec,
           over ? " (at least: a record in flight runs past its estimate)" : "", LmgStopSignal ? " (draining)" : "");
  Say(line);
}

static void CountReason(Book *b, PetscInt kind, PetscInt task, const LmgOutcome *o)
{
  char    key[LMG_MSG_LEN], at[128];
  LmgTask t = LmgGridTask(b->cfg, task);
  LmgMessageKey(o->message, key, sizeof key);
  for (PetscInt i = 0; i < b->nreason; i++)
    if (b->reason[i].kind == kind && b->reason[i].status == o->status && !strcmp(b->reason[i].key, key)) {
      b->reason[i].count++;
      return;
    }
  if (b->nreason == NREASON) {
    b->other++;
    return;
  }
  LmgGridTaskWhere(b->cfg, &t, at, sizeof at);
  b->reason[b->nreason] = (Reason){(int)kind, (int)o->status, 1, "", ""};
  snprintf(b->reason[b->nreason].key, LMG_MSG_LEN, "%s", key);
  snprintf(b->reason[b->nreason].example, sizeof b->reason[b->nreason].example, "%s: %s", at, o->message);
  b->nreason++;
}

static void Account(Book *b, const LmgWorkList *w, PetscInt team, const Report *r)
{
  PetscInt k = w->kind[r->pos];
  b->inflight[team]--;
  b->inflight_est[team] = b->inflight[team] > 0 ? PetscMax(b->inflight_est[team] - b->hest[r->pos], 0) : 0;
  b->seconds[team] += r->secs;
  if (r->out.status == LMG_ABANDONED) {
    b->abandoned++;
    return;
  }
  b->reported++;
  b->tasks[team]++;
  b->reported_at[r->pos] = PETSC_TRUE;
  if (b->est[r->pos] > 0) {
    b->plan_left[k] -= b->est[r->pos];
    b->plan_done[k] += b->est[r->pos];
    b->psecs_done[k] += r->secs;
  } else {
    b->model_left[k] -= w->cost[r->pos];
    b->model_done[k] += w->cost[r->pos];
    b->secs_done[k] += r->secs;
  }
  if (r->out.status == LMG_DONE) b->done++;
  else {
    if (r->out.status == LMG_FAILED) b->failed++;
    else b->skipped++;
    CountReason(b, k, w->order[r->pos], &r->out);
  }
}

/* ---------------------------------------------------------------- the master's picking of batches */

typedef struct {
  PetscBool *taken;
  PetscInt   cursor;                /* the first position that may be untaken */
  PetscInt  *gstart, *gend, *gnext; /* per group: its positions [gstart, gend) (contiguous in order), next untaken */
  PetscInt   ngroups;
} Picker;

static PetscErrorCode PickerCreate(const LmgWorkList *w, PetscInt ngroups, Picker *p)
{
  PetscFunctionBeginUser;
  p->ngroups = ngroups;
  p->cursor  = 0;
  PetscCall(PetscCalloc1(w->n, &p->taken));
  PetscCall(PetscMalloc3(ngroups, &p->gstart, ngroups, &p->gend, ngroups, &p->gnext));
  for (PetscInt g = 0; g < ngroups; g++) p->gstart[g] = p->gend[g] = p->gnext[g] = 0;
  for (PetscInt i = w->n - 1; i >= 0; i--) p->gstart[w->group[i]] = p->gnext[w->group[i]] = i;
  for (PetscInt i = 0; i < w->n; i++) p->gend[w->group[i]] = i + 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PickerDestroy(Picker *p)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(p->taken));
  PetscCall(PetscFree3(p->gstart, p->gend, p->gnext));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Next position for a team: an untaken task of its last group, else the costliest untaken one; -1: none left. */
static PetscInt Pick(const LmgWorkList *w, Picker *p, PetscInt last_group)
{
  PetscInt pos = -1;
  if (last_group >= 0) {
    PetscInt *g = &p->gnext[last_group];
    while (*g < p->gend[last_group] && p->taken[*g]) (*g)++;
    if (*g < p->gend[last_group]) pos = *g;
  }
  if (pos < 0) {
    while (p->cursor < w->n && p->taken[p->cursor]) p->cursor++;
    if (p->cursor < w->n) pos = p->cursor;
  }
  if (pos >= 0) p->taken[pos] = PETSC_TRUE;
  return pos;
}

/* A batch for a team: records of its group first, about BATCH_SEC of estimated work but at most a quarter of each
   team's share of what is left (so that the last records spread over the teams), BATCH_MAX at most. */
static PetscInt Batch(const LmgWorkList *w, Picker *p, Book *b, PetscInt *last_group, int *pos)
{
  PetscReal target = PetscMin(BATCH_SEC, SecondsLeft(b) / (4.0 * b->nteams)), est = 0;
  PetscInt  n      = 0;
  while (n < BATCH_MAX && (n == 0 || est < target)) {
    PetscInt q = Pick(w, p, *last_group);
    if (q < 0) break;
    pos[n++] = (int)q;
    est += SecondsOf(b, w, q);
    *last_group = w->group[q];
  }
  return n;
}

/* ---------------------------------------------------------------- the protocol
   team -> master: int header[6] = {team, nreports, want a batch, final, signal seen, nestimates}, then the Reports and
   the Estimates (bytes); master -> team: int [n, pos_1 .. pos_n] (n = 0: no more work;
   n = -1: no batch ahead of the long record in hand, ask again). */
#define NHEAD 6

/* Wait for the next message without spinning a core away from the workers: a test, then sleeps growing from 20 us to
   1 ms (the teams' prefetch hides this latency). Progress lines meanwhile. */
static PetscErrorCode WaitMessage(MPI_Comm comm, Book *b, const LmgConfig *cfg, MPI_Status *st)
{
  int  flag  = 0;
  long sleep = 20000;
  PetscFunctionBeginUser;
  for (;;) {
    PetscCallMPI(MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQ, comm, &flag, st));
    if (flag) break;
    Progress(b, cfg, PETSC_FALSE);
    struct timespec ts = {0, sleep};
    nanosleep(&ts, NULL);
    sleep = PetscMin(2 * sleep, 1000000);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Master(MPI_Comm comm, const LmgConfig *cfg, const LmgWorkList *w, Book *b)
{
  Picker    p;
  PetscInt *last, active = b->nteams, ngroups = cfg->nN * cfg->nG;
  int      *reply, stop = 0;
  char     *buf = NULL;
  size_t    cap = 0;
  PetscFunctionBeginUser;
  PetscCall(PickerCreate(w, ngroups, &p));
  PetscCall(PetscMalloc2(b->nteams, &last, BATCH_MAX + 1, &reply));
  for (PetscInt i = 0; i < b->nteams; i++) last[i] = -1;
  while (active > 0) {
    MPI_Status st;
    int        count, *h;
    PetscCall(WaitMessage(comm, b, cfg, &st));
    PetscCallMPI(MPI_Get_count(&st, MPI_BYTE, &count));
    if ((size_t)count > cap) {
      PetscCall(PetscFree(buf));
      cap = (size_t)count;
      PetscCall(PetscMalloc1(cap, &buf));
    }
    PetscCallMPI(MPI_Recv(buf, count, MPI_BYTE, st.MPI_SOURCE, TAG_REQ, comm, MPI_STATUS_IGNORE));
    h = (int *)buf;
    b->heard[h[0]] = MPI_Wtime();
    for (int i = 0; i < h[1]; i++) {
      Report r;
      memcpy(&r, buf + NHEAD * sizeof(int) + (size_t)i * sizeof(Report), sizeof r);
      Account(b, w, h[0], &r);
      if (r.out.status == LMG_ABANDONED) stop = 1;
    }
    for (int i = 0; i < h[5]; i++) {
      Estimate e;
      memcpy(&e, buf + NHEAD * sizeof(int) + (size_t)h[1] * sizeof(Report) + (size_t)i * sizeof(Estimate), sizeof e);
      Estimated(b, w, &e);
    }
    if (h[4]) stop = 1; /* a team got the signal: drain everyone */
    if (h[3]) active--;
    else if (h[2]) {
      int team = h[0];
      if (!stop && !LmgStopSignal && b->nteams > 1 && b->inflight[team] > 0 && b->inflight_est[team] > LONG_SEC) { /* a prefetch behind a long record: declined (-1), the team asks again when it is free */
        reply[0] = -1;
        PetscCallMPI(MPI_Send(reply, 1, MPI_INT, st.MPI_SOURCE, TAG_TASK, comm));
        Progress(b, cfg, PETSC_FALSE);
        continue;
      }
      reply[0] = stop || LmgStopSignal ? 0 : (int)Batch(w, &p, b, &last[team], reply + 1);
      b->handed += reply[0];
      b->inflight[team] += reply[0];
      for (int i = 1; i <= reply[0]; i++) b->inflight_est[team] += b->hest[reply[i]] = SecondsOf(b, w, reply[i]);
      PetscCallMPI(MPI_Send(reply, reply[0] + 1, MPI_INT, st.MPI_SOURCE, TAG_TASK, comm));
    }
    Progress(b, cfg, PETSC_FALSE);
  }
  PetscCall(PetscFree(buf));
  PetscCall(PetscFree2(last, reply));
  PetscCall(PickerDestroy(&p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What a team's leader holds for the master: reports of finished records and estimates of unstarted ones. */
typedef struct {
  Report   *rep;
  Estimate *est;
  int       nrep, nest, cap;
} Pending;

/* After the record at pos that begins its group: the estimates of the group's other records (contiguous in order). */
static PetscErrorCode Estimates(const LmgWorkList *w, LmgEstimateFn est, void *ctx, int pos, Pending *q)
{
  PetscInt g = w->group[pos], a = pos, z = pos;
  PetscFunctionBeginUser;
  if (!est) PetscFunctionReturn(PETSC_SUCCESS);
  while (a > 0 && w->group[a - 1] == g) a--;
  while (z + 1 < w->n && w->group[z + 1] == g) z++;
  for (PetscInt p = a; p <= z; p++) {
    PetscReal s = 0;
    if (p == pos) continue;
    PetscCall(est(ctx, w->order[p], &s));
    if (!(s > 0)) continue;
    if (q->nest == q->cap) PetscCall(PetscRealloc((size_t)(q->cap = 2 * q->cap + 64) * sizeof(Estimate), &q->est));
    q->est[q->nest++] = (Estimate){(int)p, (double)s};
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The leader's message to the master: what it holds (then cleared), and whether it wants a batch. */
static PetscErrorCode Tell(MPI_Comm comm, const LmgTeam *team, Pending *q, int want, int final)
{
  size_t len = NHEAD * sizeof(int) + (size_t)q->nrep * sizeof(Report) + (size_t)q->nest * sizeof(Estimate);
  char  *msg;
  int    h[NHEAD] = {(int)team->id, q->nrep, want, final, (int)LmgStopSignal, q->nest};
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(len, &msg));
  memcpy(msg, h, sizeof h);
  memcpy(msg + sizeof h, q->rep, (size_t)q->nrep * sizeof(Report));
  memcpy(msg + sizeof h + (size_t)q->nrep * sizeof(Report), q->est, (size_t)q->nest * sizeof(Estimate));
  PetscCallMPI(MPI_Send(msg, (int)len, MPI_BYTE, 0, TAG_REQ, comm));
  PetscCall(PetscFree(msg));
  q->nrep = q->nest = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A team: the leader keeps a queue of positions and asks for the next batch as it starts the last queued record (the
   master declines when that record is long: the team asks again once it is done); every rank of the team computes each
   record (the leader broadcasts its position; -1 ends). */
static PetscErrorCode Worker(MPI_Comm comm, const LmgTeam *team, const LmgWorkList *w, LmgTaskFn fn, LmgEstimateFn est, void *ctx)
{
  int        *queue, *reply, head = 0, tail = 0, asked = 0, done = 0, pos;
  Pending     q = {NULL, NULL, 0, 0, 0};
  MPI_Request req = MPI_REQUEST_NULL;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(BATCH_MAX + 1, &queue, BATCH_MAX + 1, &reply, 2 * BATCH_MAX + 2, &q.rep));
  if (team->leader) {
    PetscCall(Tell(comm, team, &q, 1, 0));
    PetscCallMPI(MPI_Irecv(reply, BATCH_MAX + 1, MPI_INT, 0, TAG_TASK, comm, &req));
    asked = 1;
  }
  for (;;) {
    if (team->leader) {
      pos = -1;
      while (head == tail && !done && !LmgStopSignal) { /* nothing queued: wait for the batch asked for */
        if (!asked) { /* the prefetch was declined: ask now */
          PetscCall(Tell(comm, team, &q, 1, 0));
          PetscCallMPI(MPI_Irecv(reply, BATCH_MAX + 1, MPI_INT, 0, TAG_TASK, comm, &req));
          asked = 1;
        }
        PetscCallMPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        asked = 0;
        if (reply[0] < 0) continue;
        if (reply[0] == 0) done = 1;
        for (int i = 0; i < reply[0]; i++) queue[i] = reply[1 + i];
        head = 0, tail = reply[0];
      }
      if (head < tail && !LmgStopSignal) pos = queue[head++];
      if (pos >= 0 && head == tail && !asked && !done) { /* starting the last queued record: ask for the next batch now */
        PetscCall(Tell(comm, team, &q, 1, 0));
        PetscCallMPI(MPI_Irecv(reply, BATCH_MAX + 1, MPI_INT, 0, TAG_TASK, comm, &req));
        asked = 1;
      }
    }
    PetscCallMPI(MPI_Bcast(&pos, 1, MPI_INT, 0, team->comm));
    if (pos < 0) break;
    double t = MPI_Wtime();
    PetscCall(fn(ctx, team, w->order[pos], &q.rep[q.nrep].out));
    q.rep[q.nrep].pos  = pos;
    q.rep[q.nrep].secs = MPI_Wtime() - t;
    if (team->leader && w->kind[pos] == LMG_KIND_SPECTRUM && q.rep[q.nrep].out.status == LMG_DONE) PetscCall(Estimates(w, est, ctx, pos, &q));
    q.nrep++;
  }
  if (team->leader) {
    if (asked) PetscCallMPI(MPI_Wait(&req, MPI_STATUS_IGNORE)); /* the master answers every request */
    PetscCall(Tell(comm, team, &q, 0, 1));
  }
  PetscCall(PetscFree3(queue, reply, q.rep));
  PetscCall(PetscFree(q.est));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static Book *alone; /* the one-rank run's book, for Tick */

static void Tick(void)
{
  Progress(alone, alone->cfg, PETSC_FALSE);
}

static PetscErrorCode Alone(const LmgTeam *team, const LmgConfig *cfg, const LmgWorkList *w, LmgTaskFn fn, LmgEstimateFn est, void *ctx, Book *b)
{
  Pending q = {NULL, NULL, 0, 0, 0};
  PetscFunctionBeginUser;
  alone = b, tick = Tick; /* progress lines from inside long records too */
  for (PetscInt pos = 0; pos < w->n && !LmgStopSignal && !b->abandoned; pos++) {
    Report r;
    double t = MPI_Wtime();
    b->inflight[0]++;
    b->handed++;
    b->heard[0] = t;
    b->inflight_est[0] = b->hest[pos] = SecondsOf(b, w, pos);
    Progress(b, cfg, PETSC_FALSE); /* the team is busy with this record */
    PetscCall(fn(ctx, team, w->order[pos], &r.out));
    r.pos  = (int)pos;
    r.secs = MPI_Wtime() - t;
    Account(b, w, 0, &r);
    if (w->kind[pos] == LMG_KIND_SPECTRUM && r.out.status == LMG_DONE) {
      PetscCall(Estimates(w, est, ctx, (int)pos, &q));
      for (int i = 0; i < q.nest; i++) Estimated(b, w, &q.est[i]);
      q.nest = 0;
    }
  }
  tick = NULL, alone = NULL;
  PetscCall(PetscFree(q.est));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *StatusName(int s)
{
  return s == LMG_FAILED ? "failed" : s == LMG_SKIPPED ? "skipped" : "?";
}

static void Summary(const Book *b, const LmgSweepStats *s)
{
  char el[32], line[512];
  HMS(s->wall, el, sizeof el);
  snprintf(line, sizeof line, "lmgsweep: finished %" PetscInt_FMT " of %" PetscInt_FMT " records: %" PetscInt_FMT " done, %" PetscInt_FMT " failed, %" PetscInt_FMT " skipped, %" PetscInt_FMT " not computed%s; wall %s (%.1f s)\n", b->reported, b->n, b->done, b->failed, b->skipped, s->left,
           s->drained ? " (drained by a signal: rerun with -resume)" : "", el, (double)s->wall);
  Say(line);
  if (b->abandoned) {
    snprintf(line, sizeof line, "lmgsweep:   %" PetscInt_FMT " record%s in flight abandoned after the drain's grace of %g s (left pending: -resume computes them again, from their checkpoint if they wrote one)\n", b->abandoned, b->abandoned > 1 ? "s" : "", (double)drain_grace);
    Say(line);
  }
  for (PetscInt i = 0; i < b->nreason; i++) {
    const Reason *r = &b->reason[i];
    char          one[LMG_MSG_LEN + 260]; /* grouped by the key; the first record's numbers as the example */
    snprintf(one, sizeof one, "lmgsweep:   %d %s record%s %s%s %s\n", r->count, LmgKinds[r->kind]->name, r->count > 1 ? "s" : "", StatusName(r->status), r->count > 1 ? ", e.g." : ":", r->example);
    Say(one);
  }
  if (b->other) {
    snprintf(line, sizeof line, "lmgsweep:   %" PetscInt_FMT " records failed or skipped for other reasons (lmgload.py FILE lists them)\n", b->other);
    Say(line);
  }
  for (PetscInt t = 0; t < b->nteams; t++) {
    snprintf(line, sizeof line, "lmgsweep:   team %" PetscInt_FMT ": %" PetscInt_FMT " records, %.2f s busy (%.0f%%)\n", t, b->tasks[t], (double)b->seconds[t], s->wall > 0 ? 100.0 * (double)(b->seconds[t] / s->wall) : 0.0);
    Say(line);
  }
  if (b->nteams > 1 || b->master) {
    struct rusage ru;
    double        cpu;
    getrusage(RUSAGE_SELF, &ru);
    cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    snprintf(line, sizeof line, "lmgsweep:   master (rank 0): %.2f s CPU, %.1f%% of the wall\n", cpu, s->wall > 0 ? 100.0 * cpu / (double)s->wall : 0.0);
    Say(line);
  }
}

PetscErrorCode LmgSchedulerRun(MPI_Comm comm, const LmgTeam *team, const LmgConfig *cfg, const LmgWorkList *w, LmgTaskFn fn, LmgEstimateFn est, void *ctx, LmgSweepStats *s)
{
  Book        b;
  PetscMPIInt rank, size;
  int         sig, anysig;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMemzero(&b, sizeof b));
  PetscCall(PetscMemzero(s, sizeof *s));
  LmgDrainSetGrace(cfg->drain_grace);
  b.n      = w->n;
  b.nteams = team->count;
  b.master = team->master;
  b.cfg    = cfg;
  b.t0 = b.last = MPI_Wtime();
  for (PetscInt i = 0; i < w->n; i++) b.model_left[w->kind[i]] += w->cost[i];
  PetscCall(PetscCalloc3(b.nteams, &b.tasks, b.nteams, &b.inflight, b.nteams, &b.seconds));
  PetscCall(PetscCalloc3(w->n, &b.est, w->n, &b.reported_at, b.nteams, &b.heard));
  PetscCall(PetscCalloc2(w->n, &b.hest, b.nteams, &b.inflight_est));
  if (size == 1) PetscCall(Alone(team, cfg, w, fn, est, ctx, &b));
  else if (team->master) PetscCall(Master(comm, cfg, w, &b));
  else PetscCall(Worker(comm, team, w, fn, est, ctx));
  sig = LmgStopSignal;
  PetscCallMPI(MPI_Allreduce(&sig, &anysig, 1, MPI_INT, MPI_MAX, comm));
  if (!rank) {
    s->done      = b.done;
    s->failed    = b.failed;
    s->skipped   = b.skipped;
    s->abandoned = b.abandoned;
    s->left      = w->n - b.reported;
    s->wall      = MPI_Wtime() - b.t0;
  }
  PetscCallMPI(MPI_Bcast(s, sizeof *s, MPI_BYTE, 0, comm));
  s->drained = (PetscBool)(anysig && s->left > 0);
  if (!rank) Summary(&b, s);
  PetscCall(PetscFree3(b.tasks, b.inflight, b.seconds));
  PetscCall(PetscFree3(b.est, b.reported_at, b.heard));
  PetscCall(PetscFree2(b.hest, b.inflight_est));
  PetscFunctionReturn(PETSC_SUCCESS);
}
