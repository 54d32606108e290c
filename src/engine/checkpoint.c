/* Checkpoint files of a record: per-rank data files and one meta file, each atomically replaced (write, fsync,
   rename), a 64-bit checksum over everything a data file holds. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lmg/checkpoint.h"

#define MAGIC   "LMGCKPT1"
#define VERSION 1

typedef struct {
  char     magic[8];
  int64_t  version, gen, rank, size, hlen, nv;
  uint64_t key;
} Head;

/* FNV-1a over 64-bit words (the tail byte-wise), continued from h */
static uint64_t Hash(uint64_t h, const void *p, size_t len)
{
  const unsigned char *b = (const unsigned char *)p;
  size_t               i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, b + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
  }
  for (; i < len; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}

PetscErrorCode LmgCheckpointSet(LmgCheckpoint *ck, const char *output, const char *kind, PetscInt t, const char *signature, PetscReal interval, PetscBool resume)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(ck, sizeof *ck));
  snprintf(ck->path, sizeof ck->path, "%s.ckpt/%s-%" PetscInt_FMT, output, kind, t);
  ck->interval = interval;
  ck->resume   = resume;
  ck->key      = Hash(Hash(0xcbf29ce484222325ULL, signature, strlen(signature)), &t, sizeof t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void DataName(const LmgCheckpoint *ck, PetscInt gen, PetscMPIInt rank, PetscMPIInt size, char *name, size_t len)
{
  snprintf(name, len, "%s.g%" PetscInt_FMT ".%d-%d", ck->path, gen, (int)rank, (int)size);
}

/* write len bytes of p to name atomically; 0 or errno */
static int WriteFile(const char *name, const void *const *parts, const size_t *lens, int nparts)
{
  char  tmp[PETSC_MAX_PATH_LEN + 8];
  FILE *f;
  int   bad = 0;
  snprintf(tmp, sizeof tmp, "%s.tmp", name);
  if (!(f = fopen(tmp, "wb"))) return errno ? errno : EIO;
  for (int i = 0; i < nparts && !bad; i++)
    if (lens[i] && fwrite(parts[i], 1, lens[i], f) != lens[i]) bad = errno ? errno : EIO;
  if (!bad && fflush(f)) bad = errno ? errno : EIO;
  if (!bad && fsync(fileno(f))) bad = errno ? errno : EIO;
  if (fclose(f) && !bad) bad = errno ? errno : EIO;
  if (!bad && rename(tmp, name)) bad = errno ? errno : EIO;
  if (bad) unlink(tmp);
  return bad;
}

PetscErrorCode LmgCheckpointWrite(LmgCheckpoint *ck, MPI_Comm comm, const void *head, size_t hlen, PetscInt nv, Vec *v, char *err, size_t errlen)
{
  PetscMPIInt        rank, size;
  char               name[PETSC_MAX_PATH_LEN + 64], dir[PETSC_MAX_PATH_LEN];
  const void        *parts[2 + 8];
  size_t             lens[2 + 8];
  const PetscScalar *a[8];
  Head               h;
  uint64_t           sum;
  int                bad = 0, any;
  PetscFunctionBeginUser;
  err[0] = 0;
  PetscCheck(nv <= 8, comm, PETSC_ERR_ARG_OUTOFRANGE, "at most 8 Vecs in a checkpoint");
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (!rank) { /* the directory beside the output */
    char *s;
    PetscCall(PetscStrncpy(dir, ck->path, sizeof dir));
    if ((s = strrchr(dir, '/'))) *s = 0;
    if (mkdir(dir, 0777) && errno != EEXIST) bad = errno;
  }
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  if (!bad) {
    memcpy(h.magic, MAGIC, 8);
    h.version = VERSION, h.gen = ck->gen + 1, h.rank = rank, h.size = size, h.hlen = (int64_t)hlen, h.nv = nv, h.key = ck->key;
    parts[0] = &h, lens[0] = sizeof h, parts[1] = head, lens[1] = hlen;
    sum = Hash(Hash(0xcbf29ce484222325ULL, &h, sizeof h), head, hlen);
    for (PetscInt i = 0; i < nv; i++) {
      PetscInt m;
      PetscCall(VecGetLocalSize(v[i], &m));
      PetscCall(VecGetArrayRead(v[i], &a[i]));
      parts[2 + i] = a[i], lens[2 + i] = (size_t)m * sizeof(PetscScalar);
      sum = Hash(sum, a[i], lens[2 + i]);
    }
    parts[2 + nv] = &sum, lens[2 + nv] = sizeof sum;
    DataName(ck, ck->gen + 1, rank, size, name, sizeof name);
    bad = WriteFile(name, parts, lens, 3 + (int)nv);
    for (PetscInt i = 0; i < nv; i++) PetscCall(VecRestoreArrayRead(v[i], &a[i]));
  }
  PetscCallMPI(MPIU_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm));
  if (!any && !rank) { /* every part is on disk: the meta file names this generation */
    Head m = h;
    m.rank = -1, m.hlen = 0;
    parts[0] = &m, lens[0] = sizeof m;
    snprintf(name, sizeof name, "%s.meta", ck->path);
    bad = WriteFile(name, parts, lens, 1);
  }
  PetscCallMPI(MPIU_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm));
  if (any) {
    DataName(ck, ck->gen + 1, rank, size, name, sizeof name);
    unlink(name);
    snprintf(err, errlen, "checkpoint %.300s not written: %.100s", ck->path, strerror(any));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (ck->gen) DataName(ck, ck->gen, rank, size, name, sizeof name), unlink(name);
  ck->gen++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* this rank's data file of generation gen: 0, or why not (into why) */
static int ReadData(const LmgCheckpoint *ck, PetscInt gen, PetscMPIInt rank, PetscMPIInt size, void *head, size_t hlen, PetscInt nv, Vec *v, char *why, size_t len)
{
  char         name[PETSC_MAX_PATH_LEN + 64];
  FILE        *f;
  Head         h;
  uint64_t     sum, want;
  PetscScalar *a;
  int          bad = 0;
  DataName(ck, gen, rank, size, name, sizeof name);
  if (!(f = fopen(name, "rb"))) return snprintf(why, len, "%.300s: %.100s", name, strerror(errno)), 1;
  if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, MAGIC, 8) || h.version != VERSION) bad = 1, snprintf(why, len, "%.300s: not a checkpoint of this version", name);
  else if (h.key != ck->key) bad = 1, snprintf(why, len, "%.300s: written by another run or for another record", name);
  else if (h.gen != gen || h.rank != rank || h.size != size || h.hlen != (int64_t)hlen || h.nv != nv) bad = 1, snprintf(why, len, "%.300s: its header does not match its name", name);
  sum = Hash(Hash(0xcbf29ce484222325ULL, &h, sizeof h), NULL, 0);
  if (!bad && fread(head, 1, hlen, f) != hlen) bad = 1, snprintf(why, len, "%.300s: truncated", name);
  if (!bad) sum = Hash(sum, head, hlen);
  for (PetscInt i = 0; i < nv && !bad; i++) {
    PetscInt m;
    VecGetLocalSize(v[i], &m);
    VecGetArrayWrite(v[i], &a);
    if (fread(a, sizeof *a, (size_t)m, f) != (size_t)m) bad = 1, snprintf(why, len, "%.300s: truncated", name);
    else sum = Hash(sum, a, (size_t)m * sizeof *a);
    VecRestoreArrayWrite(v[i], &a);
  }
  if (!bad && (fread(&want, sizeof want, 1, f) != 1 || want != sum)) bad = 1, snprintf(why, len, "%.300s: corrupted (checksum)", name);
  if (!bad && fgetc(f) != EOF) bad = 1, snprintf(why, len, "%.300s: longer than written", name);
  fclose(f);
  return bad;
}

