/* HDF5 records: the layout of every kind of the table — /<group>/<field> beside the coordinates it uses, /status and
   /timing — created collectively in the netCDF-4 form (coordinates as dimension scales in each group, strings as char
   arrays over a dimension without a variable), and the independent per-record writes (data, message, timing, status). */
#include <hdf5_hl.h>
#include <math.h>
#include <string.h>
#include "lmg/h5out.h"

#define NC_DIM_ONLY "This is a netCDF dimension but not a netCDF variable."

/* A 1-D coordinate of axis a in loc (same values on every rank), made a dimension scale; opened when a kind sharing
   the group made it already. */
static PetscErrorCode Coordinate(hid_t loc, const LmgConfig *cfg, LmgAxis a, hid_t *d)
{
  LmgAxisInfo x = LmgGridAxis(cfg, a);
  hsize_t     n = (hsize_t)x.n;
  hid_t       type = x.real ? H5T_NATIVE_DOUBLE : a == LMG_AX_N ? H5T_NATIVE_INT64 : H5T_NATIVE_INT32;
  int64_t    *i64;
  int32_t    *i32;
  htri_t      has;
  PetscFunctionBeginUser;
  LmgCallHDF5(has = H5Lexists(loc, x.name, H5P_DEFAULT));
  if (has > 0) {
    LmgCallHDF5(*d = H5Dopen2(loc, x.name, H5P_DEFAULT));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscMalloc2(x.n, &i64, x.n, &i32));
  for (PetscInt i = 0; i < x.n; i++) i64[i] = x.ints ? x.ints[i] : i, i32[i] = (int32_t)i64[i];
  PetscCall(LmgH5CreateDataset(loc, x.name, type, 1, &n, NULL, x.units, x.long_name, x.long_name, d));
  LmgCallHDF5(H5Dwrite(*d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, x.real ? (const void *)x.real : type == H5T_NATIVE_INT64 ? (const void *)i64 : (const void *)i32));
  LmgCallHDF5(H5DSset_scale(*d, x.name));
  PetscCall(PetscFree2(i64, i32));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A netCDF dimension without a variable (the length of char arrays): a never-written scale with netCDF's NAME (opened
   when it exists). */
