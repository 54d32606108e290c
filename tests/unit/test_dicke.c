/* Parity sectors against an independent dense reference: the full (N+1)x(N+1) LMG matrix of README (What is computed, §1)
   (units of J, h = 0) diagonalized by LAPACK, eigenvector parities read off psi(-m) = +-psi(m). */
#include "lmg/dicke.h"
#include <petscblaslapack.h>
#include "lmgtest.h"

/* Dense H/J in the basis m = -j..j (index a = m + j), eigenvalues w[n] ascending, parity p[n] of each eigenvector
   (<psi|P psi>, P: m -> -m), and the smallest |<psi|P psi>| (near 1 when the parities are well defined). */
static PetscErrorCode DenseReference(PetscInt N, PetscReal g, PetscReal *w, PetscInt *p, PetscReal *pmin)
{
  PetscInt     n = N + 1;
  PetscReal    j = 0.5 * (PetscReal)N, *rwork;
  PetscScalar *A, *work;
  PetscBLASInt bn, lwork, info;

  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(4 * n, &lwork));
  PetscCall(PetscCalloc1(n * n, &A));
  PetscCall(PetscMalloc2(4 * n, &work, 3 * n, &rwork));
  for (PetscInt a = 0; a < n; a++) {
    PetscReal m  = -j + (PetscReal)a;
    A[a + n * a] = -2 * m * m / (PetscReal)N;
    if (a + 1 < n) A[(a + 1) + n * a] = A[a + n * (a + 1)] = -g * PetscSqrtReal(j * (j + 1) - m * (m + 1));
  }
  PetscCallBLAS("LAPACKheev", LAPACKheev_("V", "U", &bn, A, &bn, w, work, &lwork, rwork, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "zheev failed: info %d", (int)info);
  *pmin = 1;
  for (PetscInt k = 0; k < n; k++) {
    PetscScalar ov = 0;
    for (PetscInt a = 0; a < n; a++) ov += PetscConj(A[a + n * k]) * A[(n - 1 - a) + n * k];
    p[k]  = PetscRealPart(ov) > 0 ? 1 : -1;
    *pmin = PetscMin(*pmin, PetscAbsScalar(ov));
  }
  PetscCall(PetscFree(A));
  PetscCall(PetscFree2(work, rwork));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The sector's matrix from LmgSectorMat holds exactly d and e (and zeros elsewhere). Collective. */
static PetscErrorCode CheckMat(const LmgSector *s, PetscBool *ok)
{
  Mat          A;
  PetscInt     M, Ncol, rs, re, *cols;
  PetscScalar *row;
  PetscMPIInt  loc, all;

  PetscFunctionBeginUser;
  PetscCall(LmgSectorMat(PETSC_COMM_WORLD, s, MATAIJ, &A));
  PetscCall(MatGetSize(A, &M, &Ncol));
  loc = M == s->n && Ncol == s->n;
  PetscCall(PetscMalloc2(s->n, &cols, s->n, &row));
  for (PetscInt c = 0; c < s->n; c++) cols[c] = c;
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  for (PetscInt i = rs; i < re && loc; i++) {
    PetscCall(MatGetValues(A, 1, &i, s->n, cols, row));
    for (PetscInt c = 0; c < s->n; c++) {
      PetscReal ref = c == i ? s->d[i] : c == i + 1 ? s->e[i] : c == i - 1 ? s->e[i - 1] : 0;
      if (PetscRealPart(row[c]) != ref || PetscImaginaryPart(row[c]) != 0) loc = 0;
    }
  }
  PetscCall(PetscFree2(cols, row));
  PetscCall(MatDestroy(&A));
  PetscCallMPI(MPI_Allreduce(&loc, &all, 1, MPI_INT, MPI_LAND, PETSC_COMM_WORLD));
  *ok = (PetscBool)all;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Number of reference eigenvalues of parity par below sigma. */
static PetscInt RefCount(PetscInt n, const PetscReal *w, const PetscInt *p, PetscInt par, PetscReal sigma)
{
  PetscInt c = 0;
  for (PetscInt k = 0; k < n; k++) c += p[k] == par && w[k] < sigma;
  return c;
}

static PetscErrorCode CheckOne(PetscInt N, PetscReal g)
{
  PetscInt   n = N + 1, *p, *lab, ns[2];
  PetscReal *w, *u, pmin = 0, norm, maxdiff = 0, secdiff = 0;
  LmgSector  s[2];
  char       d[256], tag[64];
  PetscBool  ok;

  PetscFunctionBeginUser;
  snprintf(tag, sizeof tag, "N=%" PetscInt_FMT " g=%g", N, (double)g);
  PetscCall(PetscMalloc4(n, &w, n, &p, n, &u, n, &lab));
  PetscCall(DenseReference(N, g, w, p, &pmin));
  snprintf(d, sizeof d, "%s: reference eigenvectors have definite parity (min |<psi|P psi>| = %.15f)", tag, (double)pmin);
  LMG_TEST(d, pmin > 1 - 1e-6);
  PetscCall(LmgSectorCreate(N, g, +1, &s[0]));
  PetscCall(LmgSectorCreate(N, g, -1, &s[1]));
  norm = PetscMax(s[0].norm, s[1].norm);

  /* (a) dimensions */
  ns[0] = RefCount(n, w, p, 1, PETSC_MAX_REAL);
  ns[1] = RefCount(n, w, p, -1, PETSC_MAX_REAL);
  snprintf(d, sizeof d, "%s: sector dimensions %" PetscInt_FMT " + %" PetscInt_FMT " = N+1 and match the reference parity counts", tag, s[0].n, s[1].n);
  LMG_TEST(d, s[0].n + s[1].n == n && s[0].n == ns[0] && s[1].n == ns[1] && s[0].parity == 1 && s[1].parity == -1);

  /* (b) union of the sector eigenvalues = dense spectrum; also per sector = reference eigenvalues of that parity */
  {
    PetscInt k = 0;
    for (PetscInt q = 0; q < 2; q++) {
      PetscInt   r = 0;
      PetscReal *lo, *hi;
      PetscCall(PetscMalloc2(s[q].n, &lo, s[q].n, &hi));
      LmgSectorIsolate(&s[q], s[q].n, 1e-13 * s[q].norm, lo, hi);
      for (PetscInt i = 0; i < s[q].n && k < n; i++, k++) {
        u[k]   = 0.5 * (lo[i] + hi[i]);
        lab[k] = q ? -1 : 1;
        while (r < n && p[r] != lab[k]) r++; /* the i-th reference eigenvalue of this parity */
        secdiff = PetscMax(secdiff, r < n ? PetscAbsReal(u[k] - w[r]) : PETSC_MAX_REAL);
        r++;
      }
      PetscCall(PetscFree2(lo, hi));
    }
    PetscCall(PetscSortRealWithArrayInt(k, u, lab));
    for (PetscInt i = 0; i < n; i++) maxdiff = PetscMax(maxdiff, i < k ? PetscAbsReal(u[i] - w[i]) : PETSC_MAX_REAL);
    snprintf(d, sizeof d, "%s: sorted union of sector eigenvalues = dense spectrum (max diff %.2e norm)", tag, (double)(maxdiff / norm));
    LMG_TEST(d, k == n && maxdiff <= 1e-10 * norm);
    snprintf(d, sizeof d, "%s: each sector's eigenvalues = reference eigenvalues of its parity (max diff %.2e norm)", tag, (double)(secdiff / norm));
    LMG_TEST(d, secdiff <= 1e-10 * norm);
  }

  /* (b') LmgSectorIsolate: shared-count brackets of every level of each sector hold the reference eigenvalue */
  for (PetscInt q = 0; q < 2; q++) {
    PetscInt   r = 0, bad = 0;
    PetscReal *lo, *hi;
    PetscCall(PetscMalloc2(s[q].n, &lo, s[q].n, &hi));
    LmgSectorIsolate(&s[q], s[q].n, 1e-12 * s[q].norm, lo, hi);
    for (PetscInt i = 0; i < s[q].n; i++, r++) {
      while (r < n && p[r] != (q ? -1 : 1)) r++;
      if (r >= n || !(lo[i] - 1e-13 * norm <= w[r] && w[r] <= hi[i] + 1e-13 * norm) || hi[i] - lo[i] > 1e-12 * s[q].norm) bad++;
    }
    snprintf(d, sizeof d, "%s: LmgSectorIsolate brackets hold every %s-sector reference eigenvalue", tag, q ? "odd" : "even");
    LMG_TEST(d, bad == 0);
    PetscCall(PetscFree2(lo, hi));
  }

  /* (c) ground state even; lowest levels alternate even/odd (Sturm oscillation), in the reference and in the sectors */
  {
    PetscInt nl = PetscMin(4, n);
    snprintf(d, sizeof d, "%s: ground state even (reference and sectors)", tag);
    LMG_TEST(d, p[0] == 1 && lab[0] == 1);
    if (g < 1) {
      ok = PETSC_TRUE;
      for (PetscInt i = 0; i < nl; i++) ok = (PetscBool)(ok && p[i] == (i % 2 ? -1 : 1) && lab[i] == p[i]);
      snprintf(d, sizeof d, "%s: lowest %" PetscInt_FMT " levels alternate even/odd (reference and sectors)", tag, nl);
      LMG_TEST(d, ok);
    }
  }

  /* (d) Sturm counts against the reference counts per parity */
  {
    PetscInt  ks[]     = {0, 1, 2, n / 2, n - 2};
    PetscReal sigma[8] = {-2 * norm - 1, 2 * norm + 1};
    PetscInt  nsig     = 2;
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
      if (ks[i] >= 0 && ks[i] + 1 < n) sigma[nsig++] = 0.5 * (w[ks[i]] + w[ks[i] + 1]);
    ok = PETSC_TRUE;
    for (PetscInt i = 0; i < nsig; i++)
      for (PetscInt q = 0; q < 2; q++) ok = (PetscBool)(ok && LmgSectorCount(&s[q], sigma[i]) == RefCount(n, w, p, q ? -1 : 1, sigma[i]));
    snprintf(d, sizeof d, "%s: LmgSectorCount = reference count per parity at %" PetscInt_FMT " sigmas", tag, nsig);
    LMG_TEST(d, ok);
  }

  /* (d') the counts of many shifts in one pass, in and across its chunks of 8: the reference counts */
  {
    PetscReal sigma[19];
    PetscInt  c[19];
    for (PetscInt i = 0; i < 19; i++) sigma[i] = i % 2 ? 0.5 * (w[(i * 7) % (n - 1)] + w[(i * 7) % (n - 1) + 1]) : -norm + i * norm / 9;
    ok = PETSC_TRUE;
    for (PetscInt q = 0; q < 2; q++) {
      LmgSectorCountMany(&s[q], 19, sigma, c);
      for (PetscInt i = 0; i < 19; i++) ok = (PetscBool)(ok && c[i] == RefCount(n, w, p, q ? -1 : 1, sigma[i]));
    }
    snprintf(d, sizeof d, "%s: LmgSectorCountMany = reference counts per parity at 19 sigmas in one call", tag);
    LMG_TEST(d, ok);
  }

  /* (e) LmgSectorMat holds d and e */
  {
    PetscBool okm[2];
    PetscCall(CheckMat(&s[0], &okm[0]));
    PetscCall(CheckMat(&s[1], &okm[1]));
    snprintf(d, sizeof d, "%s: LmgSectorMat(MATAIJ) entries = d, e for both sectors", tag);
    LMG_TEST(d, okm[0] && okm[1]);
  }

  PetscCall(LmgSectorDestroy(&s[0]));
  PetscCall(LmgSectorDestroy(&s[1]));
  PetscCall(PetscFree4(w, p, u, lab));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const PetscInt  Ns[] = {2, 3, 10, 11, 40, 41};
  const PetscReal gs[] = {0.5, 0.95, 1.3};

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  LMG_TEST("half-chain length: N=40 -> 21, N=41 -> 21, N=2 -> 2, N=3 -> 2", LmgHalfLength(40) == 21 && LmgHalfLength(41) == 21 && LmgHalfLength(2) == 2 && LmgHalfLength(3) == 2);
  LMG_TEST("half-chain m: N=40 k=3 -> 3, N=41 k=3 -> 3.5", LmgHalfM(40, 3) == 3.0 && LmgHalfM(41, 3) == 3.5);
  for (size_t a = 0; a < sizeof Ns / sizeof Ns[0]; a++)
    for (size_t b = 0; b < sizeof gs / sizeof gs[0]; b++) PetscCall(CheckOne(Ns[a], gs[b]));
  int rc = LmgTestSummary(PETSC_COMM_WORLD);
  PetscCall(SlepcFinalize());
  return rc;
}
