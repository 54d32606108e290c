/* Tunnel splitting below double precision: Sturm-count bisection of the lowest eigenvalue of each
   parity sector in MPFR arithmetic, the precision raised until dE is resolved or -dE_max_bits is hit. */
#include <math.h>
#include <mpfr.h>
#include "lmg/control.h"
#include "lmg/splitting.h"

typedef struct {
  PetscInt n;
  mpfr_t  *d, *e2; /* sector entries recomputed exactly at the working precision */
  mpfr_t   lo, hi; /* bracket of the lowest eigenvalue */
} MPSector;

/* Entries of LmgSectorCreate, in MPFR: d = -2m^2/N (+- <1/2|H|-1/2>), e^2 = g^2 (N(N+2) - 4m(m+1))/4 (x2 at m = 0). */
static void MPSectorInit(MPSector *ms, const LmgSector *s, mpfr_prec_t p)
{
  PetscInt N = s->N, odd = N % 2;
  ms->n      = s->n;
  ms->d      = (mpfr_t *)malloc((size_t)s->n * sizeof(mpfr_t));
  ms->e2     = (mpfr_t *)malloc((size_t)s->n * sizeof(mpfr_t));
  mpfr_inits2(p, ms->lo, ms->hi, (mpfr_ptr)0);
  for (PetscInt i = 0; i < s->n; i++) {
    double m = LmgHalfM(N, i + s->offset);
    mpfr_inits2(p, ms->d[i], ms->e2[i], (mpfr_ptr)0);
    mpfr_set_d(ms->d[i], -2 * m * m, MPFR_RNDN); /* exact: 4m^2 is an integer < 2^53 */
    mpfr_div_si(ms->d[i], ms->d[i], (long)N, MPFR_RNDN);
    mpfr_set_d(ms->e2[i], s->g, MPFR_RNDN);
    mpfr_sqr(ms->e2[i], ms->e2[i], MPFR_RNDN);
    mpfr_mul_d(ms->e2[i], ms->e2[i], (double)N * (N + 2) - 4 * m * (m + 1), MPFR_RNDN);
    mpfr_div_ui(ms->e2[i], ms->e2[i], 4, MPFR_RNDN);
    if (i == 0 && !odd && s->parity > 0) mpfr_mul_ui(ms->e2[i], ms->e2[i], 2, MPFR_RNDN);
  }
  if (odd) { /* d[0] += parity * (-g (N+1)/2) */
    mpfr_t t;
    mpfr_init2(t, p);
    mpfr_set_d(t, -s->g * s->parity, MPFR_RNDN);
    mpfr_mul_d(t, t, 0.5 * (N + 1), MPFR_RNDN);
    mpfr_add(ms->d[0], ms->d[0], t, MPFR_RNDN);
    mpfr_clear(t);
  }
}

static void MPSectorClear(MPSector *ms)
{
  for (PetscInt i = 0; i < ms->n; i++) mpfr_clears(ms->d[i], ms->e2[i], (mpfr_ptr)0);
  mpfr_clears(ms->lo, ms->hi, (mpfr_ptr)0);
  free(ms->d);
  free(ms->e2);
}

/* Eigenvalues below sigma: Sturm sequence q_i = d_i - sigma - e_{i-1}^2 / q_{i-1}. */
static PetscInt MPCount(const MPSector *ms, mpfr_srcptr sigma, mpfr_ptr q, mpfr_ptr t, mpfr_srcptr pivmin)
{
  PetscInt c = 0;
  mpfr_sub(q, ms->d[0], sigma, MPFR_RNDN);
  for (PetscInt i = 0;; i++) {
    if (mpfr_cmpabs(q, pivmin) < 0) mpfr_neg(q, pivmin, MPFR_RNDN);
    c += mpfr_sgn(q) < 0;
    if (i == ms->n - 1) break;
    mpfr_div(t, ms->e2[i], q, MPFR_RNDN);
    mpfr_sub(q, ms->d[i + 1], sigma, MPFR_RNDN);
    mpfr_sub(q, q, t, MPFR_RNDN);
  }
  return c;
}

/* Widen [lam - r, lam + r] until it provably holds the lowest eigenvalue; 0 on success. */
static int MPBracket(MPSector *ms, double lam, double r, mpfr_ptr q, mpfr_ptr t, mpfr_srcptr pivmin)
{
  for (int k = 0; k < 40; k++, r *= 4) {
    mpfr_set_d(ms->lo, lam, MPFR_RNDN);
    mpfr_sub_d(ms->lo, ms->lo, r, MPFR_RNDN);
    mpfr_set_d(ms->hi, lam, MPFR_RNDN);
    mpfr_add_d(ms->hi, ms->hi, r, MPFR_RNDN);
    if (MPCount(ms, ms->lo, q, t, pivmin) == 0 && MPCount(ms, ms->hi, q, t, pivmin) >= 1) return 0;
  }
  return 1;
}

