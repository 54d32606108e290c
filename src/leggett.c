/* Leggett-Garg K3 on a tau grid from one forward trajectory rho(t) and one adjoint trajectory Q_H(s) = e^{L^dagger s} Q,
   each sampled at the tau grid (dense output): C(0,tau) = Re Tr[Q_H(tau) Q rho0], C(tau,2tau) = Re Tr[Q_H(tau) Q rho(tau)],
   C(0,2tau) = Re Tr[Q_H(2tau) Q rho0]. */
#include <math.h>
#include "lmg/dynamics.h"

typedef struct {
  PetscReal t;
  PetscInt  kind, i; /* kind 0: t = tau_i (needs rho(tau_i)); kind 1: t = 2 tau_i */
} Event;

static int CompareEvent(const void *a, const void *b)
{
  const Event *x = (const Event *)a, *y = (const Event *)b;
  return x->t < y->t ? -1 : x->t > y->t ? 1 : (int)(x->kind - y->kind);
}

/* |Tr rho - 1| and max |rho - rho^dagger| */
static void Diagnose(PetscInt n, Vec rho, PetscReal *terr, PetscReal *herr)
{
  const PetscScalar *r;
  PetscScalar        tr = 0;
  VecGetArrayRead(rho, &r);
  for (PetscInt j = 0; j < n; j++) {
    tr += r[j + n * j];
    for (PetscInt i = 0; i < j; i++) *herr = PetscMax(*herr, PetscAbsScalar(r[i + n * j] - PetscConj(r[j + n * i])));
  }
  VecRestoreArrayRead(rho, &r);
  *terr = PetscMax(*terr, PetscAbsScalar(tr - 1));
}

/* Why the record cannot be computed (into why), or an empty string. Steps per trajectory, measured (RK5(4) at tol 1e-8,
   N = 100-2000): in the interaction picture dt ~ 1/w with w ~ 0.9 x the level spacing at the top of the spectrum,
   2 sqrt(Gamma (Gamma + J)), times (gphi/0.05)^0.15 (for k levels at most their spread), and at least 40 (dt <= 0.1 tau_opt);
   an explicit integrator also needs dt <~ 3/rate of the fastest dephasing; in the lab frame ~1 step per radian of the
   spread of H. Memory: ~40 n^2 complex numbers (RK stages of two trajectories; measured 2.4 GB at N = 2000). */
