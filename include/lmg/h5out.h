/* The one shared HDF5 file: layout of DESIGN.md, created collectively at start-up, written per record.
   h5file.c owns the file (create, resume checks, provenance, grid scales, close); h5records.c the record datasets. */
#pragma once
#include <hdf5.h>
#include "grid.h"
#include "threshold.h"

typedef struct {
  hid_t   *dset; /* one per field of the group's field table */
  hid_t    status, message, time, team;
} LmgH5Group;

enum { LMG_SC_N, LMG_SC_G, LMG_SC_EIG, LMG_SC_DOUBLET, LMG_SC_P, LMG_SC_L, LMG_SC_TAU, LMG_NSCALE };

typedef struct {
  hid_t      file, strtype, str32; /* string types: messages (LMG_MSG_LEN bytes), short labels (32 bytes) */
  LmgH5Group spec, dyn, thr;
  PetscInt   nN, nG, nP, nL, nev, ntau;
  PetscBool  resumed;
} LmgH5;

/* Collective. Creates cfg->output (all datasets, NaN-filled, flushed), or with -resume reopens it after
   checking that its options match. Bad input (file exists, unwritable, other grid) fills err and touches
   no existing file. cmdline: the command line, stored as provenance. */
PetscErrorCode LmgH5Open(MPI_Comm comm, const LmgConfig *cfg, const char *cmdline, LmgH5 *h5, char err[LMG_ERR_LEN]);
/* Not collective: any rank may read. status[LmgGridTaskCount] of every record, in task order. */
PetscErrorCode LmgH5ReadStatus(const LmgH5 *h5, int8_t *status);
/* Not collective (independent I/O). Write one record, its timing, then its status. */
PetscErrorCode LmgH5WriteSpectrum(const LmgH5 *h5, const LmgTask *task, const LmgSpectrum *sp, PetscReal seconds, PetscInt team);
PetscErrorCode LmgH5WriteDynamics(const LmgH5 *h5, const LmgTask *task, const LmgDynamics *dyn, PetscReal seconds, PetscInt team);
PetscErrorCode LmgH5WriteThreshold(const LmgH5 *h5, const LmgTask *task, const LmgThreshold *th, PetscReal seconds, PetscInt team);
/* Collective. Stamps `finished` when the sweep completed, and closes the file. */
PetscErrorCode LmgH5Close(LmgH5 *h5, PetscBool finished);

/* h5records.c, for h5file.c: collective creation (with scales attached) / opening / closing of all record datasets. */
PetscErrorCode LmgH5RecordsCreate(LmgH5 *h5, const hid_t scale[LMG_NSCALE]);
PetscErrorCode LmgH5RecordsOpen(LmgH5 *h5);
PetscErrorCode LmgH5RecordsClose(LmgH5 *h5);
/* A fixed-size, contiguous, early-allocated dataset filled with `fill`, with units and description. */
PetscErrorCode LmgH5CreateDataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, const void *fill, const char *units, const char *desc, hid_t *d);
