/* Record kinds: one row each — group name, record axes, field table, cost and compute functions — in LmgKinds. The
   grid, scheduler, HDF5 layout, resume and summaries loop over the table; a kind is its own source file and one row. */
#pragma once
#include "control.h"
#include "grid.h"

typedef enum { LMG_F64, LMG_I8, LMG_I32, LMG_STR } LmgFieldType; /* LMG_STR: a char[LMG_STR_LEN] member */

#define LMG_NOHAVE  ((size_t)-1)

typedef struct {
  const char  *name, *units, *long_name, *desc;
  LmgFieldType type;
  PetscInt     extra;    /* trailing axis (LMG_AX_TAU, ...) or -1 */
  size_t       off;      /* offset of the member in the record struct */
  PetscBool    isptr;    /* the member points to the values */
  size_t       have_off; /* offset of a PetscInt member: values held along `extra` (the rest NaN / 0); LMG_NOHAVE: all */
} LmgField;

/* What a kind's compute gets from the task layer: the run, the cached spectrum of the task's group, the team's
   communicator, and the control to hand to the physics (the drain; the task's checkpoint hook when the kind has
   `checkpoints`). */
typedef struct {
  const LmgConfig   *cfg;
  const LmgSpectrum *sp;
  MPI_Comm           comm;
  const LmgControl  *ctl;
} LmgKindContext;

typedef struct {
  const char     *name; /* /<group>/..., /status/<name>, /timing/<name> */
  PetscInt        naxes;
  LmgAxis         axes[6]; /* record axes, N and Gamma/J first */
  const LmgField *fields;
  PetscInt        nfields;
  size_t          size;       /* bytes of the record struct */
  PetscBool       collective; /* computed by the whole team (else by its leader alone) */
  /* Not collective: whether the kind is part of the run (it has records). */
  PetscBool (*enabled)(const LmgConfig *);
  /* Not collective: a-priori cost in microseconds on one core (the scheduler's order). */
  PetscReal (*cost)(const LmgConfig *, const LmgTask *);
  /* Compute one record into rec (zeroed, `size` bytes) with ctx's spectrum of the task's group; out gets the status
     and message. Collective on ctx->comm (the team) when `collective`, else called on the leader only. */
  PetscErrorCode (*compute)(const LmgKindContext *ctx, const LmgTask *, void *rec, LmgOutcome *out);
  /* Not collective: the estimate of a dry run (seconds, bytes) from the group's spectrum, or the reason it would be
     skipped (out). */
  PetscErrorCode (*plan)(const LmgConfig *, const LmgSpectrum *, const LmgTask *, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out);
  PetscErrorCode (*destroy)(void *rec); /* NULL: nothing to free */
  const char *group;       /* HDF5 group of the fields when several kinds share one (NULL: name) */
  PetscBool   checkpoints; /* the task layer gives compute a checkpoint hook (collective kinds; -checkpoint_interval) */
  PetscBool   experiment;  /* keeps the bias and sigma axes in its datasets when neither -bias nor -detect_sigma is given */
} LmgKind;

/* The axes of kind's datasets in this run: its record axes, less the bias and sigma axes (of one value) when neither
   -bias nor -detect_sigma was given and the kind does not keep them (today's layout). Returns their number. */
PetscInt LmgGridKindAxes(const LmgConfig *cfg, const LmgKind *kind, LmgAxis *axes);
/* The experiment of task t (bias in rad/s from its bias_over_h1 and sp's h1 = dE/(2 J01), sigma): PETSC_FALSE when
   it is the ideal one (bias 0, sigma 0: the records of a run without -bias and -detect_sigma). Not collective. */
PetscBool LmgKindExperiment(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, LmgExperiment *x);
/* Index of task t along axis ax (-1: none). */
PetscInt LmgTaskIndex(const LmgTask *t, LmgAxis ax);

/* The group of kind k's fields. */
#define LmgKindGroup(kind) ((kind)->group ? (kind)->group : (kind)->name)

extern const LmgKind *const LmgKinds[];
extern const PetscInt       LmgNKinds;
#define LMG_MAXKINDS 9
#define LMG_KIND_SPECTRUM 0 /* row 0: every other kind needs the spectrum of its group */
