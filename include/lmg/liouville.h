/* The Lindbladian of README (What is computed, §3) on vec(rho) (dense n x n, column-major): one interface, two models —
   the k-level eigenbasis truncation (liouville_trunc.c) and the full Dicke space (liouville_full.c). Both work in the
   eigenbasis of their H: L x = s [diag(E), x] + D x, s = -i (or +i for L^dagger), D the dephasing dissipator. */
#pragma once
#include "spectrum.h"

typedef struct _p_LmgLiouville *LmgLiouville;

/* Create the model `level` (k >= 2, or 0 for full) of spectrum sp at dephasing rate gphi (1/s), energies in rad/s
   (sp->J). Not collective (PETSC_COMM_SELF objects). */
PetscErrorCode LmgLiouvilleCreate(const LmgSpectrum *sp, PetscInt level, PetscReal gphi, LmgLiouville *L);
PetscErrorCode LmgLiouvilleDestroy(LmgLiouville *L);
/* Dimension n of the model's Hilbert space (vec(rho) has n^2 entries). */
PetscInt LmgLiouvilleSize(LmgLiouville L);
/* y = L x (adjoint = PETSC_FALSE) or y = L^dagger x (Heisenberg picture, adjoint = PETSC_TRUE); x Hermitian (the
   full model forms [A, x] as Z^dagger - Z with Z = x A; rho, Q and everything propagated from them are Hermitian). */
PetscErrorCode LmgLiouvilleApply(LmgLiouville L, PetscBool adjoint, Vec x, Vec y);
/* y = alpha conj(P) o D(P o x) with P_ab = e^{-+i(E_a - E_b)t} (- for L, + for L^dagger): the dephasing dissipator D
   (the part of L that is not -+i[H, .]) in the interaction picture of H at time t (s); t = 0 gives alpha D x. x Hermitian. */
PetscErrorCode LmgLiouvilleDissipate(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscReal alpha, Vec x, Vec y);
/* out = P o in (inverse: conj(P) o in), P as above; in == out allowed. */
PetscErrorCode LmgLiouvilleRotate(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscBool inverse, Vec in, Vec out);
/* Operators of the model as n x n matrices in vec form: rho0 (initial state: "ground", "pointer", "thermal"), Q. */
PetscErrorCode LmgLiouvilleInitial(LmgLiouville L, const char *initial, PetscReal T, Vec rho);
PetscErrorCode LmgLiouvilleObservable(LmgLiouville L, Vec q);
/* *c = Re Tr[x Q rho] (rho Hermitian). Entries of rho below 1e-17 of its largest are dropped (it lives on a few
   levels: O(n m^2) for m levels instead of O(n^3)); that changes *c by less than n^2 1e-17 max|x Q|. */
PetscErrorCode LmgLiouvilleCorrelate(LmgLiouville L, Vec x, Vec rho, PetscReal *c);

/* Implementation side */
typedef struct {
  PetscErrorCode (*dissipate)(LmgLiouville, PetscBool, PetscReal, PetscReal, Vec, Vec); /* LmgLiouvilleDissipate */
  PetscErrorCode (*initial)(LmgLiouville, const char *, PetscReal, Vec);
  PetscErrorCode (*jz)(LmgLiouville, PetscReal *);                                     /* LmgLiouvilleJz */
  PetscErrorCode (*destroy)(LmgLiouville);
} LmgLiouvilleOps;

struct _p_LmgLiouville {
  LmgLiouvilleOps ops;
  PetscInt           n;
  PetscReal          gphi;
  PetscReal         *E;    /* [n] energies of the basis states, rad/s, relative to E0 (owned by the model) */
  PetscReal         *Eerr; /* [n] absolute error bounds of E (the doublet partner: of the resolved dE) */
  PetscInt          *p;    /* [n] parities of the basis states */
  PetscScalar       *Q;    /* n x n: the model's Q in its basis (owned by the model) */
  const LmgSpectrum *sp;
  void           *data;
};

/* The model's Jz (its Lindblad operator over sqrt(gphi)) as a dense real n x n matrix in its basis, column-major.
   Not collective. */
PetscErrorCode LmgLiouvilleJz(LmgLiouville L, PetscReal *Z);

PetscErrorCode LmgLiouvilleCreate_Trunc(const LmgSpectrum *, PetscInt, LmgLiouville);
PetscErrorCode LmgLiouvilleCreate_Full(const LmgSpectrum *, LmgLiouville);

/* Helpers shared by both models: z_a = e^{-+i E_a t}, so that P_ab = z_a conj(z_b) (LmgRotate applies it). */
void LmgLiouvillePhases(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscScalar *z);
/* The full-space (Dicke basis, m = -j..j) amplitudes of eigenvector i of sp. */
PetscErrorCode LmgSpectrumFullVector(const LmgSpectrum *sp, PetscInt i, PetscReal *psi);
