/* The table of record kinds: one row per kind, each defined in its own file (kind_*.c). */
#include "lmg/kind.h"

extern const LmgKind LmgKindSpectrum, LmgKindDynamics, LmgKindThreshold, LmgKindDecoherence, LmgKindTraces, LmgKindLzScales, LmgKindLz, LmgKindLzClassical, LmgKindTolerance;
const LmgKind *const LmgKinds[] = {&LmgKindSpectrum, &LmgKindDynamics, &LmgKindThreshold, &LmgKindDecoherence, &LmgKindTraces, &LmgKindLzScales, &LmgKindLz, &LmgKindLzClassical, &LmgKindTolerance};
const PetscInt       LmgNKinds  = (PetscInt)(sizeof LmgKinds / sizeof LmgKinds[0]);

PetscBool LmgKindExperiment(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, LmgExperiment *x)
{
  const PetscReal b = LmgConfigBias(cfg, task->iB), s = LmgConfigSigma(cfg, task->iS);
  *x = LMG_EXPERIMENT_IDEAL;
  if (b == 0 && s == 0) return PETSC_FALSE;
  x->bias  = sp->status == LMG_DONE && sp->dE_resolved ? b * sp->dE / (2 * sp->J01) : (b != 0 ? NAN : 0);
  x->sigma = s;
  return PETSC_TRUE;
}

PetscInt LmgGridKindAxes(const LmgConfig *cfg, const LmgKind *kind, LmgAxis *axes)
{
  PetscInt n = 0;
  for (PetscInt a = 0; a < kind->naxes; a++)
    if (cfg->experiment || kind->experiment || (kind->axes[a] != LMG_AX_B && kind->axes[a] != LMG_AX_S)) axes[n++] = kind->axes[a];
  return n;
}

PetscInt LmgTaskIndex(const LmgTask *t, LmgAxis ax)
{
  switch (ax) {
  case LMG_AX_N: return t->iN;
  case LMG_AX_G: return t->iG;
  case LMG_AX_P: return t->iP;
  case LMG_AX_L: return t->iL;
  case LMG_AX_TQ: return t->iT;
  case LMG_AX_B: return t->iB;
  case LMG_AX_S: return t->iS;
  default: return -1;
  }
}
