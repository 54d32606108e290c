/* Thresholds: gamma_c = (3/pi) a* dE/G in closed form (G = G_loc: A, G = G01: B), and the numerical gamma_c of a
   level from K3_opt(gamma_phi) = 1, by bracketing and Illinois regula falsi on dynamics solves at tau_opt only. */
#include <math.h>
#include "lmg/options.h"
#include "lmg/threshold.h"

static const LmgOption opts[] = {
  {"-threshold", "off", "Also root-find the numerical dephasing threshold gamma_c of every level (the closed forms A and B are always stored)"},
};
const LmgOptionTable LmgThresholdOptionTable = LMG_TABLE("The thresholds", opts);

PetscErrorCode LmgThresholdSetFromOptions(LmgThresholdOptions *o, char *err)
{
  PetscFunctionBeginUser;
  o->numerical = PETSC_FALSE;
  PetscCall(LmgOptionsFlag(&opts[0], &o->numerical, err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* K3_opt(gamma) - 1 of the level; *ok false (th's status and message say why) when the dynamics was not done. */
static PetscErrorCode Excess(const LmgDynamicsOptions *o, const LmgSpectrum *sp, PetscInt level, const LmgExperiment *x, PetscReal gamma, const LmgControl *ctl, LmgThreshold *th, PetscReal *f, PetscBool *ok)
{
  LmgDynamicsOptions one = *o;
  LmgDynamics        d;
  PetscFunctionBeginUser;
  one.ntau = 0; /* tau_opt only: trajectories up to 2 tau_opt */
  PetscCall(LmgDynamicsComputeAt(PETSC_COMM_SELF, &one, sp, gamma, level, x, ctl, &d));
  th->evaluations++;
  *ok = (PetscBool)(d.status == LMG_DONE);
  *f  = d.K3_opt - 1;
  if (!*ok) th->status = d.status, snprintf(th->message, LMG_MSG_LEN, "dynamics at gamma_phi = %g: %.120s", (double)gamma, d.message);
  PetscCall(LmgDynamicsDestroy(&d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Root(const LmgDynamicsOptions *cfg, const LmgSpectrum *sp, PetscInt level, const LmgExperiment *x, const LmgControl *ctl, LmgThreshold *th)
{
  PetscReal a = 0, b = 2 * PetscMax(th->gamma_c_A, th->gamma_c_B), fa, fb, c, fc;
  PetscBool ok;
  PetscFunctionBeginUser;
  PetscCall(Excess(cfg, sp, level, x, 0, ctl, th, &fa, &ok));
  th->K3_opt_at_zero = fa + 1;
  if (!ok) PetscFunctionReturn(PETSC_SUCCESS);
  if (fa <= 0) { /* an answer, not a failure: gamma_c does not exist */
    th->status = LMG_DONE;
    snprintf(th->message, LMG_MSG_LEN, "no violation at gamma_phi = 0 (K3_opt = %.6f): no threshold", (double)(fa + 1));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (int k = 0;; k++) { /* bracket: the first b with K3_opt(b) < 1 */
    PetscCall(Excess(cfg, sp, level, x, b, ctl, th, &fb, &ok));
    if (!ok) PetscFunctionReturn(PETSC_SUCCESS);
    if (fb < 0) break;
    if (k == 12) { /* gamma_c lies beyond b: a bound, not a number */
      th->status = LMG_DONE;
      snprintf(th->message, LMG_MSG_LEN, "no root bracketed: K3_opt > 1 up to gamma_phi = %g (gamma_c is larger)", (double)b);
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    a = b, fa = fb, b *= 4;
  }
  for (int it = 0; it < 80; it++) { /* Illinois: regula falsi halving the stale end's value */
    c = (a * fb - b * fa) / (fb - fa);
    PetscCall(Excess(cfg, sp, level, x, c, ctl, th, &fc, &ok));
    if (!ok) PetscFunctionReturn(PETSC_SUCCESS);
    if (fc * fb < 0) a = b, fa = fb; /* the root lies between b and c */
    else fa /= 2;                     /* a kept again: halve its value */
    b = c, fb = fc;
    if (PetscAbsReal(b - a) <= 1e-6 * PetscAbsReal(c) || PetscAbsReal(fc) < 1e-12) {
      th->gamma_c = c;
      th->status  = LMG_DONE;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
  snprintf(th->message, LMG_MSG_LEN, "root-finding did not reach 1e-6 in 80 steps");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgThresholdCompute(const LmgThresholdOptions *o, const LmgDynamicsOptions *cfg, const LmgSpectrum *sp, PetscInt level, const LmgControl *ctl, LmgThreshold *th)
{
  return LmgThresholdComputeAt(o, cfg, sp, level, NULL, ctl, th);
}

PetscErrorCode LmgThresholdComputeAt(const LmgThresholdOptions *o, const LmgDynamicsOptions *cfg, const LmgSpectrum *sp, PetscInt level, const LmgExperiment *x, const LmgControl *ctl, LmgThreshold *th)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(th, sizeof *th));
  th->gamma_c = th->gamma_c_A = th->gamma_c_B = th->K3_opt_at_zero = NAN;
  th->status = LMG_FAILED;
  th->bias   = x ? x->bias : 0;
  if (sp->status != LMG_DONE || !sp->dE_resolved) {
    if (sp->status != LMG_FAILED) th->status = LMG_SKIPPED;
    if (sp->status == LMG_SKIPPED) snprintf(th->message, LMG_MSG_LEN, "the spectrum record was skipped: %.120s", sp->message);
    else snprintf(th->message, LMG_MSG_LEN, "%s", sp->status != LMG_DONE ? "the spectrum record failed" : "dE unresolved: no threshold");
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  {
    PetscReal q2 = sp->q01 * sp->q01, astar = -PetscLogReal(PetscSqrtReal(1 + 2 / q2) - 1);
    th->gamma_c_A = 3 / PETSC_PI * astar * sp->dE / sp->G_loc;
    th->gamma_c_B = 3 / PETSC_PI * astar * sp->dE / sp->G01;
  }
  if (!o->numerical) {
    th->status = LMG_DONE;
    snprintf(th->message, LMG_MSG_LEN, "closed forms only (numerical gamma_c with -threshold)");
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(Root(cfg, sp, level, x, ctl, th));
  PetscFunctionReturn(PETSC_SUCCESS);
}