static void MPBisect(MPSector *ms, mpfr_ptr mid, mpfr_ptr q, mpfr_ptr t, mpfr_srcptr pivmin)
{
  mpfr_add(mid, ms->lo, ms->hi, MPFR_RNDN);
  mpfr_div_2ui(mid, mid, 1, MPFR_RNDN);
  if (MPCount(ms, mid, q, t, pivmin) >= 1) mpfr_set(ms->hi, mid, MPFR_RNDN);
  else mpfr_set(ms->lo, mid, MPFR_RNDN);
}

/* One attempt at precision p: 1 resolved, 0 precision exhausted, -1 no bracket. */
static int Attempt(const LmgSector *ev, const LmgSector *od, double le, double ee, double lo, double eo, mpfr_prec_t p, const LmgControl *ctl, double *dE)
{
  MPSector s[2];
  mpfr_t   q, t, pivmin, floor_, mid, D, W, tmp;
  double   norm = PetscMax(ev->norm, od->norm);
  int      res  = 0;

  mpfr_inits2(p, q, t, pivmin, floor_, mid, D, W, tmp, (mpfr_ptr)0);
  mpfr_set_d(pivmin, norm + 1, MPFR_RNDN);
  mpfr_mul_2si(pivmin, pivmin, -2 * (long)p, MPFR_RNDN);
  mpfr_set_d(floor_, norm + 1, MPFR_RNDN);
  mpfr_mul_2si(floor_, floor_, 24 - (long)p, MPFR_RNDN); /* below this the count is not trustworthy */
  MPSectorInit(&s[0], ev, p);
  MPSectorInit(&s[1], od, p);
  if (MPBracket(&s[0], le, 2 * ee + 1e-14 * norm, q, t, pivmin) || MPBracket(&s[1], lo, 2 * eo + 1e-14 * norm, q, t, pivmin)) res = -1;
  while (res == 0) {
    mpfr_sub(W, s[0].hi, s[0].lo, MPFR_RNDN);
    mpfr_sub(tmp, s[1].hi, s[1].lo, MPFR_RNDN);
    int wider = mpfr_cmp(tmp, W) > 0;
    mpfr_add(W, W, tmp, MPFR_RNDN);
    mpfr_add(D, s[1].lo, s[1].hi, MPFR_RNDN);
    mpfr_sub(D, D, s[0].lo, MPFR_RNDN);
    mpfr_sub(D, D, s[0].hi, MPFR_RNDN);
    mpfr_div_2ui(D, D, 1, MPFR_RNDN); /* midpoint difference */
    mpfr_mul_d(tmp, D, 1e-10, MPFR_RNDN);
    if (mpfr_sgn(D) > 0 && mpfr_cmp(W, tmp) <= 0) {
      *dE = mpfr_get_d(D, MPFR_RNDN);
      res = 1;
    } else if (mpfr_cmp(W, floor_) <= 0 || LmgControlAbandon(ctl)) break;
    else MPBisect(&s[wider], mid, q, t, pivmin);
  }
  MPSectorClear(&s[0]);
  MPSectorClear(&s[1]);
  mpfr_clears(q, t, pivmin, floor_, mid, D, W, tmp, (mpfr_ptr)0);
  return res;
}

PetscErrorCode LmgSplittingResolve(const LmgSector *ev, const LmgSector *od, PetscReal le, PetscReal ee, PetscReal lo, PetscReal eo, PetscInt max_bits, const LmgControl *ctl, PetscReal *dE, PetscInt *bits, char *why, size_t len)
{
  PetscReal g = ev->g, m = g < 1 ? PetscSqrtReal(1 - g * g) : 0, S = m > 0 ? atanh(m) - m : 0;
  PetscReal need = log2(PetscMax(ev->norm, od->norm) + 1) + ev->N * S / log(2.0) + 60;
  long      p    = 128;

  PetscFunctionBeginUser;
  *dE   = NAN;
  *bits = 0;
  why[0] = '\0';
  if (!(need <= (PetscReal)max_bits)) { /* also S = inf (Gamma/J -> 0: m* = 1 in double) */
    if (PetscIsInfOrNanReal(S)) snprintf(why, len, "dE unresolved: dE/J ~ (Gamma/J)^N is below any precision up to -dE_max_bits %" PetscInt_FMT, max_bits);
    else snprintf(why, len, "dE unresolved: dE/J ~ exp(-N*S_inst) = 1e%.0f needs ~%.0f bits > -dE_max_bits %" PetscInt_FMT, -ev->N * S / log(10.0), need, max_bits);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  while (p < need) p *= 2;
  for (; p <= max_bits && !LmgControlAbandon(ctl); p *= 2) {
    double d   = NAN;
    int    res = Attempt(ev, od, le, ee, lo, eo, (mpfr_prec_t)p, ctl, &d);
    if (res < 0) {
      snprintf(why, len, "dE unresolved: no MPFR bracket of the doublet at %ld bits", p);
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    if (res > 0 && isnormal(d)) {
      *dE   = d;
      *bits = (PetscInt)p;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
  if (LmgControlAbandon(ctl)) *bits = -1, snprintf(why, len, "abandoned by a drain");
  else snprintf(why, len, "dE unresolved: not resolved to 10 digits within -dE_max_bits %" PetscInt_FMT, max_bits);
  PetscFunctionReturn(PETSC_SUCCESS);
}
