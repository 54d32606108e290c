/* Dry run: the spectra of the grid over the teams, every record's estimate from its kind's plan, reduced to rank 0,
   printed per kind with the reasons of the records that would be skipped or fail, and a simulated schedule. */
#include <string.h>
#include "lmg/dryrun.h"
#include "lmg/task.h"

#define NREASON 32

typedef struct {
  int  kind, status, count;
  char key[LMG_MSG_LEN], example[LMG_MSG_LEN + 96];
} Reason;

static void Count(Reason *r, int *nr, const LmgConfig *cfg, const LmgTask *t, const LmgOutcome *o)
{
  char key[LMG_MSG_LEN], at[96];
  LmgMessageKey(o->message, key, sizeof key);
  for (int i = 0; i < *nr; i++)
    if (r[i].kind == t->kind && r[i].status == o->status && !strcmp(r[i].key, key)) {
      r[i].count++;
      return;
    }
  if (*nr == NREASON) return;
  LmgGridTaskWhere(cfg, t, at, sizeof at);
  r[*nr] = (Reason){(int)t->kind, (int)o->status, 1, "", ""};
  snprintf(r[*nr].key, LMG_MSG_LEN, "%s", key);
  snprintf(r[*nr].example, sizeof r[*nr].example, "%s: %s", at, o->message);
  (*nr)++;
}

/* This team's spectra (only the values the estimates use: the eigenvectors are freed), one per group g with
   g % teams == id. */
static PetscErrorCode Spectra(const LmgConfig *cfg, const LmgTeam *team, LmgSpectrum **sp)
{
  PetscInt ng = cfg->nN * cfg->nG;
  LmgWork  w;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(ng, sp));
  PetscCall(LmgWorkCreate(cfg, NULL, team, &w));
  for (PetscInt g = team->id; g < ng; g += team->count) {
    LmgTask t = LmgGridTask(cfg, g); /* spectrum task g is group g */
    PetscCall(LmgWorkSpectrum(&w, &t));
    (*sp)[g] = w.cache;
    PetscCall(PetscFree((*sp)[g].vec));
    w.cached_group = -1; /* the arrays now belong to (*sp)[g] */
  }
  PetscCall(LmgWorkDestroy(&w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Estimated wall time: the records in the scheduler's order, each to the least loaded team. */
static PetscErrorCode Schedule(const LmgConfig *cfg, PetscInt nteams, const double *sec, const int8_t *st, PetscReal *wall)
{
  PetscInt   n = LmgGridTaskCount(cfg), *order;
  PetscReal *load;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n, &order));
  PetscCall(PetscCalloc1(nteams, &load));
  for (PetscInt t = 0; t < n; t++) order[t] = t;
  PetscCall(LmgGridOrderByCost(cfg, n, order));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt best = 0;
    if (st[order[i]] != LMG_PENDING) continue;
    for (PetscInt k = 1; k < nteams; k++)
      if (load[k] < load[best]) best = k;
    load[best] += sec[order[i]];
  }
  *wall = 0;
  for (PetscInt k = 0; k < nteams; k++) *wall = PetscMax(*wall, load[k]);
  PetscCall(PetscFree(load));
  PetscCall(PetscFree(order));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void Human(PetscReal s, char *buf, size_t len)
{
  if (s < 60) snprintf(buf, len, "%.2g s", (double)s);
  else if (s < 3600) snprintf(buf, len, "%.1f min", (double)(s / 60));
  else if (s < 86400 * 3) snprintf(buf, len, "%.1f h", (double)(s / 3600));
  else snprintf(buf, len, "%.1f days", (double)(s / 86400));
}

static void Bytes(PetscReal b, char *buf, size_t len)
{
  if (b < 1e6) snprintf(buf, len, "%.0f kB", (double)(b / 1e3));
  else if (b < 1e9) snprintf(buf, len, "%.0f MB", (double)(b / 1e6));
  else snprintf(buf, len, "%.1f GB", (double)(b / 1e9));
}

