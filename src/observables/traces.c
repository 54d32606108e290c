/* Time traces of the doublet (README "What is computed" §5): rho(t) from |P><P| and |E0><E0| at t = trace_t T2,
   T2 = 1/(gamma_phi G01): by the modes for k levels (exact at any t), by the time stepper in the full space. */
#include <math.h>
#include <string.h>
#include "lmg/rates.h"

/* The eight quantities of rho (vec, n*n) at trace point i. */
static void Record(const PetscScalar *R, PetscInt n, PetscInt i0, PetscInt i1, PetscReal s, PetscReal *const *tr, PetscInt i)
{
  const PetscReal   p0 = PetscRealPart(R[i0 * (n + 1)]), p1 = PetscRealPart(R[i1 * (n + 1)]);
  const PetscScalar r01 = s * R[i0 + n * i1]; /* <E0|rho|E1> */
  tr[LMG_TR_RHO00][i]    = p0;
  tr[LMG_TR_RHO11][i]    = p1;
  tr[LMG_TR_RHO01_RE][i] = PetscRealPart(r01);
  tr[LMG_TR_RHO01_IM][i] = PetscImaginaryPart(r01);
  tr[LMG_TR_RHOPR_RE][i] = 0.5 * (p0 - p1);          /* <P|rho|R> = (rho00 - rho11)/2 - i Im rho01 */
  tr[LMG_TR_RHOPR_IM][i] = -PetscImaginaryPart(r01);
  tr[LMG_TR_POINTER][i]  = 2 * PetscRealPart(r01);   /* rho_PP - rho_RR */
  tr[LMG_TR_DOUBLET][i]  = p0 + p1;
}

/* k levels: rho(t) = sum_b V_b e^{lam t} W_b rho0_b; the amplitudes' 1-norm over |rho0| bounds the amplification of
   roundoff (fail beyond 1e6). */
static PetscErrorCode ByModes(LmgLiouville L, const LmgRatesOptions *o, PetscInt i0, PetscInt i1, PetscReal s, LmgTraces *r)
{
  const PetscInt n = L->n;
  LmgModes       M;
  PetscBool      ok;
  PetscScalar   *x, *c[2];
  Vec            rho;
  PetscFunctionBeginUser;
  PetscCall(LmgModesCreate(L, &M, &ok, r->message, LMG_MSG_LEN));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n * n, &rho));
  PetscCall(PetscMalloc3(n * n, &x, M.b[0].m, &c[0], M.b[1].m, &c[1]));
  for (PetscInt k = 0; ok && k < 2; k++) {
    const PetscScalar *R;
    PetscReal          c1 = 0;
    PetscCall(LmgLiouvilleInitial(L, k ? "ground" : "pointer", 0, rho));
    PetscCall(VecGetArrayRead(rho, &R));
    for (PetscInt b = 0; b < 2; b++) {
      PetscCall(LmgModesAmplitudes(&M, b, R, c[b]));
      for (PetscInt j = 0; j < M.b[b].m; j++) c1 += PetscAbsScalar(c[b][j]);
    }
    PetscCall(VecRestoreArrayRead(rho, &R));
    if (c1 > 1e6) {
      ok = PETSC_FALSE;
      snprintf(r->message, LMG_MSG_LEN, "the %" PetscInt_FMT "-level Liouvillian's modes are ill-conditioned for rho(0) (amplitudes %.1e)", n, (double)c1);
    }
    for (PetscInt i = 0; ok && i < o->ntrace; i++) {
      for (PetscInt b = 0; b < 2; b++) PetscCall(LmgModesEvolve(&M, b, c[b], o->trace_t[i] * r->T2, x));
      Record(x, n, i0, i1, s, r->tr[k], i);
    }
  }
  if (ok) snprintf(r->method, LMG_STR_LEN, "modes (LAPACK zgeev, %" PetscInt_FMT "-level)", n);
  r->status = ok ? LMG_DONE : LMG_FAILED;
  PetscCall(PetscFree3(x, c[0], c[1]));
  PetscCall(VecDestroy(&rho));
  PetscCall(LmgModesDestroy(&M));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int CompareTime(const void *a, const void *b, void *ctx)
{
  const PetscReal *t = (const PetscReal *)ctx, x = t[*(const PetscInt *)a], y = t[*(const PetscInt *)b];
  return (x > y) - (x < y);
}

