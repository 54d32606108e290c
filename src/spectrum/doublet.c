/* Derived spectrum quantities of README (What is computed, §2) from the eigenvalues, the half-chain eigenvectors and dE. */
#include <math.h>
#include "lmg/dicke.h"
#include "lmg/spectrum.h"

/* sum_k w(m_k) a_k b_k over the half chain: the full-space <a|f(Jz)|b> for f even (w = f(m)) when a, b
   have one parity, and for f odd (w = f(m), m > 0) when a is even and b odd. */
static PetscReal HalfSum(const LmgSpectrum *sp, const PetscReal *a, const PetscReal *b, PetscInt power)
{
  PetscReal s = 0;
  for (PetscInt k = 0; k < sp->nh; k++) {
    PetscReal m = LmgHalfM(sp->N, k), w = power == 2 ? m * m : power == 1 ? m : (m > 0 ? 1.0 : 0.0);
    s += w * a[k] * b[k];
  }
  return s;
}

PetscErrorCode LmgSpectrumDerive(LmgSpectrum *sp)
{
  PetscReal N = (PetscReal)sp->N, g = sp->g, ms = g < 1 ? PetscSqrtReal(1 - g * g) : 0;
  PetscReal zp = N * ms / 2, J01sq;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < sp->nev; i++) sp->Jz2[i] = HalfSum(sp, sp->vec + i * sp->nh, sp->vec + i * sp->nh, 2);
  sp->J01         = PetscAbsReal(HalfSum(sp, sp->vec, sp->vec + sp->nh, 1));
  sp->q01         = PetscAbsReal(HalfSum(sp, sp->vec, sp->vec + sp->nh, 0));
  J01sq           = sp->J01 * sp->J01;
  sp->G01         = 0.5 * (sp->Jz2[0] + sp->Jz2[1]);
  sp->G_loc       = (N * ms) * (N * ms) / 2;
  sp->eta_MF      = sp->G_loc / sp->G01;
  sp->eta_exact   = 1 + J01sq / sp->G01;
  sp->eta_quantum = zp * zp / sp->G01;
  for (PetscInt i = 0; i < 2; i++) sp->leakage[i] = (sp->Jz2[i] - J01sq) / sp->Jz2[i];
  sp->leakage_avg = (sp->G01 - J01sq) / sp->G01;
  sp->delta_G     = zp * zp - sp->G01;
  sp->Delta_zp    = zp - sp->J01;
  sp->S_inst      = ms > 0 ? atanh(ms) - ms : 0;
  sp->S_overlap   = pow(g, N);
  sp->gap_ratio   = sp->nev > 2 ? (sp->E[2] - sp->E[0]) / sp->dE : NAN; /* NaN propagates an unresolved dE */
  sp->dE_over_kT  = LMG_HBAR * sp->dE / (LMG_KB * sp->T);
  PetscFunctionReturn(PETSC_SUCCESS);
}
