/* HDF5 output: the file layout (grid scales, /spectrum, /status, /timing, provenance), collective
   creation with early allocation and NaN fill, resume checks, and independent per-record writes. */
#include <errno.h>
#include <fcntl.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lmg/h5out.h"

typedef enum { SHAPE_S, SHAPE_NEV, SHAPE_2 } Shape;
typedef enum { F64, I8, I32 } Kind;
typedef struct {
  const char *name, *units, *desc;
  Shape       shape;
  Kind        kind;
  size_t      off;   /* offset in LmgSpectrum */
  int         isptr; /* the member is a pointer to the values */
} Field;

#define SP(m) offsetof(LmgSpectrum, m)
static const Field spec_fields[] = {
  {"E", "rad/s", "lowest eigenvalues E_i of H", SHAPE_NEV, F64, SP(E), 1},
  {"E_err", "rad/s", "rigorous error bound of E_i (Kato-Temple / Bauer-Fike plus rounding)", SHAPE_NEV, F64, SP(Eerr), 1},
  {"parity", "1", "parity of E_i: +1 even, -1 odd (0: not computed)", SHAPE_NEV, I8, SP(parity), 1},
  {"Jz2", "1", "<E_i|Jz^2|E_i>", SHAPE_NEV, F64, SP(Jz2), 1},
  {"dE", "rad/s", "tunnel splitting E1 - E0 (NaN where dE_resolved = 0)", SHAPE_S, F64, SP(dE), 0},
  {"dE_resolved", "1", "1 when dE is resolved to >= 6 significant digits, else 0", SHAPE_S, I8, SP(dE_resolved), 0},
  {"dE_bits", "bit", "precision that resolved dE: 53 (double) or the MPFR precision; 0 unresolved", SHAPE_S, I32, SP(dE_bits), 0},
  {"gap_ratio", "1", "(E2 - E0)/dE", SHAPE_S, F64, SP(gap_ratio), 0},
  {"J01", "1", "|<E0|Jz|E1>|", SHAPE_S, F64, SP(J01), 0},
  {"q01", "1", "|<E0|sign(Jz)|E1>|", SHAPE_S, F64, SP(q01), 0},
  {"G01", "1", "(Jz2[0] + Jz2[1])/2", SHAPE_S, F64, SP(G01), 0},
  {"G_loc", "1", "(N m*)^2/2, m* = sqrt(1 - (Gamma/J)^2)", SHAPE_S, F64, SP(G_loc), 0},
  {"eta_MF", "1", "G_loc/G01", SHAPE_S, F64, SP(eta_MF), 0},
  {"eta_exact", "1", "1 + J01^2/G01", SHAPE_S, F64, SP(eta_exact), 0},
  {"eta_quantum", "1", "(N m*/2)^2/G01", SHAPE_S, F64, SP(eta_quantum), 0},
  {"leakage", "1", "(Jz2[i] - J01^2)/Jz2[i], i = 0, 1", SHAPE_2, F64, SP(leakage), 0},
  {"leakage_avg", "1", "(G01 - J01^2)/G01", SHAPE_S, F64, SP(leakage_avg), 0},
  {"delta_G", "1", "(N m*/2)^2 - G01", SHAPE_S, F64, SP(delta_G), 0},
  {"Delta_zp", "1", "N m*/2 - J01", SHAPE_S, F64, SP(Delta_zp), 0},
  {"S_inst", "1", "artanh(m*) - m*", SHAPE_S, F64, SP(S_inst), 0},
  {"S_overlap", "1", "(Gamma/J)^N", SHAPE_S, F64, SP(S_overlap), 0},
  {"dE_over_kT", "1", "hbar dE/(k_B T)", SHAPE_S, F64, SP(dE_over_kT), 0},
};
#define NSPEC ((PetscInt)(sizeof spec_fields / sizeof spec_fields[0]))

static hid_t NativeType(Kind k)
{
  return k == F64 ? H5T_NATIVE_DOUBLE : k == I8 ? H5T_NATIVE_INT8 : H5T_NATIVE_INT32;
}

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