/* full space: one forward trajectory per initial state (RK5(4), tol 1e-8, time unit T2), sampled in time order. */
static PetscErrorCode ByStepper(LmgLiouville L, const LmgRatesOptions *o, const LmgDynamicsOptions *d, PetscInt i0, PetscInt i1, PetscReal s, const LmgControl *ctl, LmgTraces *r)
{
  const PetscInt n = L->n;
  PetscInt      *ord, maxsteps = (PetscInt)PetscMin(d->max_steps, (PetscReal)PETSC_MAX_INT), steps = 0;
  Vec            rho0, rho;
  LmgPropStatus  st = LMG_PROP_OK;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(o->ntrace, &ord));
  for (PetscInt i = 0; i < o->ntrace; i++) ord[i] = i;
  qsort_r(ord, (size_t)o->ntrace, sizeof *ord, CompareTime, o->trace_t);
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n * n, &rho0));
  PetscCall(VecDuplicate(rho0, &rho));
  for (PetscInt k = 0; k < 2 && st == LMG_PROP_OK; k++) {
    LmgPropagator P;
    PetscInt      ns;
    PetscCall(LmgLiouvilleInitial(L, k ? "ground" : "pointer", 0, rho0));
    LmgRHS        rhs;
    PetscCall(LmgLiouvilleRHS(L, PETSC_FALSE, d->interaction, &rhs));
    PetscCall(LmgPropagatorCreate(&rhs, PETSC_FALSE, 1e-8, r->T2, 1e-6, 0.05, maxsteps, rho0, &P));
    P.control = ctl;
    for (PetscInt q = 0; q < o->ntrace && st == LMG_PROP_OK; q++) {
      const PetscScalar *R;
      PetscCall(LmgPropagatorSample(&P, o->trace_t[ord[q]], rho, &st));
      if (st != LMG_PROP_OK) break;
      PetscCall(VecGetArrayRead(rho, &R));
      Record(R, n, i0, i1, s, r->tr[k], ord[q]);
      PetscCall(VecRestoreArrayRead(rho, &R));
    }
    PetscCall(TSGetStepNumber(P.ts, &ns));
    steps += ns;
    PetscCall(LmgPropagatorDestroy(&P));
  }
  r->status = LMG_DONE;
  snprintf(r->method, LMG_STR_LEN, "time stepper (rk 5dp, rtol 1e-8, %" PetscInt_FMT " steps)", steps);
  if (st == LMG_PROP_MAXSTEPS) r->status = LMG_SKIPPED, snprintf(r->message, LMG_MSG_LEN, "a trajectory took more than -dyn_max_steps %g time steps", (double)d->max_steps);
  if (st == LMG_PROP_FAILED) r->status = LMG_FAILED, snprintf(r->message, LMG_MSG_LEN, "the time integrator failed (see -dyn_ts_monitor)");
  if (st == LMG_PROP_ABANDONED) r->status = LMG_ABANDONED, snprintf(r->message, LMG_MSG_LEN, "abandoned by a drain after %" PetscInt_FMT " time steps", steps);
  PetscCall(VecDestroy(&rho0));
  PetscCall(VecDestroy(&rho));
  PetscCall(PetscFree(ord));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* k levels as the rates' dense route; full: the stepper's ~40 n^2 complex numbers, ~(5 T2) x the spread of H steps. */
PetscErrorCode LmgTracesPlan(const LmgRatesOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  PetscReal n = sp->N + 1.0, tmax = 0, G = sp->g * sp->J, steps;
  PetscFunctionBeginUser;
  PetscCall(LmgRatesPlan(o, d, sp, gphi, level, 1, seconds, bytes, out));
  if (out->status != LMG_PENDING || level) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < o->ntrace; i++) tmax = PetscMax(tmax, o->trace_t[i]);
  steps    = 2 * PetscMax(40, tmax / (gphi * sp->G01) * PetscMax(1.8 * PetscSqrtReal(G * (G + sp->J)), gphi * sp->N * sp->N / 6));
  *seconds = steps * 1.4e-7 * n * n;
  *bytes   = 40 * 16 * n * n;
  if (*bytes / 1e9 > d->max_gb) out->status = LMG_SKIPPED, snprintf(out->message, LMG_MSG_LEN, "full space: needs ~%.1f GB > -dyn_max_gb %g", (double)(*bytes / 1e9), (double)d->max_gb);
  else if (steps > d->max_steps) out->status = LMG_SKIPPED, snprintf(out->message, LMG_MSG_LEN, "needs ~%.1e time steps > -dyn_max_steps %g", (double)steps, (double)d->max_steps);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgTracesCompute(const LmgRatesOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, const LmgControl *ctl, LmgTraces *r)
{
  LmgOutcome   out;
  LmgLiouville L;
  PetscReal    secs, bytes, s;
  PetscInt     i0, i1;
  PetscFunctionBeginUser;
  r->ntrace = o->ntrace;
  r->T2     = NAN;
  for (PetscInt k = 0; k < 2; k++)
    for (PetscInt q = 0; q < LMG_NTRACES; q++) {
      PetscCall(PetscMalloc1(o->ntrace, &r->tr[k][q]));
      for (PetscInt i = 0; i < o->ntrace; i++) r->tr[k][q][i] = NAN;
    }
  PetscCall(LmgTracesPlan(o, d, sp, gphi, level, &secs, &bytes, &out));
  if (out.status != LMG_PENDING) {
    r->status = out.status;
    PetscCall(PetscStrncpy(r->message, out.message, LMG_MSG_LEN));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  r->T2 = 1 / (gphi * sp->G01);
  PetscCall(LmgLiouvilleCreate(PETSC_COMM_SELF, sp, level, gphi, PETSC_FALSE, &L));
  PetscCall(LmgRatesDoublet(L, &i0, &i1, &s));
  if (level) PetscCall(ByModes(L, o, i0, i1, s, r));
  else PetscCall(ByStepper(L, o, d, i0, i1, s, ctl, r));
  if (r->status != LMG_DONE)
    for (PetscInt k = 0; k < 2; k++)
      for (PetscInt q = 0; q < LMG_NTRACES; q++)
        for (PetscInt i = 0; i < o->ntrace; i++) r->tr[k][q][i] = NAN;
  PetscCall(LmgLiouvilleDestroy(&L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgTracesDestroy(LmgTraces *r)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < 2; k++)
    for (PetscInt q = 0; q < LMG_NTRACES; q++) PetscCall(PetscFree(r->tr[k][q]));
  PetscFunctionReturn(PETSC_SUCCESS);
}
