/* Which coherence decoheres (README "What is computed" §5): the options, the choice of the doublet's modes among a
   model's Liouvillian modes, the static formulas, and one /decoherence record (k levels: dense modes; full: rates_full.c). */
#include <math.h>
#include "lmg/options.h"
#include "lmg/rates.h"

static const LmgOption opts[] = {
  {"-rates", "off", "Store the Liouvillian's doublet modes, population mode and gap with the static formulas (/decoherence) for every (N, Gamma/J, gamma_phi, level)"},
  {"-rates_tol", "1e-08", "Relative residual |L x - lambda x| / |lambda| the full-space eigensolver must reach (-rates_eps_*, -rates_pop_eps_*: SLEPc's options of those solvers)"},
  {"-rates_k0", "30", "Levels of the dense first stage of a full-space record (its modes start the eigensolver; >= 4, at most N+1)"},
  {"-rates_trace", "off", "Store time traces of the doublet's density-matrix elements from |P><P| and |E0><E0| (/traces)"},
  {"-rates_trace_grid", "0:5:101", "Times of the traces in units of T2 = 1/(gamma_phi G01) (>= 0): list, a:b:n or log:a:b:n"},
};
const LmgOptionTable LmgRatesOptionTable = LMG_TABLE("Decoherence rates and traces (also -rates_eps_*, -rates_pop_eps_*: SLEPc's options of the full-space eigensolvers of the odd and the even parity block)", opts);

