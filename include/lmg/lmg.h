/* Common definitions of lmgsweep: error macros, limits, exit codes. */
#pragma once
#include <slepceps.h>
#include <stdint.h>

#ifndef PETSC_SUCCESS /* PETSc < 3.19 */
  #define PETSC_SUCCESS 0
#endif

#define LMG_VERSION      "0.1.0"
#define LMG_MSG_LEN      160 /* bytes of a record's status message, NUL included */
#define LMG_STR_LEN      64  /* bytes of a string field of a record, NUL included */
#define LMG_ERR_LEN      512 /* bytes of a user-facing input error line */
#define LMG_EXIT_BADARG  2   /* bad input: nothing was computed or written */
#define LMG_EXIT_DRAINED 75  /* stopped by SIGTERM/SIGUSR1 with work left: requeue and -resume (EX_TEMPFAIL) */

#if !defined(PETSC_USE_COMPLEX)
  #error "lmgsweep needs PETSc and SLEPc built with complex scalars (--with-scalar-type=complex)"
#endif

/* Record status values in /status/...: pending (not computed yet), done, failed (an error, no convergence, a failed
   step), skipped (not computed by design, with the reason). LMG_ABANDONED: given up by a drain, never written (the
   record stays pending). */
enum { LMG_PENDING = 0, LMG_DONE = 1, LMG_FAILED = 2, LMG_SKIPPED = 3, LMG_ABANDONED = -1 };

/* What became of one record: its status and why (failed, skipped) or a note. */
typedef struct {
  PetscInt status;
  char     message[LMG_MSG_LEN];
} LmgOutcome;

/* A growing string (util.c): s is malloc'd, NUL-terminated; on allocation failure s becomes NULL and stays so. */
typedef struct {
  char  *s;
  size_t len, cap;
} LmgStr;
void LmgStrAppend(LmgStr *b, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(2, 3);
/* The message with its numbers (and inf, nan) replaced by '#', digits inside words (K3, rho01, N+1) kept: records
   whose messages share a key failed or were skipped for one kind of reason (the summaries count them together and
   print one example with its numbers). */
void LmgMessageKey(const char *msg, char *key, size_t len);

/* PETSc errors kept as text: while pushed, the error handler stores the first message of an error (PETSc's own, e.g.
   the memory asked for) and the function that raised it, and returns the code (util.c). */
typedef struct {
  char mess[LMG_MSG_LEN], fun[64];
} LmgErrorInfo;
PetscErrorCode LmgErrorPush(LmgErrorInfo *info);
PetscErrorCode LmgErrorPop(void);
/* Whether the error is an allocation that failed. */
PetscBool LmgErrorIsMemory(PetscErrorCode ierr, const LmgErrorInfo *info);
/* "<where>: <message> (PETSc error <n> in <function>)", or "<where>: out of memory in ..." into msg. */
void LmgErrorText(PetscErrorCode ierr, const LmgErrorInfo *info, const char *where, char *msg, size_t len);

/* Physical constants (CODATA 2018, exact in SI). */
#define LMG_HBAR 1.054571817e-34
#define LMG_KB   1.380649e-23

/* Check an HDF5 call: negative return values are errors. */
#define LmgCallHDF5(call) \
  do { \
    if ((call) < 0) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 call failed: %s", #call); \
  } while (0)
