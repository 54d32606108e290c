#!/usr/bin/python3
"""Loader for the single HDF5 file written by lmgsweep (also readable as netCDF-4: xarray.open_dataset(FILE,
group='spectrum', engine='h5netcdf' or 'netcdf4') gives each group with its coordinates).

    run = load("out.h5")
    run.attrs["J"], run.coords["N"], run.spectrum["dE"].data, run.spectrum["dE"].dims

Every group (spectrum, dynamics, threshold, status, timing, ...) becomes a dict name -> Var of its datasets; the
coordinates (the 1-D dimension scales each group holds, equal across groups) are run.coords. Dimension names come from
the scales attached to each dataset. Text datasets (char arrays over message_len / str_len) become str arrays.
Float data of every record whose status entry is not DONE is set to NaN (integer data is left as written): the status of
a dataset is the /status/<kind> whose attribute `group` names its group and whose dimensions lead its own (several kinds
share /landau_zener), else /status/<group>.

CLI: python3 lmgload.py FILE    prints the grid, per kind the records done/failed/skipped/pending and the reasons of
the failed and skipped ones, one line per kind of reason with its count.
"""
import re
import sys
from collections import Counter, namedtuple

import h5py
import numpy as np

PENDING, DONE, FAILED, SKIPPED = 0, 1, 2, 3
STATUS_NAMES = {PENDING: "pending", DONE: "done", FAILED: "failed", SKIPPED: "skipped"}
NC_DIM_ONLY = b"This is a netCDF dimension but not a netCDF variable."

Var = namedtuple("Var", "data dims units description long_name", defaults=("",))
Var.__doc__ = "One dataset: data (numpy array), dims (coordinate names), units, description, long_name."


class LmgFileError(Exception):
    """The file is not a readable lmgsweep HDF5 file (or lacks a required group)."""


