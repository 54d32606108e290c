/* The classical foil of the Landau-Zener sweep: the mean-field spin s (|s| = 1) precessing as ds/dt = Omega x s,
   Omega = (-2 Gamma, 0, -2 J s_z - h(t)), with the white-noise rotation about z that the dephasing L = sqrt(gphi) Jz
   describes (angle dW, <dW^2> = gphi dt), from the minimum of the R well at h = -h0. Counter-based noise: trajectory j
   of a record draws from xoshiro256** seeded by a hash of (seed, the record's coordinates, j, refinement level). */
#include <math.h>
#include <string.h>
#include "lmg/control.h"
#include "lmg/lz.h"

static uint64_t SplitMix(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

typedef struct {
  uint64_t  s[4];
  PetscBool has;   /* a second normal deviate is cached */
  double    spare;
} Rng;

static uint64_t Rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static uint64_t Next(Rng *r)
{
  uint64_t *s = r->s, out = Rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t, s[3] = Rotl(s[3], 45);
  return out;
}

static void Seed(Rng *r, const uint64_t *key, int nkey)
{
  uint64_t x = 0x2545f4914f6cdd1dULL;
  for (int i = 0; i < nkey; i++) x = SplitMix(&x) ^ key[i];
  for (int i = 0; i < 4; i++) r->s[i] = SplitMix(&x);
  r->has = PETSC_FALSE;
}

/* A standard normal deviate (Marsaglia's polar method, both deviates used). */
static double Normal(Rng *r)
{
  double u, v, q;
  if (r->has) return r->has = PETSC_FALSE, r->spare;
  do {
    u = 2 * ((Next(r) >> 11) * 0x1.0p-53) - 1;
    v = 2 * ((Next(r) >> 11) * 0x1.0p-53) - 1;
    q = u * u + v * v;
  } while (q >= 1 || q == 0);
  q        = sqrt(-2 * log(q) / q);
  r->spare = v * q, r->has = PETSC_TRUE;
  return u * q;
}

static uint64_t Bits(double v)
{
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}

PetscReal LmgLzWell(PetscReal J, PetscReal Gamma, PetscReal h0)
{
  PetscReal lo = -1, hi = -PetscSqrtReal(1 - (Gamma / J) * (Gamma / J)); /* e' < 0 near -1, e'(-m*) = h0/2 > 0 */
  for (int i = 0; i < 200 && hi - lo > 1e-16; i++) {
    PetscReal z = 0.5 * (lo + hi), de = -J * z + Gamma * z / PetscSqrtReal(1 - z * z) + 0.5 * h0;
    if (de < 0) lo = z;
    else hi = z;
  }
  return 0.5 * (lo + hi);
}

typedef struct {
  PetscReal J, G, h0, tq;
} Spin;

static void Deriv(const Spin *p, PetscReal t, const PetscReal *s, PetscReal *f)
{
  const PetscReal wx = -2 * p->G, wz = -2 * p->J * s[2] - p->h0 * (2 * t / p->tq - 1);
  f[0] = -wz * s[1];             /* (Omega x s)_x = w_y s_z - w_z s_y */
  f[1] = wz * s[0] - wx * s[2];  /* w_z s_x - w_x s_z */
  f[2] = wx * s[1];              /* w_x s_y - w_y s_x */
}

static void RK4(const Spin *p, PetscReal t, PetscReal dt, PetscReal *s)
{
  PetscReal k[4][3], y[3], nrm;
  Deriv(p, t, s, k[0]);
  for (int i = 0; i < 3; i++) y[i] = s[i] + 0.5 * dt * k[0][i];
  Deriv(p, t + 0.5 * dt, y, k[1]);
  for (int i = 0; i < 3; i++) y[i] = s[i] + 0.5 * dt * k[1][i];
  Deriv(p, t + 0.5 * dt, y, k[2]);
  for (int i = 0; i < 3; i++) y[i] = s[i] + dt * k[2][i];
  Deriv(p, t + dt, y, k[3]);
  for (int i = 0; i < 3; i++) s[i] += dt / 6 * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]);
  nrm = PetscSqrtReal(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
  for (int i = 0; i < 3; i++) s[i] /= nrm;
}

/* Rotation about z by a (Taylor to a^7 below 1e-2: exact in double, ~5x cheaper than libm). */
static void RotateZ(PetscReal a, PetscReal *s)
{
  const PetscReal a2 = a * a, x = s[0];
  const PetscReal c  = PetscAbsReal(a) < 1e-2 ? 1 - a2 / 2 * (1 - a2 / 12 * (1 - a2 / 30)) : cos(a);
  const PetscReal si = PetscAbsReal(a) < 1e-2 ? a * (1 - a2 / 6 * (1 - a2 / 20 * (1 - a2 / 42))) : sin(a);
  s[0] = c * x - si * s[1];
  s[1] = si * x + c * s[1];
}

/* The 2^level pieces of increment w (variance var), split by Brownian bridges with one deviate of rng[l] per split at
   level l (in time order per level), into out[]. */
