/* The full space on a window (README "The full space on a window"): the lowest K eigenstates of H0, found per parity
   sector by an index-range tridiagonal solver (O(n K)), with the whole-space generator restricted to them (Jz^2 summed
   over every level, so what leaves the window is lost) and what an a-posteriori bound on the rest needs. */
#pragma once
#include "spectrum.h"

typedef struct {
  PetscInt  method; /* -full_method: LMG_FULL_WINDOW or LMG_FULL_WHOLE */
  PetscReal tol;    /* -full_tol: the bound a window must reach */
  PetscInt  k0;     /* -full_window: the first window (levels); doubled until the bound is below tol */
  PetscInt  kmax;   /* -full_window_max: the largest window tried */
} LmgWindowOptions;

enum { LMG_FULL_WINDOW, LMG_FULL_WHOLE };

/* Not collective. Reads -full_method, -full_tol, -full_window, -full_window_max; *given: the first of them given (NULL:
   none). */
PetscErrorCode LmgWindowSetFromOptions(LmgWindowOptions *o, const char **given, char *err);

typedef struct {
  PetscInt   N, K, nh;
  PetscReal *v;    /* [K][nh] half-chain eigenvectors of H0 (as LmgSpectrum.vec), ascending energy */
  PetscReal *E;    /* [K] energies relative to E0, rad/s (E[1]: the spectrum's resolved dE when it is E0's partner) */
  PetscInt  *p;    /* [K] parities */
  PetscReal *A;    /* K x K column-major: <E_a|Jz|E_b> */
  PetscReal *S;    /* <E_a|Jz^2|E_b>: over the whole space (not A A) */
  PetscReal *Q;    /* <E_a|sign(Jz)|E_b> */
  PetscReal *G;    /* |B^T B| entrywise, B = (1 - P) Jz P: the coupling out of the window */
  PetscReal *G2;   /* |A B^T B A| entrywise */
  PetscReal  jmax; /* N/2 >= |Jz| */
  PetscReal  hres; /* sqrt(K) max_a |H0 v_a - E_a v_a| (rad/s): how far diag(E) is from H0 on the window */
} LmgWindow;

/* Not collective. The window of the K lowest eigenstates of H0 of sp (K <= N + 1): dstevr on each sector for the
   lowest K/2 + 1 of its states (O(nh K) memory), the operators above by products over the half chain (O(nh K^2)). */
PetscErrorCode LmgWindowCreate(const LmgSpectrum *sp, PetscInt K, LmgWindow *w);
PetscErrorCode LmgWindowDestroy(LmgWindow *w);
/* Not collective. psi: a real state in the Dicke basis ([N + 1], m = -j .. j); c[a] = <E_a|psi>, *rest = ||(1 - P) psi||
   (the remainder formed explicitly: no cancellation in 1 - ||P psi||^2). */
PetscErrorCode LmgWindowProject(const LmgWindow *w, const PetscReal *psi, PetscReal *c, PetscReal *rest);
/* Not collective. psi ([N + 1], Dicke basis, unit norm, largest entry positive): the ground state of H0 - h Jz (h in
   rad/s) of N spins at Gamma/J = g, J rad/s, by dstevr on the whole tridiagonal (O(N)). */
PetscErrorCode LmgDickeGround(PetscInt N, PetscReal g, PetscReal J, PetscReal h, PetscReal *psi);
/* Not collective. An upper bound of ||(1 - P_W) L(t) rho||_1 for a positive rho (K x K, column-major, trace <= 1) of the
   window at dephasing gphi and bias h (rad/s): gphi l + 2 (|h| + 1.5 gphi jmax) sqrt(l) + gphi sqrt(l2) with
   l = sum |G_ab||rho_ab| >= Tr[B rho B^T] and l2 likewise with G2; the moduli make it the same in every frame. */
PetscReal LmgWindowLeak(const LmgWindow *w, PetscReal gphi, PetscReal h, const PetscScalar *rho);
