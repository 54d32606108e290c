/* Dense-times-banded products (from the right by columns, from the left by diagonals), the (anti-)Hermitian folds and
   the interaction-picture rotation; built with -O3 and -fcx-limited-range (plain complex products: no inf/NaN
   recovery), the products also for x86-64-v3, chosen at run time. */
#include "lmg/band.h"
#include <petscblaslapack.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#define LMG_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define LMG_CLONES
#endif

#define ROWS 512 /* reals per row chunk: the chunks of a column range stay in cache while j advances */
#define TILE 32  /* square tiles of the folds */

PetscErrorCode LmgBandCreateColumns(MPI_Comm comm, PetscInt n, PetscInt c0, PetscInt nc, const PetscReal *M, PetscReal droptol, PetscInt stride, LmgBand *B)
{
  PetscReal    big = 0, *mine;
  PetscInt     nnz = 0, *slot, *lc; /* lc: this rank's columns' lo and count, then every column's */
  PetscMPIInt  size, *cnt, *dsp, k2;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n * nc; i++) big = PetscMax(big, PetscAbsReal(M[i]));
  PetscCallMPI(MPIU_Allreduce(MPI_IN_PLACE, &big, 1, MPIU_REAL, MPI_MAX, comm));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  B->n      = n;
  B->width  = 0;
  B->stride = stride;
  PetscCall(PetscMalloc2(n, &B->lo, n + 1, &B->ptr));
  PetscCall(PetscMalloc3(2 * n, &lc, 2 * n - 1, &slot, n * nc + 1, &mine));
  for (PetscInt j = 0; j < nc; j++) { /* each column's range of rows above droptol * big */
    const PetscReal *m = M + n * j;
    PetscInt         a = 0, b = n - 1;
    while (a < n && !(PetscAbsReal(m[a]) > droptol * big)) a++;
    while (b > a && !(PetscAbsReal(m[b]) > droptol * big)) b--;
    if (a < n) b = a + stride * ((b - a) / stride);
    for (PetscInt i = a; i < b; i++) PetscCheck((i - a) % stride == 0 || !(PetscAbsReal(m[i]) > droptol * big), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "entry (%" PetscInt_FMT ", %" PetscInt_FMT ") lies between the rows of stride %" PetscInt_FMT, i, c0 + j, stride);
    lc[2 * (c0 + j)] = a < n ? a : 0, lc[2 * (c0 + j) + 1] = a < n ? (b - a) / stride + 1 : 0;
    for (PetscInt q = 0; q < lc[2 * (c0 + j) + 1]; q++) mine[nnz++] = m[a + stride * q];
  }
  /* every rank: every column's range, then the values */
  PetscCall(PetscMalloc2(size, &cnt, size, &dsp));
  PetscCall(PetscMPIIntCast(2 * nc, &k2));
  PetscCallMPI(MPI_Allgather(&k2, 1, MPI_INT, cnt, 1, MPI_INT, comm));
  dsp[0] = 0;
  for (PetscMPIInt r = 1; r < size; r++) dsp[r] = dsp[r - 1] + cnt[r - 1];
  PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, lc, cnt, dsp, MPIU_INT, comm));
  for (PetscInt j = 0, at = 0; j < n; j++) {
    B->lo[j] = lc[2 * j], B->ptr[j] = at, at += lc[2 * j + 1];
    B->width = PetscMax(B->width, lc[2 * j + 1] ? stride * (lc[2 * j + 1] - 1) + 1 : 0);
  }
  B->ptr[n] = B->ptr[n - 1] + lc[2 * n - 1];
  PetscCall(PetscMalloc1(PetscMax(B->ptr[n], 1), &B->val));
  {
    PetscMPIInt me;
    PetscInt    lo = 0;
    PetscCallMPI(MPI_Comm_rank(comm, &me));
    for (PetscMPIInt r = 0, col = 0; r < size; r++) { /* the values of rank r's columns start at the ptr of its first */
      PetscInt c1 = col + cnt[r] / 2;
      PetscCall(PetscMPIIntCast(B->ptr[c1] - B->ptr[col], &cnt[r]));
      PetscCall(PetscMPIIntCast(B->ptr[col], &dsp[r]));
      if (r == me) lo = col;
      col = (PetscMPIInt)c1;
    }
    PetscCall(PetscArraycpy(B->val + B->ptr[lo], mine, nnz));
    PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, B->val, cnt, dsp, MPIU_REAL, comm));
  }
  PetscCall(PetscFree2(cnt, dsp));
  /* the diagonals of the left product: entry (i, j) is on diagonal d = j - i of its rows i (ascending offsets) */
  for (PetscInt k = 0; k < 2 * n - 1; k++) slot[k] = -1;
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt q = 0; q < B->ptr[j + 1] - B->ptr[j]; q++) slot[j - (B->lo[j] + stride * q) + n - 1] = 0;
  B->nd = 0;
  for (PetscInt k = 0; k < 2 * n - 1; k++) slot[k] = slot[k] ? -1 : B->nd++;
  PetscCall(PetscMalloc1(PetscMax(B->nd, 1), &B->d));
  PetscCall(PetscCalloc1(PetscMax(B->nd, 1) * 2 * n, &B->dval));
  for (PetscInt k = 0; k < 2 * n - 1; k++)
    if (slot[k] >= 0) B->d[slot[k]] = k - (n - 1);
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt q = 0; q < B->ptr[j + 1] - B->ptr[j]; q++) {
      const PetscInt i  = B->lo[j] + stride * q;
      PetscReal     *dv = B->dval + 2 * n * slot[j - i + n - 1];
      dv[2 * i] = dv[2 * i + 1] = B->val[B->ptr[j] + q];
    }
  PetscCall(PetscFree3(lc, slot, mine));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgBandCreate(PetscInt n, const PetscReal *M, PetscReal droptol, PetscInt stride, LmgBand *B)
{
  PetscFunctionBeginUser;
  PetscCall(LmgBandCreateColumns(PETSC_COMM_SELF, n, 0, n, M, droptol, stride, B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgBandDestroy(LmgBand *B)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree2(B->lo, B->ptr));
  PetscCall(PetscFree(B->val));
  PetscCall(PetscFree(B->d));
  PetscCall(PetscFree(B->dval));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* On the real view (2n reals per column): Z[:, j] = sum_q val_q X[:, lo_j + stride q], four columns per pass over a
   chunk. */
LMG_CLONES void LmgBandMultRight(const LmgBand *B, PetscInt j0, PetscInt j1, const PetscScalar *Xc, PetscInt x0, PetscScalar *Zc)
{
  const PetscInt   n = B->n, m = 2 * n, s = m * B->stride;
  const PetscReal *X = (const PetscReal *)Xc;
  PetscReal       *Z = (PetscReal *)Zc;
  for (PetscInt a0 = 0; a0 < m; a0 += ROWS) {
    const PetscInt len = PetscMin(ROWS, m - a0);
    for (PetscInt j = j0; j < j1; j++) {
      PetscReal *restrict       z = Z + m * (j - j0) + a0;
      const PetscReal          *v = B->val + B->ptr[j];
      const PetscReal *restrict x = X + m * (B->lo[j] - x0) + a0;
      const PetscInt            c = B->ptr[j + 1] - B->ptr[j];
      PetscInt                  q = 0;
      for (PetscInt a = 0; a < len; a++) z[a] = 0;
      for (; q + 4 <= c; q += 4) {
        const PetscReal *restrict xa = x + s * q, *restrict xb = xa + s, *restrict xc = xb + s, *restrict xd = xc + s;
        const PetscReal           v0 = v[q], v1 = v[q + 1], v2 = v[q + 2], v3 = v[q + 3];
        for (PetscInt a = 0; a < len; a++) z[a] += v0 * xa[a] + v1 * xb[a] + v2 * xc[a] + v3 * xd[a];
      }
      for (; q < c; q++) {
        const PetscReal *restrict xa = x + s * q;
        const PetscReal           v0 = v[q];
        for (PetscInt a = 0; a < len; a++) z[a] += v0 * xa[a];
      }
    }
  }
}

/* y[a] += sum over the diagonals k0 .. k1-1 of dv_k[a] x[a + o_k] for rows a in [a0, a1) they reach */
static inline void Diagonals(const LmgBand *B, PetscInt k0, PetscInt k1, PetscInt a0, PetscInt a1, const PetscReal *restrict x, PetscReal *restrict y)
{
  const PetscInt m = 2 * B->n;
  for (PetscInt k = k0; k < k1; k++) {
    const PetscInt            o = 2 * B->d[k], lo = PetscMax(a0, -o), hi = PetscMin(a1, m - o);
    const PetscReal *restrict dv = B->dval + m * k, *restrict xo = x + o;
    for (PetscInt a = lo; a < hi; a++) y[a] += dv[a] * xo[a];
  }
}

/* On the real view: Y[:, j] = sum_k dval_k o X[. + d_k, j], row chunks so that the chunk of every diagonal stays in
   cache while j advances; four diagonals (ascending offsets) and two columns per pass where all four reach. */
LMG_CLONES void LmgBandMultLeft(const LmgBand *B, PetscInt nc, const PetscScalar *Xc, PetscScalar *Yc)
{
  const PetscInt   n = B->n, m = 2 * n;
  const PetscReal *X = (const PetscReal *)Xc;
  PetscReal       *Y = (PetscReal *)Yc;
  for (PetscInt a0 = 0; a0 < m; a0 += ROWS) {
    const PetscInt a1 = PetscMin(a0 + ROWS, m);
    for (PetscInt j = 0; j < nc; j += 2) {
      const PetscInt            two = j + 1 < nc;
      PetscReal *restrict       y = Y + m * j, *restrict y1 = two ? y + m : y;
      const PetscReal *restrict x = X + m * j, *restrict x1 = two ? x + m : x;
      PetscInt                  k = 0;
      for (PetscInt a = a0; a < a1; a++) y[a] = 0;
      if (two)
        for (PetscInt a = a0; a < a1; a++) y1[a] = 0;
      for (; k + 4 <= B->nd; k += 4) {
        const PetscInt o0 = 2 * B->d[k], o1 = 2 * B->d[k + 1], o2 = 2 * B->d[k + 2], o3 = 2 * B->d[k + 3];
        const PetscInt lo = PetscMax(a0, -o0), hi = PetscMin(a1, m - o3); /* ascending: o0 limits below, o3 above */
        const PetscReal *restrict d0 = B->dval + m * k, *restrict d1 = d0 + m, *restrict d2 = d1 + m, *restrict d3 = d2 + m;
        if (lo >= hi) {
          Diagonals(B, k, k + 4, a0, a1, x, y);
          if (two) Diagonals(B, k, k + 4, a0, a1, x1, y1);
          continue;
        }
        Diagonals(B, k, k + 4, a0, lo, x, y); /* the rows below lo and above hi one diagonal at a time */
        Diagonals(B, k, k + 4, hi, a1, x, y);
        if (two) {
          Diagonals(B, k, k + 4, a0, lo, x1, y1);
          Diagonals(B, k, k + 4, hi, a1, x1, y1);
        }
        {
          const PetscReal *restrict p0 = x + o0, *restrict p1 = x + o1, *restrict p2 = x + o2, *restrict p3 = x + o3;
          const PetscReal *restrict q0 = x1 + o0, *restrict q1 = x1 + o1, *restrict q2 = x1 + o2, *restrict q3 = x1 + o3;
          if (two)
            for (PetscInt a = lo; a < hi; a++) y1[a] += d0[a] * q0[a] + d1[a] * q1[a] + d2[a] * q2[a] + d3[a] * q3[a];
          for (PetscInt a = lo; a < hi; a++) y[a] += d0[a] * p0[a] + d1[a] * p1[a] + d2[a] * p2[a] + d3[a] * p3[a];
        }
      }
      Diagonals(B, k, B->nd, a0, a1, x, y);
      if (two) Diagonals(B, k, B->nd, a0, a1, x1, y1);
    }
  }
}

void LmgRotate(PetscInt n, PetscInt nc, PetscInt c0, const PetscScalar *z, PetscBool inverse, const PetscScalar *in, PetscScalar *out)
{
  for (PetscInt b = 0; b < nc; b++) {
    const PetscScalar zb = inverse ? z[c0 + b] : PetscConj(z[c0 + b]);
    if (inverse)
      for (PetscInt a = 0; a < n; a++) out[a + n * b] = PetscConj(z[a]) * zb * in[a + n * b];
    else
      for (PetscInt a = 0; a < n; a++) out[a + n * b] = z[a] * zb * in[a + n * b];
  }
}

void LmgFoldAntiHermitian(PetscInt n, PetscScalar *Z)
{
  for (PetscInt J0 = 0; J0 < n; J0 += TILE)
    for (PetscInt I0 = 0; I0 <= J0; I0 += TILE)
      for (PetscInt j = J0; j < PetscMin(J0 + TILE, n); j++)
        for (PetscInt i = I0; i < PetscMin(I0 + TILE, j + 1); i++) {
          const PetscScalar a = Z[i + n * j], b = Z[j + n * i];
          Z[i + n * j] = PetscConj(b) - a;
          Z[j + n * i] = PetscConj(a) - b;
        }
}

void LmgFoldHermitian(PetscInt n, PetscReal c, const PetscScalar *z, PetscScalar *Y)
{
  for (PetscInt J0 = 0; J0 < n; J0 += TILE)
    for (PetscInt I0 = 0; I0 <= J0; I0 += TILE)
      for (PetscInt j = J0; j < PetscMin(J0 + TILE, n); j++) {
        const PetscScalar zj = z ? c * z[j] : c;
        for (PetscInt i = I0; i < PetscMin(I0 + TILE, j + 1); i++) {
          const PetscScalar s = (Y[i + n * j] + PetscConj(Y[j + n * i])) * (z ? PetscConj(z[i]) * zj : zj);
          Y[i + n * j]        = s;
          Y[j + n * i]        = PetscConj(s);
        }
      }
}

void LmgAddRotated(PetscInt n, PetscInt nc, PetscInt c0, PetscScalar c, const PetscScalar *z, const PetscScalar *F, PetscScalar *Y)
{
  for (PetscInt b = 0; b < nc; b++) {
    const PetscScalar cb = z ? c * z[c0 + b] : c;
    if (z)
      for (PetscInt a = 0; a < n; a++) Y[a + n * b] += PetscConj(z[a]) * cb * F[a + n * b];
    else
      for (PetscInt a = 0; a < n; a++) Y[a + n * b] += cb * F[a + n * b];
  }
}

/* Column k of a packed lower triangle (column j holding rows j .. n-1) starting at column x0, on the real view:
   row i at [2 (i - k)]. */
static inline const PetscReal *Col(const PetscReal *X, PetscInt n, PetscInt x0, PetscInt k)
{
  return X + 2 * (LmgPackedOffset(n, k) - LmgPackedOffset(n, x0));
}

/* The lower triangle of C = [B, X] = B X - X B on columns j0 .. j1-1 for X held by its lower triangle, both packed
   (band.h). Row chunks as in the products above; in a chunk below the band's reach of the diagonal, four columns of X
   (X B) or four diagonals of B (B X) per pass, on the real view. */
LMG_CLONES void LmgBandCommLower(const LmgBand *B, PetscInt j0, PetscInt j1, const PetscScalar *Xc, PetscInt x0, PetscReal sgn, PetscScalar *Cc)
{
  const PetscInt   n = B->n, s = B->stride, h = ROWS / 2;
  const PetscReal *X = (const PetscReal *)Xc;
  PetscReal       *C = (PetscReal *)Cc;
  for (PetscInt i = 0; i < 2 * (LmgPackedOffset(n, j1) - LmgPackedOffset(n, j0)); i++) C[i] = 0;
  for (PetscInt r0 = 0; r0 < n; r0 += h) { /* rows [r0, r1) */
    const PetscInt r1 = PetscMin(r0 + h, n);
    for (PetscInt j = j0; j < PetscMin(j1, r1); j++) {
      const PetscInt   nq = B->ptr[j + 1] - B->ptr[j], lo = B->lo[j], a0 = PetscMax(r0, j), len = 2 * (r1 - a0);
      PetscReal *restrict c = (PetscReal *)Col(C, n, j0, j) + 2 * (a0 - j); /* rows a0 .. r1-1 of column j */
      const PetscReal *xj = Col(X, n, x0, j), *v = B->val + B->ptr[j];
      PetscInt         q = 0, k = 0;
      /* - X B: c_i -= sum_q v_q X_{i, lo + s q} */
      if (nq && a0 >= lo + s * (nq - 1))
        for (; q + 4 <= nq; q += 4) {
          const PetscInt            k0 = lo + s * q;
          const PetscReal *restrict xa = Col(X, n, x0, k0) + 2 * (a0 - k0), *restrict xb = Col(X, n, x0, k0 + s) + 2 * (a0 - k0 - s);
          const PetscReal *restrict xc = Col(X, n, x0, k0 + 2 * s) + 2 * (a0 - k0 - 2 * s), *restrict xd = Col(X, n, x0, k0 + 3 * s) + 2 * (a0 - k0 - 3 * s);
          const PetscReal           v0 = v[q], v1 = v[q + 1], v2 = v[q + 2], v3 = v[q + 3];
          for (PetscInt a = 0; a < len; a++) c[a] -= v0 * xa[a] + v1 * xb[a] + v2 * xc[a] + v3 * xd[a];
        }
      for (; q < nq; q++) {
        const PetscInt kq = lo + s * q, b0 = PetscMax(a0, kq);
        const PetscReal vq = v[q];
        if (b0 < r1) {
          const PetscReal *restrict xk = Col(X, n, x0, kq) + 2 * (b0 - kq);
          PetscReal *restrict       cb = c + 2 * (b0 - a0);
          for (PetscInt a = 0; a < 2 * (r1 - b0); a++) cb[a] -= vq * xk[a];
        }
        for (PetscInt i = a0; i < PetscMin(r1, kq); i++) { /* X_{i, kq} = sgn conj(X_{kq, i}) */
          const PetscReal *xi = Col(X, n, x0, i) + 2 * (kq - i);
          c[2 * (i - a0)] -= vq * sgn * xi[0], c[2 * (i - a0) + 1] += vq * sgn * xi[1];
        }
      }
      /* + B X: c_i += sum_k B_{i, i + d_k} X_{i + d_k, j} (dval: B_{i, i + d} at 2i and 2i + 1) */
      if (B->nd && a0 + B->d[0] >= j && r1 + B->d[B->nd - 1] <= n)
        for (; k + 4 <= B->nd; k += 4) {
          const PetscReal *restrict d0 = B->dval + 2 * n * k + 2 * a0, *restrict d1 = d0 + 2 * n, *restrict d2 = d1 + 2 * n, *restrict d3 = d2 + 2 * n;
          const PetscReal *restrict p0 = xj + 2 * (a0 + B->d[k] - j), *restrict p1 = xj + 2 * (a0 + B->d[k + 1] - j);
          const PetscReal *restrict p2 = xj + 2 * (a0 + B->d[k + 2] - j), *restrict p3 = xj + 2 * (a0 + B->d[k + 3] - j);
          for (PetscInt a = 0; a < len; a++) c[a] += d0[a] * p0[a] + d1[a] * p1[a] + d2[a] * p2[a] + d3[a] * p3[a];
        }
      for (; k < B->nd; k++) {
        const PetscInt   d = B->d[k], b0 = PetscMax(a0, j - d), b1 = PetscMin(r1, n - d);
        const PetscReal *dv = B->dval + 2 * n * k;
        if (b0 < b1) {
          const PetscReal *restrict dd = dv + 2 * b0, *restrict xo = xj + 2 * (b0 + d - j);
          PetscReal *restrict       cb = c + 2 * (b0 - a0);
          for (PetscInt a = 0; a < 2 * (b1 - b0); a++) cb[a] += dd[a] * xo[a];
        }
        for (PetscInt i = PetscMax(a0, -d); i < PetscMin(r1, j - d); i++) { /* X_{i + d, j} = sgn conj(X_{j, i + d}) */
          const PetscReal *xi = Col(X, n, x0, i + d) + 2 * (j - i - d);
          c[2 * (i - a0)] += dv[2 * i] * sgn * xi[0], c[2 * (i - a0) + 1] -= dv[2 * i] * sgn * xi[1];
        }
      }
    }
  }
}

void LmgRotateLower(PetscInt n, PetscInt nc, PetscInt c0, const PetscScalar *z, PetscBool inverse, const PetscScalar *in, PetscScalar *out)
{
  for (PetscInt b = 0, i = 0; b < nc; b++) {
    const PetscScalar zb = inverse ? z[c0 + b] : PetscConj(z[c0 + b]);
    if (inverse)
      for (PetscInt a = c0 + b; a < n; a++, i++) out[i] = PetscConj(z[a]) * zb * in[i];
    else
      for (PetscInt a = c0 + b; a < n; a++, i++) out[i] = z[a] * zb * in[i];
  }
}

PetscErrorCode LmgDenseMult(PetscInt n, PetscScalar alpha, const PetscScalar *A, const PetscScalar *B, PetscScalar beta, PetscScalar *C)
{
  PetscBLASInt bn;
  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bn, &bn, &bn, &alpha, A, &bn, B, &bn, &beta, C, &bn));
  PetscFunctionReturn(PETSC_SUCCESS);
}
