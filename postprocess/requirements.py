#!/usr/bin/python3
"""What an experiment must achieve: the tolerances of an lmgsweep file in physical units, against typical values.

Stray bias, detection resolution, temperature and dephasing (PHYSICS section 7; the /tolerance records of -tolerance).

    python3 requirements.py FILE.h5 [--N n ...] [--gamma-over-J g] [-o DIR] [--bias-noise HZ]
                            [--atom-resolution ATOMS] [--temperature NK] [--dephasing 1/s]
                            [--fig-sigma S] [--fig-bias B]

Prints a Markdown table per N and level (k ascending, `full` last), one row per /tolerance record (Gamma/J, gamma_phi,
bias, sigma): K3_best = max over tau in (0, 2 tau_opt] of K3 and its tau, and each tolerance (the first value above the
record's own at which K3_best falls to 1) in physical units: bias_c in h1 = dE/(2 J01), rad/s and Hz (rad/s / 2 pi),
sigma_c in atoms of imbalance, T_c in nK, gamma_c_best in 1/s. A tolerance that was not found is never a number but
its status: 'no violation' (the record itself has K3_best <= 1), 'none up to <hi>' (no crossing up to the search limit
hi), 'not asked' (not in -tolerance), 'failed' (see the record's message). Beside each tolerance a verdict against the
typical experimental value (defaults: bias noise 1 Hz, atom-counting resolution 10 atoms, temperature 10 nK, dephasing
0.05 1/s): 'meets: value < tolerance' or 'misses: value >= tolerance' ('unknown' when the value lies beyond the search
limit of a tolerance not found). Records whose /status/tolerance is not done are listed with their status and the
engine's message, never as numbers. Writes into DIR (default: beside FILE), per N, at one Gamma/J (--gamma-over-J;
default the file's first, named when the file has several) and one panel per gamma_phi:
  <stem>_requirements_bias_N<n>.png   K3_best against bias_over_h1 (at the sigma closest to --fig-sigma, default 0),
  <stem>_requirements_sigma_N<n>.png  K3_best against detect_sigma (at the bias closest to --fig-bias, default 0),
one line per level, the line K3 = 1 and (x) the tolerance of the record at the smallest |bias| / sigma. A figure whose
axis has a single value is not drawn (the output says why).
Exit 0 when written, 2 when FILE is missing, not an lmgsweep file, or lacks /tolerance.
"""
import argparse
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convergence import closest, default_png, fmt, level_name, level_order, status_word  # noqa: E402
from lmgload import DONE, LmgFileError, _is_dim_only, _is_scale, load  # noqa: E402

AXES = ("N", "gamma_over_J", "gamma_phi", "bias_over_h1", "detect_sigma", "level")
TWO_PI = 2.0 * np.pi
# <p>_status codes of /tolerance
FOUND, NO_VIOLATION, NO_CROSSING, NOT_ASKED, EVAL_FAILED = 0, 1, 2, 3, 4
TOL_WORDS = {NO_VIOLATION: "no violation", NOT_ASKED: "not asked", EVAL_FAILED: "failed"}
# the /tolerance fields this script needs
REQUIRED = ["K3_best", "h1", "bias_c_rad_s"] + [f"{p}{s}" for p in ("bias_c", "sigma_c", "T_c", "gamma_c_best")
                                                for s in ("", "_status", "_hi")]


def tol_word(st, hi):
    """The text of a tolerance not found (status st; hi: the search limit in the column's unit)."""
    st = int(st)
    if st == NO_CROSSING:
        return f"none up to {fmt(hi)}"
    return TOL_WORDS.get(st, f"status={st}")


def verdict(st, value, hi, exp, unit):
    """meets / misses of the experimental value exp against the tolerance (value when found, hi the search limit)."""
    st = int(st)
    e = f"{fmt(exp)} {unit}"
    if st == FOUND:
        if not np.isfinite(value):
            return "n/a"
        return f"meets: {e} < {fmt(value)} {unit}" if exp < value else f"misses: {e} >= {fmt(value)} {unit}"
    if st == NO_VIOLATION:
        return "misses: no violation"
    if st == NO_CROSSING:
        if np.isfinite(hi) and exp <= hi:
            return f"meets: {e}, no crossing up to {fmt(hi)} {unit}"
        return f"unknown: {e} beyond the search limit {fmt(hi)} {unit}"
    return TOL_WORDS.get(st, f"status={st}")


def root_coords(path, run):
    """Coordinates written as dimension scales at the root (the loader reads those inside groups)."""
    with h5py.File(path, "r") as f:
        for name, ds in f.items():
            if isinstance(ds, h5py.Dataset) and _is_scale(ds) and not _is_dim_only(ds):
                run["coords"].setdefault(name, ds[()])


