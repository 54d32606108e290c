/* Option tables: the -help text, typed readers over the PETSc options database, and the unknown-option check with its
   nearest-name suggestion. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include "lmg/options.h"

/* PETSc options users set under lmgsweep's prefixes: candidates for "did you mean" beside lmgsweep's own. */
static const char *const petsc_known[] = {"-dyn_ts_type", "-dyn_ts_rk_type", "-dyn_ts_rtol", "-dyn_ts_atol", "-dyn_ts_monitor", "-dyn_ts_adapt_type", "-dyn_ts_adapt_wnormtype", "-dyn_ts_adapt_monitor", "-dyn_ts_max_snes_failures", "-dyn_snes_mf", "-dyn_ksp_type", "-dyn_pc_type", "-spectrum_eps_type", "-spectrum_eps_tol", "-spectrum_eps_max_it", "-spectrum_eps_monitor", "-spectrum_eps_view", "-spectrum_st_type", "-spectrum_st_ksp_type", "-spectrum_st_pc_type", "-rates_eps_type", "-rates_eps_tol", "-rates_eps_max_it", "-rates_eps_ncv", "-rates_eps_mpd", "-rates_eps_monitor", "-rates_eps_view", "-rates_pop_eps_type", "-rates_pop_eps_tol", "-rates_pop_eps_max_it", "-rates_pop_eps_monitor"};

/* Options PETSc itself reads only when it finalises (so they look unused before): never unknown. */
static const char *const petsc_late[] = {"-options_left", "-options_view", "-log_view", "-log_view_memory", "-log_all", "-log_trace", "-malloc_dump", "-malloc_view", "-malloc_view_threshold", "-memory_view", "-objects_dump", "-options_monitor", "-mpi_linear_solver_server_view", "-check_pointer_intensity", "-use_gpu_aware_mpi"};

char *LmgOptionsHelp(const char *intro, const LmgOptionTable *const *tables, PetscInt nt)
{
  size_t len = strlen(intro) + 256;
  char  *s, *p;
  for (PetscInt t = 0; t < nt; t++)
    for (PetscInt i = 0; i < tables[t]->n; i++) {
      const LmgOption *o = &tables[t]->opt[i];
      len += strlen(tables[t]->title) + strlen(o->name) + strlen(o->def) + strlen(o->help) + 16;
    }
  s = (char *)malloc(len);
  if (!s) return NULL;
  p = s + sprintf(s, "%s", intro);
  for (PetscInt t = 0; t < nt; t++) {
    p += sprintf(p, "\n%s:\n", tables[t]->title);
    for (PetscInt i = 0; i < tables[t]->n; i++) {
      const LmgOption *o = &tables[t]->opt[i];
      p += sprintf(p, "  %s <%s>: %s\n", o->name, o->def, o->help);
    }
  }
  sprintf(p, "\nPETSc's and SLEPc's own options follow (those under -dyn_, -spectrum_, -rates_ and -rates_pop_ reach lmgsweep's integrator and eigensolvers).\n");
  return s;
}

int LmgParseNumber(const char *s, double *v)
{
  char *end;
  for (const char *p = s; *p; p++)
    if (!strchr("0123456789+-.eE", *p)) return 0; /* no hexadecimal, inf, nan, white space */
  errno = 0;
  *v    = strtod(s, &end);
  return end != s && *end == '\0' && errno == 0 && isfinite(*v);
}

PetscErrorCode LmgOptionsText(const LmgOption *o, const char **text, PetscBool *set)
{
  const char *val = NULL;
  PetscBool   has;
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsFindPair(NULL, NULL, o->name, &val, &has));
  *text = has ? (val ? val : "") : o->def;
  if (set) *set = has;
  PetscFunctionReturn(PETSC_SUCCESS);
}

const char *LmgQuote(const char *text, char *buf, size_t len)
{
  size_t n = strlen(text), keep = len > 8 ? len - 8 : 0;
  if (n < len) snprintf(buf, len, "%s", text);
  else snprintf(buf, len, "%.*s... (%zu characters)", (int)(keep > 20 ? keep - 16 : keep), text, n);
  for (char *c = buf; *c; c++)
    if (!isprint((unsigned char)*c)) *c = '?';
  return buf;
}

