/* The Lindbladian of README (What is computed, §3) on vec(rho) (dense n x n, column-major, or the full space's packed
   lower triangle: columns.h): one interface, two models —
   the k-level eigenbasis truncation (liouville_trunc.c) and the full Dicke space (liouville_full.c). Both work in the
   eigenbasis of their H: L x = s [diag(E), x] + D x, s = -i (or +i for L^dagger), D the dephasing dissipator. */
#pragma once
#include "columns.h"
#include "spectrum.h"
#include "window.h"

typedef struct _p_LmgLiouville *LmgLiouville;

/* Create the model `level` (k >= 2, or 0 for full) of spectrum sp at dephasing rate gphi (1/s), energies in rad/s
   (sp->J). Collective on comm: the full space's rho is distributed over it by blocks of columns (columns.h); a k-level
   model needs a one-rank comm. `lower` (the full space; a k-level model ignores it): its Vecs hold rho, Q and what is
   propagated from them by their lower triangle (L->cols.lower; the entries above the diagonal are 0): L then computes
   only those entries (half the work, no folds); otherwise the whole matrix. */
PetscErrorCode LmgLiouvilleCreate(MPI_Comm comm, const LmgSpectrum *sp, PetscInt level, PetscReal gphi, PetscBool lower, LmgLiouville *L);
/* Not collective (one rank): the full space on window w of sp (window.h): H = diag(w->E), the dissipator
   gphi (A x A - {S, x}/2) with A = P Jz P and S = P Jz^2 P of the whole space (trace-decreasing: what leaves the window
   is lost), Q = P sign(Jz) P; vec(rho) is the whole K x K matrix. */
PetscErrorCode LmgLiouvilleCreateWindow(const LmgSpectrum *sp, const LmgWindow *w, PetscReal gphi, LmgLiouville *L);
PetscErrorCode LmgLiouvilleDestroy(LmgLiouville *L);
/* Dimension n of the model's Hilbert space (vec(rho) has n^2 entries). */
PetscInt LmgLiouvilleSize(LmgLiouville L);
/* Collective: a Vec for rho or Q in the model's layout (L->cols). */
PetscErrorCode LmgLiouvilleCreateVec(LmgLiouville L, Vec *v);
/* A longitudinal bias: H(t) = H - h(t) Jz (h in rad/s, t in s); NULL (the default): none. The model's Jz is the banded
   A of the full space or P Jz P of a k-level model, so the bias costs one more product with it. Not collective. */
typedef PetscReal (*LmgBiasFn)(PetscReal t, void *ctx);
PetscErrorCode LmgLiouvilleSetBias(LmgLiouville L, LmgBiasFn h, void *ctx);
/* A static bias h (rad/s): H_h = H - h Jz. A k-level model turns to the eigenbasis of its H_k = diag(E) - h P Jz P (the
   same model in another basis; the bias breaks parity, so every state gets p = +1 and the modes one block); the full
   space keeps the eigenbasis of H and carries the bias as the Landau-Zener sweep's (one more banded product). The
   initial states "ground" and "thermal" are then those of H_h; "pointer" stays that of H. Not collective; call it
   before LmgLiouvilleSetDetection. h = 0 changes nothing. */
PetscErrorCode LmgLiouvilleSetStaticBias(LmgLiouville L, PetscReal h);
/* Detection resolution sigma (atoms of imbalance 2m, > 0): the model's Q becomes Q_sigma = erf(sqrt2 Jz/sigma) and the
   measurement's state update M(x) = K+ x K+ - K- x K-, K+- = sqrt(Phi(+-2 Jz/sigma)) (Phi the normal distribution
   function; Luders rule), in the model's basis (k levels: P_k . P_k). O(n^2 (N+1)) once; K+- held whole on every rank.
   sigma = 0 changes nothing (the ideal Q). Not collective. */