/* A fixed-size, contiguous, early-allocated dataset filled with `fill`, with units and description. */
static PetscErrorCode CreateDataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, const void *fill, const char *units, const char *desc, hid_t *d)
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
static PetscErrorCode CreateGrid(hid_t file, const LmgConfig *cfg, hid_t scale[4])
{
  hid_t    g, d;
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
  } c[] = {
    {"N", "1", "number of atoms (spin-1/2 particles)", H5T_NATIVE_INT64, cfg->nN, N},
    {"gamma_over_J", "1", "transverse field ratio Gamma/J", H5T_NATIVE_DOUBLE, cfg->nG, cfg->gamma_over_J},
    {"eigen_index", "1", "index i of the eigenvalue E_i", H5T_NATIVE_INT32, cfg->nev, idx},
    {"doublet", "1", "member of the ground doublet: 0 (E0), 1 (E1)", H5T_NATIVE_INT32, 2, (int32_t[]){0, 1}},
    {"gamma_phi", "1/s", "collective dephasing rate gamma_phi", H5T_NATIVE_DOUBLE, cfg->nGphi, cfg->gamma_phi},
    {"level", "1", "model: k of a k-level truncation, 0 for the full Dicke space", H5T_NATIVE_INT32, cfg->nLevel, lev},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    n = (hsize_t)c[i].n;
    PetscCall(CreateDataset(g, c[i].name, c[i].type, 1, &n, NULL, c[i].units, c[i].desc, &d));
    LmgCallHDF5(H5Dwrite(d, c[i].type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c[i].v));
    LmgCallHDF5(H5DSset_scale(d, c[i].name));
    if (i < 4) scale[i] = d;
    else LmgCallHDF5(H5Dclose(d));
  }
  PetscCall(PetscFree3(N, lev, idx));
  LmgCallHDF5(H5Gclose(g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Attach(hid_t d, const hid_t scale[4], Shape shape)
{
  PetscFunctionBeginUser;
  LmgCallHDF5(H5DSattach_scale(d, scale[0], 0));
  LmgCallHDF5(H5DSattach_scale(d, scale[1], 1));
  if (shape != SHAPE_S) LmgCallHDF5(H5DSattach_scale(d, scale[shape == SHAPE_NEV ? 2 : 3], 2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CreateRecords(LmgH5 *h5, const hid_t scale[4])
{
  hid_t         g;
  const double  nan = NAN;
  const int8_t  zero8 = 0;
  const int32_t zero32 = 0, minus1 = -1;
  const char    empty[LMG_MSG_LEN] = "";
  hsize_t       dims[3] = {(hsize_t)h5->nN, (hsize_t)h5->nG, 0};
  PetscFunctionBeginUser;
  LmgCallHDF5(g = H5Gcreate2(h5->file, "spectrum", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (PetscInt f = 0; f < NSPEC; f++) {
    const Field *fd = &spec_fields[f];
    const void  *fill = fd->kind == F64 ? (const void *)&nan : fd->kind == I8 ? (const void *)&zero8 : (const void *)&zero32;
    dims[2]           = fd->shape == SHAPE_NEV ? (hsize_t)h5->nev : 2;
    PetscCall(CreateDataset(g, fd->name, NativeType(fd->kind), fd->shape == SHAPE_S ? 2 : 3, dims, fill, fd->units, fd->desc, &h5->spec[f]));
    PetscCall(Attach(h5->spec[f], scale, fd->shape));
  }
  LmgCallHDF5(H5Gclose(g));
  LmgCallHDF5(g = H5Gcreate2(h5->file, "status", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(CreateDataset(g, "spectrum", H5T_NATIVE_INT8, 2, dims, &zero8, "1", "spectrum record: 0 pending, 1 done, 2 failed", &h5->status));
  PetscCall(CreateDataset(g, "spectrum_message", h5->strtype, 2, dims, empty, "1", "why a spectrum record failed, or a note on it", &h5->message));
  PetscCall(Attach(h5->status, scale, SHAPE_S));
  PetscCall(Attach(h5->message, scale, SHAPE_S));
  LmgCallHDF5(H5Gclose(g));
  LmgCallHDF5(g = H5Gcreate2(h5->file, "timing", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(CreateDataset(g, "spectrum", H5T_NATIVE_DOUBLE, 2, dims, &nan, "s", "wall time of the spectrum record", &h5->time));
  PetscCall(CreateDataset(g, "spectrum_team", H5T_NATIVE_INT32, 2, dims, &minus1, "1", "team that computed the spectrum record (-1: none)", &h5->team));
  PetscCall(Attach(h5->time, scale, SHAPE_S));
  PetscCall(Attach(h5->team, scale, SHAPE_S));
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

static PetscErrorCode OpenRecords(LmgH5 *h5)
{
  char name[128];
  PetscFunctionBeginUser;
  for (PetscInt f = 0; f < NSPEC; f++) {
    snprintf(name, sizeof name, "spectrum/%s", spec_fields[f].name);
    LmgCallHDF5(h5->spec[f] = H5Dopen2(h5->file, name, H5P_DEFAULT));
  }
  LmgCallHDF5(h5->status = H5Dopen2(h5->file, "status/spectrum", H5P_DEFAULT));
  LmgCallHDF5(h5->message = H5Dopen2(h5->file, "status/spectrum_message", H5P_DEFAULT));
  LmgCallHDF5(h5->time = H5Dopen2(h5->file, "timing/spectrum", H5P_DEFAULT));
  LmgCallHDF5(h5->team = H5Dopen2(h5->file, "timing/spectrum_team", H5P_DEFAULT));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5Open(MPI_Comm comm, const LmgConfig *cfg, const char *cmdline, LmgH5 *h5, char err[LMG_ERR_LEN])
{
  char        sig[8192];
  PetscMPIInt rank;
  PetscBool   exists = PETSC_FALSE;
  hid_t       fapl, scale[4];

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
  h5->nN = cfg->nN;
  h5->nG = cfg->nG;
  h5->nev = cfg->nev;
  h5->resumed = exists;
  PetscCall(PetscMalloc1(NSPEC, &h5->spec));
  LmgCallHDF5(h5->strtype = H5Tcopy(H5T_C_S1));
  LmgCallHDF5(H5Tset_size(h5->strtype, LMG_MSG_LEN));
  LmgCallHDF5(fapl = H5Pcreate(H5P_FILE_ACCESS));
  LmgCallHDF5(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
  if (exists) {
    LmgCallHDF5(h5->file = H5Fopen(cfg->output, H5F_ACC_RDWR, fapl));
    PetscCall(OpenRecords(h5));
  } else {
    LmgCallHDF5(h5->file = H5Fcreate(cfg->output, H5F_ACC_EXCL, H5P_DEFAULT, fapl));
    PetscCall(Provenance(comm, h5->file, cfg, cmdline, sig));
    PetscCall(CreateGrid(h5->file, cfg, scale));
    PetscCall(CreateRecords(h5, scale));
    for (int i = 0; i < 4; i++) LmgCallHDF5(H5Dclose(scale[i]));
    LmgCallHDF5(H5Fflush(h5->file, H5F_SCOPE_GLOBAL)); /* all structure on disk: a kill from now on leaves a valid file */
  }
  LmgCallHDF5(H5Pclose(fapl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5ReadSpectrumStatus(const LmgH5 *h5, int8_t *status)
{
  PetscFunctionBeginUser;
  LmgCallHDF5(H5Dread(h5->status, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, status));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Write len values at (iN, iG[, 0:len]) with independent I/O. */
static PetscErrorCode WriteAt(hid_t d, hid_t memtype, PetscInt iN, PetscInt iG, hsize_t len, const void *buf)
{
  hid_t   fs, ms;
  hsize_t start[3] = {(hsize_t)iN, (hsize_t)iG, 0}, count[3] = {1, 1, len};
  PetscFunctionBeginUser;
  LmgCallHDF5(fs = H5Dget_space(d));
  LmgCallHDF5(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL));
  LmgCallHDF5(ms = H5Screate_simple(1, &len, NULL));
  LmgCallHDF5(H5Dwrite(d, memtype, ms, fs, H5P_DEFAULT, buf));
  LmgCallHDF5(H5Sclose(ms));
  LmgCallHDF5(H5Sclose(fs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Field f of sp as len doubles or int32 (padding past sp->nev: NaN / 0). */
static void Gather(const Field *fd, const LmgSpectrum *sp, PetscInt len, double *v, int32_t *iv)
{
  const char *base = (const char *)sp + fd->off;
  for (PetscInt i = 0; i < len; i++) {
    PetscBool have = (PetscBool)(fd->shape != SHAPE_NEV || i < sp->nev);
    if (fd->kind == F64) {
      const PetscReal *p = fd->isptr ? *(PetscReal *const *)base : (const PetscReal *)base;
      v[i]               = have ? (double)p[i] : NAN;
    } else {
      const PetscInt *p = fd->isptr ? *(PetscInt *const *)base : (const PetscInt *)base;
      iv[i]             = have ? (int32_t)p[i] : 0;
    }
  }
}

PetscErrorCode LmgH5WriteSpectrum(const LmgH5 *h5, PetscInt iN, PetscInt iG, const LmgSpectrum *sp, PetscReal seconds, PetscInt team)
{
  double  v[h5->nev + 2];
  int32_t iv[h5->nev + 2], t = (int32_t)team;
  int8_t  st = (int8_t)sp->status;
  char    msg[LMG_MSG_LEN] = "";
  PetscFunctionBeginUser;
  for (PetscInt f = 0; sp->status == LMG_DONE && f < NSPEC; f++) {
    const Field *fd  = &spec_fields[f];
    PetscInt     len = fd->shape == SHAPE_S ? 1 : fd->shape == SHAPE_2 ? 2 : h5->nev;
    Gather(fd, sp, len, v, iv);
    PetscCall(WriteAt(h5->spec[f], fd->kind == F64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32, iN, iG, (hsize_t)len, fd->kind == F64 ? (const void *)v : (const void *)iv));
  }
  memcpy(msg, sp->message, LMG_MSG_LEN - 1);
  PetscCall(WriteAt(h5->message, h5->strtype, iN, iG, 1, msg));
  PetscCall(WriteAt(h5->time, H5T_NATIVE_DOUBLE, iN, iG, 1, &seconds));
  PetscCall(WriteAt(h5->team, H5T_NATIVE_INT32, iN, iG, 1, &t));
  PetscCall(WriteAt(h5->status, H5T_NATIVE_INT8, iN, iG, 1, &st)); /* last: a record marked done is complete */
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
  for (PetscInt f = 0; f < NSPEC; f++) LmgCallHDF5(H5Dclose(h5->spec[f]));
  LmgCallHDF5(H5Dclose(h5->status));
  LmgCallHDF5(H5Dclose(h5->message));
  LmgCallHDF5(H5Dclose(h5->time));
  LmgCallHDF5(H5Dclose(h5->team));
  LmgCallHDF5(H5Tclose(h5->strtype));
  LmgCallHDF5(H5Fclose(h5->file));
  PetscCall(PetscFree(h5->spec));
  h5->file = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}