static PetscErrorCode Unfit(const LmgSpectrum *sp, PetscInt level, PetscReal gphi, const LmgConfig *cfg, char *why)
{
  PetscReal n = sp->N + 1.0, span, rate, steps, gb = 40 * 16 * n * n / 1e9, G = sp->g * cfg->J, T4 = 4 * PETSC_PI / (3 * sp->dE);
  PetscBool frame;
  PetscFunctionBeginUser;
  PetscCall(LmgPropagatorFrame(&frame));
  why[0] = '\0';
  if (sp->status != LMG_DONE) snprintf(why, LMG_MSG_LEN, "the spectrum record failed");
  else if (!sp->dE_resolved) snprintf(why, LMG_MSG_LEN, "dE unresolved: tau_opt undefined");
  else if (level > sp->N + 1) snprintf(why, LMG_MSG_LEN, "level k = %" PetscInt_FMT " exceeds N+1", level);
  else if (level > sp->nev) snprintf(why, LMG_MSG_LEN, "level k = %" PetscInt_FMT " exceeds the eigenpairs held (-nev)", level);
  else if (level == 0 && sp->dE / (PetscAbsReal(sp->E[0]) + cfg->J) < 1e-9) snprintf(why, LMG_MSG_LEN, "full space: dE below what double precision resolves in H");
  else if (level == 0 && gb > cfg->dyn_max_gb) snprintf(why, LMG_MSG_LEN, "full space: needs ~%.0f GB > -dyn_max_gb %g", (double)gb, (double)cfg->dyn_max_gb);
  if (why[0]) PetscFunctionReturn(PETSC_SUCCESS);
  rate = 0.5 * gphi * sp->N * sp->N; /* largest dephasing rate: (gphi/2)(m - m')^2, or gphi |P Jz P|^2 <= gphi max <Jz^2> */
  for (PetscInt i = 0; level && i < level; i++) rate = i ? PetscMax(rate, 2 * gphi * sp->Jz2[i]) : 2 * gphi * sp->Jz2[0];
  if (frame) {
    span = 1.8 * PetscSqrtReal(G * (G + cfg->J)) * PetscPowReal(PetscMax(gphi, 1e-3) / 0.05, 0.15);
    if (level) span = PetscMin(span, sp->E[level - 1] - sp->E[0]);
    steps = PetscMax(40, T4 * PetscMax(span, rate / 3));
  } else steps = T4 * PetscMax(level ? sp->E[level - 1] - sp->E[0] : 2 * cfg->J * sp->N * (0.5 + sp->g), rate); /* Gershgorin: spread of H */
  if (steps > cfg->dyn_max_steps) snprintf(why, LMG_MSG_LEN, "needs ~%.1e time steps (4 tau_opt x the fastest rate resolved) > -dyn_max_steps %g", (double)steps, (double)cfg->dyn_max_steps);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* t: the m tau values in units of tau_opt (the integration's time unit). */
static PetscErrorCode Correlators(LmgLiouville L, const LmgConfig *cfg, PetscInt m, const PetscReal *t, PetscReal *C1, PetscReal *C2, PetscReal *C3, LmgDynamics *dyn)
{
  PetscInt      n = LmgLiouvilleSize(L), ne = 2 * m, maxsteps = (PetscInt)PetscMin(cfg->dyn_max_steps, (PetscReal)PETSC_MAX_INT);
  Vec           rho, rho0, qh;
  LmgPropagator Pf, Pa;
  Event        *ev;
  PetscBool     ok = PETSC_TRUE;
  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n * n, &rho));
  PetscCall(VecDuplicate(rho, &rho0));
  PetscCall(VecDuplicate(rho, &qh));
  PetscCall(LmgLiouvilleInitial(L, cfg->initial, cfg->T, rho0));
  PetscCall(LmgLiouvilleObservable(L, qh));
  PetscCall(PetscMalloc1(ne, &ev));
  for (PetscInt i = 0; i < m; i++) ev[2 * i] = (Event){t[i], 0, i}, ev[2 * i + 1] = (Event){2 * t[i], 1, i};
  qsort(ev, (size_t)ne, sizeof *ev, CompareEvent);
  /* steps of at most 0.1 tau_opt (the doublet turns by 0.2 rad): measured, the interpolant then costs no accuracy
     (k = 2 against its closed form: 3e-9 on the tau grid, 2e-7 with unbounded steps) */
  PetscCall(LmgPropagatorCreate(L, PETSC_FALSE, dyn->tau_opt, 1e-4, 0.1, maxsteps, rho0, &Pf));
  PetscCall(LmgPropagatorCreate(L, PETSC_TRUE, dyn->tau_opt, 1e-4, 0.1, maxsteps, qh, &Pa));
  for (PetscInt e = 0; e < ne && ok; e++) {
    PetscCall(LmgPropagatorSample(&Pa, ev[e].t, qh, &ok));
    if (ok && ev[e].kind == 0) {
      PetscCall(LmgPropagatorSample(&Pf, ev[e].t, rho, &ok));
      Diagnose(n, rho, &dyn->trace_err, &dyn->herm_err);
      PetscCall(LmgLiouvilleCorrelate(L, qh, rho0, &C1[ev[e].i]));
      PetscCall(LmgLiouvilleCorrelate(L, qh, rho, &C2[ev[e].i]));
    } else if (ok) PetscCall(LmgLiouvilleCorrelate(L, qh, rho0, &C3[ev[e].i]));
  }
  for (PetscInt k = 0; k < 2; k++) {
    TS       ts = k ? Pa.ts : Pf.ts;
    PetscInt s, r;
    PetscCall(TSGetStepNumber(ts, &s));
    PetscCall(TSGetStepRejections(ts, &r));
    dyn->steps += s;
    dyn->rejects += r;
    if (!ok && s >= maxsteps) snprintf(dyn->message, LMG_MSG_LEN, "a trajectory exceeded -dyn_max_steps %g", (double)cfg->dyn_max_steps);
  }
  if (!ok && !dyn->message[0]) snprintf(dyn->message, LMG_MSG_LEN, "the time integrator failed (see -dyn_ts_monitor)");
  {
    TSType type;
    PetscCall(TSGetType(Pf.ts, &type));
    PetscCall(PetscStrncpy(dyn->integrator, type, sizeof dyn->integrator));
  }
  PetscCall(LmgPropagatorDestroy(&Pf));
  PetscCall(LmgPropagatorDestroy(&Pa));
  PetscCall(PetscFree(ev));
  PetscCall(VecDestroy(&rho));
  PetscCall(VecDestroy(&qh));
  PetscCall(VecDestroy(&rho0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgDynamicsCompute(const LmgConfig *cfg, const LmgSpectrum *sp, PetscReal gphi, PetscInt level, LmgDynamics *dyn)
{
  PetscInt     m = cfg->ntau + 1;
  PetscReal   *t, *C1, *C2, *C3;
  LmgLiouville L;
  char         why[LMG_MSG_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(dyn, sizeof *dyn));
  dyn->ntau   = cfg->ntau;
  dyn->status = LMG_FAILED;
  PetscCall(PetscMalloc1(cfg->ntau, &dyn->K3));
  for (PetscInt i = 0; i < cfg->ntau; i++) dyn->K3[i] = NAN;
  dyn->K3_opt = dyn->K3_max = dyn->tau_at_max = dyn->tau_opt = dyn->secular = NAN;
  PetscCall(Unfit(sp, level, gphi, cfg, why));
  if (why[0]) {
    PetscCall(PetscStrncpy(dyn->message, why, LMG_MSG_LEN));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  dyn->tau_opt = PETSC_PI / (3 * sp->dE);
  dyn->secular = gphi > 0 ? 2 * sp->dE / (gphi * sp->G01) : INFINITY;
  PetscCall(PetscMalloc4(m, &t, m, &C1, m, &C2, m, &C3));
  for (PetscInt i = 0; i < cfg->ntau; i++) t[i] = cfg->tau[i];
  t[cfg->ntau] = 1;
  PetscCall(LmgLiouvilleCreate(cfg, sp, level, gphi, &L));
  PetscCall(Correlators(L, cfg, m, t, C1, C2, C3, dyn));
  if (!dyn->message[0]) {
    for (PetscInt i = 0; i < cfg->ntau; i++) {
      dyn->K3[i] = C1[i] + C2[i] - C3[i];
      if (!(dyn->K3[i] <= dyn->K3_max)) dyn->K3_max = dyn->K3[i], dyn->tau_at_max = t[i] * dyn->tau_opt;
    }
    dyn->K3_opt = C1[cfg->ntau] + C2[cfg->ntau] - C3[cfg->ntau];
    dyn->status = LMG_DONE;
  }
  PetscCall(LmgLiouvilleDestroy(&L));
  PetscCall(PetscFree4(t, C1, C2, C3));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgDynamicsDestroy(LmgDynamics *dyn)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(dyn->K3));
  PetscFunctionReturn(PETSC_SUCCESS);
}
