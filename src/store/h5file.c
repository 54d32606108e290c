/* HDF5 file: the lock against a second writer, creation under <output>.part (provenance, then the records of
   h5records.c, flushed, renamed into place) or resume after checks (format, signature, changed limits); close. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5_hl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include "lmg/h5out.h"

/* Limits that skip records without changing any stored value: outside the signature, kept as the attribute `limits`;
   a -resume with another value reopens the records they skipped (-team_size: the memory per rank of a full-space
   record shared by a team). */
#define NLIMITS 4
static const char *const limit_name[NLIMITS] = {"-dyn_max_steps", "-dyn_max_gb", "-spectrum_max_gb", "-team_size"};
static PetscReal         LimitValue(const LmgConfig *cfg, int i)
{
  return i == 0 ? cfg->dyn.max_steps : i == 1 ? cfg->dyn.max_gb : i == 2 ? cfg->spec.max_gb : (PetscReal)cfg->team_size;
}
#define LIMITS_LEN 256

PetscErrorCode LmgH5AttrString(hid_t obj, const char *name, const char *val, size_t size)
{
  hid_t t, s, a;
  PetscFunctionBeginUser;
  LmgCallHDF5(t = H5Tcopy(H5T_C_S1));
  LmgCallHDF5(H5Tset_size(t, size ? size : strlen(val) + 1));
  LmgCallHDF5(s = H5Screate(H5S_SCALAR));
  LmgCallHDF5(a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT));
  if (size) { /* a fixed-size attribute, rewritten in place later: the whole buffer */
    char *buf;
    PetscCall(PetscCalloc1(size, &buf));
    memcpy(buf, val, PetscMin(strlen(val), size - 1));
    LmgCallHDF5(H5Awrite(a, t, buf));
    PetscCall(PetscFree(buf));
  } else LmgCallHDF5(H5Awrite(a, t, val));
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