class Run(dict):
    """Loaded file: keys 'attrs', 'coords', 'coord_info' and one per group; also reachable as attributes."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    @property
    def groups(self):
        return [k for k in self if k not in ("attrs", "coords", "coord_info")]


def _decode(v):
    """bytes / numpy scalars / 1-element arrays -> plain Python str / numbers."""
    if isinstance(v, np.ndarray):
        if v.dtype.kind == "S":
            v = np.char.decode(v, "utf-8", "replace")
            return v.item().rstrip("\0") if v.size == 1 else v
        return v.item() if v.size == 1 else v
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8", "replace").rstrip("\0")
    if isinstance(v, np.generic):
        return v.item()
    return v


def _read(ds):
    """Dataset contents as numpy; text (char arrays, fixed-length strings) becomes a str array."""
    a = np.asarray(ds[()])
    if a.dtype == np.dtype("S1") and a.ndim >= 1:  # netCDF char array: the last axis holds the characters
        a = np.ascontiguousarray(a).view(f"S{a.shape[-1]}").reshape(a.shape[:-1])
    if a.dtype.kind == "S":
        a = np.char.rstrip(np.char.decode(a, "utf-8", "replace"), "\0")
    elif a.dtype.kind == "O":  # variable-length strings
        a = np.array([_decode(x) for x in a.ravel()], dtype=str).reshape(a.shape)
    return a


def _is_scale(ds):
    return _decode(ds.attrs.get("CLASS", b"")) == "DIMENSION_SCALE"


def _is_dim_only(ds):
    name = ds.attrs.get("NAME", b"")
    return isinstance(name, (bytes, np.bytes_)) and bytes(name).startswith(NC_DIM_ONLY)


def _dims(ds):
    """Coordinate names of ds from its attached dimension scales (a char array's text axis left out)."""
    names = []
    for i, dim in enumerate(ds.dims):
        name = None
        if len(dim):
            name = dim[0].name.rsplit("/", 1)[-1] or None
        names.append(name or _decode(dim.label) or f"dim_{i}")
    if ds.dtype == np.dtype("S1") and names:
        names = names[:-1]
    return tuple(names)


def _mask(var, status):
    """NaN the float entries of var whose leading record (status entry) is not DONE."""
    d, s = var.data, status.data
    if d.dtype.kind not in "fc" or d.shape[: s.ndim] != s.shape or var.dims[: s.ndim] != status.dims:
        return var
    bad = (s != DONE).reshape(s.shape + (1,) * (d.ndim - s.ndim))
    return var._replace(data=np.where(bad, np.nan, d))


def open_file(path):
    """Open path read-only, checking it is an lmgsweep file (raises LmgFileError otherwise)."""
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as e:
        raise LmgFileError(f"{path}: cannot open as HDF5 ({e})") from None
    prog = _decode(f.attrs.get("program", ""))
    if prog != "lmgsweep":
        f.close()
        raise LmgFileError(f"{path}: not an lmgsweep file (root attribute program={prog!r})")
    return f


def load(path, groups=None):
    """Read the file into a Run (see the module docstring); groups: read only these groups (plus /status)."""
    with open_file(path) as f:
        run = Run(attrs={k: _decode(v) for k, v in f.attrs.items()}, coords={}, coord_info={})
        for gname, grp in f.items():
            if not isinstance(grp, h5py.Group):
                continue
            want = groups is None or gname in groups or gname == "status"
            run[gname] = {}
            for name, ds in grp.items():
                if not isinstance(ds, h5py.Dataset) or _is_dim_only(ds):
                    continue
                if _is_scale(ds):
                    run["coords"].setdefault(name, ds[()])
                    run["coord_info"].setdefault(name, {k: _decode(ds.attrs.get(k, "")) for k in ("units", "description", "long_name")})
                    continue
                if not want:
                    continue
                run[gname][name] = Var(_read(ds), _dims(ds), _decode(ds.attrs.get("units", "")),
                                       _decode(ds.attrs.get("description", "")), _decode(ds.attrs.get("long_name", "")))
            if not run[gname]:  # coordinates only (the /grid of files of format 1)
                del run[gname]
    with h5py.File(path, "r") as f:  # the kinds' statuses (not the messages), each with the group of its fields
        owner = {k: _decode(f["status"][k].attrs.get("group", k)) for k in run.get("status", {})
                 if not k.endswith("_message") and "status" in f and k in f["status"]}
    for gname in [g for g in run.groups if g != "status"]:
        kinds = [run["status"][k] for k, g in owner.items() if g == gname]
        run[gname] = {k: _masked(v, kinds) for k, v in run[gname].items()}
    return run


def _masked(var, kinds):
    """var masked by the status (of the kinds of its group) whose dimensions lead its own."""
    for st in kinds:
        if var.dims[: len(st.dims)] == st.dims and var.data.shape[: st.data.ndim] == st.data.shape:
            return _mask(var, st)
    return var


def load_xarray(path):
    """The file as an xarray.Dataset: variables '<group>/<name>', grid coordinates, root attrs as attrs."""
    try:
        import xarray as xr
    except ImportError:
        raise ImportError("load_xarray() needs xarray, which is not installed; use load() instead") from None
    run = load(path)
    coords = {k: (k, v, run["coord_info"][k]) for k, v in run["coords"].items()}
    data_vars = {}
    for g in run.groups:
        for name, v in run[g].items():
            dims = [d if d in coords else f"{g}_{name}_{d}" for d in v.dims]
            data_vars[f"{g}/{name}"] = (dims, v.data, {"units": v.units, "description": v.description})
    attrs = {k: (v if isinstance(v, (str, int, float)) else str(v)) for k, v in run["attrs"].items()}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


# A number (or inf, nan) that is not part of a word: K3, rho01 and N+1 keep their digits.
_NUMBER = re.compile(r"(?<![\w.])(?<!\w[-+])[-+]?(?:\d[\d.]*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|(?i:inf|nan)(?!\w))")


def reason_key(message):
    """The message with its numbers (and inf, nan) replaced by '#', digits inside words kept: records whose messages
    share a key failed or were skipped for one kind of reason (the engine's closing summary counts them the same way)."""
    return _NUMBER.sub("#", message)


def reasons(run, kind, status):
    """[(count, key, an example message with the coordinates of its record), ...] of the records of `kind` with
    `status`, most frequent first."""
    st, msg, c = run["status"][kind], run["status"].get(f"{kind}_message"), run["coords"]
    found, first = Counter(), {}
    for idx in zip(*np.nonzero(st.data == status)):
        m = str(msg.data[idx]) if msg is not None else ""
        k = reason_key(m)
        found[k] += 1
        if k not in first:
            where = ", ".join(f"{d}={c[d][i]}" if d in c else f"{d}={i}" for d, i in zip(st.dims, idx))
            first[k] = f"{where}: {m}"
    return [(n, k, first[k]) for k, n in found.most_common()]


def summary(run):
    """Multi-line text: run identity, grid sizes, per-kind record counts and the reasons of failed and skipped records
    (one line per kind of reason, with its count and an example)."""
    a, c = run["attrs"], run["coords"]
    out = [f"lmgsweep {a.get('version', '?')} ({a.get('git_commit', '?')}), created {a.get('created', '?')}, "
           f"finished {a.get('finished') or 'NO (run did not finish cleanly)'}",
           f"J = {a.get('J', '?')} rad/s, T = {a.get('T', '?')} K, ranks = {a.get('ranks', '?')}, "
           f"team_size = {a.get('team_size', '?')}",
           "grid: " + ", ".join(f"{k}[{len(v)}]" for k, v in c.items())]
    for g, st in run.get("status", {}).items():
        if g.endswith("_message"):
            continue
        s = st.data
        n = {k: int(np.sum(s == k)) for k in STATUS_NAMES}
        other = s.size - sum(n.values())
        out.append(f"{g}: {s.size} records: {n[DONE]} done, {n[FAILED]} failed, {n[SKIPPED]} skipped, {n[PENDING]} pending"
                   + (f", {other} with unknown status" if other else ""))
        for status in (FAILED, SKIPPED):
            for count, _, example in reasons(run, g, status):
                out.append(f"  {count} {STATUS_NAMES[status]}" + (": " if count == 1 else ", e.g. ") + example)
    return "\n".join(out)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: lmgload.py FILE.h5", file=sys.stderr)
        return 2
    try:
        print(summary(load(argv[0])))
    except LmgFileError as e:
        print(f"lmgload: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
