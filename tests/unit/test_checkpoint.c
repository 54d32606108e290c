/* The checkpoint files (checkpoint.c) on any number of ranks: a round trip of a header and two Vecs, the generation
   replacing the previous one, and the checkpoints that must be ignored with their reason: of another run (key), a
   truncated or a corrupted part; and the removal. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lmg/checkpoint.h"
#include "lmgtest.h"

static PetscErrorCode Fill(Vec v, PetscReal s)
{
  PetscInt     lo, hi;
  PetscScalar *a;
  PetscFunctionBeginUser;
  PetscCall(VecGetOwnershipRange(v, &lo, &hi));
  PetscCall(VecGetArrayWrite(v, &a));
  for (PetscInt i = lo; i < hi; i++) a[i - lo] = s * i + PETSC_i * (s - i);
  PetscCall(VecRestoreArrayWrite(v, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  LmgCheckpoint ck, other;
  Vec           v[2], w[2];
  double        head[4] = {1, 2, 3, 4}, got[4];
  PetscBool     found, eq[2];
  char          out[PETSC_MAX_PATH_LEN], why[512], err[512], msg[800], name[PETSC_MAX_PATH_LEN + 64];
  PetscMPIInt   rank, size;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  if (!rank) snprintf(out, sizeof out, "/tmp/lmgckpt-%d/run.h5", (int)getpid());
  PetscCallMPI(MPI_Bcast(out, sizeof out, MPI_CHAR, 0, PETSC_COMM_WORLD));
  if (!rank) {
    char dir[PETSC_MAX_PATH_LEN];
    snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(out, '/') - out), out);
    PetscCheck(!mkdir(dir, 0700), PETSC_COMM_SELF, PETSC_ERR_SYS, "mkdir %s", dir);
  }
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  for (int i = 0; i < 2; i++) {
    PetscCall(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, 1000 + 37 * i, &v[i]));
    PetscCall(VecDuplicate(v[i], &w[i]));
  }
  PetscCall(LmgCheckpointSet(&ck, out, "dynamics", 7, "N=370;gamma_phi=0.05;", 1, PETSC_TRUE));
  /* two generations written; the second is read back, bit for bit */
  PetscCall(Fill(v[0], 0.5));
  PetscCall(Fill(v[1], -3));
  PetscCall(LmgCheckpointWrite(&ck, PETSC_COMM_WORLD, head, sizeof head, 2, v, err, sizeof err));
  head[3] = 44;
  PetscCall(Fill(v[0], 0.25));
  PetscCall(LmgCheckpointWrite(&ck, PETSC_COMM_WORLD, head, sizeof head, 2, v, err, sizeof err));
  snprintf(name, sizeof name, "%s.g1.%d-%d", ck.path, (int)rank, (int)size);
  LMG_TEST_TEAM("two checkpoints written, the first one's files removed by the second", !err[0] && ck.gen == 2 && access(name, F_OK));
  PetscCall(LmgCheckpointSet(&other, out, "dynamics", 7, "N=370;gamma_phi=0.05;", 1, PETSC_TRUE));
  PetscCall(LmgCheckpointRead(&other, PETSC_COMM_WORLD, got, sizeof got, 2, w, &found, why, sizeof why));
  PetscCall(VecEqual(v[0], w[0], &eq[0]));
  PetscCall(VecEqual(v[1], w[1], &eq[1]));
  snprintf(msg, sizeof msg, "%d rank(s): the last generation read back: header and both Vecs equal (found %d, generation %d)", (int)size, (int)found, (int)other.gen);
  LMG_TEST_TEAM(msg, found && eq[0] && eq[1] && !memcmp(got, head, sizeof head) && other.gen == 2);
  /* another run's signature, and another record: ignored with the reason */
  PetscCall(LmgCheckpointSet(&other, out, "dynamics", 7, "N=370;gamma_phi=0.5;", 1, PETSC_TRUE));
  PetscCall(LmgCheckpointRead(&other, PETSC_COMM_WORLD, got, sizeof got, 2, w, &found, why, sizeof why));
  PetscCallMPI(MPI_Bcast(why, sizeof why, MPI_CHAR, 0, PETSC_COMM_WORLD));
  snprintf(msg, sizeof msg, "another run's checkpoint is ignored: '%s'", why);
  LMG_TEST_TEAM(msg, !found && strstr(why, "written by another run or for another record"));
  /* the last rank's part truncated; then (a whole generation written again) one bit of it flipped */
  for (int k = 0; k < 2; k++) {
    if (k) {
      ck.gen = 1;
      PetscCall(LmgCheckpointWrite(&ck, PETSC_COMM_WORLD, head, sizeof head, 2, v, err, sizeof err));
    }
    if (rank == size - 1) {
      FILE *f;
      long  len;
      int   c;
      snprintf(name, sizeof name, "%s.g2.%d-%d", ck.path, (int)rank, (int)size);
      PetscCheck((f = fopen(name, "r+b")), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s", name);
      fseek(f, 0, SEEK_END);
      len = ftell(f);
      if (!k) PetscCheck(!ftruncate(fileno(f), len - 100), PETSC_COMM_SELF, PETSC_ERR_SYS, "truncate");
      else {
        fseek(f, len / 3, SEEK_SET);
        c = fgetc(f);
        fseek(f, len / 3, SEEK_SET);
        fputc(c ^ 1, f);
      }
      fclose(f);
    }
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(LmgCheckpointSet(&other, out, "dynamics", 7, "N=370;gamma_phi=0.05;", 1, PETSC_TRUE));
    PetscCall(LmgCheckpointRead(&other, PETSC_COMM_WORLD, got, sizeof got, 2, w, &found, why, sizeof why));
    PetscCallMPI(MPI_Bcast(why, sizeof why, MPI_CHAR, 0, PETSC_COMM_WORLD));
    snprintf(msg, sizeof msg, "a %s part of rank %d is ignored for the whole team: '%s'", k ? "corrupted" : "truncated", (int)size - 1, why);
    LMG_TEST_TEAM(msg, !found && strstr(why, k ? "corrupted (checksum)" : "truncated"));
  }
  /* removal: no file left, nor the directory */
  PetscCall(LmgCheckpointRemove(&other, PETSC_COMM_WORLD));
  snprintf(name, sizeof name, "%s.ckpt", out);
  LMG_TEST_TEAM("removed: the checkpoint directory is gone", access(name, F_OK) != 0);
  if (!rank) {
    char dir[PETSC_MAX_PATH_LEN];
    snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(out, '/') - out), out);
    rmdir(dir);
  }
  for (int i = 0; i < 2; i++) {
    PetscCall(VecDestroy(&v[i]));
    PetscCall(VecDestroy(&w[i]));
  }
  int rc = LmgTestSummary(PETSC_COMM_WORLD);
  PetscCall(PetscFinalize());
  return rc;
}
