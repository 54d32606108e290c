/* The one shared HDF5 file: layout of DESIGN.md, created collectively at start-up, written per record. */
#pragma once
#include <hdf5.h>
#include "spectrum.h"

typedef struct {
  hid_t    file, strtype;
  hid_t   *spec;                  /* /spectrum datasets, in the order of the field table */
  hid_t    status, message, time, team;
  PetscInt nN, nG, nev;
  PetscBool resumed;
} LmgH5;

/* Collective. Creates cfg->output (all datasets, NaN-filled, flushed), or with -resume reopens it after
   checking that its options match. Bad input (file exists, unwritable, other grid) fills err and touches
   no existing file. cmdline: the command line, stored as provenance. */
PetscErrorCode LmgH5Open(MPI_Comm comm, const LmgConfig *cfg, const char *cmdline, LmgH5 *h5, char err[LMG_ERR_LEN]);
/* Not collective: any rank may read. status[nN*nG] of the spectrum records. */
PetscErrorCode LmgH5ReadSpectrumStatus(const LmgH5 *h5, int8_t *status);
/* Not collective (independent I/O). Writes one spectrum record, its timing, then its status. */
PetscErrorCode LmgH5WriteSpectrum(const LmgH5 *h5, PetscInt iN, PetscInt iG, const LmgSpectrum *sp, PetscReal seconds, PetscInt team);
/* Collective. Stamps `finished` when the sweep completed, and closes the file. */
PetscErrorCode LmgH5Close(LmgH5 *h5, PetscBool finished);
