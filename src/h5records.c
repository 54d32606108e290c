/* HDF5 records: the field tables of /spectrum and /dynamics (name, units, description, shape, type), their
   collective creation with scales attached, and independent per-record writes (data, timing, then status). */
#include <hdf5_hl.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include "lmg/h5out.h"

typedef enum { SH_S, SH_NEV, SH_2, SH_D, SH_DT, SH_T } Shape; /* [N,G] [N,G,nev] [N,G,2] [N,G,P,L] [N,G,P,L,tau] [N,G,L] */
typedef enum { F64, I8, I32, S32 } Kind;
typedef struct {
  const char *name, *units, *desc;
  Shape       shape;
  Kind        kind;
  size_t      off;   /* offset in the record struct */
  int         isptr; /* the member is a pointer to the values */
} Field;

#define SP(m) offsetof(LmgSpectrum, m)
static const Field spec_fields[] = {
  {"E", "rad/s", "lowest eigenvalues E_i of H", SH_NEV, F64, SP(E), 1},
  {"E_err", "rad/s", "rigorous error bound of E_i (Kato-Temple / Bauer-Fike plus rounding)", SH_NEV, F64, SP(Eerr), 1},
  {"parity", "1", "parity of E_i: +1 even, -1 odd (0: not computed)", SH_NEV, I8, SP(parity), 1},
  {"Jz2", "1", "<E_i|Jz^2|E_i>", SH_NEV, F64, SP(Jz2), 1},
  {"dE", "rad/s", "tunnel splitting E1 - E0 (NaN where dE_resolved = 0)", SH_S, F64, SP(dE), 0},
  {"dE_resolved", "1", "1 when dE is resolved to >= 6 significant digits, else 0", SH_S, I8, SP(dE_resolved), 0},
  {"dE_bits", "bit", "precision that resolved dE: 53 (double) or the MPFR precision; 0 unresolved", SH_S, I32, SP(dE_bits), 0},
  {"gap_ratio", "1", "(E2 - E0)/dE", SH_S, F64, SP(gap_ratio), 0},
  {"J01", "1", "|<E0|Jz|E1>|", SH_S, F64, SP(J01), 0},
  {"q01", "1", "|<E0|sign(Jz)|E1>|", SH_S, F64, SP(q01), 0},
  {"G01", "1", "(Jz2[0] + Jz2[1])/2", SH_S, F64, SP(G01), 0},
  {"G_loc", "1", "(N m*)^2/2, m* = sqrt(1 - (Gamma/J)^2)", SH_S, F64, SP(G_loc), 0},
  {"eta_MF", "1", "G_loc/G01", SH_S, F64, SP(eta_MF), 0},
  {"eta_exact", "1", "1 + J01^2/G01", SH_S, F64, SP(eta_exact), 0},
  {"eta_quantum", "1", "(N m*/2)^2/G01", SH_S, F64, SP(eta_quantum), 0},
  {"leakage", "1", "(Jz2[i] - J01^2)/Jz2[i], i = 0, 1", SH_2, F64, SP(leakage), 0},
  {"leakage_avg", "1", "(G01 - J01^2)/G01", SH_S, F64, SP(leakage_avg), 0},
  {"delta_G", "1", "(N m*/2)^2 - G01", SH_S, F64, SP(delta_G), 0},
  {"Delta_zp", "1", "N m*/2 - J01", SH_S, F64, SP(Delta_zp), 0},
  {"S_inst", "1", "artanh(m*) - m*", SH_S, F64, SP(S_inst), 0},
  {"S_overlap", "1", "(Gamma/J)^N", SH_S, F64, SP(S_overlap), 0},
  {"dE_over_kT", "1", "hbar dE/(k_B T)", SH_S, F64, SP(dE_over_kT), 0},
};
#define DY(m) offsetof(LmgDynamics, m)
static const Field dyn_fields[] = {
  {"K3", "1", "K3(tau) = C(0,tau) + C(tau,2tau) - C(0,2tau) on the tau grid (/grid/tau_over_tau_opt)", SH_DT, F64, DY(K3), 1},
  {"K3_opt", "1", "K3 at tau_opt = pi/(3 dE)", SH_D, F64, DY(K3_opt), 0},
  {"K3_max", "1", "largest K3 on the tau grid", SH_D, F64, DY(K3_max), 0},
  {"tau_at_max", "s", "tau of K3_max", SH_D, F64, DY(tau_at_max), 0},
  {"tau_opt", "s", "pi/(3 dE)", SH_D, F64, DY(tau_opt), 0},
  {"secular", "1", "2 dE T2 with T2 = 1/(gamma_phi G01) (inf at gamma_phi = 0)", SH_D, F64, DY(secular), 0},
  {"steps", "1", "time steps of the forward (rho) and adjoint (Q) trajectories together", SH_D, I32, DY(steps), 0},
  {"rejects", "1", "rejected time steps, both trajectories", SH_D, I32, DY(rejects), 0},
  {"trace_err", "1", "max over the forward trajectory of |Tr rho - 1|", SH_D, F64, DY(trace_err), 0},
  {"herm_err", "1", "max over the forward trajectory of |rho - rho^dagger|", SH_D, F64, DY(herm_err), 0},
  {"integrator", "1", "PETSc TS type of the integration (default rk: RK5(4) Bogacki-Shampine, rtol = atol = 1e-9)", SH_D, S32, DY(integrator), 0},
};
#define TH(m) offsetof(LmgThreshold, m)
static const Field thr_fields[] = {
  {"gamma_c_A", "1/s", "mean-field closed form (3/pi) a* dE/G_loc, a* = -ln(sqrt(1 + 2/q01^2) - 1) (level-independent)", SH_T, F64, TH(gamma_c_A), 0},
  {"gamma_c_B", "1/s", "secular two-level closed form (3/pi) a* dE/G01 (level-independent)", SH_T, F64, TH(gamma_c_B), 0},
  {"gamma_c", "1/s", "numerical threshold of the level: K3_opt(gamma_c) = 1 (-threshold; NaN otherwise)", SH_T, F64, TH(gamma_c), 0},
  {"K3_opt_at_zero", "1", "K3_opt of the level at gamma_phi = 0 (-threshold)", SH_T, F64, TH(K3_opt_at_zero), 0},
  {"evaluations", "1", "dynamics solves spent on gamma_c", SH_T, I32, TH(evaluations), 0},
};
#define NSPEC ((PetscInt)(sizeof spec_fields / sizeof spec_fields[0]))
#define NTHR  ((PetscInt)(sizeof thr_fields / sizeof thr_fields[0]))
#define NDYN  ((PetscInt)(sizeof dyn_fields / sizeof dyn_fields[0]))

