/* Common definitions of lmgsweep: error macros, limits, exit codes. */
#pragma once
#include <slepceps.h>
#include <stdint.h>

#ifndef PETSC_SUCCESS /* PETSc < 3.19 */
  #define PETSC_SUCCESS 0
#endif

#define LMG_VERSION      "0.1.0"
#define LMG_MSG_LEN      160 /* bytes of a record's status message, NUL included */
#define LMG_ERR_LEN      512 /* bytes of a user-facing input error line */
#define LMG_EXIT_BADARG  2   /* bad input: nothing was computed or written */
#define LMG_EXIT_DRAINED 75  /* stopped by SIGTERM/SIGUSR1 with work left: requeue and -resume (EX_TEMPFAIL) */

/* Record status values in /status/... */
enum { LMG_PENDING = 0, LMG_DONE = 1, LMG_FAILED = 2 };

/* Physical constants (CODATA 2018, exact in SI). */
#define LMG_HBAR 1.054571817e-34
#define LMG_KB   1.380649e-23

/* Check an HDF5 call: negative return values are errors. */
#define LmgCallHDF5(call) \
  do { \
    if ((call) < 0) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 call failed: %s", #call); \
  } while (0)
