#!/usr/bin/python3
"""Which coherence decoheres: the exact Liouvillian rates of an lmgsweep file against the static formulas.

    python3 rates.py FILE.h5 [--gamma-over-J g] [--gamma-phi p] [--N n] [--level k|full] [-o DIR]

Prints a Markdown table, one row per done /decoherence record at (Gamma/J, gamma_phi) (N ascending, levels within):
the exact rho01 rates (slower, faster; frequency), the population mode and the gap beside the formulas gamma G01
(secular), gamma (G01 + J01^2) (pointer, Redfield), gamma G_loc (mean field), 2 gamma J01^2 (degenerate) and
gamma (G01 - J01^2) (leakage), with 2 dE T2 and the regime (secular: 2 dE T2 >= 10; crossover: 1 ... 10; degenerate:
< 1, where rho01 has two real rates and Re rho01 a plateau). Writes into DIR (default: beside FILE)
  <stem>_rates_vs_N.png   rates / (gamma (N m*/2)^2) against N: the exact rho01 and population rates of each level
                          beside G01, G01 + J01^2, 2 J01^2 and G_loc over (N m*/2)^2 (the seed's Figure 3 from the
                          Liouvillian)
  <stem>_traces_N<n>.png  the /traces of (N, Gamma/J, gamma_phi, level), when the file has them
--gamma-over-J / --gamma-phi may be left out when the file has one value; the closest grid value is used (named when
not exact). --N (traces; default the largest N with a done trace) and --level (default full when done, else the
largest k). Records not done are never printed as numbers: they are listed with their status.
Exit 0 when written, 2 when FILE is missing, not an lmgsweep file, or lacks /decoherence.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convergence import closest, default_png, fmt, level_name, level_order, parse_level, status_word  # noqa: E402
from lmgload import DONE, LmgFileError, load  # noqa: E402

FORMULAS = [("rate_secular", "γG01"), ("rate_pointer", "γ(G01+J01²)"), ("rate_mean_field", "γG_loc"),
            ("rate_degenerate", "2γJ01²"), ("rate_leakage", "γ(G01−J01²)")]


def regime(s):
    s = float(s)
    if not np.isfinite(s):
        return "n/a"
    return "secular" if s >= 10 else "crossover" if s >= 1 else "degenerate"


def pick(values, wanted, name, opt, notes):
    values = np.asarray(values, dtype=float)
    if wanted is None:
        if len(values) != 1:
            raise LmgFileError(f"the file has several {name} ({', '.join(f'{v:g}' for v in values)}); choose one with {opt}")
        return 0
    i, exact = closest(values, wanted)
    if not exact:
        notes.append(f"note: {name} = {wanted:g} is not on the file's grid; using the closest, {values[i]:g}")
    return i


def table(run, iG, iP):
    """Rows (N, level, cells...) of the done records, and texts of the others."""
    d, st, c = run["decoherence"], run["status"]["decoherence"].data, run["coords"]
    msg = run["status"].get("decoherence_message")
    rows, other = [], []
    for iN, N in enumerate(c["N"]):
        for iL in level_order(c["level"]):
            s = st[iN, iG, iP, iL]
            name = level_name(c["level"][iL])
            if s != DONE:
                why = str(msg.data[iN, iG, iP, iL]).strip() if msg is not None else ""
                other.append(f"N = {int(N)}, level {name}: {status_word(s)}" + (f" ({why})" if why else ""))
                continue
            v = {k: d[k].data[iN, iG, iP, iL] for k in d}
            rows.append(dict(N=int(N), level=name, r01=v["rate_01"], f01=v["freq_01"], pop=float(v["rate_population"]),
                             gap=float(v["liouvillian_gap"]), f=[float(v[k]) for k, _ in FORMULAS], s=float(v["secular"])))
    return rows, other


def markdown(rows, other, head):
    out = [head, "", "| N | level | 2ΔE·T2 | regime | ρ01 rates (1/s) | ρ01 freq (rad/s) | population | gap | "
           + " | ".join(t for _, t in FORMULAS) + " | ρ01 slow / γG01 |", "|" + "---|" * (10 + len(FORMULAS) - 1)]
    for r in rows:
        out.append(f"| {r['N']} | {r['level']} | {fmt(r['s'])} | {regime(r['s'])} | {fmt(r['r01'][0])}, {fmt(r['r01'][1])} | "
                   f"{fmt(r['f01'][0])} | {fmt(r['pop'])} | {fmt(r['gap'])} | " + " | ".join(fmt(x) for x in r["f"])
                   + f" | {fmt(r['r01'][0] / r['f'][0])} |")
    if other:
        out += ["", "Not done (no numbers): " + "; ".join(other)]
    return "\n".join(out)


def plot_rates(run, rows, iG, gp, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    g = float(run["coords"]["gamma_over_J"][iG])
    ms = np.sqrt(max(0.0, 1 - g * g))
    fig, ax = plt.subplots(figsize=(8, 5.4))
    by = {}
    for r in rows:
        by.setdefault(r["level"], []).append(r)
    ref = max(by.values(), key=len)
    n = np.array([r["N"] for r in ref], dtype=float)
    s = gp * (n * ms / 2) ** 2
    for k, (name, lab) in enumerate(FORMULAS):
        ax.loglog(n, np.array([r["f"][k] for r in ref]) / s, "-", lw=1.2, color=f"C{k}", label=f"{lab} (formula)")
    marks = "os^vDP*X"
    for j, (lev, rs) in enumerate(sorted(by.items(), key=lambda t: (t[0] == "full", int(t[0]) if t[0] != "full" else 0))):
        nn = np.array([r["N"] for r in rs], dtype=float)
        ss = gp * (nn * ms / 2) ** 2
        ax.loglog(nn, np.array([r["r01"][0] for r in rs]) / ss, marks[j % 8], ms=5, mfc="none", color="k",
                  label=f"exact ρ01 (slower), level {lev}")
        ax.loglog(nn, np.array([r["r01"][1] for r in rs]) / ss, marks[j % 8], ms=3, color="0.45",
                  label=f"exact ρ01 (faster), level {lev}")
        ax.loglog(nn, np.array([r["pop"] for r in rs]) / ss, marks[j % 8], ms=4, color="C3", alpha=0.7,
                  label=f"exact population mode, level {lev}")
    ax.set_xlabel("N (atoms)")
    ax.set_ylabel("rate / (γ_φ (N m*/2)²)")
    ax.set_title(f"Liouvillian rates against N, Γ/J = {g:g}, γ_φ = {gp:g} 1/s")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=6, ncol=3, loc="lower left")
    fig.text(0.01, 0.01, "Lines: the static formulas. Open black / grey: the exact decay rates of the slower / faster Liouvillian mode "
             "carrying ρ01 = ⟨E0|ρ|E1⟩;\nred: the mode of the population difference. In the secular regime (2ΔE·T2 ≫ 1) both ρ01 "
             "modes decay at γG01;\nbelow 2ΔE·T2 ~ 1 they become real: the faster follows γ(G01+J01²), the slower falls to the "
             "leakage scale γ(G01−J01²) and below.", fontsize=7, va="bottom")
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_traces(run, iN, iG, iP, iL, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    tr, c = run["traces"], run["coords"]
    t = np.asarray(c["t_over_T2"], dtype=float)
    o = np.argsort(t)
    g = lambda k: np.asarray(tr[k].data[iN, iG, iP, iL], dtype=float)[o]  # noqa: E731
    fig, axs = plt.subplots(1, 2, figsize=(11, 4.6))
    a = axs[0]
    a.plot(t[o], g("trace_P_rho01_re"), label="Re ρ01")
    a.plot(t[o], np.hypot(g("trace_P_rho01_re"), g("trace_P_rho01_im")), "--", label="|ρ01|")
    a.plot(t[o], g("trace_P_rhoPR_re"), label="Re ρ_PR")
    a.plot(t[o], g("trace_P_pointer"), "-.", label="ρ_PP − ρ_RR")
    a.plot(t[o], g("trace_P_doublet"), label="ρ00 + ρ11")
    a.plot(t[o], 0.5 * np.exp(-t[o]), "k:", lw=1, label="½ e^{−t/T2} (secular)")
    a.set_title("ρ(0) = |P⟩⟨P|")
    a = axs[1]
    a.plot(t[o], g("trace_E0_rho00"), label="ρ00")
    a.plot(t[o], g("trace_E0_rho11"), label="ρ11")
    a.plot(t[o], g("trace_E0_doublet"), label="ρ00 + ρ11")
    a.plot(t[o], g("trace_E0_rhoPR_re"), label="Re ρ_PR")
    a.set_title("ρ(0) = |E0⟩⟨E0|")
    for a in axs:
        a.set_xlabel("t / T2   (T2 = 1/(γ_φ G01))")
        a.grid(alpha=0.3)
        a.legend(fontsize=7)
    N, G, gp = int(c["N"][iN]), float(c["gamma_over_J"][iG]), float(c["gamma_phi"][iP])
    s = float(run["decoherence"]["secular"].data[iN, iG, iP, iL]) if "decoherence" in run else np.nan
    fig.suptitle(f"Doublet traces, N = {N}, Γ/J = {G:g}, γ_φ = {gp:g} 1/s, level {level_name(c['level'][iL])}"
                 + (f", 2ΔE·T2 = {s:.3g} ({regime(s)})" if np.isfinite(s) else ""))
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--gamma-over-J", type=float)
    p.add_argument("--gamma-phi", type=float)
    p.add_argument("--N", type=int, help="N of the traces figure (default: the largest with a done trace)")
    p.add_argument("--level", help="level of the traces figure: k or full (default: full when done, else the largest k)")
    p.add_argument("-o", "--outdir")
    args = p.parse_args(argv)
    notes = []
    try:
        run = load(args.file, groups=("spectrum", "decoherence", "traces"))
        if "decoherence" not in run or "decoherence" not in run["status"]:
            raise LmgFileError(f"{args.file}: lacks /decoherence (run lmgsweep with -rates)")
        c = run["coords"]
        iG = pick(c["gamma_over_J"], args.gamma_over_J, "Gamma/J", "--gamma-over-J", notes)
        iP = pick(c["gamma_phi"], args.gamma_phi, "gamma_phi", "--gamma-phi", notes)
        gp = float(c["gamma_phi"][iP])
        rows, other = table(run, iG, iP)
        head = f"Exact Liouvillian rates against the formulas, Γ/J = {float(c['gamma_over_J'][iG]):g}, γ_φ = {gp:g} 1/s (rates in 1/s):"
        print(markdown(rows, other, head))
        outdir = args.outdir or os.path.dirname(os.path.abspath(args.file))
        os.makedirs(outdir, exist_ok=True)
        stem = os.path.splitext(os.path.basename(args.file))[0]
        if rows and gp > 0:
            out = os.path.join(outdir, f"{stem}_rates_vs_N.png")
            plot_rates(run, rows, iG, gp, out)
            print(f"wrote {out}")
        else:
            notes.append("no figure of rates: no done /decoherence record at this (Gamma/J, gamma_phi)")
        if "traces" in run and "traces" in run["status"]:
            st = run["status"]["traces"].data[:, iG, iP, :]
            levels = np.asarray(c["level"])
            if args.level is not None:
                want = parse_level(args.level)
                if want not in [int(k) for k in levels]:
                    raise LmgFileError(f"level {args.level} not in the file (levels: {', '.join(map(level_name, levels))})")
                cand = [int(list(map(int, levels)).index(want))]
            else:
                cand = level_order(levels)[::-1]
            Ns = list(range(len(c["N"]))) if args.N is None else [i for i, n in enumerate(c["N"]) if int(n) == args.N]
            if args.N is not None and not Ns:
                raise LmgFileError(f"no N = {args.N} in the file")
            hit = next(((iN, iL) for iL in cand for iN in sorted(Ns, reverse=True) if st[iN, iL] == DONE), None)
            if hit:
                out = os.path.join(outdir, f"{stem}_traces_N{int(c['N'][hit[0]])}.png")
                plot_traces(run, hit[0], iG, iP, hit[1], out)
                print(f"wrote {out}")
            else:
                notes.append("no figure of traces: no done /traces record at this (Gamma/J, gamma_phi)" + (f", N = {args.N}" if args.N else ""))
    except (LmgFileError, OSError) as e:
        print(f"rates: error: {e}", file=sys.stderr)
        return 2
    for n in notes:
        print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
