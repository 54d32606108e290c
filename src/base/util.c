/* Small helpers: growing strings, and the key that groups record messages by the kind of reason. */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include "lmg/lmg.h"

void LmgStrAppend(LmgStr *b, const char *fmt, ...)
{
  va_list ap;
  int     k;
  if (b->cap && !b->s) return; /* an earlier allocation failed */
  for (;;) {
    va_start(ap, fmt);
    k = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if (b->s && b->len + (size_t)k < b->cap) break;
    b->cap = 2 * (b->len + (size_t)k + 64);
    char *t = (char *)realloc(b->s, b->cap);
    if (!t) {
      free(b->s);
      b->s = NULL;
      return;
    }
    b->s = t;
    if (!b->len) b->s[0] = '\0';
  }
  b->len += (size_t)k;
}

/* A number starts here: not inside a word (K3, rho01, N+1 keep their digits), a digit or a point before one, after an
   optional sign. */
static int NumberAt(const char *msg, const char *p)
{
  const unsigned char *u = (const unsigned char *)p;
  if (p > msg && (isalnum(u[-1]) || u[-1] == '_' || u[-1] == '.')) return 0;
  if (p > msg + 1 && (u[-1] == '+' || u[-1] == '-') && (isalnum(u[-2]) || u[-2] == '_')) return 0;
  if (*u == '+' || *u == '-') u++;
  return isdigit(u[0]) || (u[0] == '.' && isdigit(u[1])) || ((!strncasecmp((const char *)u, "inf", 3) || !strncasecmp((const char *)u, "nan", 3)) && !isalnum(u[3]) && u[3] != '_');
}

void LmgMessageKey(const char *msg, char *key, size_t len)
{
  size_t o = 0;
  for (const char *p = msg; *p && o + 1 < len;) {
    if (NumberAt(msg, p)) {
      if (*p == '+' || *p == '-') p++;
      if (isalpha((unsigned char)*p)) p += 3; /* inf, nan */
      else
        while (isdigit((unsigned char)*p) || *p == '.' || ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) || p[1] == '-' || p[1] == '+')) || ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E'))) p++;
      key[o++] = '#';
    } else key[o++] = *p++;
  }
  key[o] = '\0';
}

static PetscErrorCode Capture(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  LmgErrorInfo *info = (LmgErrorInfo *)ctx;
  (void)comm, (void)line, (void)file;
  (void)p;
  if (!info->fun[0]) { /* the first call is where the error arose; the others are its traceback */
    snprintf(info->mess, sizeof info->mess, "%s", mess && mess[0] && mess[0] != ' ' ? mess : "");
    snprintf(info->fun, sizeof info->fun, "%s", fun ? fun : "?");
  }
  return n;
}

PetscErrorCode LmgErrorPush(LmgErrorInfo *info)
{
  info->mess[0] = info->fun[0] = '\0';
  return PetscPushErrorHandler(Capture, info);
}

PetscErrorCode LmgErrorPop(void)
{
  return PetscPopErrorHandler();
}

PetscBool LmgErrorIsMemory(PetscErrorCode ierr, const LmgErrorInfo *info)
{
  return (PetscBool)(ierr == PETSC_ERR_MEM || strstr(info->fun, "Malloc") || strstr(info->mess, "Out of memory") || strstr(info->mess, "Memory requested"));
}

void LmgErrorText(PetscErrorCode ierr, const LmgErrorInfo *info, const char *where, char *msg, size_t len)
{
  const char   *text = NULL;
  struct rusage ru;
  PetscErrorMessage(ierr, &text, NULL);
  getrusage(RUSAGE_SELF, &ru);
  if (LmgErrorIsMemory(ierr, info)) /* the allocation that failed, and how big the process had grown */
    snprintf(msg, len, "%s: out of memory in %s (%s) with %.0f MB resident", where, info->fun[0] ? info->fun : "?", info->mess[0] ? info->mess : "PETSc's malloc", ru.ru_maxrss / 1024.0);
  else if (info->mess[0]) snprintf(msg, len, "%s: %s (PETSc error %d in %s)", where, info->mess, (int)ierr, info->fun);
  else snprintf(msg, len, "%s: %s (PETSc error %d in %s)", where, text ? text : "?", (int)ierr, info->fun[0] ? info->fun : "?");
  for (char *c = msg; *c; c++)
    if (*c == '\n' || *c == '\r') *c = ' '; /* one line */
}
