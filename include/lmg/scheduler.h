/* Master/worker scheduling: teams of ranks, dynamic self-scheduling in batches with prefetch, progress, and a drain on
   SIGTERM/SIGUSR1 that ends in bounded time. */
#pragma once
#include <signal.h>
#include "config.h"

typedef struct _LmgTeam {
  MPI_Comm  comm;        /* the team's communicator (MPI_COMM_NULL on the master) */
  PetscInt  id, count;   /* this team's id (-1 on the master), number of teams */
  PetscBool master;      /* rank 0 of a multi-rank run: schedules, computes nothing */
  PetscBool leader;      /* rank 0 of a team: talks to the master, writes the records */
} LmgTeam;

/* Set by SIGTERM or SIGUSR1: stop handing out work, let what is in flight finish (or be abandoned after the grace
   period, LmgAbandon), close the file. */
extern volatile sig_atomic_t LmgStopSignal;
PetscErrorCode               LmgSignalsInstall(void);
/* Drains: whether the record in flight must be given up because a drain signal (SIGTERM, SIGUSR1) came more than the
   grace period ago (the task layer hands it to the physics as LmgControl's abandon; a record given up is
   LMG_ABANDONED). Not collective. */
PetscBool LmgAbandon(void);
/* A drain signal has arrived (the grace may not be over yet): LmgControl's draining. Not collective. */
PetscBool LmgDraining(void);
void      LmgDrainSetGrace(PetscReal seconds);

/* Collective on comm. Rank 0 is the master when comm has more than one rank; the others form teams of team_size. */
PetscErrorCode LmgTeamCreate(MPI_Comm comm, PetscInt team_size, LmgTeam *team);
PetscErrorCode LmgTeamDestroy(LmgTeam *team);

/* Computes task t on the team (collective on team->comm); out: its status (LMG_DONE, LMG_FAILED, LMG_SKIPPED, or
   LMG_ABANDONED: not written, still pending) and message, the same on every rank of the team. */
typedef PetscErrorCode (*LmgTaskFn)(void *ctx, const LmgTeam *team, PetscInt t, LmgOutcome *out);
/* On a team's leader, after it computed the record that begins a group (its spectrum): the estimated seconds of task t
   of that group (a dry run's estimate, from the spectrum), or 0 when there is none. The master then schedules and
   extrapolates the ETA with these, scaled by the measured over estimated time of the records done so far. */
typedef PetscErrorCode (*LmgEstimateFn)(void *ctx, PetscInt t, PetscReal *seconds);

typedef struct {
  PetscInt   n;     /* tasks to run */
  PetscInt  *order; /* [n] task ids, costliest first, the tasks of one group contiguous */
  PetscInt  *group; /* [n] per position in order: tasks of one group reuse a team's cached work */
  PetscInt  *kind;  /* [n] per position: the record kind */
  PetscReal *cost;  /* [n] per position: a-priori cost (us), scaled by measured times for batches and the ETA */
} LmgWorkList;

typedef struct {
  PetscInt  done, failed, skipped, abandoned, left; /* left: not computed (never started, or abandoned) */
  PetscBool drained;                                /* stopped by a signal with work left */
  PetscReal wall;
} LmgSweepStats;

/* Collective on comm. Runs the work list: master/teams, or rank 0 alone in a one-rank run. Progress lines on stderr at
   most every cfg->progress seconds, a closing summary (counts, reasons grouped by kind, load per team); stats
   identical on all ranks. */
PetscErrorCode LmgSchedulerRun(MPI_Comm comm, const LmgTeam *team, const LmgConfig *cfg, const LmgWorkList *w, LmgTaskFn fn, LmgEstimateFn est, void *ctx, LmgSweepStats *stats);