PetscErrorCode LmgCheckpointRead(LmgCheckpoint *ck, MPI_Comm comm, void *head, size_t hlen, PetscInt nv, Vec *v, PetscBool *found, char *why, size_t whylen)
{
  PetscMPIInt rank, size;
  int64_t     meta[2] = {0, 0}; /* generation, team size */
  int         bad, any;
  char        name[PETSC_MAX_PATH_LEN + 64], reason[512];
  PetscFunctionBeginUser;
  *found = PETSC_FALSE, why[0] = 0;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (!rank) {
    FILE *f;
    Head  h;
    snprintf(name, sizeof name, "%s.meta", ck->path);
    if ((f = fopen(name, "rb"))) {
      if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, MAGIC, 8) || h.version != VERSION) snprintf(why, whylen, "%.300s: not a checkpoint of this version", name), meta[0] = -1;
      else if (h.key != ck->key) snprintf(why, whylen, "%.300s: written by another run or for another record", name), meta[0] = -1;
      else if (h.size != size) snprintf(why, whylen, "%.300s: written by a team of %d ranks, this team has %d", name, (int)h.size, (int)size), meta[0] = -1, meta[1] = h.gen;
      else meta[0] = h.gen, meta[1] = h.size;
      fclose(f);
    }
  }
  PetscCallMPI(MPI_Bcast(meta, 2, MPI_INT64_T, 0, comm));
  if (meta[0] <= 0) {
    if (meta[0] < 0) ck->gen = meta[1] > 0 ? meta[1] : 0; /* what there is gets replaced */
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  bad = ReadData(ck, (PetscInt)meta[0], rank, size, head, hlen, nv, v, reason, sizeof reason);
  PetscCallMPI(MPIU_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm));
  ck->gen = (PetscInt)meta[0];
  if (any) { /* the first rank with a reason says it */
    PetscMPIInt who = bad ? rank : size, first;
    PetscCallMPI(MPIU_Allreduce(&who, &first, 1, MPI_INT, MPI_MIN, comm));
    if (rank == first && first) PetscCallMPI(MPI_Send(reason, (int)sizeof reason, MPI_CHAR, 0, 0, comm));
    if (!rank && first) PetscCallMPI(MPI_Recv(reason, (int)sizeof reason, MPI_CHAR, first, 0, comm, MPI_STATUS_IGNORE));
    if (!rank) PetscCall(PetscStrncpy(why, reason, whylen));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  *found = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgCheckpointRemove(LmgCheckpoint *ck, MPI_Comm comm)
{
  PetscMPIInt rank, size;
  char        name[PETSC_MAX_PATH_LEN + 64];
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (!ck->path[0] || !ck->gen) PetscFunctionReturn(PETSC_SUCCESS);
  if (!rank) snprintf(name, sizeof name, "%s.meta", ck->path), unlink(name);
  PetscCallMPI(MPI_Barrier(comm)); /* no meta naming a generation whose files are gone */
  DataName(ck, ck->gen, rank, size, name, sizeof name);
  unlink(name);
  PetscCallMPI(MPI_Barrier(comm));
  if (!rank) { /* the directory, once empty */
    char *s;
    PetscCall(PetscStrncpy(name, ck->path, sizeof name));
    if ((s = strrchr(name, '/'))) *s = 0, rmdir(name);
  }
  PetscCallMPI(MPI_Barrier(comm)); /* gone for every rank on return */
  ck->gen = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}