PetscErrorCode LmgLiouvilleSetDetection(LmgLiouville L, PetscReal sigma);
/* Y = M(X) (with detection) or Y = Q X (without) for the whole n x n matrix X of a one-rank model. */
PetscErrorCode LmgLiouvilleMeasure(LmgLiouville L, const PetscScalar *X, PetscScalar *Y);
/* y = L(t) x (adjoint = PETSC_FALSE) or y = L(t)^dagger x (Heisenberg picture, adjoint = PETSC_TRUE) in the lab frame;
   x Hermitian (the full model's whole matrices form [A, x] as Z^dagger - Z with Z = x A on one rank; packed triangles
   compute their lower triangle directly; rho, Q and everything propagated from them are Hermitian). LmgLiouvilleApply: at t = 0 (the time-independent L of a model without bias). */
PetscErrorCode LmgLiouvilleApplyAt(LmgLiouville L, PetscBool adjoint, PetscReal t, Vec x, Vec y);
PetscErrorCode LmgLiouvilleApply(LmgLiouville L, PetscBool adjoint, Vec x, Vec y);
/* y = alpha conj(P) o V_t(P o x) with P_ab = e^{-+i(E_a - E_b)t} (- for L, + for L^dagger), V_t = L(t) + -i[H, .]
   (the dephasing dissipator D and the bias term): the generator of the interaction picture of H at time t (s). x Hermitian. */
PetscErrorCode LmgLiouvilleInteraction(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscReal alpha, Vec x, Vec y);
/* out = P o in (inverse: conj(P) o in), P as above; in == out allowed. */
PetscErrorCode LmgLiouvilleRotate(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscBool inverse, Vec in, Vec out);

/* States and observables of either model (liouville_states.c), built from what each model supplies: the amplitudes of
   the spectrum's eigenvectors in its basis (ops.state), its energies and its Jz. Collective on the model's comm (Vecs
   in its layout, psi the whole real n-vector on every rank). */
/* rho0: "ground" |E0><E0|, "pointer" |P><P| with P = (|E0> + |E1>)/sqrt2, "thermal" Gibbs at T over the model's levels. */
PetscErrorCode LmgLiouvilleInitial(LmgLiouville L, const char *initial, PetscReal T, Vec rho);
/* psi (real, [n], unit norm, largest entry positive): the ground state of the model's H - h Jz (dense LAPACK dsyevr). */
PetscErrorCode LmgLiouvilleGround(LmgLiouville L, PetscReal h, PetscReal *psi);
/* rho = |psi><psi| */
PetscErrorCode LmgLiouvillePure(LmgLiouville L, const PetscReal *psi, Vec rho);
/* q = the model's Q = sign(Jz) in its basis. */
PetscErrorCode LmgLiouvilleObservable(LmgLiouville L, Vec q);
/* *tr = Re Tr rho, *q = Re Tr[Q rho], *g = <psi|rho|psi> (psi real; NULL: not wanted). */
PetscErrorCode LmgLiouvilleExpect(LmgLiouville L, Vec rho, const PetscReal *psi, PetscReal *tr, PetscReal *q, PetscReal *g);
/* *q = <psi|Q|psi> of a real psi. */
PetscErrorCode LmgLiouvilleExpectQ(LmgLiouville L, const PetscReal *psi, PetscReal *q);
/* *terr = max(*terr, |Tr rho - 1|), *herr = max(*herr, max |rho - rho^dagger|). */
PetscErrorCode LmgLiouvilleDiagnose(LmgLiouville L, Vec rho, PetscReal *terr, PetscReal *herr);
/* *c = Re Tr[x Q rho] (with detection: Re Tr[x M(rho)]) (rho Hermitian). Entries of rho below 1e-17 of its largest are dropped (it lives on a few
   levels: O(n m^2) for m levels instead of O(n^3)); that changes *c by less than n^2 1e-17 max|x Q|. */
PetscErrorCode LmgLiouvilleCorrelate(LmgLiouville L, Vec x, Vec rho, PetscReal *c);

