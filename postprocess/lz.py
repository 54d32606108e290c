#!/usr/bin/python3
"""The Landau-Zener sweep of an lmgsweep file: quantum tunnelling of each model against the classical noisy spin.

    python3 lz.py FILE.h5 [--N n] [--gamma-over-J g] [-o DIR]

Prints a Markdown table per gamma_phi at (N, Gamma/J): for each t_q/t_LZ the P_error of every level (k ascending, full
last), the classical foil P_error_classical +- its standard error, and P_LZ = exp(-t_q/t_LZ). Writes into DIR (default:
beside FILE)
  <stem>_lz_N<n>.png   P_error against t_q/t_LZ (log axis) for each level, the classical foil and P_LZ, one panel per
                       gamma_phi: whether the separation of quantum tunnelling (P_error falling with t_q) from the frozen
                       classical spin (P_error ~ 1) survives the full Dicke space and the dephasing.
--N defaults to the largest N with a done /landau_zener record, --gamma-over-J to the file's only value (else required;
the closest grid value is used and named when not exact). Records not done are never printed as numbers: the table
gives their status. Exit 0 when written, 2 when FILE is missing, not an lmgsweep file, or lacks /landau_zener.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convergence import closest, default_png, fmt, level_name, level_order, status_word  # noqa: E402
from lmgload import DONE, LmgFileError, load  # noqa: E402


def point(run, N=None, g=None):
    """(iN, iG, notes): the report point; N defaults to the largest with a done quantum record."""
    c, st = run["coords"], run["status"]["landau_zener"].data
    notes = []
    if g is None:
        if len(c["gamma_over_J"]) != 1:
            raise ValueError(f"--gamma-over-J is needed: the file has Gamma/J = {', '.join(f'{x:g}' for x in c['gamma_over_J'])}")
        iG = 0
    else:
        iG, exact = closest(c["gamma_over_J"], g)
        if not exact:
            notes.append(f"Gamma/J = {c['gamma_over_J'][iG]:g}, the grid value nearest {g:g}")
    if N is None:
        done = [i for i in range(len(c["N"])) if (st[i, iG] == DONE).any()]
        if not done:
            raise ValueError(f"no done /landau_zener record at Gamma/J = {c['gamma_over_J'][iG]:g}")
        iN = done[-1]
    else:
        hit = np.nonzero(np.asarray(c["N"]) == N)[0]
        if not len(hit):
            raise ValueError(f"N = {N} is not on the grid (N = {', '.join(str(int(n)) for n in c['N'])})")
        iN = int(hit[0])
    return iN, iG, notes


def value(run, name, kind, idx):
    """The value, or the status word of a record not done."""
    st = run["status"][kind].data[idx]
    return fmt(run["landau_zener"][name].data[idx]) if st == DONE else status_word(st)


def table(run, iN, iG):
    """{gamma_phi: [[t_q/t_LZ, P_error per level (level_order), classical, P_LZ], ...]} as text cells."""
    c = run["coords"]
    order = level_order(c["level"])
    out = {}
    for ip, gp in enumerate(c["gamma_phi"]):
        rows = []
        for it, tq in enumerate(c["tq_over_tLZ"]):
            row = [f"{tq:g}"] + [value(run, "P_error", "landau_zener", (iN, iG, ip, iL, it)) for iL in order]
            cst = run["status"]["lz_classical"].data[iN, iG, ip, it]
            if cst == DONE:
                lz = run["landau_zener"]
                row.append(f"{fmt(lz['P_error_classical'].data[iN, iG, ip, it])} ± {lz['P_error_classical_stderr'].data[iN, iG, ip, it]:.2g}")
            else:
                row.append(status_word(cst))
            row.append(fmt(np.exp(-tq)))
            rows.append(row)
        out[float(gp)] = rows
    return out


def scales_text(run, iN, iG):
    lz, st = run["landau_zener"], run["status"]["lz_scales"].data[iN, iG]
    c = run["coords"]
    head = f"N = {int(c['N'][iN])}, Gamma/J = {c['gamma_over_J'][iG]:g}"
    if st != DONE:
        return head + f" (scales {status_word(st)})"
    return head + (f", b = h0 J01/dE = {fmt(lz['b'].data[iN, iG])}, t_LZ = {fmt(lz['t_LZ'].data[iN, iG])} s, "
                   f"h0 = {fmt(lz['h0'].data[iN, iG])} rad/s (h_sp = {fmt(lz['h_sp'].data[iN, iG])})")


def markdown(run, iN, iG):
    c = run["coords"]
    names = [level_name(c["level"][i]) for i in level_order(c["level"])]
    L = [f"Landau-Zener sweep at {scales_text(run, iN, iG)}: P_error = weight left in the starting well"]
    for gp, rows in table(run, iN, iG).items():
        L += ["", f"gamma_phi = {gp:g} 1/s", "",
              "| t_q/t_LZ | " + " | ".join(f"k={n}" if n != "full" else "full" for n in names) + " | classical | P_LZ |",
              "|---" * (len(names) + 3) + "|"]
        L += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(L)


def plot(run, iN, iG, png):
    """P_error against t_q/t_LZ per level, the classical foil and P_LZ; one panel per gamma_phi."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    c, lz, st = run["coords"], run["landau_zener"], run["status"]
    tq = np.asarray(c["tq_over_tLZ"], dtype=float)
    order = level_order(c["level"])
    ng = len(c["gamma_phi"])
    fig, axes = plt.subplots(1, ng, figsize=(5.2 * ng, 4.2), squeeze=False, sharey=True)
    x = np.geomspace(tq.min(), tq.max(), 200) if len(tq) > 1 else tq
    for ip, ax in enumerate(axes[0]):
        for j, iL in enumerate(order):
            ok = st["landau_zener"].data[iN, iG, ip, iL, :] == DONE
            if ok.any():
                full = int(c["level"][iL]) == 0
                ax.plot(tq[ok], lz["P_error"].data[iN, iG, ip, iL, ok], "o-" if full else "s--", ms=4, lw=2 if full else 1,
                        color="k" if full else plt.cm.viridis(j / max(1, len(order) - 1)),
                        label="full" if full else f"k = {level_name(c['level'][iL])}")
        ok = st["lz_classical"].data[iN, iG, ip, :] == DONE
        if ok.any():
            ax.errorbar(tq[ok], lz["P_error_classical"].data[iN, iG, ip, ok], yerr=lz["P_error_classical_stderr"].data[iN, iG, ip, ok],
                        fmt="^:", color="tab:red", ms=5, capsize=3, label="classical spin")
        ax.plot(x, np.exp(-x), "-", color="0.6", lw=1, label="P_LZ = exp(-t_q/t_LZ)")
        ax.set_xscale("log")
        ax.set_ylim(-0.03, 1.05)
        ax.set_xlabel("t_q / t_LZ")
        ax.set_title(f"gamma_phi = {c['gamma_phi'][ip]:g} 1/s")
        ax.grid(alpha=0.3)
        if ip == 0:
            ax.set_ylabel("P_error (starting well at t_q)")
            ax.legend(fontsize=8)
    fig.suptitle(scales_text(run, iN, iG), fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--N", type=int)
    p.add_argument("--gamma-over-J", type=float)
    p.add_argument("-o", "--outdir")
    a = p.parse_args(argv)
    try:
        run = load(a.file)
    except (LmgFileError, OSError) as e:
        print(f"lz.py: {e}", file=sys.stderr)
        return 2
    if "landau_zener" not in run or "landau_zener" not in run.get("status", {}):
        print(f"lz.py: {a.file} has no /landau_zener records (run lmgsweep with -lz_tq)", file=sys.stderr)
        return 2
    try:
        iN, iG, notes = point(run, a.N, a.gamma_over_J)
    except ValueError as e:
        print(f"lz.py: {e}", file=sys.stderr)
        return 2
    png = default_png(a.file, f"lz_N{int(run['coords']['N'][iN])}")
    if a.outdir:
        os.makedirs(a.outdir, exist_ok=True)
        png = os.path.join(a.outdir, os.path.basename(png))
    plot(run, iN, iG, png)
    for n in notes:
        print(f"note: {n}")
    print(markdown(run, iN, iG))
    print(f"\nwrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
