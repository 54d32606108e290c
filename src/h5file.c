/* HDF5 file: create (provenance, grid scales, then the records of h5records.c, flushed) or resume after checks; close. */
#include <errno.h>
#include <fcntl.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lmg/h5out.h"

static PetscErrorCode AttrString(hid_t obj, const char *name, const char *val, size_t size)
{
  hid_t t, s, a;
  PetscFunctionBeginUser;
  LmgCallHDF5(t = H5Tcopy(H5T_C_S1));
  LmgCallHDF5(H5Tset_size(t, size ? size : strlen(val) + 1));
  LmgCallHDF5(s = H5Screate(H5S_SCALAR));
  LmgCallHDF5(a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT));
  LmgCallHDF5(H5Awrite(a, t, val));
  LmgCallHDF5(H5Aclose(a));
  LmgCallHDF5(H5Sclose(s));
  LmgCallHDF5(H5Tclose(t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AttrNumber(hid_t obj, const char *name, hid_t type, const void *val)
{
  hid_t s, a;
  PetscFunctionBeginUser;
  LmgCallHDF5(s = H5Screate(H5S_SCALAR));
  LmgCallHDF5(a = H5Acreate2(obj, name, type, s, H5P_DEFAULT, H5P_DEFAULT));
  LmgCallHDF5(H5Awrite(a, type, val));
  LmgCallHDF5(H5Aclose(a));
  LmgCallHDF5(H5Sclose(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5CreateDataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, const void *fill, const char *units, const char *desc, hid_t *d)
{
  hid_t s, p;
  PetscFunctionBeginUser;
  LmgCallHDF5(s = H5Screate_simple(rank, dims, NULL));
  LmgCallHDF5(p = H5Pcreate(H5P_DATASET_CREATE));
  LmgCallHDF5(H5Pset_layout(p, H5D_CONTIGUOUS));
  LmgCallHDF5(H5Pset_alloc_time(p, H5D_ALLOC_TIME_EARLY));
  LmgCallHDF5(H5Pset_fill_time(p, H5D_FILL_TIME_ALLOC));
  if (fill) LmgCallHDF5(H5Pset_fill_value(p, type, fill));
  LmgCallHDF5(*d = H5Dcreate2(loc, name, type, s, H5P_DEFAULT, p, H5P_DEFAULT));
  PetscCall(AttrString(*d, "units", units, 0));
  PetscCall(AttrString(*d, "description", desc, 0));
  LmgCallHDF5(H5Pclose(p));
  LmgCallHDF5(H5Sclose(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /grid: the coordinates, written collectively (same values on all ranks), made dimension scales. */
static PetscErrorCode CreateGrid(hid_t file, const LmgConfig *cfg, hid_t scale[LMG_NSCALE])
{
  hid_t    g;
  hsize_t  n;
  int32_t *lev, *idx;
  int64_t *N;
  PetscFunctionBeginUser;
  LmgCallHDF5(g = H5Gcreate2(file, "grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(PetscMalloc3(cfg->nN, &N, cfg->nLevel, &lev, cfg->nev, &idx));
  for (PetscInt i = 0; i < cfg->nN; i++) N[i] = cfg->N[i];
  for (PetscInt i = 0; i < cfg->nLevel; i++) lev[i] = (int32_t)cfg->level[i];
  for (PetscInt i = 0; i < cfg->nev; i++) idx[i] = (int32_t)i;
  const struct {
    const char *name, *units, *desc;
    hid_t       type;
    PetscInt    n;
    const void *v;
  } c[LMG_NSCALE] = {
    [LMG_SC_N]       = {"N", "1", "number of atoms (spin-1/2 particles)", H5T_NATIVE_INT64, cfg->nN, N},
    [LMG_SC_G]       = {"gamma_over_J", "1", "transverse field ratio Gamma/J", H5T_NATIVE_DOUBLE, cfg->nG, cfg->gamma_over_J},
    [LMG_SC_EIG]     = {"eigen_index", "1", "index i of the eigenvalue E_i", H5T_NATIVE_INT32, cfg->nev, idx},
    [LMG_SC_DOUBLET] = {"doublet", "1", "member of the ground doublet: 0 (E0), 1 (E1)", H5T_NATIVE_INT32, 2, (int32_t[]){0, 1}},
    [LMG_SC_P]       = {"gamma_phi", "1/s", "collective dephasing rate gamma_phi", H5T_NATIVE_DOUBLE, cfg->nGphi, cfg->gamma_phi},
    [LMG_SC_L]       = {"level", "1", "model: k of a k-level truncation, 0 for the full Dicke space", H5T_NATIVE_INT32, cfg->nLevel, lev},
    [LMG_SC_TAU]     = {"tau_over_tau_opt", "1", "K3 interval tau in units of tau_opt = pi/(3 dE) of the record", H5T_NATIVE_DOUBLE, cfg->ntau, cfg->tau},
  };
  for (int i = 0; i < LMG_NSCALE; i++) {
    n = (hsize_t)c[i].n;
    PetscCall(LmgH5CreateDataset(g, c[i].name, c[i].type, 1, &n, NULL, c[i].units, c[i].desc, &scale[i]));
    LmgCallHDF5(H5Dwrite(scale[i], c[i].type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c[i].v));
    LmgCallHDF5(H5DSset_scale(scale[i], c[i].name));
  }
  PetscCall(PetscFree3(N, lev, idx));
  LmgCallHDF5(H5Gclose(g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Provenance(MPI_Comm comm, hid_t file, const LmgConfig *cfg, const char *cmdline, const char *sig)
{
  char        now[64], buf[256], *opts;
  time_t      t = time(NULL);
  PetscMPIInt size;
  int         len;
  unsigned    hm, hn, hr;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  PetscCallMPI(MPI_Bcast(now, sizeof now, MPI_CHAR, 0, comm));
  PetscCall(AttrString(file, "program", "lmgsweep", 0));
  PetscCall(AttrString(file, "version", LMG_VERSION, 0));
  PetscCall(AttrString(file, "git_commit", LMG_GIT_COMMIT, 0));
  PetscCall(AttrString(file, "command_line", cmdline, 0));
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  PetscCall(AttrString(file, "options", opts, 0));
  PetscCall(PetscFree(opts));
  PetscCall(AttrString(file, "signature", sig, 0));
  PetscCall(AttrString(file, "created", now, 0));
  PetscCall(AttrString(file, "finished", "", 64));
  PetscCall(AttrString(file, "units", "hbar=1; J, Gamma in rad/s; gamma_phi in 1/s; t in s; T in K", 0));
  PetscCall(AttrNumber(file, "J", H5T_NATIVE_DOUBLE, &cfg->J));
  PetscCall(AttrNumber(file, "T", H5T_NATIVE_DOUBLE, &cfg->T));
  PetscCall(AttrNumber(file, "ranks", H5T_NATIVE_INT, &size));
  PetscCall(AttrNumber(file, "team_size", H5T_NATIVE_INT64, &cfg->team_size));
  PetscCall(PetscGetVersion(buf, sizeof buf));
  PetscCall(AttrString(file, "petsc_version", buf, 0));
  PetscCall(SlepcGetVersion(buf, sizeof buf));
  PetscCall(AttrString(file, "slepc_version", buf, 0));
  H5get_libversion(&hm, &hn, &hr);
  snprintf(buf, sizeof buf, "%u.%u.%u", hm, hn, hr);
  PetscCall(AttrString(file, "hdf5_version", buf, 0));
  PetscCallMPI(MPI_Get_library_version(buf, &len));
  buf[strcspn(buf, "\n,")] = '\0';
  PetscCall(AttrString(file, "mpi_version", buf, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* First key=value of sig a that differs in sig b, as one line for the user. */
static void SignatureDiff(const char *file_sig, const char *run_sig, const char *path, char *err)
{
  char *a = strdup(file_sig), *sa = NULL;
  for (char *kv = strtok_r(a, ";", &sa); kv; kv = strtok_r(NULL, ";", &sa)) {
    char  *eq = strchr(kv, '='), key[128];
    size_t kl = eq ? (size_t)(eq - kv) : strlen(kv);
    snprintf(key, sizeof key, "%.*s=", (int)kl, kv);
    const char *b = strstr(run_sig, key);
    if (!b || strncmp(b, kv, strlen(kv)) || (b[strlen(kv)] != ';' && b[strlen(kv)] != '\0')) {
      char now[200] = "";
      if (b) snprintf(now, sizeof now, "%.*s", (int)strcspn(b + strlen(key), ";"), b + strlen(key));
      snprintf(err, LMG_ERR_LEN, "-resume: -%.*s differs from %.200s (file: %.150s; this run: %.150s)", (int)kl, kv, path, eq ? eq + 1 : "", now);
      break;
    }
  }
  free(a);
}

/* Rank 0 only, serial and read-only: is `path` an lmgsweep file of this configuration? */
static void CheckExisting(const char *path, const char *sig, char *err)
{
  hid_t f, a, t;
  char *buf;
  H5E_BEGIN_TRY
  {
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  }
  H5E_END_TRY;
  if (f < 0) {
    snprintf(err, LMG_ERR_LEN, "-output %.200s: exists but is not a readable HDF5 file; -resume needs an lmgsweep file", path);
    return;
  }
  H5E_BEGIN_TRY
  {
    a = H5Aopen(f, "signature", H5P_DEFAULT);
  }
  H5E_END_TRY;
  if (a < 0) snprintf(err, LMG_ERR_LEN, "-output %.200s: not an lmgsweep file (no 'signature' attribute); -resume refused", path);
  else {
    t   = H5Aget_type(a);
    buf = (char *)calloc(H5Tget_size(t) + 1, 1);
    H5Aread(a, t, buf);
    if (strcmp(buf, sig)) SignatureDiff(buf, sig, path, err);
    free(buf);
    H5Tclose(t);
    H5Aclose(a);
  }
  H5Fclose(f);
}

/* Rank 0: may the file be created or resumed? Fills err (one line) if not. */
static void CheckOutput(const LmgConfig *cfg, const char *sig, PetscBool *exists, char *err)
{
  const char *path = cfg->output;
  *exists          = (PetscBool)(access(path, F_OK) == 0);
  if (*exists && !cfg->resume) snprintf(err, LMG_ERR_LEN, "-output %.200s: the file exists; add -resume to continue it, or choose another name", path);
  else if (*exists && access(path, R_OK | W_OK)) snprintf(err, LMG_ERR_LEN, "-output %.200s: cannot open for writing (%s)", path, strerror(errno));
  else if (*exists) CheckExisting(path, sig, err);
  else {
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0) snprintf(err, LMG_ERR_LEN, "-output %.200s: cannot create the file (%s)", path, strerror(errno));
    else {
      close(fd);
      unlink(path);
    }
  }
}

PetscErrorCode LmgH5Open(MPI_Comm comm, const LmgConfig *cfg, const char *cmdline, LmgH5 *h5, char err[LMG_ERR_LEN])
{
  char        sig[8192];
  PetscMPIInt rank;
  PetscBool   exists = PETSC_FALSE;
  hid_t       fapl, scale[LMG_NSCALE];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(h5, sizeof *h5));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(LmgConfigSignature(cfg, sig, sizeof sig));
  err[0] = '\0';
  LmgCallHDF5(H5Eset_auto2(H5E_DEFAULT, NULL, NULL)); /* our errors are one line; PETSc reports HDF5 failures */
  if (!rank) CheckOutput(cfg, sig, &exists, err);
  PetscCallMPI(MPI_Bcast(err, LMG_ERR_LEN, MPI_CHAR, 0, comm));
  PetscCallMPI(MPI_Bcast(&exists, 1, MPIU_BOOL, 0, comm));
  if (err[0]) PetscFunctionReturn(PETSC_SUCCESS);
  h5->nN      = cfg->nN;
  h5->nG      = cfg->nG;
  h5->nP      = cfg->nGphi;
  h5->nL      = cfg->nLevel;
  h5->nev     = cfg->nev;
  h5->ntau    = cfg->ntau;
  h5->resumed = exists;
  LmgCallHDF5(h5->strtype = H5Tcopy(H5T_C_S1));
  LmgCallHDF5(H5Tset_size(h5->strtype, LMG_MSG_LEN));
  LmgCallHDF5(h5->str32 = H5Tcopy(H5T_C_S1));
  LmgCallHDF5(H5Tset_size(h5->str32, 32));
  LmgCallHDF5(fapl = H5Pcreate(H5P_FILE_ACCESS));
  LmgCallHDF5(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
  if (exists) {
    LmgCallHDF5(h5->file = H5Fopen(cfg->output, H5F_ACC_RDWR, fapl));
    PetscCall(LmgH5RecordsOpen(h5));
  } else {
    LmgCallHDF5(h5->file = H5Fcreate(cfg->output, H5F_ACC_EXCL, H5P_DEFAULT, fapl));
    PetscCall(Provenance(comm, h5->file, cfg, cmdline, sig));
    PetscCall(CreateGrid(h5->file, cfg, scale));
    PetscCall(LmgH5RecordsCreate(h5, scale));
    for (int i = 0; i < LMG_NSCALE; i++) LmgCallHDF5(H5Dclose(scale[i]));
    LmgCallHDF5(H5Fflush(h5->file, H5F_SCOPE_GLOBAL)); /* all structure on disk: a kill from now on leaves a valid file */
  }
  LmgCallHDF5(H5Pclose(fapl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5Close(LmgH5 *h5, PetscBool finished)
{
  char   now[64] = "";
  time_t t       = time(NULL);
  hid_t  a, ty;
  PetscFunctionBeginUser;
  if (!h5->file) PetscFunctionReturn(PETSC_SUCCESS);
  if (finished) {
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    PetscCallMPI(MPI_Bcast(now, sizeof now, MPI_CHAR, 0, PETSC_COMM_WORLD));
    LmgCallHDF5(a = H5Aopen(h5->file, "finished", H5P_DEFAULT));
    LmgCallHDF5(ty = H5Aget_type(a));
    LmgCallHDF5(H5Awrite(a, ty, now));
    LmgCallHDF5(H5Tclose(ty));
    LmgCallHDF5(H5Aclose(a));
  }
  PetscCall(LmgH5RecordsClose(h5));
  LmgCallHDF5(H5Tclose(h5->strtype));
  LmgCallHDF5(H5Tclose(h5->str32));
  LmgCallHDF5(H5Fclose(h5->file));
  h5->file = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}