/* Implementation side */
typedef struct {
  /* y = alpha conj(P) o V_t(P o x), P = 1 when !frame (LmgLiouvilleInteraction; the lab frame: L(t) - (-i[H, .])) */
  PetscErrorCode (*perturb)(LmgLiouville, PetscBool adjoint, PetscReal t, PetscBool frame, PetscReal alpha, Vec x, Vec y);
  void (*state)(LmgLiouville, PetscInt i, PetscReal c, PetscReal *psi); /* psi += c |E_i> (eigenvector i of sp) */
  PetscErrorCode (*jz)(LmgLiouville, PetscReal *);                      /* LmgLiouvilleJz */
  void (*jzmult)(LmgLiouville, const PetscScalar *x, PetscScalar *y);   /* y = Jz x (vectors of the model's basis) */
  PetscErrorCode (*destroy)(LmgLiouville);
  /* the model's basis states in the Dicke basis: V is (N+1) x n, column-major (detection.c) */
  PetscErrorCode (*dicke)(LmgLiouville, PetscReal *V);
  PetscErrorCode (*staticbias)(LmgLiouville, PetscReal h); /* LmgLiouvilleSetStaticBias (NULL: not supported) */
} LmgLiouvilleOps;

struct _p_LmgLiouville {
  LmgLiouvilleOps ops;
  PetscInt           n;
  PetscReal          gphi;
  PetscReal         *E;    /* [n] energies of the basis states, rad/s, relative to E0 (owned by the model) */
  PetscReal         *Eerr; /* [n] absolute error bounds of E (the doublet partner: of the resolved dE) */
  PetscInt          *p;    /* [n] parities of the basis states */
  PetscScalar       *Q;    /* n x nc: this rank's columns of the model's Q in its basis (owned by the model) */
  LmgColumns         cols; /* the layout of rho, Q and the Vecs (one rank: all n columns) */
  const LmgSpectrum *sp;
  LmgBiasFn          bias;     /* H(t) = H - bias(t, bias_ctx) Jz; NULL: none */
  void              *bias_ctx;
  PetscReal          h;        /* static bias (rad/s) of LmgLiouvilleSetStaticBias */
  PetscBool          rotated;  /* the basis is the eigenbasis of H - h Jz (a k-level model with a static bias) */
  PetscReal          T;        /* temperature (K) of the initial state "thermal" (sp->T as created) */
  PetscScalar       *Kp, *Km;  /* n x n whole: K+ and K- of the detection in the model's basis (NULL: ideal) */
  void              *data;
};

/* The model's Jz (its Lindblad operator over sqrt(gphi)) as a dense real n x n matrix in its basis, column-major (the
   whole matrix on every rank). Not collective. */
PetscErrorCode LmgLiouvilleJz(LmgLiouville L, PetscReal *Z);

PetscErrorCode LmgLiouvilleCreate_Trunc(const LmgSpectrum *, PetscInt, LmgLiouville);
PetscErrorCode LmgLiouvilleCreate_Full(const LmgSpectrum *, LmgLiouville);
PetscErrorCode LmgLiouvilleCreate_Window(const LmgSpectrum *, const LmgWindow *, LmgLiouville);

/* Helpers shared by both models: z_a = e^{-+i E_a t} (all n), so that P_ab = z_a conj(z_b) (LmgRotate applies it). */
void LmgLiouvillePhases(LmgLiouville L, PetscBool adjoint, PetscReal t, PetscScalar *z);
/* The full-space (Dicke basis, m = -j..j) amplitudes of eigenvector i of sp. */
PetscErrorCode LmgSpectrumFullVector(const LmgSpectrum *sp, PetscInt i, PetscReal *psi);
/* The same for a half-chain vector v (index k: |m| = k + (N odd)/2) of parity p. */
void LmgHalfToDicke(PetscInt N, PetscInt p, const PetscReal *v, PetscReal *psi);