def canon(var, c, name):
    """var.data in the axis order of AXES (by its dimension names; as written when they are unnamed)."""
    d = var.data
    if 0 < len(var.dims) < len(AXES) and set(var.dims) <= set(AXES):  # e.g. h1 over (N, gamma_over_J) only
        keep = [a for a in AXES if a in var.dims]
        d = np.transpose(d, [var.dims.index(a) for a in keep])
        d = d.reshape([d.shape[keep.index(a)] if a in keep else 1 for a in AXES])
        d = np.broadcast_to(d, tuple(len(c[a]) for a in AXES))
    elif len(var.dims) == len(AXES) and set(var.dims) == set(AXES):
        d = np.transpose(d, [var.dims.index(a) for a in AXES])
    want = tuple(len(c[a]) for a in AXES)
    if d.shape != want:
        raise LmgFileError(f"{name} has shape {d.shape}, not the grid's {want} ({', '.join(AXES)})")
    return d


def check(run, path):
    """The /tolerance arrays in AXES order, with the status and messages (LmgFileError when the file lacks them)."""
    if "tolerance" not in run or "tolerance" not in run.get("status", {}):
        raise LmgFileError(f"{path} has no /tolerance records (run lmgsweep with -tolerance)")
    c = run["coords"]
    for a in ("bias_over_h1", "detect_sigma"):  # an axis of one value may be left without its coordinate
        if a not in c and all(len(v.dims) == len(AXES) for v in run["tolerance"].values()):
            c[a] = np.zeros(1)
    missing = [f"coordinate {a}" for a in AXES if a not in c]
    missing += [f"/tolerance/{k}" for k in REQUIRED if k not in run["tolerance"]]
    if missing:
        raise LmgFileError(f"{path}: lacks {', '.join(missing)}")
    t = {k: canon(v, c, f"/tolerance/{k}") for k, v in run["tolerance"].items()
         if len(v.dims) == len(AXES) or (v.dims and set(v.dims) <= set(AXES))}
    st = canon(run["status"]["tolerance"], c, "/status/tolerance")
    msg = run["status"].get("tolerance_message")
    msg = canon(msg, c, "/status/tolerance_message") if msg is not None else np.full(st.shape, "")
    return t, st, msg


def record_cells(t, idx, exp):
    """Cells of one done record: K3_best, tau_best/tau_opt, then per tolerance its value(s) and verdict."""
    def get(k):
        return float(t[k][idx]) if k in t else np.nan

    cells = [fmt(get("K3_best")), fmt(get("tau_best_over_tau_opt"))]
    h1 = get("h1")
    # bias_c: h1, rad/s, Hz
    st, v, hi = int(t["bias_c_status"][idx]), get("bias_c"), get("bias_c_hi")
    rad, hz = get("bias_c_rad_s"), get("bias_c_rad_s") / TWO_PI
    if st == FOUND:
        cells += [fmt(v), fmt(rad), fmt(hz)]
    else:
        cells += [tol_word(st, hi), tol_word(st, hi * h1), tol_word(st, hi * h1 / TWO_PI)]
    cells.append(verdict(st, hz, hi * h1 / TWO_PI, exp["bias"], "Hz"))
    for p, scale, unit, e in (("sigma_c", 1.0, "atoms", exp["sigma"]), ("T_c", 1e9, "nK", exp["T"]),
                              ("gamma_c_best", 1.0, "1/s", exp["gamma"])):
        st, v, hi = int(t[f"{p}_status"][idx]), get(p) * scale, get(f"{p}_hi") * scale
        cells.append(fmt(v) if st == FOUND else tol_word(st, hi))
        cells.append(verdict(st, v, hi, e, unit))
    return cells


def header(exp):
    return ["Gamma/J", "gamma_phi (1/s)", "bias (h1)", "sigma (atoms)", "K3_best", "tau_best/tau_opt",
            "bias_c (h1)", "bias_c (rad/s)", "bias_c (Hz)", f"bias noise {fmt(exp['bias'])} Hz",
            "sigma_c (atoms)", f"resolution {fmt(exp['sigma'])} atoms", "T_c (nK)", f"temperature {fmt(exp['T'])} nK",
            "gamma_c_best (1/s)", f"dephasing {fmt(exp['gamma'])} 1/s"]


