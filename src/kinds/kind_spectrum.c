/* The spectrum kind: one record per (N, Gamma/J) with the quantities of README "What is computed" §2 (its fields),
   the a-priori cost the scheduler orders by, and the dry run's estimate. */
#include <math.h>
#include <stddef.h>
#include "lmg/kind.h"

#define SP(m) offsetof(LmgSpectrum, m)
#define NEV   SP(nev)
static const LmgField fields[] = {
  {"E", "rad/s", "eigenvalue E_i of H", "lowest eigenvalues E_i of H, ascending", LMG_F64, LMG_AX_EIG, SP(E), PETSC_TRUE, NEV},
  {"E_err", "rad/s", "error bound of E_i", "rigorous error bound of E_i (Kato-Temple / Bauer-Fike plus rounding)", LMG_F64, LMG_AX_EIG, SP(Eerr), PETSC_TRUE, NEV},
  {"parity", "1", "parity of E_i", "parity of E_i: +1 even, -1 odd (0: not computed)", LMG_I8, LMG_AX_EIG, SP(parity), PETSC_TRUE, NEV},
  {"Jz2", "1", "<E_i|Jz^2|E_i>", "<E_i|Jz^2|E_i>", LMG_F64, LMG_AX_EIG, SP(Jz2), PETSC_TRUE, NEV},
  {"dE", "rad/s", "tunnel splitting E1 - E0", "tunnel splitting E1 - E0 (NaN where dE_resolved = 0)", LMG_F64, -1, SP(dE), PETSC_FALSE, LMG_NOHAVE},
  {"dE_resolved", "1", "dE resolved", "1 when dE is resolved to >= 6 significant digits, else 0", LMG_I8, -1, SP(dE_resolved), PETSC_FALSE, LMG_NOHAVE},
  {"dE_bits", "bit", "precision that resolved dE", "precision that resolved dE: 53 (double) or the MPFR precision; 0 unresolved", LMG_I32, -1, SP(dE_bits), PETSC_FALSE, LMG_NOHAVE},
  {"gap_ratio", "1", "(E2 - E0)/dE", "(E2 - E0)/dE: the excited doublet over the splitting", LMG_F64, -1, SP(gap_ratio), PETSC_FALSE, LMG_NOHAVE},
  {"J01", "1", "|<E0|Jz|E1>|", "|<E0|Jz|E1>|", LMG_F64, -1, SP(J01), PETSC_FALSE, LMG_NOHAVE},
  {"q01", "1", "|<E0|sign(Jz)|E1>|", "|<E0|sign(Jz)|E1>| (sign(0) = 0)", LMG_F64, -1, SP(q01), PETSC_FALSE, LMG_NOHAVE},
  {"G01", "1", "doublet Jz fluctuation G01", "(Jz2[0] + Jz2[1])/2", LMG_F64, -1, SP(G01), PETSC_FALSE, LMG_NOHAVE},
  {"G_loc", "1", "mean-field Jz fluctuation G_loc", "(N m*)^2/2, m* = sqrt(1 - (Gamma/J)^2)", LMG_F64, -1, SP(G_loc), PETSC_FALSE, LMG_NOHAVE},
  {"eta_MF", "1", "mean-field dephasing ratio", "G_loc/G01", LMG_F64, -1, SP(eta_MF), PETSC_FALSE, LMG_NOHAVE},
  {"eta_exact", "1", "exact dephasing ratio", "1 + J01^2/G01", LMG_F64, -1, SP(eta_exact), PETSC_FALSE, LMG_NOHAVE},
  {"eta_quantum", "1", "quantum dephasing ratio", "(N m*/2)^2/G01", LMG_F64, -1, SP(eta_quantum), PETSC_FALSE, LMG_NOHAVE},
  {"leakage", "1", "leakage of E0, E1", "(Jz2[i] - J01^2)/Jz2[i], i = 0, 1", LMG_F64, LMG_AX_DOUBLET, SP(leakage), PETSC_FALSE, LMG_NOHAVE},
  {"leakage_avg", "1", "doublet leakage", "(G01 - J01^2)/G01", LMG_F64, -1, SP(leakage_avg), PETSC_FALSE, LMG_NOHAVE},
  {"delta_G", "1", "zero-point excess of G01", "(N m*/2)^2 - G01", LMG_F64, -1, SP(delta_G), PETSC_FALSE, LMG_NOHAVE},
  {"Delta_zp", "1", "zero-point shift of J01", "N m*/2 - J01", LMG_F64, -1, SP(Delta_zp), PETSC_FALSE, LMG_NOHAVE},
  {"S_inst", "1", "instanton action per atom", "artanh(m*) - m*", LMG_F64, -1, SP(S_inst), PETSC_FALSE, LMG_NOHAVE},
  {"S_overlap", "1", "overlap factor", "(Gamma/J)^N", LMG_F64, -1, SP(S_overlap), PETSC_FALSE, LMG_NOHAVE},
  {"dE_over_kT", "1", "dE over k_B T", "hbar dE/(k_B T)", LMG_F64, -1, SP(dE_over_kT), PETSC_FALSE, LMG_NOHAVE},
};

static PetscBool Enabled(const LmgConfig *cfg)
{
  (void)cfg;
  return PETSC_TRUE;
}

/* O(N) sparse solves, plus the extended-precision splitting where the doublet is deep (~ N bits). */
static PetscReal Cost(const LmgConfig *cfg, const LmgTask *task)
{
  PetscReal N = (PetscReal)cfg->N[task->iN], g = cfg->gamma_over_J[task->iG];
  PetscReal m = g < 1 ? PetscSqrtReal(1 - g * g) : 0, S = m > 0 ? atanh(m) - m : 0;
  PetscReal bits = PetscMin(N * S / log(2.0), (PetscReal)cfg->spec.dE_max_bits);
  return 5 * N * (1 + (bits > 40 ? 1e-2 * bits : 0));
}

static PetscErrorCode Compute(const LmgKindContext *ctx, const LmgTask *task, void *rec, LmgOutcome *out)
{
  PetscFunctionBeginUser;
  (void)task;
  *(LmgSpectrum *)rec = *ctx->sp; /* shallow: the cache owns the arrays */
  out->status         = ctx->sp->status;
  PetscCall(PetscStrncpy(out->message, ctx->sp->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A dry run computes the spectra (they give tau_opt to every other estimate): their measured time. */
static PetscErrorCode Plan(const LmgConfig *cfg, const LmgSpectrum *sp, const LmgTask *task, PetscReal *seconds, PetscReal *bytes, LmgOutcome *out)
{
  PetscFunctionBeginUser;
  (void)cfg, (void)task;
  *seconds    = sp->seconds;
  *bytes      = 8.0 * (sp->nev + 8) * (sp->N + 1) + 64.0 * (sp->N + 1);
  out->status = sp->status == LMG_DONE ? LMG_PENDING : sp->status;
  PetscCall(PetscStrncpy(out->message, sp->message, LMG_MSG_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const LmgKind LmgKindSpectrum = {"spectrum", 2, {LMG_AX_N, LMG_AX_G}, fields, (PetscInt)(sizeof fields / sizeof fields[0]), sizeof(LmgSpectrum), PETSC_TRUE, Enabled, Cost, Compute, Plan, NULL, NULL, PETSC_FALSE, PETSC_FALSE};