static PetscErrorCode DimOnly(hid_t loc, const char *name, hsize_t len, hid_t *d)
{
  char   nm[80];
  hid_t  s;
  htri_t has;
  PetscFunctionBeginUser;
  LmgCallHDF5(has = H5Lexists(loc, name, H5P_DEFAULT));
  if (has > 0) {
    LmgCallHDF5(*d = H5Dopen2(loc, name, H5P_DEFAULT));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  snprintf(nm, sizeof nm, "%s%10d", NC_DIM_ONLY, (int)len);
  LmgCallHDF5(s = H5Screate_simple(1, &len, NULL));
  LmgCallHDF5(*d = H5Dcreate2(loc, name, H5T_IEEE_F32BE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  LmgCallHDF5(H5DSset_scale(*d, nm));
  LmgCallHDF5(H5Sclose(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static hid_t MemType(const LmgH5 *h5, LmgFieldType t)
{
  return t == LMG_F64 ? H5T_NATIVE_DOUBLE : t == LMG_I8 ? H5T_NATIVE_INT8 : t == LMG_I32 ? H5T_NATIVE_INT32 : h5->chr;
}

/* Dimensions of kind k's records, then `extra` (an axis, or -1), then `strlen` (0: none); their scales sc[]. */
static int Dims(const LmgH5 *h5, PetscInt k, PetscInt extra, hsize_t strlen, hsize_t *d)
{
  LmgAxis  ax[8];
  PetscInt na = LmgGridKindAxes(h5->cfg, LmgKinds[k], ax);
  int      r  = 0;
  for (PetscInt a = 0; a < na; a++) d[r++] = (hsize_t)LmgGridAxis(h5->cfg, ax[a]).n;
  if (extra >= 0) d[r++] = (hsize_t)LmgGridAxis(h5->cfg, (LmgAxis)extra).n;
  if (strlen) d[r++] = strlen;
  return r;
}

static PetscErrorCode Attach(const LmgH5 *h5, hid_t d, const LmgKind *kind, PetscInt extra, const hid_t sc[LMG_NAXES], hid_t str)
{
  unsigned r = 0;
  LmgAxis  ax[8];
  PetscInt na = LmgGridKindAxes(h5->cfg, kind, ax);
  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < na; a++) LmgCallHDF5(H5DSattach_scale(d, sc[ax[a]], r++));
  if (extra >= 0) LmgCallHDF5(H5DSattach_scale(d, sc[extra], r++));
  if (str) LmgCallHDF5(H5DSattach_scale(d, str, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A char-array dataset (a netCDF text variable): _Encoding makes xarray decode it to str. */
static PetscErrorCode CharDataset(const LmgH5 *h5, hid_t loc, const char *name, int rank, const hsize_t *dims, const char *long_name, const char *desc, hid_t *d)
{
  const char nul = 0;
  PetscFunctionBeginUser;
  PetscCall(LmgH5CreateDataset(loc, name, h5->chr, rank, dims, &nul, "1", long_name, desc, d));
  PetscCall(LmgH5AttrString(*d, "_Encoding", "utf-8", 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /<group>: the kind's coordinates (record axes, trailing axes of its fields, str_len; shared with the other kinds of
   the group) and one dataset per field. */
static PetscErrorCode CreateKind(LmgH5 *h5, PetscInt k)
{
  const LmgKind *kind = LmgKinds[k];
  hid_t          loc, sc[LMG_NAXES] = {0}, str = 0;
  hsize_t        d[8];
  const double   nan = NAN;
  const int32_t  zero = 0;
  htri_t         has;
  PetscFunctionBeginUser;
  LmgCallHDF5(has = H5Lexists(h5->file, LmgKindGroup(kind), H5P_DEFAULT));
  if (has > 0) LmgCallHDF5(loc = H5Gopen2(h5->file, LmgKindGroup(kind), H5P_DEFAULT));
  else LmgCallHDF5(loc = H5Gcreate2(h5->file, LmgKindGroup(kind), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  LmgAxis        ax[8];
  PetscInt       na = LmgGridKindAxes(h5->cfg, kind, ax);
  for (PetscInt a = 0; a < na; a++) PetscCall(Coordinate(loc, h5->cfg, ax[a], &sc[ax[a]]));
  for (PetscInt i = 0; i < kind->nfields; i++) {
    const LmgField *f = &kind->fields[i];
    if (f->extra >= 0 && !sc[f->extra]) PetscCall(Coordinate(loc, h5->cfg, (LmgAxis)f->extra, &sc[f->extra]));
    if (f->type == LMG_STR && !str) PetscCall(DimOnly(loc, "str_len", LMG_STR_LEN, &str));
  }
  PetscCall(PetscCalloc1(kind->nfields, &h5->g[k].dset)); /* zeros: a failed creation closes only what exists */
  for (PetscInt i = 0; i < kind->nfields; i++) {
    const LmgField *f = &kind->fields[i];
    int             r = Dims(h5, k, f->extra, f->type == LMG_STR ? LMG_STR_LEN : 0, d);
    if (f->type == LMG_STR) PetscCall(CharDataset(h5, loc, f->name, r, d, f->long_name, f->desc, &h5->g[k].dset[i]));
    else PetscCall(LmgH5CreateDataset(loc, f->name, MemType(h5, f->type), r, d, f->type == LMG_F64 ? (const void *)&nan : (const void *)&zero, f->units, f->long_name, f->desc, &h5->g[k].dset[i]));
    PetscCall(Attach(h5, h5->g[k].dset[i], kind, f->extra, sc, f->type == LMG_STR ? str : 0));
  }
  for (int a = 0; a < LMG_NAXES; a++)
    if (sc[a]) LmgCallHDF5(H5Dclose(sc[a]));
  if (str) LmgCallHDF5(H5Dclose(str));
  LmgCallHDF5(H5Gclose(loc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /status or /timing: the coordinates of every enabled kind's record axes (and message_len in /status). */
static PetscErrorCode CreateBook(LmgH5 *h5, const char *name, hid_t *loc, hid_t sc[LMG_NAXES], hid_t *msg)
{
  PetscFunctionBeginUser;
  LmgCallHDF5(*loc = H5Gcreate2(h5->file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (PetscInt k = 0; k < LmgNKinds; k++) {
    LmgAxis  ax[8];
    PetscInt na = LmgGridKindAxes(h5->cfg, LmgKinds[k], ax);
    for (PetscInt a = 0; h5->g[k].on && a < na; a++)
      if (!sc[ax[a]]) PetscCall(Coordinate(*loc, h5->cfg, ax[a], &sc[ax[a]]));
  }
  if (msg) PetscCall(DimOnly(*loc, "message_len", LMG_MSG_LEN, msg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CloseBook(hid_t loc, hid_t sc[LMG_NAXES], hid_t msg)
{
  PetscFunctionBeginUser;
  for (int a = 0; a < LMG_NAXES; a++)
    if (sc[a]) LmgCallHDF5(H5Dclose(sc[a]));
  if (msg) LmgCallHDF5(H5Dclose(msg));
  LmgCallHDF5(H5Gclose(loc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /status/<kind> (int8, CF flags) and <kind>_message; /timing/<kind> and <kind>_team. */
static PetscErrorCode CreateBooks(LmgH5 *h5)
{
  hid_t          st, ti, ssc[LMG_NAXES] = {0}, tsc[LMG_NAXES] = {0}, msg = 0, a, s;
  hsize_t        d[8], four = 4;
  const int8_t   flags[4] = {LMG_PENDING, LMG_DONE, LMG_FAILED, LMG_SKIPPED};
  const int32_t  zero = 0, minus1 = -1;
  const double   nan = NAN;
  char           nm[96], ln[160];
  PetscFunctionBeginUser;
  PetscCall(CreateBook(h5, "status", &st, ssc, &msg));
  PetscCall(CreateBook(h5, "timing", &ti, tsc, NULL));
  for (PetscInt k = 0; k < LmgNKinds; k++) {
    const LmgKind *kind = LmgKinds[k];
    LmgH5Group    *g    = &h5->g[k];
    int            r    = Dims(h5, k, -1, 0, d);
    if (!g->on) continue;
    snprintf(ln, sizeof ln, "status of the %s record", kind->name);
    PetscCall(LmgH5CreateDataset(st, kind->name, H5T_NATIVE_INT8, r, d, &zero, "1", ln, "0 pending (not computed yet), 1 done, 2 failed (an error; see the message), 3 skipped (not computed by design; see the message)", &g->status));
    LmgCallHDF5(s = H5Screate_simple(1, &four, NULL));
    LmgCallHDF5(a = H5Acreate2(g->status, "flag_values", H5T_NATIVE_INT8, s, H5P_DEFAULT, H5P_DEFAULT));
    LmgCallHDF5(H5Awrite(a, H5T_NATIVE_INT8, flags));
    LmgCallHDF5(H5Aclose(a));
    LmgCallHDF5(H5Sclose(s));
    PetscCall(LmgH5AttrString(g->status, "flag_meanings", "pending done failed skipped", 0));
    PetscCall(LmgH5AttrString(g->status, "group", LmgKindGroup(kind), 0)); /* where the kind's fields are */
    PetscCall(Attach(h5, g->status, kind, -1, ssc, 0));
    snprintf(nm, sizeof nm, "%s_message", kind->name);
    snprintf(ln, sizeof ln, "why a %s record failed or was skipped, or a note on it", kind->name);
    d[r] = LMG_MSG_LEN;
    PetscCall(CharDataset(h5, st, nm, r + 1, d, ln, ln, &g->message));
    PetscCall(Attach(h5, g->message, kind, -1, ssc, msg));
    snprintf(ln, sizeof ln, "wall time of the %s record", kind->name);
    PetscCall(LmgH5CreateDataset(ti, kind->name, H5T_NATIVE_DOUBLE, r, d, &nan, "s", ln, ln, &g->time));
    PetscCall(Attach(h5, g->time, kind, -1, tsc, 0));
    snprintf(nm, sizeof nm, "%s_team", kind->name);
    snprintf(ln, sizeof ln, "team that computed the %s record (-1: none)", kind->name);
    PetscCall(LmgH5CreateDataset(ti, nm, H5T_NATIVE_INT32, r, d, &minus1, "1", ln, ln, &g->team));
    PetscCall(Attach(h5, g->team, kind, -1, tsc, 0));
  }
  PetscCall(CloseBook(st, ssc, msg));
  PetscCall(CloseBook(ti, tsc, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal LmgH5Bytes(const LmgConfig *cfg)
{
  PetscReal b = 1e6; /* metadata: groups, attributes, coordinates */
  for (PetscInt k = 0; k < LmgNKinds; k++) {
    PetscReal nrec = (PetscReal)LmgGridKindCount(cfg, k), per = 1 + LMG_MSG_LEN + 8 + 4; /* status, message, timing */
    for (PetscInt i = 0; nrec > 0 && i < LmgKinds[k]->nfields; i++) {
      const LmgField *f = &LmgKinds[k]->fields[i];
      per += (f->type == LMG_F64 ? 8 : f->type == LMG_I8 ? 1 : f->type == LMG_I32 ? 4 : LMG_STR_LEN) * (f->extra >= 0 ? (PetscReal)LmgGridAxis(cfg, (LmgAxis)f->extra).n : 1);
    }
    b += nrec * per;
  }
  return b;
}

PetscErrorCode LmgH5RecordsCreate(LmgH5 *h5)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < LmgNKinds; k++) h5->g[k].on = (PetscBool)(LmgGridKindCount(h5->cfg, k) > 0);
  for (PetscInt k = 0; k < LmgNKinds; k++)
    if (h5->g[k].on) PetscCall(CreateKind(h5, k));
  PetscCall(CreateBooks(h5));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5RecordsOpen(LmgH5 *h5)
{
  char nm[128];
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < LmgNKinds; k++) {
    const LmgKind *kind = LmgKinds[k];
    LmgH5Group    *g    = &h5->g[k];
    g->on               = (PetscBool)(LmgGridKindCount(h5->cfg, k) > 0);
    if (!g->on) continue;
    PetscCall(PetscMalloc1(kind->nfields, &g->dset));
    for (PetscInt i = 0; i < kind->nfields; i++) {
      snprintf(nm, sizeof nm, "%s/%s", LmgKindGroup(kind), kind->fields[i].name);
      LmgCallHDF5(g->dset[i] = H5Dopen2(h5->file, nm, H5P_DEFAULT));
    }
    snprintf(nm, sizeof nm, "status/%s", kind->name);
    LmgCallHDF5(g->status = H5Dopen2(h5->file, nm, H5P_DEFAULT));
    snprintf(nm, sizeof nm, "status/%s_message", kind->name);
    LmgCallHDF5(g->message = H5Dopen2(h5->file, nm, H5P_DEFAULT));
    snprintf(nm, sizeof nm, "timing/%s", kind->name);
    LmgCallHDF5(g->time = H5Dopen2(h5->file, nm, H5P_DEFAULT));
    snprintf(nm, sizeof nm, "timing/%s_team", kind->name);
    LmgCallHDF5(g->team = H5Dopen2(h5->file, nm, H5P_DEFAULT));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void LmgH5RecordsAbort(LmgH5 *h5)
{
  for (PetscInt k = 0; k < LmgNKinds; k++) {
    LmgH5Group *g = &h5->g[k];
    hid_t       id[4] = {g->status, g->message, g->time, g->team};
    H5E_BEGIN_TRY
    {
      for (PetscInt i = 0; g->dset && i < LmgKinds[k]->nfields; i++)
        if (g->dset[i] > 0) H5Dclose(g->dset[i]);
      for (int i = 0; i < 4; i++)
        if (id[i] > 0) H5Dclose(id[i]);
    }
    H5E_END_TRY;
    PetscFree(g->dset);
    PetscMemzero(g, sizeof *g);
  }
}

PetscErrorCode LmgH5RecordsClose(LmgH5 *h5)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < LmgNKinds; k++) {
    LmgH5Group *g = &h5->g[k];
    if (!g->on) continue;
    for (PetscInt i = 0; i < LmgKinds[k]->nfields; i++) LmgCallHDF5(H5Dclose(g->dset[i]));
    LmgCallHDF5(H5Dclose(g->status));
    LmgCallHDF5(H5Dclose(g->message));
    LmgCallHDF5(H5Dclose(g->time));
    LmgCallHDF5(H5Dclose(g->team));
    PetscCall(PetscFree(g->dset));
    g->on = PETSC_FALSE;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5ReadStatus(const LmgH5 *h5, int8_t *status)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < LmgNKinds; k++)
    if (h5->g[k].on) LmgCallHDF5(H5Dread(h5->g[k].status, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, status + LmgGridKindStart(h5->cfg, k)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode LmgH5ReopenSkipped(const LmgH5 *h5, const char *option, PetscInt *n)
{
  char key[64];
  PetscFunctionBeginUser;
  snprintf(key, sizeof key, "%s ", option); /* skip messages name the limit and its value: "... > -dyn_max_steps 1e+05" */
  *n = 0;
  for (PetscInt k = 0; k < LmgNKinds; k++) {
    PetscInt nr = LmgGridKindCount(h5->cfg, k), changed = 0;
    int8_t  *st;
    char    *msg;
    if (!h5->g[k].on) continue;
    PetscCall(PetscMalloc2(nr, &st, nr * LMG_MSG_LEN, &msg));
    LmgCallHDF5(H5Dread(h5->g[k].status, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, st));
    LmgCallHDF5(H5Dread(h5->g[k].message, h5->chr, H5S_ALL, H5S_ALL, H5P_DEFAULT, msg));
    for (PetscInt r = 0; r < nr; r++) {
      char *m = msg + r * LMG_MSG_LEN;
      m[LMG_MSG_LEN - 1] = '\0';
      if (st[r] == LMG_SKIPPED && strstr(m, key)) st[r] = LMG_PENDING, changed++;
    }
    if (changed) LmgCallHDF5(H5Dwrite(h5->g[k].status, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, st));
    *n += changed;
    PetscCall(PetscFree2(st, msg));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Write len values at record idx[0..nb-1] (and 0:len along one trailing dimension when rank > nb), independent I/O. */
static PetscErrorCode WriteAt(hid_t d, hid_t memtype, const hsize_t *idx, int nb, int rank, hsize_t len, const void *buf)
{
  hid_t   fs, ms;
  hsize_t start[8], count[8];
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

/* Field f of record rec as len values in buf (doubles, int8 or int32; entries past what the record holds: NaN / 0). */
static void Gather(const LmgField *f, const void *rec, PetscInt len, void *buf)
{
  const char *base = (const char *)rec + f->off;
  PetscInt    have = f->have_off == LMG_NOHAVE ? len : PetscMin(len, *(const PetscInt *)((const char *)rec + f->have_off));
  for (PetscInt i = 0; i < len; i++) {
    if (f->type == LMG_F64) {
      const PetscReal *p = f->isptr ? *(PetscReal *const *)base : (const PetscReal *)base;
      ((double *)buf)[i] = i < have ? (double)p[i] : NAN;
    } else {
      const PetscInt *p = f->isptr ? *(PetscInt *const *)base : (const PetscInt *)base;
      if (f->type == LMG_I8) ((int8_t *)buf)[i] = i < have ? (int8_t)p[i] : 0;
      else ((int32_t *)buf)[i] = i < have ? (int32_t)p[i] : 0;
    }
  }
}

PetscErrorCode LmgH5WriteRecord(const LmgH5 *h5, const LmgTask *task, const void *rec, const LmgOutcome *out, PetscReal seconds, PetscInt team)
{
  const LmgKind    *kind = LmgKinds[task->kind];
  const LmgH5Group *g    = &h5->g[task->kind];
  hsize_t           idx[8];
  int               nb = 0;
  int32_t           t  = (int32_t)team;
  int8_t            st = (int8_t)out->status;
  char              msg[LMG_MSG_LEN];
  double            secs = seconds;
  PetscFunctionBeginUser;
  LmgAxis           ax[8];
  PetscInt          na = LmgGridKindAxes(h5->cfg, kind, ax);
  for (PetscInt a = 0; a < na; a++) idx[nb++] = (hsize_t)LmgTaskIndex(task, ax[a]);
  for (PetscInt i = 0; out->status == LMG_DONE && i < kind->nfields; i++) {
    const LmgField *f = &kind->fields[i];
    if (f->type == LMG_STR) {
      char s[LMG_STR_LEN] = "";
      memcpy(s, (const char *)rec + f->off, LMG_STR_LEN - 1);
      PetscCall(WriteAt(g->dset[i], h5->chr, idx, nb, nb + 1, LMG_STR_LEN, s));
    } else {
      PetscInt len = f->extra >= 0 ? LmgGridAxis(h5->cfg, (LmgAxis)f->extra).n : 1;
      void    *buf;
      PetscCall(PetscMalloc(8 * (size_t)len, &buf));
      Gather(f, rec, len, buf);
      PetscCall(WriteAt(g->dset[i], MemType(h5, f->type), idx, nb, nb + (f->extra >= 0), (hsize_t)len, buf));
      PetscCall(PetscFree(buf));
    }
  }
  memset(msg, 0, sizeof msg); /* the whole row: a message of an earlier attempt is overwritten */
  memcpy(msg, out->message, strnlen(out->message, LMG_MSG_LEN - 1));
  PetscCall(WriteAt(g->message, h5->chr, idx, nb, nb + 1, LMG_MSG_LEN, msg));
  PetscCall(WriteAt(g->time, H5T_NATIVE_DOUBLE, idx, nb, nb, 1, &secs));
  PetscCall(WriteAt(g->team, H5T_NATIVE_INT32, idx, nb, nb, 1, &t));
  PetscCall(WriteAt(g->status, H5T_NATIVE_INT8, idx, nb, nb, 1, &st)); /* last: a record marked done is complete */
  PetscFunctionReturn(PETSC_SUCCESS);
}
