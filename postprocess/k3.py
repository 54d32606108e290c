#!/usr/bin/python3
"""Plot the Leggett-Garg K3(tau) curves of one (N, Gamma/J) from an lmgsweep file.

    python3 k3.py FILE.h5 [--N n] [--gamma-over-J g] [--levels 2,5,full] [--gamma-phi 0.05,0.1] [-o PNG]

x: tau/tau_opt (/grid/tau_over_tau_opt), y: /dynamics/K3; one curve per (level, gamma_phi) whose record is done, with the
macrorealist bound K3 = 1. --N / --gamma-over-J may be left out when the file has a single value. --levels (k or 'full')
and --gamma-phi (1/s; the closest grid value is used, and named when not exact) restrict the curves; default: all.
Records not done are skipped and listed on stdout. Default PNG: <FILE stem>_k3_N<n>_G<g>.png beside FILE.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convergence import closest, default_png, level_name, level_order, message, parse_level, select, status_word  # noqa: E402
from lmgload import DONE, LmgFileError, load  # noqa: E402


def items(values):
    """['2,5', 'full'] -> ['2', '5', 'full']."""
    return [s for v in values for s in v.split(",") if s.strip()]


def one(values, wanted, name, opt, exact_int=False):
    """The single index of the axis to use (the file's only value when wanted is None)."""
    if wanted is None:
        if len(values) != 1:
            raise LmgFileError(f"the file has several {name} ({', '.join(f'{v:g}' for v in values)}); choose one with {opt}")
        return 0
    return select(values, wanted, name, exact_int)[0]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--N", type=int, help="atom number (needed when the file has several)")
    p.add_argument("--gamma-over-J", type=float, help="Gamma/J (needed when the file has several)")
    p.add_argument("--levels", nargs="+", help="levels to plot: k and/or full, comma- or space-separated (default all)")
    p.add_argument("--gamma-phi", nargs="+", help="gamma_phi values in 1/s, comma- or space-separated (default all)")
    p.add_argument("-o", "--output", help="PNG to write (default: <FILE stem>_k3_N<n>_G<g>.png beside FILE)")
    args = p.parse_args(argv)
    notes = []
    try:
        run = load(args.file, groups=("dynamics",))
        if "dynamics" not in run:
            raise LmgFileError(f"{args.file}: lacks /dynamics (no Lindblad dynamics in this file)")
        c = run["coords"]
        missing = [] if "K3" in run["dynamics"] else ["/dynamics/K3"]
        missing += [f"/grid/{k}" for k in ("N", "gamma_over_J", "gamma_phi", "level", "tau_over_tau_opt") if k not in c]
        if "dynamics" not in run["status"]:
            missing.append("/status/dynamics")
        if missing:
            raise LmgFileError(f"{args.file}: lacks {', '.join(missing)}")
        iN = one(c["N"], args.N, "N", "--N", exact_int=True)
        iG = one(c["gamma_over_J"], args.gamma_over_J, "Gamma/J", "--gamma-over-J")
        levels = np.asarray(c["level"])
        iLs = level_order(levels)
        if args.levels:
            want = [parse_level(s) for s in items(args.levels)]
            absent = [level_name(k) for k in want if k not in levels]
            if absent:
                raise LmgFileError(f"level {', '.join(absent)} not in the file (levels: "
                                   f"{', '.join(level_name(levels[i]) for i in iLs)})")
            iLs = [i for i in iLs if int(levels[i]) in want]
        gps = np.asarray(c["gamma_phi"], dtype=float)
        iPs = list(range(len(gps)))
        if args.gamma_phi:
            iPs = []
            for s in items(args.gamma_phi):
                try:
                    g = float(s)
                except ValueError:
                    raise LmgFileError(f"bad --gamma-phi value {s!r}") from None
                i, exact = closest(gps, g)
                if not exact:
                    notes.append(f"note: gamma_phi = {g:g} 1/s is not on the file's grid; using the closest, {gps[i]:g} 1/s")
                if i not in iPs:
                    iPs.append(i)
        N, G = int(c["N"][iN]), float(c["gamma_over_J"][iG])
        x = np.asarray(c["tau_over_tau_opt"], dtype=float)
        st, K3 = run["status"]["dynamics"].data, run["dynamics"]["K3"].data
        curves, skipped = [], []
        for n, iL in enumerate(iLs):
            for m, iP in enumerate(iPs):
                idx = (iN, iG, iP, iL)
                what = f"level {level_name(levels[iL])}, gamma_phi = {gps[iP]:g} 1/s"
                if int(st[idx]) != DONE:
                    word = status_word(st[idx])
                    msg = message(run, "dynamics", idx) if word in ("failed", "skipped") else ""
                    skipped.append(f"skipped {what}: {word}" + (f": {msg}" if msg else ""))
                    continue
                curves.append((n, m, iL, iP, K3[idx]))
        out = args.output or default_png(args.file, f"k3_N{N}_G{G:g}")

        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 5.6))
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        styles = ["-", "--", ":", "-."]
        for n, m, iL, iP, y in curves:
            ax.plot(x, y, color=colors[n % len(colors)], ls=styles[m % len(styles)],
                    label=f"level {level_name(levels[iL])}, γ_φ = {gps[iP]:g} 1/s")
        ax.axhline(1.0, color="k", lw=1, label="K3 = 1 (macrorealist bound)")
        ax.axvline(1.0, color="0.6", lw=0.8, ls=":")
        ax.set_xlabel("τ / τ_opt   (τ_opt = π/(3ΔE))")
        ax.set_ylabel("K3(τ)")
        ax.set_title(f"Leggett–Garg K3, N = {N}, Γ/J = {G:g}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        fig.text(0.01, 0.01, "K3(τ) = C(0,τ) + C(τ,2τ) − C(0,2τ) of Q = sign(Jz), measured at 0, τ, 2τ from ρ(0) = |E0⟩⟨E0| under "
                 "collective dephasing γ_φ;\nK3 > 1 (above the black line) is forbidden to a macrorealist. Level k: the k lowest "
                 "eigenstates of H; full: the whole Dicke space.\nThe fast ripple of the higher levels is their beating with the "
                 "excited doublets (and, in the full space, intrawell motion).", fontsize=7, va="bottom")
        fig.tight_layout(rect=(0, 0.09, 1, 1))
        fig.savefig(out, dpi=110)
        plt.close(fig)
    except (LmgFileError, OSError) as e:
        print(f"k3: error: {e}", file=sys.stderr)
        return 2
    for line in notes + skipped:
        print(line)
    print(f"N = {N}, Gamma/J = {G:g}: {len(curves)} curve(s) plotted, {len(skipped)} record(s) skipped (not done)")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
