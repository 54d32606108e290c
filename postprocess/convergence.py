#!/usr/bin/python3
"""Level-convergence table and plot of K3_opt and the dephasing threshold gamma_c from an lmgsweep file.

    python3 convergence.py FILE.h5 [--gamma-phi 0.05] [-o PNG] [--N n] [--gamma-over-J g]

For each (N, Gamma/J) in the file (or the chosen one) one table, one row per level (k ascending, `full` last):
level, K3_opt at the file's gamma_phi closest to --gamma-phi (/dynamics/K3_opt; the one used is named when it is not
exact) and the numerical threshold gamma_c of the level (/threshold/gamma_c, 1/s); once per table the closed forms
gamma_c_A (mean field) and gamma_c_B (secular two-level). Records not done print 'failed' (the engine's message goes in
the notes at the end of the row) or 'pending'; a value that is missing prints 'n/a', never a NaN.

The PNG (default: <FILE stem>_convergence.png beside FILE) has two panels, K3_opt and gamma_c against the level (log k
axis, `full` at the right end), one curve per (N, Gamma/J); the closed forms A (dashed) and B (dotted) are horizontal
lines (for K3_opt: q01^2 (e^-x + e^-2x / 2), x = gamma_phi G pi/(3 dE), G = G_loc or G01, from /spectrum when done),
and the seed paper's five-level claims (K3 = 1.32, gamma_c = 0.289 1/s) are marked as reference points.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lmgload import DONE, STATUS_NAMES, LmgFileError, load  # noqa: E402

SEED_LEVEL, SEED_K3, SEED_GAMMA_C = 5, 1.32, 0.289  # the seed paper's five-level claims (N = 370, Gamma/J = 0.95)
WIDTH = 14


def fmt(x):
    """A number as text; NaN / inf -> 'n/a'."""
    x = float(x)
    return f"{x:.6g}" if np.isfinite(x) else "n/a"


def level_name(k):
    return "full" if int(k) == 0 else str(int(k))


def level_order(levels):
    """Indices of the level axis sorted k ascending, full (0) last."""
    return sorted(range(len(levels)), key=lambda i: (int(levels[i]) == 0, int(levels[i])))


def parse_level(s):
    s = s.strip().lower()
    if s == "full":
        return 0
    try:
        k = int(s)
    except ValueError:
        raise LmgFileError(f"bad level {s!r} (an integer k >= 2 or 'full')") from None
    return k


def closest(values, target):
    """(index of the value closest to target, whether it equals target)."""
    values = np.asarray(values, dtype=float)
    i = int(np.argmin(np.abs(values - target)))
    return i, bool(np.isclose(values[i], target, rtol=1e-9, atol=1e-300))


def select(values, wanted, name, exact_int=False):
    """Indices of the axis to use: all, or the one equal to wanted (LmgFileError when absent)."""
    if wanted is None:
        return list(range(len(values)))
    vals = np.asarray(values)
    hit = np.nonzero(vals == wanted if exact_int else np.isclose(vals.astype(float), wanted, rtol=1e-9, atol=0))[0]
    if not len(hit):
        raise LmgFileError(f"no {name} = {wanted:g} in the file ({name}: {', '.join(f'{v:g}' for v in vals)})")
    return [int(hit[0])]


def status_word(st):
    return STATUS_NAMES.get(int(st), f"status={int(st)}")


def message(run, group, idx):
    m = run["status"].get(f"{group}_message")
    return str(m.data[idx]).strip() if m is not None else ""


def first_finite(a):
    a = np.asarray(a, dtype=float).ravel()
    a = a[np.isfinite(a)]
    return float(a[0]) if a.size else np.nan


def closed_form_k3_opt(q01, dE, G, gamma_phi):
    """K3 at tau_opt = pi/(3 dE) for C(tau) = q01^2 e^{-gamma_phi G tau} cos(dE tau) (levels A and B)."""
    x = gamma_phi * G * np.pi / (3.0 * dE)
    return q01 ** 2 * (np.exp(-x) + 0.5 * np.exp(-2.0 * x))


def check(run, path):
    """LmgFileError naming what the file lacks for this script."""
    if "dynamics" not in run:
        raise LmgFileError(f"{path}: lacks /dynamics (no Lindblad dynamics in this file)")
    missing = [] if "K3_opt" in run["dynamics"] else ["/dynamics/K3_opt"]
    missing += [f"/grid/{k}" for k in ("N", "gamma_over_J", "gamma_phi", "level") if k not in run["coords"]]
    if "dynamics" not in run.get("status", {}):
        missing.append("/status/dynamics")
    if not missing and len(run["coords"]["gamma_phi"]) == 0:
        missing.append("values in /grid/gamma_phi")
    if missing:
        raise LmgFileError(f"{path}: lacks {', '.join(missing)}")


def collect(run, ip, N=None, gamma_over_J=None):
    """One dict per (N, Gamma/J): values, closed forms and cell texts of the levels (in table order)."""
    c = run["coords"]
    levels = np.asarray(c["level"])
    order = level_order(levels)
    gp = float(c["gamma_phi"][ip])
    dyn_st = run["status"]["dynamics"].data
    k3 = run["dynamics"]["K3_opt"].data
    th = run.get("threshold", {})
    th_st = run["status"].get("threshold")
    has_th = "gamma_c" in th and th_st is not None
    sp = run.get("spectrum", {})
    sp_st = run["status"].get("spectrum")
    out = []
    for iN in select(c["N"], N, "N", exact_int=True):
        for iG in select(c["gamma_over_J"], gamma_over_J, "Gamma/J"):
            rec = dict(N=int(c["N"][iN]), G=float(c["gamma_over_J"][iG]), levels=[int(levels[i]) for i in order],
                       K3=[], gamma_c=[], rows=[], A=np.nan, B=np.nan, K3_A=np.nan, K3_B=np.nan)
            if has_th:
                for name, key in (("gamma_c_A", "A"), ("gamma_c_B", "B")):
                    if name in th:  # closed forms: level-independent, taken from any threshold record done
                        rec[key] = first_finite(th[name].data[iN, iG, :])
            if sp_st is not None and all(k in sp for k in ("q01", "dE", "G_loc", "G01")) \
                    and int(sp_st.data[iN, iG]) == DONE:
                q01, dE = sp["q01"].data[iN, iG], sp["dE"].data[iN, iG]
                if np.isfinite(dE) and dE > 0:
                    rec["K3_A"] = closed_form_k3_opt(q01, dE, sp["G_loc"].data[iN, iG], gp)
                    rec["K3_B"] = closed_form_k3_opt(q01, dE, sp["G01"].data[iN, iG], gp)
            for iL in order:
                notes = []
                st = int(dyn_st[iN, iG, ip, iL])
                if st == DONE:
                    v = float(k3[iN, iG, ip, iL])
                    cell_k3 = fmt(v)
                else:
                    v, cell_k3 = np.nan, status_word(st)
                    msg = message(run, "dynamics", (iN, iG, ip, iL))
                    if cell_k3 in ("failed", "skipped") and msg:
                        notes.append(f"K3_opt: {msg}")
                if not has_th:
                    gc, cell_gc = np.nan, "n/a"
                else:
                    st = int(th_st.data[iN, iG, iL])
                    msg = message(run, "threshold", (iN, iG, iL))
                    if st == DONE:
                        gc = float(th["gamma_c"].data[iN, iG, iL])
                        cell_gc = fmt(gc)
                        if not np.isfinite(gc):
                            notes.append("gamma_c not computed" + (f": {msg}" if msg else ""))
                    else:
                        gc, cell_gc = np.nan, status_word(st)
                        if cell_gc in ("failed", "skipped") and msg:
                            notes.append(f"gamma_c: {msg}")
                rec["K3"].append(v)
                rec["gamma_c"].append(gc)
                rec["rows"].append([level_name(levels[iL]), cell_k3, cell_gc, "; ".join(notes)])
            out.append(rec)
    return out


def render(run, recs, ip, requested, path=""):
    """The tables as text."""
    a, gp = run["attrs"], float(run["coords"]["gamma_phi"][ip])
    _, exact = closest(run["coords"]["gamma_phi"], requested)
    lines = [f"# Level convergence from {path} (lmgsweep {a.get('version', '?')}): J = {a.get('J', '?')} rad/s; "
             f"K3_opt at gamma_phi = {gp:g} 1/s; gamma_c in 1/s"]
    if not exact:
        lines.append(f"# note: gamma_phi = {requested:g} 1/s is not on the file's grid; using the closest, {gp:g} 1/s")
    if "threshold" not in run.get("status", {}) or "gamma_c" not in run.get("threshold", {}):
        lines.append("# note: the file has no /threshold records (gamma_c not computed)")
    if not a.get("finished"):
        lines.append("# note: the run did not finish cleanly (records may be pending)")
    for r in recs:
        lines += ["", f"N = {r['N']}, Gamma/J = {r['G']:g}",
                  f"closed forms: gamma_c_A = {fmt(r['A'])} 1/s, gamma_c_B = {fmt(r['B'])} 1/s",
                  "".join(h.rjust(WIDTH) for h in ("level", "K3_opt", "gamma_c")) + "  notes"]
        for row in r["rows"]:
            lines.append("".join(x.rjust(WIDTH) for x in row[:3]) + (f"  {row[3]}" if row[3] else ""))
    return "\n".join(lines)


def positions(levels):
    """x of each level on a log axis: k itself, full at the right end."""
    ks = [k for k in levels if k != 0]
    right = 2.0 * max(ks + [SEED_LEVEL])
    return [float(k) if k != 0 else right for k in levels]


def plot(recs, gp, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullLocator

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    ticks = {}
    for n, r in enumerate(recs):
        col = colors[n % len(colors)]
        x = positions(r["levels"])
        ticks.update({xi: level_name(k) for xi, k in zip(x, r["levels"])})
        lab = f"N = {r['N']}, Γ/J = {r['G']:g}"
        for ax, y, A, B in ((ax1, r["K3"], r["K3_A"], r["K3_B"]), (ax2, r["gamma_c"], r["A"], r["B"])):
            ax.plot(x, y, "o-", color=col, label=lab)
            if np.isfinite(A):
                ax.axhline(A, color=col, ls="--", lw=1)
            if np.isfinite(B):
                ax.axhline(B, color=col, ls=":", lw=1.3)
    ax1.axhline(1.0, color="0.5", lw=0.8)
    seed = "seed paper, five-level (N = 370, Γ/J = 0.95)"
    ax1.plot([SEED_LEVEL], [SEED_K3], "k*", ms=13, ls="none", label=f"{seed}: K3 = {SEED_K3}")
    ax2.plot([SEED_LEVEL], [SEED_GAMMA_C], "k*", ms=13, ls="none", label=f"{seed}: γ_c = {SEED_GAMMA_C} 1/s")
    proxies = [Line2D([], [], color="k", ls="--", lw=1, label="closed form A (mean field)"),
               Line2D([], [], color="k", ls=":", lw=1.3, label="closed form B (secular two-level)")]
    ticks.setdefault(float(SEED_LEVEL), str(SEED_LEVEL))
    for ax, ylab, title in ((ax1, "K3_opt", f"K3 at τ_opt, γ_φ = {gp:g} 1/s"),
                            (ax2, "γ_c  (1/s)", "dephasing threshold γ_c")):
        ax.set_xscale("log")
        xs = sorted(ticks)
        ax.set_xticks(xs)
        ax.set_xticklabels([ticks[x] for x in xs])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("level k")
        ax.set_ylabel(ylab)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        h, l = ax.get_legend_handles_labels()
        ax.legend(h + proxies, l + [p.get_label() for p in proxies], fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def default_png(path, suffix):
    stem = os.path.splitext(os.path.basename(path))[0]
    return os.path.join(os.path.dirname(os.path.abspath(path)), f"{stem}_{suffix}.png")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--gamma-phi", type=float, default=0.05,
                   help="dephasing rate gamma_phi in 1/s for K3_opt; the closest on the file's grid is used (default 0.05)")
    p.add_argument("-o", "--output", help="PNG to write (default: <FILE stem>_convergence.png beside FILE)")
    p.add_argument("--N", type=int, help="only this atom number")
    p.add_argument("--gamma-over-J", type=float, help="only this Gamma/J")
    args = p.parse_args(argv)
    try:
        if not args.gamma_phi >= 0:
            raise LmgFileError(f"--gamma-phi must be >= 0 (got {args.gamma_phi})")
        run = load(args.file, groups=("dynamics", "threshold", "spectrum"))
        check(run, args.file)
        ip, _ = closest(run["coords"]["gamma_phi"], args.gamma_phi)
        recs = collect(run, ip, args.N, args.gamma_over_J)
        text = render(run, recs, ip, args.gamma_phi, args.file)
        out = args.output or default_png(args.file, "convergence")
        plot(recs, float(run["coords"]["gamma_phi"][ip]), out)
    except (LmgFileError, OSError) as e:
        print(f"convergence: error: {e}", file=sys.stderr)
        return 2
    print(text)
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