def markdown(run, t, st, msg, iNs, iGs, exp, path):
    c, a = run["coords"], run["attrs"]
    head = header(exp)
    L = [f"# Experimental requirements from {path} (lmgsweep {a.get('version', '?')}): J = {a.get('J', '?')} rad/s, "
         f"record temperature T = {a.get('T', '?')} K",
         f"# typical experiment: bias noise {fmt(exp['bias'])} Hz, atom-counting resolution {fmt(exp['sigma'])} atoms, "
         f"temperature {fmt(exp['T'])} nK, dephasing {fmt(exp['gamma'])} 1/s",
         "# tolerance = the first value above the record's own where K3_best = max K3(tau), tau in (0, 2 tau_opt], "
         "falls to 1; meets = the experimental value lies below it"]
    if not a.get("finished"):
        L.append("# note: the run did not finish cleanly (records may be pending)")
    for iN in iNs:
        for iL in level_order(c["level"]):
            name = level_name(c["level"][iL])
            L += ["", f"## N = {int(c['N'][iN])}, level {'full' if name == 'full' else 'k = ' + name}", ""]
            h1s = []
            for iG in iGs:
                h = t["h1"][iN, iG][st[iN, iG] == DONE]
                h = h[np.isfinite(h)]
                h1s.append(f"Gamma/J = {c['gamma_over_J'][iG]:g}: " +
                           (f"{fmt(h[0])} rad/s = {fmt(h[0] / TWO_PI)} Hz" if h.size else "n/a (no record done)"))
            L += ["h1 = dE/(2 J01): " + "; ".join(h1s), ""]
            L += ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
            notes = []
            for iG in iGs:
                for iP in range(len(c["gamma_phi"])):
                    for iB in range(len(c["bias_over_h1"])):
                        for iS in range(len(c["detect_sigma"])):
                            idx = (iN, iG, iP, iB, iS, iL)
                            where = [f"{c['gamma_over_J'][iG]:g}", f"{c['gamma_phi'][iP]:g}",
                                     f"{c['bias_over_h1'][iB]:g}", f"{c['detect_sigma'][iS]:g}"]
                            s, m = int(st[idx]), str(msg[idx]).strip()
                            if s == DONE:
                                cells = record_cells(t, (iN, iG, iP, iB, iS, iL), exp)
                            else:
                                cells = [status_word(s)] * (len(head) - 4)
                            L.append("| " + " | ".join(where + cells) + " |")
                            if m or s != DONE:
                                notes.append(f"- Gamma/J = {where[0]}, gamma_phi = {where[1]} 1/s, bias = {where[2]} h1, "
                                             f"sigma = {where[3]} atoms: {status_word(s)}" + (f": {m}" if m else ""))
            if notes:
                L += ["", "Records not done, and the engine's notes:"] + notes
    return "\n".join(L)