static void Split(Rng *rng, PetscInt level, double w, double var, double *out)
{
  double a;
  if (!level) {
    out[0] = w;
    return;
  }
  a = 0.5 * w + 0.5 * sqrt(var) * Normal(&rng[1]);
  Split(rng + 1, level - 1, a, 0.5 * var, out);
  Split(rng + 1, level - 1, w - a, 0.5 * var, out + ((PetscInt)1 << (level - 1)));
}

PetscReal LmgLzClassicalSteps(const LmgLzOptions *o, const LmgSpectrum *sp, PetscReal tq_over)
{
  LmgLzScales s;
  PetscReal   G = sp->g * sp->J, wmax;
  if (LmgLzScalesCompute(o, sp, &s) || s.status != LMG_DONE) return NAN;
  wmax = PetscSqrtReal(4 * G * G + PetscSqr(2 * sp->J + s.h0));
  return PetscCeilReal(tq_over * s.t_LZ * wmax / o->dtheta);
}

PetscErrorCode LmgLzClassicalCompute(const LmgLzOptions *o, const LmgDynamicsOptions *d, const LmgSpectrum *sp, PetscReal gphi, PetscReal tq_over, PetscInt trajectories, PetscInt refine, const LmgControl *ctl, LmgLzClassical *c)
{
  LmgLzScales s;
  Spin        p;
  PetscReal   steps, dt, var;
  PetscInt    M = gphi > 0 ? trajectories : 1, errors = 0, nsub = (PetscInt)1 << refine;
  Rng         rng[8];
  double      piece[256]; /* a coarse step's 2 halves, each split into nsub pieces, in time order */
  PetscFunctionBeginUser;
  PetscCheck(refine >= 0 && refine <= 6, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "refine %" PetscInt_FMT " outside 0..6", refine);
  c->P_error_classical = c->P_error_classical_stderr = c->z0 = NAN;
  c->trajectories = c->steps = 0;
  PetscCall(LmgLzScalesCompute(o, sp, &s));
  c->status = s.status;
  PetscCall(PetscStrncpy(c->message, s.message, LMG_MSG_LEN));
  if (s.status != LMG_DONE) PetscFunctionReturn(PETSC_SUCCESS);
  steps = LmgLzClassicalSteps(o, sp, tq_over);
  if (steps * nsub > d->max_steps || steps * nsub > PETSC_MAX_INT) {
    c->status = LMG_SKIPPED;
    snprintf(c->message, LMG_MSG_LEN, "t_q = %.3g t_LZ needs %.1e classical time steps > -dyn_max_steps %g", (double)tq_over, (double)(steps * nsub), (double)d->max_steps);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  p     = (Spin){sp->J, sp->g * sp->J, s.h0, tq_over * s.t_LZ};
  c->z0 = LmgLzWell(p.J, p.G, p.h0);
  dt    = p.tq / steps;
  var   = 0.5 * gphi * dt; /* each half of a coarse step's increment */
  for (PetscInt j = 0; j < M; j++) {
    PetscReal sv[3] = {PetscSqrtReal(1 - c->z0 * c->z0), 0, c->z0}, t = 0, pending = 0; /* pending: the last half, joined to the next */
    for (PetscInt l = 0; l <= refine; l++) {
      const uint64_t key[7] = {(uint64_t)o->seed, (uint64_t)sp->N, Bits(sp->g), Bits(gphi), Bits(tq_over), (uint64_t)j, (uint64_t)l};
      Seed(&rng[l], key, 7);
    }
    for (PetscInt i = 0; i < (PetscInt)steps; i++) {
      for (int h = 0; h < 2; h++) Split(rng, refine, gphi > 0 ? sqrt(var) * Normal(&rng[0]) : 0, var, piece + h * nsub);
      for (PetscInt q = 0; q < nsub; q++) { /* fine step q: its two halves are pieces 2q, 2q+1 */
        if (gphi > 0) RotateZ(pending + piece[2 * q], sv); /* rotations about z add */
        RK4(&p, t, dt / nsub, sv);
        pending = piece[2 * q + 1];
        t += dt / nsub;
      }
      if ((i & 1023) == 0 && LmgControlAbandon(ctl)) {
        c->status = LMG_ABANDONED;
        snprintf(c->message, LMG_MSG_LEN, "abandoned by a drain at trajectory %" PetscInt_FMT " of %" PetscInt_FMT, j, M);
        PetscFunctionReturn(PETSC_SUCCESS);
      }
    }
    RotateZ(pending, sv); /* (about z: s_z unchanged) */
    if (sv[2] < 0) errors++;
    if (c->outcome) c->outcome[j] = (char)(sv[2] < 0);
  }
  c->trajectories             = M;
  c->steps                    = (PetscInt)steps * nsub;
  c->P_error_classical        = (PetscReal)errors / M;
  c->P_error_classical_stderr = PetscSqrtReal(c->P_error_classical * (1 - c->P_error_classical) / M);
  c->status                   = LMG_DONE;
  PetscFunctionReturn(PETSC_SUCCESS);
}