/* "> lo" / ">= lo" and "<= hi" as text. */
static void Bounds(PetscReal lo, PetscBool strict, PetscReal hi, char *buf, size_t len)
{
  snprintf(buf, len, "%s %g and <= %g", strict ? ">" : ">=", (double)lo, (double)hi);
}

PetscErrorCode LmgOptionsReal(const LmgOption *o, PetscReal lo, PetscBool strict, PetscReal hi, PetscReal *v, char *err)
{
  const char *text;
  double      x;
  char        q[104], b[64];
  PetscFunctionBeginUser;
  PetscCall(LmgOptionsText(o, &text, NULL));
  if (LmgParseNumber(text, &x) && (x > lo || (!strict && x == lo)) && x <= hi) *v = x;
  else if (!err[0]) Bounds(lo, strict, hi, b, sizeof b), snprintf(err, LMG_ERR_LEN, "%s %s: must be a number %s", o->name, LmgQuote(text, q, sizeof q), b);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgOptionsList(const LmgOption *o, PetscReal lo, PetscBool strict, PetscReal hi, PetscInt *n, PetscReal **v, char *err)
{
  const char *text;
  char        why[256], q[104], b[64];
  PetscFunctionBeginUser;
  *n = 0, *v = NULL;
  PetscCall(LmgOptionsText(o, &text, NULL));
  if (LmgRangeParse(text, n, v, why, sizeof why)) {
    if (!err[0]) snprintf(err, LMG_ERR_LEN, "%s %s: %s", o->name, LmgQuote(text, q, sizeof q), why);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (PetscInt i = 0; i < *n && !err[0]; i++)
    if (!(((*v)[i] > lo || (!strict && (*v)[i] == lo)) && (*v)[i] <= hi)) Bounds(lo, strict, hi, b, sizeof b), snprintf(err, LMG_ERR_LEN, "%s %s: %.17g must be %s", o->name, LmgQuote(text, q, sizeof q), (double)(*v)[i], b);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgOptionsInt(const LmgOption *o, PetscInt lo, PetscInt hi, PetscInt *v, char *err)
{
  const char *text;
  double      x;
  PetscFunctionBeginUser;
  PetscCall(LmgOptionsText(o, &text, NULL));
  if (LmgParseNumber(text, &x) && x == floor(x) && x >= (double)lo && x <= (double)hi) *v = (PetscInt)x;
  else if (!err[0]) {
    char q[104];
    snprintf(err, LMG_ERR_LEN, "%s %s: must be an integer from %" PetscInt_FMT " to %" PetscInt_FMT, o->name, LmgQuote(text, q, sizeof q), lo, hi);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgOptionsFlag(const LmgOption *o, PetscBool *v, char *err)
{
  const char *text;
  PetscBool   set, ok = PETSC_FALSE;
  PetscFunctionBeginUser;
  PetscCall(LmgOptionsText(o, &text, &set));
  if (!set) PetscFunctionReturn(PETSC_SUCCESS); /* the caller's default */
  if (!text[0]) *v = PETSC_TRUE, ok = PETSC_TRUE; /* a bare flag */
  else {
    const char *yes[] = {"1", "true", "yes", "on"}, *no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
      if (!strcasecmp(text, yes[i])) *v = PETSC_TRUE, ok = PETSC_TRUE;
      if (!strcasecmp(text, no[i])) *v = PETSC_FALSE, ok = PETSC_TRUE;
    }
  }
  if (!ok && !err[0]) {
    char q[104];
    snprintf(err, LMG_ERR_LEN, "%s %s: must be a flag (no value, or 1/0, true/false, yes/no)", o->name, LmgQuote(text, q, sizeof q));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgOptionsChoice(const LmgOption *o, const char *const *choices, PetscInt *v, char *err)
{
  const char *text;
  char        list[256] = "";
  PetscFunctionBeginUser;
  PetscCall(LmgOptionsText(o, &text, NULL));
  for (PetscInt i = 0; choices[i]; i++) {
    if (!strcmp(text, choices[i])) {
      *v = i;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? (choices[i + 1] ? ", " : " or ") : "", choices[i]);
  }
  if (!err[0]) {
    char q[104];
    snprintf(err, LMG_ERR_LEN, "%s %s: unknown (%s)", o->name, LmgQuote(text, q, sizeof q), list);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Optimal-string-alignment distance (adjacent transpositions count once), capped at cap. */
static PetscInt Distance(const char *a, const char *b, PetscInt cap)
{
  PetscInt la = (PetscInt)strlen(a), lb = (PetscInt)strlen(b), d[3][128], best = cap;
  if (la > 120 || lb > 120 || PetscAbsInt(la - lb) >= cap) return cap;
  for (PetscInt j = 0; j <= lb; j++) d[0][j] = j;
  for (PetscInt i = 1; i <= la; i++) {
    PetscInt *c = d[i % 3], *p = d[(i - 1) % 3], *pp = d[(i + 1) % 3];
    c[0] = i;
    for (PetscInt j = 1; j <= lb; j++) {
      PetscInt cost = a[i - 1] != b[j - 1];
      c[j]          = PetscMin(PetscMin(p[j] + 1, c[j - 1] + 1), p[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) c[j] = PetscMin(c[j], pp[j - 2] + 1);
    }
  }
  best = d[la % 3][lb];
  return PetscMin(best, cap);
}

const char *LmgOptionsClosest(const LmgOptionTable *const *tables, PetscInt nt, const char *name)
{
  const char *best = NULL;
  PetscInt    bd   = 1 + PetscMax(2, (PetscInt)strlen(name) / 3); /* closer than this, or nothing */
  for (PetscInt t = 0; t < nt; t++)
    for (PetscInt i = 0; i < tables[t]->n; i++) {
      PetscInt d = Distance(name, tables[t]->opt[i].name, bd);
      if (d < bd) bd = d, best = tables[t]->opt[i].name;
    }
  for (size_t i = 0; i < sizeof petsc_known / sizeof petsc_known[0]; i++) {
    PetscInt d = Distance(name, petsc_known[i], bd);
    if (d < bd) bd = d, best = petsc_known[i];
  }
  return best;
}

PetscBool LmgOptionsOwn(const LmgOptionTable *const *tables, PetscInt nt, const char *name)
{
  for (PetscInt t = 0; t < nt; t++)
    for (PetscInt i = 0; i < tables[t]->n; i++)
      if (!strcmp(name, tables[t]->opt[i].name)) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscBool Late(const char *name)
{
  for (size_t i = 0; i < sizeof petsc_late / sizeof petsc_late[0]; i++)
    if (!strcmp(name, petsc_late[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Where an option came from, for the error line. */
static const char *Source(const char *name)
{
  const char *env = getenv("PETSC_OPTIONS");
  PetscInt    argc;
  char      **argv;
  if (!PetscGetArgs(&argc, &argv))
    for (PetscInt i = 1; i < argc; i++)
      if (!strcmp(argv[i], name)) return "on the command line";
  if (env && strstr(env, name)) return "in PETSC_OPTIONS";
  return "in an options file";
}

PetscErrorCode LmgOptionsCheckUnused(MPI_Comm comm, const LmgOptionTable *const *tables, PetscInt nt, char err[LMG_ERR_LEN])
{
  PetscInt    n = 0;
  char      **names = NULL, **values = NULL, *list = NULL;
  PetscMPIInt rank;
  int         len = 0;

  PetscFunctionBeginUser;
  err[0] = '\0';
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  if (!rank) { /* rank 0's candidates, "-a\n-b\n...", checked on every rank */
    size_t cap = 1;
    for (PetscInt i = 0; i < n; i++) cap += strlen(names[i]) + 2;
    PetscCall(PetscCalloc1(cap, &list));
    for (PetscInt i = 0; i < n; i++) sprintf(list + strlen(list), "-%s\n", names[i]);
    len = (int)cap;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, comm));
  if (rank) PetscCall(PetscCalloc1(len, &list));
  PetscCallMPI(MPI_Bcast(list, len, MPI_CHAR, 0, comm));
  for (char *save = NULL, *name = strtok_r(list, "\n", &save); name && !err[0]; name = strtok_r(NULL, "\n", &save)) {
    PetscBool used, any;
    PetscCall(PetscOptionsUsed(NULL, name + 1, &used)); /* the database keeps names without the '-' */
    PetscCallMPI(MPI_Allreduce(&used, &any, 1, MPIU_BOOL, MPI_LOR, comm));
    if (!any && !Late(name)) {
      const char *near = LmgOptionsClosest(tables, nt, name);
      char        hint[160];
      if (near) snprintf(hint, sizeof hint, "did you mean %s?", near);
      else snprintf(hint, sizeof hint, "no lmgsweep option, and no PETSc/SLEPc option under -dyn_ or -spectrum_, has this name; -help lists them");
      snprintf(err, LMG_ERR_LEN, "unknown option %.200s (%s): %s", name, Source(name), hint);
    }
  }
  PetscCall(PetscFree(list));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Append values of one range item to vals (capacity grown as needed). */
static int ParseItem(char *item, PetscInt *n, PetscReal **vals, PetscInt *cap, char *why, size_t len)
{
  PetscBool lg = (PetscBool)(strncmp(item, "log:", 4) == 0);
  char     *s = lg ? item + 4 : item, *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  double    a, b, cnt;
  PetscInt  k, m = 1;

  if (!c1) {
    if (lg || !LmgParseNumber(s, &a)) return snprintf(why, len, "'%.80s' is not a number", item), 1;
    b = a;
  } else {
    if (!c2 || strchr(c2 + 1, ':')) return snprintf(why, len, "'%.80s' is not of the form a:b:n or log:a:b:n", item), 1;
    *c1 = *c2 = '\0';
    if (!LmgParseNumber(s, &a) || !LmgParseNumber(c1 + 1, &b) || !LmgParseNumber(c2 + 1, &cnt))
      return *c1 = *c2 = ':', snprintf(why, len, "'%.80s' has a part that is not a number", item), 1;
    *c1 = *c2 = ':';
    if (cnt < 1 || cnt != floor(cnt) || cnt > 1e6) return snprintf(why, len, "'%.80s': the point count must be an integer from 1 to 1e6", item), 1;
    if (cnt == 1 && a != b) return snprintf(why, len, "'%.80s': one point needs a == b", item), 1;
    if (lg && (a <= 0 || b <= 0)) return snprintf(why, len, "'%.80s': a log range needs positive ends", item), 1;
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

static int CompareReal(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

int LmgRangeParse(const char *text, PetscInt *n, PetscReal **vals, char *why, size_t len)
{
  char    *buf = strdup(text), *save = NULL, *item;
  PetscInt cap = 0;
  int      bad = 0;

  *n    = 0;
  *vals = NULL;
  for (const char *p = text; *p; p++)
    if (isspace((unsigned char)*p)) bad = snprintf(why, len, "'%.80s' contains white space", text) > 0;
  if (!bad && (text[0] == '\0' || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,")))
    bad = snprintf(why, len, "'%.80s' is an empty list or has an empty item", text) > 0;
  for (item = bad ? NULL : strtok_r(buf, ",", &save); item && !bad; item = strtok_r(NULL, ",", &save)) bad = ParseItem(item, n, vals, &cap, why, len);
  free(buf);
  if (!bad && *n > 1) { /* repeats, on a sorted copy */
    PetscReal *c = (PetscReal *)malloc((size_t)*n * sizeof *c);
    memcpy(c, *vals, (size_t)*n * sizeof *c);
    qsort(c, (size_t)*n, sizeof *c, CompareReal);
    for (PetscInt i = 1; i < *n && !bad; i++)
      if (c[i] == c[i - 1]) bad = snprintf(why, len, "the list lists the value %.17g twice", (double)c[i]) > 0;
    free(c);
  }
  if (bad) {
    free(*vals);
    *vals = NULL;
    *n    = 0;
  }
  return bad;
}

static int CheckFile(const char *path, int depth, char *err);

/* The -options_file values among n words. */
static int CheckWords(char **w, int n, int depth, char *err)
{
  for (int i = 0; i < n; i++)
    if (!strcmp(w[i], "-options_file")) {
      if (i + 1 >= n || w[i + 1][0] == '-') return snprintf(err, LMG_ERR_LEN, "-options_file: no file name given"), 1;
      if (CheckFile(w[++i], depth + 1, err)) return 1;
    }
  return 0;
}

/* Split s (modified) into at most cap white-space separated words. */
static int Words(char *s, char **w, int cap)
{
  int n = 0;
  for (char *save = NULL, *t = strtok_r(s, " \t\r\n", &save); t && n < cap; t = strtok_r(NULL, " \t\r\n", &save)) w[n++] = t;
  return n;
}

static int CheckFile(const char *path, int depth, char *err)
{
  FILE  *f;
  char  *line = NULL, q[104], *w[4];
  size_t cap  = 0;
  long   no   = 0;
  int    bad  = 0;
  if (depth > 8) return snprintf(err, LMG_ERR_LEN, "-options_file %s: options files nested more than 8 deep", LmgQuote(path, q, sizeof q)), 1;
  if (!(f = fopen(path, "r"))) return snprintf(err, LMG_ERR_LEN, "-options_file %s: cannot read it (%s)", LmgQuote(path, q, sizeof q), strerror(errno)), 1;
  for (ssize_t len; !bad && (len = getline(&line, &cap, f)) >= 0;) {
    int n;
    no++;
    if ((ssize_t)strlen(line) != len || memchr(line, '\0', (size_t)len)) { bad = snprintf(err, LMG_ERR_LEN, "-options_file %s: line %ld holds a NUL byte: not a text file", LmgQuote(path, q, sizeof q), no) > 0; break; }
    for (ssize_t i = 0; i < len; i++)
      if ((unsigned char)line[i] < 32 && !isspace((unsigned char)line[i])) bad = snprintf(err, LMG_ERR_LEN, "-options_file %s: line %ld holds control characters: not a text file", LmgQuote(path, q, sizeof q), no) > 0;
    if (bad) break;
    line[strcspn(line, "#!")] = '\0'; /* comments */
    n = Words(line, w, 4);
    if (n == 0) continue;
    if (!strcmp(w[0], "alias")) bad = n != 3 ? snprintf(err, LMG_ERR_LEN, "-options_file %s: line %ld: an alias needs two names", LmgQuote(path, q, sizeof q), no) > 0 : 0;
    else if (w[0][0] != '-' || !isalpha((unsigned char)w[0][1])) bad = snprintf(err, LMG_ERR_LEN, "-options_file %s: line %ld starts with '%.40s', not an option (-name [value]; # starts a comment)", LmgQuote(path, q, sizeof q), no, w[0]) > 0;
    else if (n > 2) bad = snprintf(err, LMG_ERR_LEN, "-options_file %s: line %ld: '%.40s' after the value of %.60s (one option per line)", LmgQuote(path, q, sizeof q), no, w[2], w[0]) > 0;
    else if (!strcmp(w[0], "-options_file")) bad = n < 2 ? snprintf(err, LMG_ERR_LEN, "-options_file %s: line %ld: -options_file without a file name", LmgQuote(path, q, sizeof q), no) > 0 : CheckFile(w[1], depth, err);
  }
  if (!bad && ferror(f)) bad = snprintf(err, LMG_ERR_LEN, "-options_file %s: read error (%s)", LmgQuote(path, q, sizeof q), strerror(errno)) > 0;
  free(line);
  fclose(f);
  return bad;
}

int LmgOptionsFilesCheck(int argc, char **argv, char err[LMG_ERR_LEN])
{
  const char *env = getenv("PETSC_OPTIONS");
  err[0]          = '\0';
  if (CheckWords(argv + 1, argc - 1, 0, err)) return 1;
  if (env) {
    char *copy = strdup(env), *w[256];
    int   n    = Words(copy, w, 256), bad = CheckWords(w, n, 0, err);
    free(copy);
    if (bad) return 1;
  }
  return 0;
}
