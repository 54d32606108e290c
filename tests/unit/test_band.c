/* The kernels of band.c against plain loops: the dense-times-banded products from the right (all columns, and a block
   of columns from a partial left factor) and from the left (the clone this CPU selects), every-second-row bands, the
   dropped entries, the (anti-)Hermitian folds, the rotation of a block of columns, and the commutator on packed lower
   triangles. */
#include "lmg/band.h"
#include "lmgtest.h"

#define NN 300 /* rows span several 512-real chunks of the product */

static PetscReal Rand(unsigned *s)
{
  *s = *s * 1103515245u + 12345u;
  return (PetscReal)((*s >> 8) & 0xffff) / 65536.0 - 0.5;
}

int main(int argc, char **argv)
{
  const PetscInt n = NN;
  PetscReal     *M, err = 0, herr = 0;
  PetscScalar   *X, *Z, *R, *Y, *z;
  LmgBand        B;
  unsigned       seed = 7;
  char           msg[256];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscMalloc6(n * n, &M, n * n, &X, n * n, &Z, n * n, &R, n * n, &Y, n, &z));
  /* M: a band of half-width 12 whose entries decay away from it; beyond 20 they are below 1e-14 of the largest */
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < n; i++) {
      PetscInt d = PetscAbsInt(i - j);
      M[i + n * j] = d <= 12 ? Rand(&seed) + 1 : (d <= 20 ? 1e-13 : 1e-16) * Rand(&seed);
    }
  for (PetscInt i = 0; i < n * n; i++) X[i] = Rand(&seed) + PETSC_i * Rand(&seed);
  PetscCall(LmgBandCreate(n, M, 1e-14, 1, &B));
  snprintf(msg, sizeof msg, "band of a decaying matrix: widest column %d of %d (entries below 1e-14 max dropped)", (int)B.width, (int)n);
  LMG_TEST(msg, B.width == 41);

  /* Z = X B against the plain triple loop over the kept entries; and against all of M to the dropped size */
  LmgBandMultRight(&B, 0, n, X, 0, Z);
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt a = 0; a < n; a++) {
      PetscScalar s = 0, t = 0;
      for (PetscInt k = 0; k < n; k++) {
        t += X[a + n * k] * M[k + n * j];
        if (PetscAbsInt(k - j) <= 20) s += X[a + n * k] * M[k + n * j];
      }
      err  = PetscMax(err, PetscAbsScalar(Z[a + n * j] - s));
      herr = PetscMax(herr, PetscAbsScalar(Z[a + n * j] - t));
    }
  snprintf(msg, sizeof msg, "X B (banded) equals the plain loop over the band (max %.1e < 1e-13) and the dense product to the dropped size (%.1e < 1e-13)", (double)err, (double)herr);
  LMG_TEST(msg, err < 1e-13 && herr < 1e-13);

  /* folds: Z^dagger - Z, and c conj(P) o (Y + Y^dagger) with P_ab = z_a conj(z_b) */
  for (PetscInt a = 0; a < n; a++) z[a] = PetscExpComplex(PETSC_i * 0.37 * (PetscReal)a);
  PetscCall(PetscArraycpy(R, X, n * n));
  LmgFoldAntiHermitian(n, R);
  PetscCall(PetscArraycpy(Y, X, n * n));
  LmgFoldHermitian(n, 0.5, z, Y);
  err = herr = 0;
  for (PetscInt b = 0; b < n; b++)
    for (PetscInt a = 0; a < n; a++) {
      PetscScalar s = PetscConj(X[b + n * a]) - X[a + n * b], h = 0.5 * PetscConj(z[a]) * z[b] * (X[a + n * b] + PetscConj(X[b + n * a]));
      err  = PetscMax(err, PetscAbsScalar(R[a + n * b] - s));
      herr = PetscMax(herr, PetscAbsScalar(Y[a + n * b] - h));
    }
  snprintf(msg, sizeof msg, "folds: Z^dagger - Z (max %.1e) and c conj(P) o (Y + Y^dagger) (max %.1e), in place, < 1e-14", (double)err, (double)herr);
  LMG_TEST(msg, err < 1e-14 && herr < 1e-14);

  /* rotation and its inverse, of all columns and of the block 100 .. 179 */
  LmgRotate(n, n, 0, z, PETSC_FALSE, X, R);
  err = 0;
  for (PetscInt b = 0; b < n; b++)
    for (PetscInt a = 0; a < n; a++) err = PetscMax(err, PetscAbsScalar(R[a + n * b] - z[a] * PetscConj(z[b]) * X[a + n * b]));
  LmgRotate(n, n, 0, z, PETSC_TRUE, R, R);
  for (PetscInt i = 0; i < n * n; i++) err = PetscMax(err, PetscAbsScalar(R[i] - X[i]));
  LmgRotate(n, 80, 100, z, PETSC_FALSE, X + n * 100, R);
  for (PetscInt b = 0; b < 80; b++)
    for (PetscInt a = 0; a < n; a++) err = PetscMax(err, PetscAbsScalar(R[a + n * b] - z[a] * PetscConj(z[100 + b]) * X[a + n * (100 + b)]));
  snprintf(msg, sizeof msg, "rotation P o X and its inverse in place, and of a block of columns (max %.1e < 1e-14)", (double)err);
  LMG_TEST(msg, err < 1e-14);
  PetscCall(LmgBandDestroy(&B));

  /* every second row (the interleaved sectors of the full space): M_ij = 0 unless i - j is odd; the right product of
     columns 100 .. 179 from a left factor holding only columns 70 .. 209; the left product of 80 columns */
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < n; i++) {
      PetscInt d = PetscAbsInt(i - j);
      M[i + n * j] = d % 2 == 0 ? 0 : d <= 13 ? Rand(&seed) + 1 : (d <= 21 ? 1e-13 : 1e-16) * Rand(&seed);
    }
  PetscCall(LmgBandCreate(n, M, 1e-14, 2, &B));
  snprintf(msg, sizeof msg, "band of every second row: widest column %d, stride %d, %d diagonals from the left", (int)B.width, (int)B.stride, (int)B.nd);
  LMG_TEST(msg, B.width == 43 && B.stride == 2 && B.nd == 22);
  LmgBandMultRight(&B, 100, 180, X + n * 70, 70, Z);
  LmgBandMultLeft(&B, 80, X + n * 100, Y);
  err = herr = 0;
  for (PetscInt j = 0; j < 80; j++)
    for (PetscInt a = 0; a < n; a++) {
      PetscScalar s = 0, t = 0;
      for (PetscInt k = 0; k < n; k++) {
        if (PetscAbsInt(k - 100 - j) <= 21) s += X[a + n * k] * M[k + n * (100 + j)];
        if (PetscAbsInt(a - k) <= 21) t += M[a + n * k] * X[k + n * (100 + j)];
      }
      err  = PetscMax(err, PetscAbsScalar(Z[a + n * j] - s));
      herr = PetscMax(herr, PetscAbsScalar(Y[a + n * j] - t));
    }
  snprintf(msg, sizeof msg, "every second row: X B on a block of columns (max %.1e) and B X (max %.1e) equal the plain loops, < 1e-13", (double)err, (double)herr);
  LMG_TEST(msg, err < 1e-13 && herr < 1e-13);

  /* the packed lower triangle of [B, Y] from the packed lower triangle of Y = X + X^dagger (sgn 1: all columns) and of
     Y = X - X^dagger (sgn -1: columns 100 .. 179 from a factor holding only columns 70 .. 209), against the plain loops
     over the whole matrices */
  for (PetscInt c = 0; c < 2; c++) {
    const PetscReal sgn = c ? -1 : 1;
    const PetscInt  x0 = c ? 70 : 0, x1 = c ? 210 : n, j0 = c ? 100 : 0, j1 = c ? 180 : n;
    PetscScalar    *P, *C;
    PetscCall(PetscMalloc2(LmgPackedOffset(n, n), &P, LmgPackedOffset(n, n), &C));
    for (PetscInt j = 0; j < n; j++)
      for (PetscInt a = 0; a < n; a++) Y[a + n * j] = X[a + n * j] + sgn * PetscConj(X[j + n * a]);
    for (PetscInt j = x0; j < x1; j++)
      for (PetscInt a = j; a < n; a++) P[LmgPackedOffset(n, j) - LmgPackedOffset(n, x0) + a - j] = Y[a + n * j];
    LmgBandCommLower(&B, j0, j1, P, x0, sgn, C);
    err = 0;
    for (PetscInt j = j0; j < j1; j++)
      for (PetscInt a = j; a < n; a++) {
        PetscScalar t = 0;
        for (PetscInt k = 0; k < n; k++) {
          if (PetscAbsInt(a - k) <= 21) t += M[a + n * k] * Y[k + n * j];
          if (PetscAbsInt(k - j) <= 21) t -= Y[a + n * k] * M[k + n * j];
        }
        err = PetscMax(err, PetscAbsScalar(C[LmgPackedOffset(n, j) - LmgPackedOffset(n, j0) + a - j] - t));
      }
    snprintf(msg, sizeof msg, "every second row: the packed lower triangle of [B, Y], Y %s, columns %d .. %d, equals the plain loop (max %.1e < 1e-13)", c ? "anti-Hermitian" : "Hermitian", (int)j0, (int)j1 - 1, (double)err);
    LMG_TEST(msg, err < 1e-13);
    PetscCall(PetscFree2(P, C));
  }
  PetscCall(LmgBandDestroy(&B));
  PetscCall(PetscFree6(M, X, Z, R, Y, z));
  int rc = LmgTestSummary(PETSC_COMM_WORLD);
  PetscCall(PetscFinalize());
  return rc;
}