def plot(run, t, st, iN, iG, axis, iFix, png):
    """K3_best against bias_over_h1 (axis 'bias') or detect_sigma (axis 'sigma') at the other axis' index iFix."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    c = run["coords"]
    coord = "bias_over_h1" if axis == "bias" else "detect_sigma"
    x = np.asarray(c[coord], dtype=float)
    xs = np.argsort(x)
    order = level_order(c["level"])
    ng = len(c["gamma_phi"])
    fig, axes = plt.subplots(1, ng, figsize=(max(6.5, 5.2 * ng), 4.6), squeeze=False, sharey=True)
    i0 = int(np.argmin(np.abs(x)))  # the record whose tolerance is marked
    p = "bias_c" if axis == "bias" else "sigma_c"
    for iP, ax in enumerate(axes[0]):
        for j, iL in enumerate(order):
            full = int(c["level"][iL]) == 0
            col = "k" if full else plt.cm.viridis(0.85 * j / max(1, len(order) - 1))
            if axis == "bias":
                sl = (iN, iG, iP, slice(None), iFix, iL)
                r0 = (iN, iG, iP, i0, iFix, iL)
            else:
                sl = (iN, iG, iP, iFix, slice(None), iL)
                r0 = (iN, iG, iP, iFix, i0, iL)
            y = np.where(st[sl] == DONE, t["K3_best"][sl], np.nan)[xs]
            if not np.isfinite(y).any():
                continue
            ax.plot(x[xs], y, "o-" if full else "s--", ms=4, lw=2 if full else 1, color=col,
                    label="full" if full else f"k = {level_name(c['level'][iL])}")
            if st[r0] == DONE and int(t[f"{p}_status"][r0]) == FOUND and np.isfinite(t[p][r0]):
                xc = [float(t[p][r0])] + ([-float(t[p][r0])] if axis == "bias" and x.min() < 0 else [])
                ax.plot(xc, [1.0] * len(xc), "x", ms=9, mew=2, color=col)
        ax.axhline(1.0, color="tab:red", lw=1, label="K3 = 1 (macrorealism)")
        ax.set_xlabel("bias / h1" if axis == "bias" else "detection resolution sigma (atoms)")
        ax.set_title(f"gamma_phi = {c['gamma_phi'][iP]:g} 1/s")
        ax.grid(alpha=0.3)
        if iP == 0:
            ax.set_ylabel("K3_best = max K3(tau), tau <= 2 tau_opt")
            ax.legend(fontsize=8)
    fixed = (f"sigma = {c['detect_sigma'][iFix]:g} atoms" if axis == "bias"
             else f"bias = {c['bias_over_h1'][iFix]:g} h1")
    fig.suptitle(f"N = {int(c['N'][iN])}, Gamma/J = {c['gamma_over_J'][iG]:g}, {fixed}\nx: the tolerance {p} of the "
                 f"record at {coord} = {x[i0]:g}", fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--N", type=int, nargs="+", action="extend", help="only these atom numbers (default: all)")
    p.add_argument("--gamma-over-J", type=float, help="only this Gamma/J (closest grid value; default: all in the "
                   "table, the first in the figures)")
    p.add_argument("-o", "--outdir", help="directory of the figures (default: beside FILE)")
    p.add_argument("--bias-noise", type=float, default=1.0, help="stray bias of the experiment in Hz (default 1)")
    p.add_argument("--atom-resolution", type=float, default=10.0,
                   help="atom-counting resolution sigma of the experiment in atoms (default 10)")
    p.add_argument("--temperature", type=float, default=10.0, help="temperature of the experiment in nK (default 10)")
    p.add_argument("--dephasing", type=float, default=0.05, help="dephasing rate of the experiment in 1/s (default 0.05)")
    p.add_argument("--fig-sigma", type=float, default=0.0, help="sigma of the bias figure (closest; default 0)")
    p.add_argument("--fig-bias", type=float, default=0.0, help="bias/h1 of the sigma figure (closest; default 0)")
    a = p.parse_args(argv)
    exp = dict(bias=a.bias_noise, sigma=a.atom_resolution, T=a.temperature, gamma=a.dephasing)
    notes = []
    try:
        if not os.path.exists(a.file):
            raise LmgFileError(f"{a.file}: no such file")
        run = load(a.file)
        root_coords(a.file, run)
        t, st, msg = check(run, a.file)
        c = run["coords"]
        if a.N:
            iNs = []
            for n in a.N:
                hit = np.nonzero(np.asarray(c["N"]) == n)[0]
                if not len(hit):
                    raise LmgFileError(f"N = {n} is not on the grid (N = {', '.join(str(int(x)) for x in c['N'])})")
                iNs.append(int(hit[0]))
        else:
            iNs = list(range(len(c["N"])))
        if a.gamma_over_J is not None:
            iG, exact = closest(c["gamma_over_J"], a.gamma_over_J)
            if not exact:
                notes.append(f"Gamma/J = {c['gamma_over_J'][iG]:g}, the grid value nearest {a.gamma_over_J:g}")
            iGs = [iG]
        else:
            iGs = list(range(len(c["gamma_over_J"])))
            if len(iGs) > 1:
                notes.append(f"figures at Gamma/J = {c['gamma_over_J'][0]:g} (the file has several; --gamma-over-J "
                             "chooses)")
        text = markdown(run, t, st, msg, iNs, iGs, exp, a.file)
        outdir = a.outdir or os.path.dirname(os.path.abspath(a.file))
        if a.outdir:
            os.makedirs(a.outdir, exist_ok=True)
        figs = []
        iS, _ = closest(c["detect_sigma"], a.fig_sigma)
        iB, _ = closest(c["bias_over_h1"], a.fig_bias)
        for iN in iNs:
            n = int(c["N"][iN])
            for axis, coord, iFix in (("bias", "bias_over_h1", iS), ("sigma", "detect_sigma", iB)):
                png = os.path.join(outdir, os.path.basename(default_png(a.file, f"requirements_{axis}_N{n}")))
                vals = c[coord]
                if len(vals) > 1:
                    plot(run, t, st, iN, iGs[0], axis, iFix, png)
                    figs.append(f"wrote {png}")
                else:
                    figs.append(f"not drawn: {os.path.basename(png)}: the file has a single {coord} value "
                                f"({', '.join(f'{v:g}' for v in vals)})")
    except (LmgFileError, OSError) as e:
        print(f"requirements.py: {e}", file=sys.stderr)
        return 2
    for n in notes:
        print(f"note: {n}")
    print(text)
    print()
    print("\n".join(figs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
