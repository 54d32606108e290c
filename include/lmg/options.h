/* Option tables: each module lists its options (name, default, help) in one table and reads them with the typed readers
   below (PETSc options database). The tables make -help (lmgsweep's options first), and the unknown-option check: an
   option that neither lmgsweep nor PETSc/SLEPc under lmgsweep's prefixes (-dyn_, -spectrum_, -rates_, -rates_pop_) reads stops the run. */
#pragma once
#include "lmg.h"

typedef struct {
  const char *name; /* "-gamma_phi" */
  const char *def;  /* the default as -help shows it, and as read when the option is not given (flags: "off") */
  const char *help;
} LmgOption;

typedef struct {
  const char      *title;
  const LmgOption *opt;
  PetscInt         n;
} LmgOptionTable;

#define LMG_TABLE(title, t) {title, t, (PetscInt)(sizeof t / sizeof t[0])}

/* Each module exports its own table; the engine lists them all (LmgOptionTables, config.h) and hands the list
   (tables[nt]) to the functions below that look at every option. */

/* The -help text of the tables (malloc'd; the caller frees). Not collective; PETSc need not be initialised. */
char *LmgOptionsHelp(const char *intro, const LmgOptionTable *const *tables, PetscInt nt);

/* Typed readers of option o (marking it used). Bad values fill err with one line naming the option (when err is still
   empty) and leave the default. The value text has no length limit. Not collective. */
PetscErrorCode LmgOptionsText(const LmgOption *o, const char **text, PetscBool *set);
PetscErrorCode LmgOptionsReal(const LmgOption *o, PetscReal lo, PetscBool strict, PetscReal hi, PetscReal *v, char *err);
/* A range list (LmgRangeParse) whose values lie in (lo, hi] (strict) or [lo, hi]; *v malloc'd. */
PetscErrorCode LmgOptionsList(const LmgOption *o, PetscReal lo, PetscBool strict, PetscReal hi, PetscInt *n, PetscReal **v, char *err);
/* text for an error line: as it is when shorter than len, else its start, "..." and its length; unprintable bytes '?'. */
const char *LmgQuote(const char *text, char *buf, size_t len);
PetscErrorCode LmgOptionsInt(const LmgOption *o, PetscInt lo, PetscInt hi, PetscInt *v, char *err);
PetscErrorCode LmgOptionsFlag(const LmgOption *o, PetscBool *v, char *err);
/* One of the NULL-terminated choices; *v its index. */
PetscErrorCode LmgOptionsChoice(const LmgOption *o, const char *const *choices, PetscInt *v, char *err);
/* Parse a range list: items separated by commas, each a number, `a:b:n` (n points, linear, ends
   included) or `log:a:b:n` (geometric). Not collective. Returns 0, or 1 with `why` filled. */
int LmgRangeParse(const char *text, PetscInt *n, PetscReal **vals, char *why, size_t len);
/* A number as the whole text: decimal or exponent notation only (no hexadecimal, inf or nan). */
int LmgParseNumber(const char *s, double *v);

/* Before PETSc starts (not collective): every options file named by -options_file on the command line, in PETSC_OPTIONS
   or in another options file must be a readable text file of lines "-name [value]" (# comments, "alias -a -b"), as
   PETSc reads them; otherwise err gets one line (PETSc would stop with a trace). Returns 1 when bad. */
int LmgOptionsFilesCheck(int argc, char **argv, char err[LMG_ERR_LEN]);

/* Collective on comm, after every module has read its options and created its PETSc objects' options (see
   LmgSpectrumCheckOptions, LmgPropagatorCheckOptions): err names the first option that no rank used, with the closest
   known option, and says where it came from. Options that PETSc reads at start-up or finalisation are allowed. */
PetscErrorCode LmgOptionsCheckUnused(MPI_Comm comm, const LmgOptionTable *const *tables, PetscInt nt, char err[LMG_ERR_LEN]);
/* Whether name ("-x") is an option of the tables. */
PetscBool LmgOptionsOwn(const LmgOptionTable *const *tables, PetscInt nt, const char *name);
/* The best match among the tables' option names and PETSc's under lmgsweep's prefixes for `name` (NULL when none is
   close). */
const char *LmgOptionsClosest(const LmgOptionTable *const *tables, PetscInt nt, const char *name);