static int Rank(Shape s)
{
  return s == SH_S ? 2 : s == SH_D ? 4 : s == SH_DT ? 5 : 3; /* SH_NEV, SH_2, SH_T: 3 */
}

static void Dims(const LmgH5 *h5, Shape s, hsize_t *d)
{
  d[0] = (hsize_t)h5->nN, d[1] = (hsize_t)h5->nG;
  if (s == SH_NEV) d[2] = (hsize_t)h5->nev;
  if (s == SH_2) d[2] = 2;
  if (s == SH_D || s == SH_DT) d[2] = (hsize_t)h5->nP, d[3] = (hsize_t)h5->nL;
  if (s == SH_DT) d[4] = (hsize_t)h5->ntau;
  if (s == SH_T) d[2] = (hsize_t)h5->nL;
}

static hid_t Type(const LmgH5 *h5, Kind k)
{
  return k == F64 ? H5T_NATIVE_DOUBLE : k == I8 ? H5T_NATIVE_INT8 : k == I32 ? H5T_NATIVE_INT32 : h5->str32;
}

static PetscErrorCode Attach(hid_t d, const hid_t sc[LMG_NSCALE], Shape s)
{
  PetscFunctionBeginUser;
  LmgCallHDF5(H5DSattach_scale(d, sc[LMG_SC_N], 0));
  LmgCallHDF5(H5DSattach_scale(d, sc[LMG_SC_G], 1));
  if (s == SH_NEV) LmgCallHDF5(H5DSattach_scale(d, sc[LMG_SC_EIG], 2));
  if (s == SH_2) LmgCallHDF5(H5DSattach_scale(d, sc[LMG_SC_DOUBLET], 2));
  if (s == SH_D || s == SH_DT) {
    LmgCallHDF5(H5DSattach_scale(d, sc[LMG_SC_P], 2));
    LmgCallHDF5(H5DSattach_scale(d, sc[LMG_SC_L], 3));
  }
  if (s == SH_DT) LmgCallHDF5(H5DSattach_scale(d, sc[LMG_SC_TAU], 4));
  if (s == SH_T) LmgCallHDF5(H5DSattach_scale(d, sc[LMG_SC_L], 2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /<name>/<field> for every field, and /status/<name>, /status/<name>_message, /timing/<name>, /timing/<name>_team. */
static PetscErrorCode CreateGroup(const LmgH5 *h5, const char *name, const Field *f, PetscInt nf, Shape base, const hid_t sc[LMG_NSCALE], LmgH5Group *g)
{
  hid_t         loc;
  hsize_t       d[5];
  const double  nan = NAN;
  const int32_t zero = 0, minus1 = -1;
  const char    empty[LMG_MSG_LEN] = "";
  char          nm[64], desc[128];
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nf, &g->dset));
  LmgCallHDF5(loc = H5Gcreate2(h5->file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (PetscInt i = 0; i < nf; i++) {
    Dims(h5, f[i].shape, d);
    PetscCall(LmgH5CreateDataset(loc, f[i].name, Type(h5, f[i].kind), Rank(f[i].shape), d, f[i].kind == F64 ? (const void *)&nan : f[i].kind == S32 ? (const void *)empty : (const void *)&zero, f[i].units, f[i].desc, &g->dset[i]));
    PetscCall(Attach(g->dset[i], sc, f[i].shape));
  }
  LmgCallHDF5(H5Gclose(loc));
  Dims(h5, base, d);
  snprintf(nm, sizeof nm, "status/%s", name);
  snprintf(desc, sizeof desc, "%s record: 0 pending, 1 done, 2 failed", name);
  PetscCall(LmgH5CreateDataset(h5->file, nm, H5T_NATIVE_INT8, Rank(base), d, &zero, "1", desc, &g->status));
  snprintf(nm, sizeof nm, "status/%s_message", name);
  snprintf(desc, sizeof desc, "why a %s record failed, or a note on it", name);
  PetscCall(LmgH5CreateDataset(h5->file, nm, h5->strtype, Rank(base), d, empty, "1", desc, &g->message));
  snprintf(nm, sizeof nm, "timing/%s", name);
  snprintf(desc, sizeof desc, "wall time of the %s record", name);
  PetscCall(LmgH5CreateDataset(h5->file, nm, H5T_NATIVE_DOUBLE, Rank(base), d, &nan, "s", desc, &g->time));
  snprintf(nm, sizeof nm, "timing/%s_team", name);
  snprintf(desc, sizeof desc, "team that computed the %s record (-1: none)", name);
  PetscCall(LmgH5CreateDataset(h5->file, nm, H5T_NATIVE_INT32, Rank(base), d, &minus1, "1", desc, &g->team));
  PetscCall(Attach(g->status, sc, base));
  PetscCall(Attach(g->message, sc, base));
  PetscCall(Attach(g->time, sc, base));
  PetscCall(Attach(g->team, sc, base));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5RecordsCreate(LmgH5 *h5, const hid_t sc[LMG_NSCALE])
{
  hid_t g;
  PetscFunctionBeginUser;
  LmgCallHDF5(g = H5Gcreate2(h5->file, "status", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  LmgCallHDF5(H5Gclose(g));
  LmgCallHDF5(g = H5Gcreate2(h5->file, "timing", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  LmgCallHDF5(H5Gclose(g));
  PetscCall(CreateGroup(h5, "spectrum", spec_fields, NSPEC, SH_S, sc, &h5->spec));
  PetscCall(CreateGroup(h5, "dynamics", dyn_fields, NDYN, SH_D, sc, &h5->dyn));
  PetscCall(CreateGroup(h5, "threshold", thr_fields, NTHR, SH_T, sc, &h5->thr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode OpenGroup(const LmgH5 *h5, const char *name, const Field *f, PetscInt nf, LmgH5Group *g)
{
  char nm[96];
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nf, &g->dset));
  for (PetscInt i = 0; i < nf; i++) {
    snprintf(nm, sizeof nm, "%s/%s", name, f[i].name);
    LmgCallHDF5(g->dset[i] = H5Dopen2(h5->file, nm, H5P_DEFAULT));
  }
  snprintf(nm, sizeof nm, "status/%s", name);
  LmgCallHDF5(g->status = H5Dopen2(h5->file, nm, H5P_DEFAULT));
  snprintf(nm, sizeof nm, "status/%s_message", name);
  LmgCallHDF5(g->message = H5Dopen2(h5->file, nm, H5P_DEFAULT));
  snprintf(nm, sizeof nm, "timing/%s", name);
  LmgCallHDF5(g->time = H5Dopen2(h5->file, nm, H5P_DEFAULT));
  snprintf(nm, sizeof nm, "timing/%s_team", name);
  LmgCallHDF5(g->team = H5Dopen2(h5->file, nm, H5P_DEFAULT));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5RecordsOpen(LmgH5 *h5)
{
  PetscFunctionBeginUser;
  PetscCall(OpenGroup(h5, "spectrum", spec_fields, NSPEC, &h5->spec));
  PetscCall(OpenGroup(h5, "dynamics", dyn_fields, NDYN, &h5->dyn));
  PetscCall(OpenGroup(h5, "threshold", thr_fields, NTHR, &h5->thr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CloseGroup(LmgH5Group *g, PetscInt nf)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nf; i++) LmgCallHDF5(H5Dclose(g->dset[i]));
  LmgCallHDF5(H5Dclose(g->status));
  LmgCallHDF5(H5Dclose(g->message));
  LmgCallHDF5(H5Dclose(g->time));
  LmgCallHDF5(H5Dclose(g->team));
  PetscCall(PetscFree(g->dset));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5RecordsClose(LmgH5 *h5)
{
  PetscFunctionBeginUser;
  PetscCall(CloseGroup(&h5->spec, NSPEC));
  PetscCall(CloseGroup(&h5->dyn, NDYN));
  PetscCall(CloseGroup(&h5->thr, NTHR));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5ReadStatus(const LmgH5 *h5, int8_t *status)
{
  PetscFunctionBeginUser;
  LmgCallHDF5(H5Dread(h5->spec.status, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, status));
  LmgCallHDF5(H5Dread(h5->dyn.status, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, status + h5->nN * h5->nG));
  LmgCallHDF5(H5Dread(h5->thr.status, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, status + h5->nN * h5->nG * (1 + h5->nP * h5->nL)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Write len values at record idx[0..nb-1] (and 0:len along a trailing dimension when rank > nb), independent I/O. */
static PetscErrorCode WriteAt(hid_t d, hid_t memtype, const hsize_t *idx, int nb, int rank, hsize_t len, const void *buf)
{
  hid_t   fs, ms;
  hsize_t start[5], count[5];
  PetscFunctionBeginUser;
  for (int i = 0; i < rank; i++) start[i] = i < nb ? idx[i] : 0, count[i] = i < nb ? 1 : len;
  LmgCallHDF5(fs = H5Dget_space(d));
  LmgCallHDF5(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL));
  LmgCallHDF5(ms = H5Screate_simple(1, &len, NULL));
  LmgCallHDF5(H5Dwrite(d, memtype, ms, fs, H5P_DEFAULT, buf));
  LmgCallHDF5(H5Sclose(ms));
  LmgCallHDF5(H5Sclose(fs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Field f of record rec as len doubles or int32 (entries past `have`: NaN / 0); strings as they are. */
static const void *Gather(const Field *f, const void *rec, PetscInt len, PetscInt have, double *v, int32_t *iv)
{
  const char *base = (const char *)rec + f->off;
  if (f->kind == S32) return base;
  for (PetscInt i = 0; i < len; i++) {
    if (f->kind == F64) {
      const PetscReal *p = f->isptr ? *(PetscReal *const *)base : (const PetscReal *)base;
      v[i]               = i < have ? (double)p[i] : NAN;
    } else {
      const PetscInt *p = f->isptr ? *(PetscInt *const *)base : (const PetscInt *)base;
      iv[i]             = i < have ? (int32_t)p[i] : 0;
    }
  }
  return f->kind == F64 ? (const void *)v : (const void *)iv;
}

static PetscErrorCode WriteRecord(const LmgH5 *h5, const LmgH5Group *g, const Field *f, PetscInt nf, const hsize_t *idx, int nb, const void *rec, PetscInt have, PetscInt status, const char *message, PetscReal seconds, PetscInt team)
{
  PetscInt cap = PetscMax(h5->nev, h5->ntau) + 2;
  double   v[cap];
  int32_t  iv[cap], t = (int32_t)team;
  int8_t   st = (int8_t)status;
  char     msg[LMG_MSG_LEN] = "";
  PetscFunctionBeginUser;
  for (PetscInt i = 0; status == LMG_DONE && i < nf; i++) {
    PetscInt    len = f[i].shape == SH_NEV ? h5->nev : f[i].shape == SH_2 ? 2 : f[i].shape == SH_DT ? h5->ntau : 1;
    const void *buf = Gather(&f[i], rec, len, f[i].shape == SH_NEV ? have : len, v, iv);
    PetscCall(WriteAt(g->dset[i], f[i].kind == F64 ? H5T_NATIVE_DOUBLE : f[i].kind == S32 ? Type(h5, S32) : H5T_NATIVE_INT32, idx, nb, Rank(f[i].shape), (hsize_t)len, buf));
  }
  memcpy(msg, message, LMG_MSG_LEN - 1);
  PetscCall(WriteAt(g->message, h5->strtype, idx, nb, nb, 1, msg));
  PetscCall(WriteAt(g->time, H5T_NATIVE_DOUBLE, idx, nb, nb, 1, &seconds));
  PetscCall(WriteAt(g->team, H5T_NATIVE_INT32, idx, nb, nb, 1, &t));
  PetscCall(WriteAt(g->status, H5T_NATIVE_INT8, idx, nb, nb, 1, &st)); /* last: a record marked done is complete */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5WriteSpectrum(const LmgH5 *h5, const LmgTask *task, const LmgSpectrum *sp, PetscReal seconds, PetscInt team)
{
  hsize_t idx[2] = {(hsize_t)task->iN, (hsize_t)task->iG};
  PetscFunctionBeginUser;
  PetscCall(WriteRecord(h5, &h5->spec, spec_fields, NSPEC, idx, 2, sp, sp->nev, sp->status, sp->message, seconds, team));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5WriteDynamics(const LmgH5 *h5, const LmgTask *task, const LmgDynamics *dyn, PetscReal seconds, PetscInt team)
{
  hsize_t idx[4] = {(hsize_t)task->iN, (hsize_t)task->iG, (hsize_t)task->iP, (hsize_t)task->iL};
  PetscFunctionBeginUser;
  PetscCall(WriteRecord(h5, &h5->dyn, dyn_fields, NDYN, idx, 4, dyn, dyn->ntau, dyn->status, dyn->message, seconds, team));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5WriteThreshold(const LmgH5 *h5, const LmgTask *task, const LmgThreshold *th, PetscReal seconds, PetscInt team)
{
  hsize_t idx[3] = {(hsize_t)task->iN, (hsize_t)task->iG, (hsize_t)task->iL};
  PetscFunctionBeginUser;
  PetscCall(WriteRecord(h5, &h5->thr, thr_fields, NTHR, idx, 3, th, 1, th->status, th->message, seconds, team));
  PetscFunctionReturn(PETSC_SUCCESS);
}
