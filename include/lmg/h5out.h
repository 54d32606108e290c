/* The one shared HDF5 file, readable by h5py and as netCDF-4 (xarray, ncdump): created collectively at start-up under a
   temporary name and renamed into place, written per record, locked against a second writer.
   h5file.c owns the file (lock, create, resume checks, provenance, close); h5records.c the layout of the record kinds. */
#pragma once
#include <hdf5.h>
#include "kind.h"

#define LMG_FILE_FORMAT 2 /* 2: coordinates in every group, char-array strings (netCDF-4); 1: /grid (lmgsweep 0.1) */

typedef struct {
  PetscBool on;     /* the kind has records in this run */
  hid_t    *dset;   /* one per field of its table */
  hid_t     status, message, time, team;
} LmgH5Group;

typedef struct {
  hid_t            file, chr; /* chr: netCDF's NC_CHAR (a 1-byte NUL-terminated ASCII string) */
  LmgH5Group       g[LMG_MAXKINDS];
  const LmgConfig *cfg;
  PetscBool        resumed, was_finished;
  int              lock;      /* rank 0: the lock file's descriptor (-1: none) */
  PetscBool        lock_held; /* rank 0: this run holds its lock (and removes the file when it closes FILE) */
} LmgH5;

/* Collective. Creates cfg->output (all datasets, NaN-filled, flushed, then renamed from <output>.part), or with -resume
   reopens it after checking its format and signature; holds <output>.lock while open. Bad input (file exists, in use by
   another run, unwritable, another grid, no space) fills err with one line and touches no existing file. With -resume,
   records skipped by a limit (-dyn_max_steps, -dyn_max_gb) whose value changed become pending again. cmdline: the
   command line, stored as provenance. */
PetscErrorCode LmgH5Open(MPI_Comm comm, const LmgConfig *cfg, const char *cmdline, LmgH5 *h5, char err[LMG_ERR_LEN]);
/* Not collective: any rank may read. status[LmgGridTaskCount] of every record, in task order. */
PetscErrorCode LmgH5ReadStatus(const LmgH5 *h5, int8_t *status);
/* Not collective (independent I/O). Write one record (its data only when done), its message and timing, then its status. */
PetscErrorCode LmgH5WriteRecord(const LmgH5 *h5, const LmgTask *task, const void *rec, const LmgOutcome *out, PetscReal seconds, PetscInt team);
/* Collective. Stamps `finished` when the sweep is complete and this run wrote something, closes, releases the lock. */
PetscErrorCode LmgH5Close(LmgH5 *h5, PetscBool finished, PetscBool wrote);

/* h5records.c, for h5file.c: collective creation / opening / closing of the kinds' groups and of /status, /timing. */
PetscErrorCode LmgH5RecordsCreate(LmgH5 *h5);
PetscErrorCode LmgH5RecordsOpen(LmgH5 *h5);
PetscErrorCode LmgH5RecordsClose(LmgH5 *h5);
/* After a failed creation: close whatever record datasets exist (errors ignored). */
void LmgH5RecordsAbort(LmgH5 *h5);
/* The size of the file of cfg's grid (every dataset is allocated at creation). Not collective. */
PetscReal LmgH5Bytes(const LmgConfig *cfg);
/* Not collective (rank 0): records skipped for a reason naming `option` become pending; *n: how many. */
PetscErrorCode LmgH5ReopenSkipped(const LmgH5 *h5, const char *option, PetscInt *n);
/* Attributes and datasets of the layout. */
PetscErrorCode LmgH5AttrString(hid_t obj, const char *name, const char *val, size_t size);
PetscErrorCode LmgH5CreateDataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, const void *fill, const char *units, const char *long_name, const char *desc, hid_t *d);