PetscErrorCode LmgRatesSetFromOptions(LmgRatesOptions *o, char *err)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof *o));
  o->tol = 1e-8, o->k0 = 30;
  PetscCall(LmgOptionsFlag(&opts[0], &o->on, err));
  PetscCall(LmgOptionsReal(&opts[1], 1e-14, PETSC_FALSE, 1e-2, &o->tol, err));
  PetscCall(LmgOptionsInt(&opts[2], 4, 200, &o->k0, err));
  PetscCall(LmgOptionsFlag(&opts[3], &o->trace, err));
  PetscCall(LmgOptionsList(&opts[4], 0, PETSC_FALSE, 1e6, &o->ntrace, &o->trace_t, err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgRatesOptionsDestroy(LmgRatesOptions *o)
{
  PetscFunctionBeginUser;
  free(o->trace_t);
  o->trace_t = NULL;
  o->ntrace  = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgRatesDoublet(LmgLiouville L, PetscInt *i0, PetscInt *i1, PetscReal *s)
{
  PetscInt   n = L->n;
  PetscReal *psi;
  PetscFunctionBeginUser;
  *i0 = 0;
  for (PetscInt a = 1; a < n; a++)
    if (L->E[a] < L->E[*i0]) *i0 = a;
  *i1 = -1;
  for (PetscInt a = 0; a < n; a++)
    if (L->p[a] != L->p[*i0] && (*i1 < 0 || L->E[a] < L->E[*i1])) *i1 = a;
  PetscCall(PetscCalloc1(n, &psi)); /* the pointer state P = (|E0> + |E1>)/sqrt2 in the model's basis */
  L->ops.state(L, 0, 1 / PETSC_SQRT2, psi);
  L->ops.state(L, 1, 1 / PETSC_SQRT2, psi);
  *s = psi[*i0] * psi[*i1] < 0 ? -1 : 1; /* |P><P|_01 = s/2 */
  PetscCall(PetscFree(psi));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgRatesApply(LmgLiouville L, const PetscScalar *x, PetscScalar *y, Vec vx, Vec vy)
{
  const PetscInt n = L->n;
  PetscScalar   *X;
  const PetscScalar *Y;
  PetscFunctionBeginUser;
  for (PetscInt part = 0; part < 2; part++) { /* H1 = (x + x^H)/2, H2 = (x - x^H)/(2i) */
    PetscCall(VecGetArrayWrite(vx, &X));
    for (PetscInt b = 0; b < n; b++)
      for (PetscInt a = 0; a < n; a++) {
        const PetscScalar u = x[a + n * b], v = PetscConj(x[b + n * a]);
        X[a + n * b]        = part ? (u - v) / (2 * PETSC_i) : (u + v) / 2;
      }
    PetscCall(VecRestoreArrayWrite(vx, &X));
    PetscCall(LmgLiouvilleApply(L, PETSC_FALSE, vx, vy));
    PetscCall(VecGetArrayRead(vy, &Y));
    for (PetscInt i = 0; i < n * n; i++) y[i] = part ? y[i] + PETSC_i * Y[i] : Y[i];
    PetscCall(VecRestoreArrayRead(vy, &Y));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal LmgRatesFrequency(PetscScalar lam, PetscReal res)
{
  PetscReal w = PetscAbsReal(PetscImaginaryPart(lam));
  return w <= PetscMax(10 * res, 1e-9) * PetscAbsScalar(lam) ? 0 : w;
}

static PetscInt Position(const LmgBlock *B, PetscInt e)
{
  for (PetscInt i = 0; i < B->m; i++)
    if (B->idx[i] == e) return i;
  return -1;
}

void LmgRatesChoose(const LmgModes *M, PetscInt i0, PetscInt i1, LmgRatesPick *pk)
{
  const PetscInt  n = M->n;
  const LmgBlock *O = &M->b[1], *E = &M->b[0];
  PetscInt        q01 = Position(O, i0 + n * i1), q10 = Position(O, i1 + n * i0), q00 = Position(E, i0 * (n + 1)), q11 = Position(E, i1 * (n + 1)), still = 0;
  PetscReal       w1 = -1, w2 = -1, best = -1, gap = PETSC_MAX_REAL;
  for (PetscInt b = 0; b < LMG_NRATES; b++) pk->b[b] = -1, pk->j[b] = -1;
  pk->b[LMG_RATE_SLOW] = pk->b[LMG_RATE_FAST] = 1, pk->b[LMG_RATE_POPULATION] = 0;
  for (PetscInt j = 0; j < O->m; j++) { /* the two largest weights on e01, e10 */
    const PetscScalar *v = O->V + O->m * j;
    PetscReal          w = PetscSqr(PetscAbsScalar(v[q01])) + PetscSqr(PetscAbsScalar(v[q10]));
    if (w > w1) w2 = w1, pk->j[LMG_RATE_FAST] = pk->j[LMG_RATE_SLOW], w1 = w, pk->j[LMG_RATE_SLOW] = j;
    else if (w > w2) w2 = w, pk->j[LMG_RATE_FAST] = j;
  }
  if (-PetscRealPart(O->lam[pk->j[LMG_RATE_FAST]]) < -PetscRealPart(O->lam[pk->j[LMG_RATE_SLOW]])) {
    PetscInt t = pk->j[LMG_RATE_FAST];
    pk->j[LMG_RATE_FAST] = pk->j[LMG_RATE_SLOW], pk->j[LMG_RATE_SLOW] = t;
  }
  for (PetscInt j = 0; j < E->m; j++) { /* overlap with (e00 - e11)/sqrt2; the steady state: smallest |lambda| */
    const PetscScalar *v = E->V + E->m * j;
    PetscReal          w = 0.5 * PetscSqr(PetscAbsScalar(v[q00] - v[q11]));
    if (w > best) best = w, pk->j[LMG_RATE_POPULATION] = j;
    if (PetscAbsScalar(E->lam[j]) < PetscAbsScalar(E->lam[still])) still = j;
  }
  for (PetscInt b = 0; b < 2; b++)
    for (PetscInt j = 0; j < M->b[b].m; j++) {
      PetscReal g = -PetscRealPart(M->b[b].lam[j]);
      if ((b == 1 || j != still) && g < gap) gap = g, pk->b[LMG_RATE_GAP] = b, pk->j[LMG_RATE_GAP] = j;
    }
}

/* The static formulas of README §5 (G01, J01, G_loc of the spectrum record) and each exact rate over each. */
static void Formulas(const LmgSpectrum *sp, PetscReal g, LmgRates *r)
{
  const PetscReal J2 = sp->J01 * sp->J01, exact[LMG_NRATES] = {r->rate_01[0], r->rate_01[1], r->rate_population, r->liouvillian_gap};
  r->formula[LMG_F_SECULAR]    = g * sp->G01;
  r->formula[LMG_F_POINTER]    = g * (sp->G01 + J2);
  r->formula[LMG_F_MEAN_FIELD] = g * sp->G_loc;
  r->formula[LMG_F_DEGENERATE] = 2 * g * J2;
  r->formula[LMG_F_LEAKAGE]    = g * (sp->G01 - J2);
  r->secular                   = 2 * sp->dE / (g * sp->G01);
  for (PetscInt f = 0; f < LMG_NFORMULAS; f++)
    for (PetscInt k = 0; k < LMG_NRATES; k++) r->ratio[f][k] = r->formula[f] > 0 ? exact[k] / r->formula[f] : NAN;
}

/* |L x - lambda x| / (|lambda| |x|) of the block-b vector v (m entries) embedded into vec(x). */
static PetscErrorCode Residual(LmgLiouville L, const LmgBlock *B, const PetscScalar *v, PetscScalar lam, PetscReal *res)
{
  const PetscInt n = L->n;
  PetscScalar   *x, *y;
  PetscReal      num = 0, den = 0;
  Vec            vx, vy;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc2(n * n, &x, n * n, &y));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n * n, &vx));
  PetscCall(VecDuplicate(vx, &vy));
  for (PetscInt i = 0; i < B->m; i++) x[B->idx[i]] = v[i];
  PetscCall(LmgRatesApply(L, x, y, vx, vy));
  for (PetscInt i = 0; i < n * n; i++) num += PetscSqr(PetscAbsScalar(y[i] - lam * x[i])), den += PetscSqr(PetscAbsScalar(x[i]));
  *res = PetscSqrtReal(num / den) / PetscMax(PetscAbsScalar(lam), PETSC_SMALL);
  PetscCall(VecDestroy(&vx));
  PetscCall(VecDestroy(&vy));
  PetscCall(PetscFree2(x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *const names[LMG_NRATES] = {"slower rho01", "faster rho01", "population", "gap"};

/* k levels: the four modes from the dense eigendecomposition; a rate below 1e4 times zgeev's error bound of its
   eigenvalue skips the record. */
static PetscErrorCode Dense(LmgLiouville L, LmgRates *r)
{
  LmgModes     M;
  LmgRatesPick pk;
  PetscBool    ok = PETSC_FALSE;
  PetscInt     i0, i1, n = L->n;
  PetscReal    s;
  PetscFunctionBeginUser;
  PetscCall(LmgRatesDoublet(L, &i0, &i1, &s));
  PetscCall(LmgModesCreate(L, &M, &ok, r->message, LMG_MSG_LEN));
  if (!ok) {
    r->status = LMG_FAILED;
    PetscCall(LmgModesDestroy(&M));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  LmgRatesChoose(&M, i0, i1, &pk);
  r->status = LMG_DONE;
  for (PetscInt k = 0; k < LMG_NRATES; k++) {
    const LmgBlock *B = &M.b[pk.b[k]];
    PetscScalar     lam;
    PetscReal       bound;
    if (pk.j[k] < 0) continue;
    lam   = B->lam[pk.j[k]];
    bound = 10 * PETSC_MACHINE_EPSILON * B->norm * B->kappa[pk.j[k]]; /* zgeev's error in lambda */
    if (r->status == LMG_DONE && bound > 1e-4 * PetscAbsReal(PetscRealPart(lam))) {
      r->status = LMG_SKIPPED;
      snprintf(r->message, LMG_MSG_LEN, "the %s rate %.2e 1/s is below what double precision resolves in the %" PetscInt_FMT "-level Liouvillian (error bound %.1e 1/s)", names[k], (double)-PetscRealPart(lam), n, (double)bound);
    }
    PetscCall(Residual(L, B, B->V + B->m * pk.j[k], lam, &r->residual[k]));
    if (k < 2) {
      const PetscScalar *v = B->V + B->m * pk.j[k];
      r->rate_01[k]        = -PetscRealPart(lam);
      r->freq_01[k]        = LmgRatesFrequency(lam, r->residual[k]);
      r->weight_01[k]      = PetscSqr(PetscAbsScalar(v[Position(B, i0 + n * i1)])) + PetscSqr(PetscAbsScalar(v[Position(B, i1 + n * i0)]));
    } else if (k == LMG_RATE_POPULATION) {
      const PetscScalar *v  = B->V + B->m * pk.j[k];
      r->rate_population    = -PetscRealPart(lam);
      r->population_overlap = 0.5 * PetscSqr(PetscAbsScalar(v[Position(B, i0 * (n + 1))] - v[Position(B, i1 * (n + 1))]));
    } else r->liouvillian_gap = -PetscRealPart(lam);
  }
  if (pk.j[LMG_RATE_GAP] < 0) r->liouvillian_gap = NAN, r->residual[LMG_RATE_GAP] = NAN;
  snprintf(r->method, LMG_STR_LEN, "dense (LAPACK zgeev, %" PetscInt_FMT "-level)", n);
  if (r->status == LMG_SKIPPED) { /* one unresolved rate: no numbers */
    r->rate_01[0] = r->rate_01[1] = r->freq_01[0] = r->freq_01[1] = r->weight_01[0] = r->weight_01[1] = NAN;
    r->rate_population = r->population_overlap = r->liouvillian_gap = NAN;
  }
  PetscCall(LmgModesDestroy(&M));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Dense: 2 zgeev of k^2/2 (~2.9e-9 (k^2/2)^3 s each, measured), 64 (k^2/2)^2 bytes; full: see LmgRatesFullBytes. */
PetscErrorCode LmgRatesPlan(const LmgRatesOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscInt ranks, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  PetscReal n = level ? (PetscReal)level : sp->N + 1.0, m = 0.5 * n * n;
  PetscFunctionBeginUser;
  (void)o;
  *seconds = level ? 2 * 2.9e-9 * m * m * m + 1e-4 : 2.2e-5 * n * n + 3e-9 * n * n * n; /* full: ~60 L x at 3.6e-7 n^2 s, dsyev */
  *bytes   = level ? 64 * m * m + 1e6 : LmgRatesFullBytes(sp->N + 1, ranks);
  out->status = LMG_SKIPPED, out->message[0] = 0;
  if (LmgSpectrumUnusable(sp, out)) (void)0;
  else if (gphi == 0) snprintf(out->message, LMG_MSG_LEN, "gamma_phi = 0: no decay");
  else if (!sp->dE_resolved) snprintf(out->message, LMG_MSG_LEN, "dE unresolved: the doublet's frequency and the secular parameter undefined");
  else if (LmgModelUnbuildable(sp, level, out)) (void)0;
  else if (*bytes / 1e9 > d->max_gb) snprintf(out->message, LMG_MSG_LEN, "needs ~%.1f GB per rank > -dyn_max_gb %g", (double)(*bytes / 1e9), (double)d->max_gb);
  if (!out->message[0]) out->status = LMG_PENDING;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgRatesCompute(MPI_Comm comm, const LmgRatesOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgControl *ctl, LmgRates *r)
{
  LmgOutcome   out;
  LmgLiouville L;
  PetscReal    secs, bytes;
  PetscMPIInt  size, rank;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (PetscInt k = 0; k < LMG_NRATES; k++) r->residual[k] = NAN;
  r->rate_01[0] = r->rate_01[1] = r->freq_01[0] = r->freq_01[1] = r->weight_01[0] = r->weight_01[1] = NAN;
  r->rate_population = r->population_overlap = r->liouvillian_gap = r->secular = NAN;
  for (PetscInt f = 0; f < LMG_NFORMULAS; f++) {
    r->formula[f] = NAN;
    for (PetscInt k = 0; k < LMG_NRATES; k++) r->ratio[f][k] = NAN;
  }
  PetscCall(LmgRatesPlan(o, d, sp, gphi, level, size, &secs, &bytes, &out));
  if (out.status == LMG_PENDING && level && rank) out.status = LMG_SKIPPED, snprintf(out.message, LMG_MSG_LEN, "computed by the team's first rank");
  if (out.status != LMG_PENDING) {
    r->status = out.status;
    PetscCall(PetscStrncpy(r->message, out.message, LMG_MSG_LEN));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(LmgLiouvilleCreate(level ? PETSC_COMM_SELF : comm, sp, level, gphi, PETSC_FALSE, &L));
  if (level) PetscCall(Dense(L, r));
  else PetscCall(LmgRatesFull(o, L, ctl, r));
  PetscCall(LmgLiouvilleDestroy(&L));
  if (r->status == LMG_DONE) Formulas(sp, gphi, r);
  PetscFunctionReturn(PETSC_SUCCESS);
}