/* Rewrite a fixed-size string attribute in place (collective). */
static PetscErrorCode AttrRewrite(hid_t obj, const char *name, const char *val)
{
  hid_t  a, t;
  size_t size;
  char  *buf;
  PetscFunctionBeginUser;
  LmgCallHDF5(a = H5Aopen(obj, name, H5P_DEFAULT));
  LmgCallHDF5(t = H5Aget_type(a));
  size = H5Tget_size(t);
  PetscCall(PetscCalloc1(size, &buf));
  memcpy(buf, val, PetscMin(strlen(val), size - 1));
  LmgCallHDF5(H5Awrite(a, t, buf));
  PetscCall(PetscFree(buf));
  LmgCallHDF5(H5Tclose(t));
  LmgCallHDF5(H5Aclose(a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5CreateDataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, const void *fill, const char *units, const char *long_name, const char *desc, hid_t *d)
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
  PetscCall(LmgH5AttrString(*d, "units", units, 0));
  PetscCall(LmgH5AttrString(*d, "long_name", long_name, 0));
  PetscCall(LmgH5AttrString(*d, "description", desc, 0));
  LmgCallHDF5(H5Pclose(p));
  LmgCallHDF5(H5Sclose(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void Limits(const LmgConfig *cfg, char *buf, size_t len)
{
  size_t at = 0;
  buf[0]    = '\0';
  for (int i = 0; i < NLIMITS; i++) at += (size_t)snprintf(buf + at, len - at, "%s=%.17g;", limit_name[i] + 1, (double)LimitValue(cfg, i));
}

static PetscErrorCode Provenance(MPI_Comm comm, hid_t file, const LmgConfig *cfg, const char *cmdline, const char *sig)
{
  char        now[64], buf[256], *opts;
  time_t      t = time(NULL);
  PetscMPIInt size;
  int         len, format = LMG_FILE_FORMAT;
  unsigned    hm, hn, hr;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  PetscCallMPI(MPI_Bcast(now, sizeof now, MPI_CHAR, 0, comm));
  PetscCall(LmgH5AttrString(file, "program", "lmgsweep", 0));
  PetscCall(LmgH5AttrString(file, "version", LMG_VERSION, 0));
  PetscCall(AttrNumber(file, "file_format", H5T_NATIVE_INT, &format));
  PetscCall(LmgH5AttrString(file, "git_commit", LMG_GIT_COMMIT, 0));
  PetscCall(LmgH5AttrString(file, "command_line", cmdline, 0));
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  PetscCall(LmgH5AttrString(file, "options", opts, 0));
  PetscCall(PetscFree(opts));
  PetscCall(LmgH5AttrString(file, "signature", sig, 0));
  Limits(cfg, buf, sizeof buf);
  PetscCall(LmgH5AttrString(file, "limits", buf, LIMITS_LEN));
  PetscCall(LmgH5AttrString(file, "created", now, 0));
  PetscCall(LmgH5AttrString(file, "finished", "", 64));
  PetscCall(LmgH5AttrString(file, "units", "hbar=1; J, Gamma in rad/s; gamma_phi in 1/s; t in s; T in K", 0));
  PetscCall(AttrNumber(file, "J", H5T_NATIVE_DOUBLE, &cfg->spec.J));
  PetscCall(AttrNumber(file, "T", H5T_NATIVE_DOUBLE, &cfg->spec.T));
  PetscCall(AttrNumber(file, "ranks", H5T_NATIVE_INT, &size));
  PetscCall(AttrNumber(file, "team_size", H5T_NATIVE_INT64, &cfg->team_size));
  PetscCall(PetscGetVersion(buf, sizeof buf));
  PetscCall(LmgH5AttrString(file, "petsc_version", buf, 0));
  PetscCall(SlepcGetVersion(buf, sizeof buf));
  PetscCall(LmgH5AttrString(file, "slepc_version", buf, 0));
  H5get_libversion(&hm, &hn, &hr);
  snprintf(buf, sizeof buf, "%u.%u.%u", hm, hn, hr);
  PetscCall(LmgH5AttrString(file, "hdf5_version", buf, 0));
  PetscCallMPI(MPI_Get_library_version(buf, &len));
  buf[strcspn(buf, "\n,")] = '\0';
  PetscCall(LmgH5AttrString(file, "mpi_version", buf, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Printable copy of at most n bytes of s (other bytes as \xNN), for error lines. */
static void Escape(const char *s, size_t n, char *out, size_t len)
{
  size_t o = 0;
  for (size_t i = 0; i < n && s[i] && o + 5 < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (isprint(c)) out[o++] = (char)c;
    else o += (size_t)snprintf(out + o, len - o, "\\x%02x", c);
  }
  out[o] = '\0';
}

/* The value of key in a signature "k=v;k=v;..." (its length in *len), or NULL. */
static const char *SigValue(const char *sig, const char *key, size_t kl, size_t *len)
{
  for (const char *p = sig; *p;) {
    const char *eq = strchr(p, '='), *end = strchr(p, ';');
    if (!end) end = p + strlen(p);
    if (eq && eq < end && (size_t)(eq - p) == kl && !strncmp(p, key, kl)) {
      *len = (size_t)(end - eq - 1);
      return eq + 1;
    }
    p = *end ? end + 1 : end;
  }
  return NULL;
}

/* The first key whose value differs between signatures a and b (keys of a first, then those only in b). */
static int FirstDiff(const char *a, const char *b, char *key, size_t klen, const char **va, size_t *la, const char **vb, size_t *lb)
{
  const char *sig[2] = {a, b};
  for (int s = 0; s < 2; s++)
    for (const char *p = sig[s]; *p;) {
      const char *eq = strchr(p, '='), *end = strchr(p, ';');
      if (!end) end = p + strlen(p);
      if (eq && eq < end) {
        size_t kl = (size_t)(eq - p);
        *va       = SigValue(a, p, kl, la);
        *vb       = SigValue(b, p, kl, lb);
        if (!*va || !*vb || *la != *lb || strncmp(*va, *vb, *la)) {
          snprintf(key, klen, "%.*s", (int)PetscMin(kl, klen - 1), p);
          return 1;
        }
      }
      p = *end ? end + 1 : end;
    }
  return 0;
}

/* The first option that differs between the file's signature and this run's, as one line for the user. */
static void SignatureDiff(const char *file_sig, const char *run_sig, const char *path, char *err)
{
  char        key[128], k[160], was[130] = "(not set)", now[130] = "(not set)";
  const char *va, *vb;
  size_t      la = 0, lb = 0;
  if (!FirstDiff(file_sig, run_sig, key, sizeof key, &va, &la, &vb, &lb)) {
    snprintf(err, LMG_ERR_LEN, "-resume: the options differ from those %s was written with (its 'signature' attribute)", path);
    return;
  }
  Escape(key, strlen(key), k, sizeof k);
  if (va) Escape(va, PetscMin(la, 120), was, sizeof was);
  if (vb) Escape(vb, PetscMin(lb, 120), now, sizeof now);
  snprintf(err, LMG_ERR_LEN, "-resume: -%s differs from %s (file: %s; this run: %s)", k, path, was, now);
}

/* A string attribute of f into buf (len bytes), or "" when it is missing. */
static void ReadAttr(hid_t f, const char *name, char *buf, size_t len)
{
  hid_t a, t;
  buf[0] = '\0';
  H5E_BEGIN_TRY
  {
    a = H5Aopen(f, name, H5P_DEFAULT);
  }
  H5E_END_TRY;
  if (a < 0) return;
  t = H5Aget_type(a);
  if (H5Tget_class(t) == H5T_STRING && H5Tget_size(t) < len) {
    H5Aread(a, t, buf);
    buf[H5Tget_size(t)] = '\0';
  }
  H5Tclose(t);
  H5Aclose(a);
}

/* Rank 0 only, serial and read-only: is `path` an lmgsweep file of this format and configuration? */
static void CheckExisting(const char *path, const char *sig, char *err)
{
  hid_t  f;
  char  *buf, p[128];
  size_t len = strlen(sig) + 2;
  int    format = 0;
  Escape(path, 100, p, sizeof p);
  H5E_BEGIN_TRY
  {
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  }
  H5E_END_TRY;
  if (f < 0) {
    snprintf(err, LMG_ERR_LEN, "-output %s: exists but is not a readable HDF5 file; -resume needs an lmgsweep file", p);
    return;
  }
  buf = (char *)calloc(len + 1, 1);
  ReadAttr(f, "program", buf, len);
  if (strcmp(buf, "lmgsweep")) snprintf(err, LMG_ERR_LEN, "-output %s: not an lmgsweep file (no 'program' attribute lmgsweep); -resume refused", p);
  if (!err[0]) {
    hid_t a;
    H5E_BEGIN_TRY
    {
      if ((a = H5Aopen(f, "file_format", H5P_DEFAULT)) >= 0) H5Aread(a, H5T_NATIVE_INT, &format), H5Aclose(a);
    }
    H5E_END_TRY;
    if (format != LMG_FILE_FORMAT) snprintf(err, LMG_ERR_LEN, "-output %s: written in file format %d by another lmgsweep version (this one writes %d); -resume refused, start a new file", p, format ? format : 1, LMG_FILE_FORMAT);
  }
  if (!err[0]) {
    hid_t a;
    H5E_BEGIN_TRY
    {
      a = H5Aopen(f, "signature", H5P_DEFAULT);
    }
    H5E_END_TRY;
    if (a >= 0) {
      hid_t  t  = H5Aget_type(a);
      size_t sz = H5Tget_size(t);
      char  *fs = (char *)calloc(sz + 1, 1);
      H5Aread(a, t, fs);
      if (strcmp(fs, sig)) SignatureDiff(fs, sig, p, err);
      free(fs);
      H5Tclose(t);
      H5Aclose(a);
    } else snprintf(err, LMG_ERR_LEN, "-output %s: no 'signature' attribute; -resume refused", p);
  }
  free(buf);
  H5Fclose(f);
}

/* Rank 0: hold <output>.lock (an open-file-description lock: released by any end of the process, kill -9 included).
   *held: this run holds the lock (then it removes the file when it closes FILE cleanly, LmgH5Close). */
static void Lock(const char *path, int *fd, PetscBool *created, PetscBool *held, char *err)
{
  char          lk[PETSC_MAX_PATH_LEN + 8], who[128] = "", p[128];
  struct flock  fl = {0};
  int           rc = -1;
  Escape(path, 100, p, sizeof p);
  snprintf(lk, sizeof lk, "%s.lock", path);
  *held = PETSC_FALSE;
  for (int tries = 0; tries < 100; tries++) {
    struct stat a, b;
    *fd      = open(lk, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    *created = (PetscBool)(*fd >= 0);
    if (*fd < 0 && errno == EEXIST) *fd = open(lk, O_RDWR | O_CLOEXEC);
    if (*fd < 0 && errno == ENOENT) continue; /* removed by a run that just ended */
    if (*fd < 0) {
      snprintf(err, LMG_ERR_LEN, "-output %s: cannot create its lock file %s.lock (%s)", p, p, strerror(errno));
      return;
    }
    fl.l_type   = F_WRLCK;
    fl.l_whence = SEEK_SET;
#ifdef F_OFD_SETLK
    rc = fcntl(*fd, F_OFD_SETLK, &fl);
    if (rc < 0 && errno == EINVAL) rc = fcntl(*fd, F_SETLK, &fl);
#else
    rc = fcntl(*fd, F_SETLK, &fl);
#endif
    /* locked, but the file a run removed as it ended (it unlinks while it holds the lock): lock the one at the path */
    if (rc == 0 && fstat(*fd, &a) == 0 && (stat(lk, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
      close(*fd), *fd = -1;
      continue;
    }
    break;
  }
  if (*fd < 0) {
    snprintf(err, LMG_ERR_LEN, "-output %s: cannot hold its lock file %s.lock (it keeps being removed)", p, p);
    return;
  }
  if (rc == 0) {
    char hn[64] = "?";
    *held = PETSC_TRUE;
    gethostname(hn, sizeof hn);
    hn[sizeof hn - 1] = '\0';
    snprintf(who, sizeof who, "pid %ld on %s\n", (long)getpid(), hn);
    if (ftruncate(*fd, 0) == 0 && pwrite(*fd, who, strlen(who), 0) < 0) { /* informative only */
    }
    return;
  }
  if (errno == EACCES || errno == EAGAIN) {
    ssize_t k = pread(*fd, who, sizeof who - 1, 0);
    who[k > 0 ? k : 0] = '\0';
    who[strcspn(who, "\n")] = '\0';
    snprintf(err, LMG_ERR_LEN, "-output %s: another lmgsweep run is writing it (%s holds %s.lock); wait for it, or choose another file", p, who[0] ? who : "a process", p);
  } else /* a file system without locks: warn, and go on */
    fprintf(stderr, "lmgsweep: warning: cannot lock %s.lock here (%s): nothing stops a second run from writing %s at the same time\n", p, strerror(errno), p);
  if (err[0]) close(*fd), *fd = -1;
}

/* Rank 0: may the file be created or resumed? Fills err (one line) if not. */
static void CheckOutput(const LmgConfig *cfg, const char *sig, PetscBool *exists, char *err)
{
  const char *path = cfg->output;
  char        part[PETSC_MAX_PATH_LEN + 8], p[128];
  struct stat sb;
  Escape(path, 100, p, sizeof p);
  *exists = (PetscBool)(stat(path, &sb) == 0);
  if (*exists && S_ISDIR(sb.st_mode)) snprintf(err, LMG_ERR_LEN, "-output %s: is a directory", p);
  else if (*exists && !cfg->resume) snprintf(err, LMG_ERR_LEN, "-output %s: the file exists; add -resume to continue it, or choose another name", p);
  else if (*exists && access(path, R_OK | W_OK)) snprintf(err, LMG_ERR_LEN, "-output %s: cannot open for writing (%s)", p, strerror(errno));
  else if (*exists) CheckExisting(path, sig, err);
  else {
    int            fd;
    struct statvfs fs;
    PetscReal      need = LmgH5Bytes(cfg);
    snprintf(part, sizeof part, "%s.part", path);
    unlink(part); /* a leftover of a run killed while it created the file */
    fd = open(part, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0) snprintf(err, LMG_ERR_LEN, "-output %s: cannot create the file (%s)", p, strerror(errno));
    else {
      if (!fstatvfs(fd, &fs) && (PetscReal)fs.f_bavail * (PetscReal)fs.f_frsize < 1.05 * need) /* allocated in full at creation */
        snprintf(err, LMG_ERR_LEN, "-output %s: the file needs ~%.3g MB, the file system holding it has %.3g MB free", p, (double)(need / 1e6), (double)fs.f_bavail * (double)fs.f_frsize / 1e6);
      close(fd), unlink(part);
    }
  }
}

/* Collective: the file under <output>.part, its whole structure flushed, then renamed into place (rank 0). */
static PetscErrorCode Create(MPI_Comm comm, const LmgConfig *cfg, const char *cmdline, const char *sig, hid_t fapl, LmgH5 *h5, char *err)
{
  char           part[PETSC_MAX_PATH_LEN + 8], p[128];
  PetscMPIInt    rank;
  LmgErrorInfo   info;
  PetscErrorCode ierr;
  int            bad = 0, anybad;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  snprintf(part, sizeof part, "%s.part", cfg->output);
  Escape(cfg->output, 100, p, sizeof p);
  errno = 0;
  PetscCall(LmgErrorPush(&info));
  ierr = (h5->file = H5Fcreate(part, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)) < 0 ? PETSC_ERR_FILE_OPEN : 0;
  if (!ierr) ierr = Provenance(comm, h5->file, cfg, cmdline, sig);
  if (!ierr) ierr = LmgH5RecordsCreate(h5);
  if (!ierr) ierr = H5Fflush(h5->file, H5F_SCOPE_GLOBAL) < 0 ? PETSC_ERR_FILE_WRITE : 0; /* all structure on disk */
  PetscCall(LmgErrorPop());
  bad = ierr != 0;
  PetscCallMPI(MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, comm));
  if (anybad) { /* no space, quota, I/O error: nothing of it stays (the process exits; open objects are not closed) */
    int e = errno;
    if (!rank) snprintf(err, LMG_ERR_LEN, "-output %s: cannot create the file: HDF5 could not allocate or write its structure (%s%s%s); nothing was written", p, e ? strerror(e) : "is the disk full or over quota?", info.fun[0] ? ", in " : "", info.fun);
    PetscCallMPI(MPI_Bcast(err, LMG_ERR_LEN, MPI_CHAR, 0, comm));
    LmgH5RecordsAbort(h5);
    if (h5->file > 0) {
      H5E_BEGIN_TRY
      {
        H5Fclose(h5->file);
      }
      H5E_END_TRY;
    }
    h5->file = 0;
    if (!rank) unlink(part);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (!rank && rename(part, cfg->output)) snprintf(err, LMG_ERR_LEN, "-output %s: cannot rename %s.part into place (%s)", p, p, strerror(errno));
  PetscCallMPI(MPI_Bcast(err, LMG_ERR_LEN, MPI_CHAR, 0, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective: with -resume, reopen the records skipped by a limit whose value changed, and store the new limits. */
static PetscErrorCode ResumeLimits(MPI_Comm comm, LmgH5 *h5)
{
  char        was[LIMITS_LEN + 1] = "", now[LIMITS_LEN];
  PetscMPIInt rank;
  PetscInt    n = 0, k;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  ReadAttr(h5->file, "limits", was, sizeof was);
  Limits(h5->cfg, now, sizeof now);
  if (!strcmp(was, now)) PetscFunctionReturn(PETSC_SUCCESS);
  for (int i = 0; i < NLIMITS; i++) {
    char key[64];
    snprintf(key, sizeof key, "%s=%.17g;", limit_name[i] + 1, (double)LimitValue(h5->cfg, i));
    if (!rank && !strstr(was, key)) {
      PetscCall(LmgH5ReopenSkipped(h5, limit_name[i], &k));
      n += k;
    }
  }
  PetscCallMPI(MPI_Barrier(comm)); /* rank 0's status writes before anyone reads them */
  PetscCall(AttrRewrite(h5->file, "limits", now));
  if (n) PetscCall(PetscFPrintf(comm, PETSC_STDERR, "lmgsweep: %" PetscInt_FMT " records skipped by a limit that changed are computed again\n", n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5Open(MPI_Comm comm, const LmgConfig *cfg, const char *cmdline, LmgH5 *h5, char err[LMG_ERR_LEN])
{
  char       *sig, fin[80];
  PetscMPIInt rank;
  PetscBool   exists = PETSC_FALSE, made_lock = PETSC_FALSE;
  hid_t       fapl;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(h5, sizeof *h5));
  h5->cfg  = cfg;
  h5->lock = -1;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(LmgConfigSignature(cfg, &sig));
  err[0] = '\0';
  LmgCallHDF5(H5Eset_auto2(H5E_DEFAULT, NULL, NULL)); /* our errors are one line; PETSc reports HDF5 failures */
  if (!rank) Lock(cfg->output, &h5->lock, &made_lock, &h5->lock_held, err);
  if (!rank && !err[0]) CheckOutput(cfg, sig, &exists, err);
  PetscCallMPI(MPI_Bcast(err, LMG_ERR_LEN, MPI_CHAR, 0, comm));
  PetscCallMPI(MPI_Bcast(&exists, 1, MPIU_BOOL, 0, comm));
  if (!err[0]) {
    h5->resumed = exists;
    LmgCallHDF5(h5->chr = H5Tcopy(H5T_C_S1));
    LmgCallHDF5(H5Tset_size(h5->chr, 1));
    LmgCallHDF5(H5Tset_strpad(h5->chr, H5T_STR_NULLTERM));
    LmgCallHDF5(H5Tset_cset(h5->chr, H5T_CSET_ASCII));
    LmgCallHDF5(fapl = H5Pcreate(H5P_FILE_ACCESS));
    LmgCallHDF5(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
    LmgCallHDF5(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST)); /* attributes over 64 KiB (long lists) */
    if (exists) {
      LmgCallHDF5(h5->file = H5Fopen(cfg->output, H5F_ACC_RDWR, fapl));
      PetscCall(LmgH5RecordsOpen(h5));
      ReadAttr(h5->file, "finished", fin, sizeof fin);
      h5->was_finished = (PetscBool)(fin[0] != '\0');
      PetscCall(ResumeLimits(comm, h5));
    } else PetscCall(Create(comm, cfg, cmdline, sig, fapl, h5, err));
    LmgCallHDF5(H5Pclose(fapl));
  }
  if (err[0]) {
    if (h5->chr > 0) LmgCallHDF5(H5Tclose(h5->chr));
    if (h5->lock >= 0) close(h5->lock);
    if (made_lock) { /* refused: leave no trace */
      char lk[PETSC_MAX_PATH_LEN + 8];
      snprintf(lk, sizeof lk, "%s.lock", cfg->output);
      unlink(lk);
    }
    h5->chr = 0, h5->lock = -1, h5->lock_held = PETSC_FALSE;
  }
  free(sig);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5Close(LmgH5 *h5, PetscBool finished, PetscBool wrote)
{
  char   now[64] = "";
  time_t t       = time(NULL);
  PetscFunctionBeginUser;
  if (!h5->file) PetscFunctionReturn(PETSC_SUCCESS);
  if (finished && (wrote || !h5->was_finished)) { /* a resume that had nothing to do leaves the file as it was */
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    PetscCallMPI(MPI_Bcast(now, sizeof now, MPI_CHAR, 0, PETSC_COMM_WORLD));
    PetscCall(AttrRewrite(h5->file, "finished", now));
  }
  PetscCall(LmgH5RecordsClose(h5));
  LmgCallHDF5(H5Tclose(h5->chr));
  LmgCallHDF5(H5Fclose(h5->file));
  h5->file = 0;
  if (h5->lock >= 0 && h5->lock_held) { /* a clean end: remove the lock file while still holding its lock */
    char lk[PETSC_MAX_PATH_LEN + 8];
    snprintf(lk, sizeof lk, "%s.lock", h5->cfg->output);
    unlink(lk);
  }
  if (h5->lock >= 0) close(h5->lock);
  h5->lock = -1, h5->lock_held = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}