static void Axis(const LmgConfig *cfg, LmgAxis a, char *buf, size_t len)
{
  LmgAxisInfo x = LmgGridAxis(cfg, a);
  int         o = snprintf(buf, len, "%s[%" PetscInt_FMT "] = ", x.name, x.n);
  for (PetscInt i = 0; i < x.n && (size_t)o < len; i++) {
    if (x.n > 8 && i == 3) i = x.n - 3, o += snprintf(buf + o, len - (size_t)o, "..., ");
    if (a == LMG_AX_L) o += x.ints[i] ? snprintf(buf + o, len - (size_t)o, "%" PetscInt_FMT, x.ints[i]) : snprintf(buf + o, len - (size_t)o, "full");
    else if (x.ints) o += snprintf(buf + o, len - (size_t)o, "%" PetscInt_FMT, x.ints[i]);
    else o += snprintf(buf + o, len - (size_t)o, "%g", (double)x.real[i]);
    if (i + 1 < x.n && (size_t)o < len) o += snprintf(buf + o, len - (size_t)o, ", ");
  }
}

static PetscErrorCode Print(const LmgConfig *cfg, const LmgTeam *team, const double *sec, const double *bytes, const int8_t *st, const Reason *r, int nr, PetscMPIInt size)
{
  PetscInt  n = LmgGridTaskCount(cfg);
  PetscReal wall = 0, total = 0;
  char      a[512], b1[32], b2[32], b3[32];
  PetscFunctionBeginUser;
  printf("lmgsweep dry run: nothing is computed beyond the spectra, nothing is written (-output %s)\n", cfg->output);
  for (int ax = LMG_AX_N; ax <= LMG_AX_S; ax++) { /* the record axes the run's kinds use */
    PetscBool used = PETSC_FALSE;
    for (PetscInt k = 0; k < LmgNKinds; k++) {
      LmgAxis  axes[8];
      PetscInt na = LmgGridKindAxes(cfg, LmgKinds[k], axes);
      for (PetscInt i = 0; LmgGridKindCount(cfg, k) && i < na; i++) used = (PetscBool)(used || axes[i] == (LmgAxis)ax);
    }
    if (used) Axis(cfg, (LmgAxis)ax, a, sizeof a), printf("  %s\n", a);
  }
  if (cfg->nLevel && cfg->dyn.on) Axis(cfg, LMG_AX_TAU, a, sizeof a), printf("  %s (units of tau_opt)\n", a);
  for (PetscInt k = 0; k < LmgNKinds; k++) {
    PetscInt  n0 = LmgGridKindStart(cfg, k), nk = LmgGridKindCount(cfg, k), cnt[4] = {0};
    PetscReal s = 0, smax = 0, bmax = 0;
    if (!nk) continue;
    for (PetscInt t = n0; t < n0 + nk; t++) {
      cnt[st[t] >= 0 && st[t] < 4 ? st[t] : 2]++;
      if (st[t] == LMG_PENDING) s += sec[t], smax = PetscMax(smax, sec[t]), bmax = PetscMax(bmax, bytes[t]);
    }
    total += s;
    Human(s, b1, sizeof b1), Human(smax, b2, sizeof b2), Bytes(bmax, b3, sizeof b3);
    printf("  %-11s %8" PetscInt_FMT " records: %" PetscInt_FMT " to compute, est. %s on one core (the longest %s), peak memory %s per rank", LmgKinds[k]->name, nk, cnt[LMG_PENDING], b1, b2, b3);
    printf("%s", k == LMG_KIND_SPECTRUM ? " (measured: computed by this dry run)" : "");
    if (cnt[LMG_SKIPPED] || cnt[LMG_FAILED]) printf("; %" PetscInt_FMT " would be skipped, %" PetscInt_FMT " would fail:", cnt[LMG_SKIPPED], cnt[LMG_FAILED]);
    printf("\n");
    for (int i = 0; i < nr; i++)
      if (r[i].kind == k) printf("      %d %s, e.g. %s\n", r[i].count, r[i].status == LMG_SKIPPED ? "skipped" : "failing", r[i].example);
  }
  PetscCall(Schedule(cfg, team->count, sec, st, &wall));
  Human(wall, b1, sizeof b1), Human(total, b2, sizeof b2);
  printf("  estimated wall time on %d rank%s (%" PetscInt_FMT " team%s of %" PetscInt_FMT "): %s (%s of work on one core; %" PetscInt_FMT " records)\n", (int)size, size > 1 ? "s" : "", team->count, team->count > 1 ? "s" : "", cfg->team_size, b1, b2, n);
  fflush(stdout);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgDryRun(MPI_Comm comm, const LmgTeam *team, const LmgConfig *cfg)
{
  PetscInt     n = LmgGridTaskCount(cfg), ng = cfg->nN * cfg->nG;
  double      *sec, *bytes, *allsec = NULL, *allbytes = NULL;
  int8_t      *st, *allst = NULL;
  LmgSpectrum *sp = NULL;
  Reason      *r, *allr = NULL;
  int          nr = 0;
  PetscMPIInt  rank, size;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscCalloc3(n, &sec, n, &bytes, n, &st));
  PetscCall(PetscCalloc1(NREASON, &r));
  if (!team->master) PetscCall(Spectra(cfg, team, &sp));
  for (PetscInt t = 0; team->leader && t < n; t++) {
    LmgTask    task = LmgGridTask(cfg, t);
    LmgOutcome o    = {LMG_PENDING, ""};
    PetscReal  s = 0, b = 0;
    if (task.group % team->count != team->id) continue;
    PetscCall(LmgKinds[task.kind]->plan(cfg, &sp[task.group], &task, &s, &b, &o));
    sec[t] = s, bytes[t] = b, st[t] = (int8_t)o.status;
    if (o.status != LMG_PENDING) Count(r, &nr, cfg, &task, &o);
  }
  if (!rank) PetscCall(PetscMalloc4(n, &allsec, n, &allbytes, n, &allst, (size_t)size * NREASON, &allr));
  PetscCallMPI(MPI_Reduce(sec, allsec, (int)n, MPI_DOUBLE, MPI_SUM, 0, comm));
  PetscCallMPI(MPI_Reduce(bytes, allbytes, (int)n, MPI_DOUBLE, MPI_SUM, 0, comm));
  PetscCallMPI(MPI_Reduce(st, allst, (int)n, MPI_INT8_T, MPI_SUM, 0, comm));
  for (int i = nr; i < NREASON; i++) r[i].count = 0;
  PetscCallMPI(MPI_Gather(r, (int)(NREASON * sizeof *r), MPI_BYTE, allr, (int)(NREASON * sizeof *r), MPI_BYTE, 0, comm));
  if (!rank) { /* merge the teams' reasons */
    Reason m[NREASON];
    int    nm = 0;
    for (int i = 0; i < size * NREASON; i++) {
      int j = 0;
      if (!allr[i].count) continue;
      while (j < nm && !(m[j].kind == allr[i].kind && m[j].status == allr[i].status && !strcmp(m[j].key, allr[i].key))) j++;
      if (j < nm) m[j].count += allr[i].count;
      else if (nm < NREASON) m[nm++] = allr[i];
    }
    PetscCall(Print(cfg, team, allsec, allbytes, allst, m, nm, size));
    PetscCall(PetscFree4(allsec, allbytes, allst, allr));
  }
  for (PetscInt g = 0; sp && g < ng; g++)
    if (sp[g].E) PetscCall(LmgSpectrumDestroy(&sp[g]));
  PetscCall(PetscFree(sp));
  PetscCall(PetscFree(r));
  PetscCall(PetscFree3(sec, bytes, st));
  PetscFunctionReturn(PETSC_SUCCESS);
}
