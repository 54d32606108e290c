#!/usr/bin/python3
"""Figures and a short Markdown summary (report.md) of one lmgsweep file.

    python3 report.py FILE.h5 [-o DIR] [--N 370] [--gamma-over-J 0.95] [--tol 0.005] [--gamma-phi 0.05] [--level 5]

Writes into DIR (default: the directory of FILE) report.md and, each only when the file has the data for it:
  fig1_eta_vs_N.png        eta_MF = G_loc/G01 against N at Gamma/J (log N), the eta = 2 line and the crossover N
                           where eta_MF crosses 2 (linear interpolation in log N between the neighbouring done N)
  fig2_eta_vs_ratio.png    eta_MF against Gamma/J at N, its peak (grid maximum and the vertex of the parabola
                           through it and its two neighbours)
  fig3_fluct_vs_N.png      G_loc, 2 J01^2 and G01 divided by (N m*/2)^2, m* = sqrt(1 - (Gamma/J)^2), against N
  fig4_convergence.png     K3_opt and gamma_c against the level at (N, Gamma/J) (convergence.py's figure)
  fig5_k3_tau.png          K3(tau/tau_opt) at (N, Gamma/J) (k3.py's figure)
  fig6_threshold_map.png   K3_opt over N x gamma_phi at Gamma/J and one level, with the K3 = 1 contour and gamma_c
                           of that level on it; beside it gamma_c against N for every level and the closed forms A, B
  fig7_rates_vs_N.png      the exact Liouvillian rates of rho01 and of the population difference over
                           gamma_phi (N m*/2)^2 against N at Gamma/J and gamma_phi, beside the static formulas
                           (rates.py's figure; its table goes into report.md)
  fig8_traces.png          the doublet's time traces at (N, Gamma/J, gamma_phi), level full when done, else the largest k
  fig9_landau_zener.png    the Landau-Zener sweep at (N, Gamma/J): P_error against t_q/t_LZ for every level, the
                           classical foil and P_LZ, one panel per gamma_phi (lz.py's figure; its table goes into report.md)
The report point: N must be on the grid (figures 2, 4, 5); Gamma/J is the grid value nearest to --gamma-over-J within
--tol (figures 1, 3-6; named when not exact). A figure the file lacks data for is skipped, and report.md and stderr say
what it needs and what the file has. Records not done (failed, pending) are never printed as numbers.
Exit 0 when the report was written, 2 when FILE is missing or not an lmgsweep file (one line on stderr).
"""
import argparse
import contextlib
import io
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convergence  # noqa: E402
import k3  # noqa: E402
import lz  # noqa: E402
import rates  # noqa: E402
import table3  # noqa: E402
from lmgload import DONE, FAILED, PENDING, SKIPPED, STATUS_NAMES, LmgFileError, load, reasons  # noqa: E402

FIGS = {1: "fig1_eta_vs_N.png", 2: "fig2_eta_vs_ratio.png", 3: "fig3_fluct_vs_N.png", 4: "fig4_convergence.png",
        5: "fig5_k3_tau.png", 6: "fig6_threshold_map.png", 7: "fig7_rates_vs_N.png", 8: "fig8_traces.png",
        9: "fig9_landau_zener.png"}
ETA_CROSS = 2.0
MAX_FAILURES = 5  # failure messages listed per kind in report.md


class Lacks(Exception):
    """What the file lacks for one figure (the whole message, e.g. 'figure 1 needs ...; file has ...')."""


def fmt(x, digits=6):
    """A number as text; NaN / inf -> 'n/a'."""
    x = float(x)
    return f"{x:.{digits}g}" if np.isfinite(x) else "n/a"


def fmt_list(values, most=8):
    """'[0.9, 0.95]'; long lists abbreviated to their ends and the count."""
    v = [f"{float(x):g}" for x in values]
    if len(v) > most:
        v = v[:most // 2] + ["..."] + v[-(most // 2):] + [f"({len(values)} values)"]
    return "[" + ", ".join(v) + "]"


# ---------------------------------------------------------------- the numbers behind the figures (pure functions)

def crossings(n, y, level=ETA_CROSS):
    """Where y(n) crosses level, interpolated linearly in log n between neighbouring finite points (n sorted first).
    Returns dicts N (the crossing), lo, hi (the bracketing n), direction ('up'/'down'/'touch')."""
    n, y = np.asarray(n, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(n) & np.isfinite(y) & (n > 0)
    order = np.argsort(n[ok])
    n, d = n[ok][order], y[ok][order] - level
    out = []
    for i in range(len(n)):
        if d[i] == 0:
            out.append(dict(N=float(n[i]), lo=float(n[i]), hi=float(n[i]), direction="touch"))
        elif i + 1 < len(n) and d[i] * d[i + 1] < 0:
            t = d[i] / (d[i] - d[i + 1])
            nc = float(np.exp(np.log(n[i]) + t * (np.log(n[i + 1]) - np.log(n[i]))))
            out.append(dict(N=nc, lo=float(n[i]), hi=float(n[i + 1]), direction="up" if d[i] < 0 else "down"))
    return out


def peak(x, y):
    """The maximum of y(x) over finite points: dict x, y (grid maximum), interior (not at an end of the finite
    points), and xv, yv: the vertex of the parabola through the maximum and its two neighbours (NaN at an end)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    order = np.argsort(x[ok])
    x, y = x[ok][order], y[ok][order]
    i = int(np.argmax(y))
    res = dict(x=float(x[i]), y=float(y[i]), interior=0 < i < len(x) - 1, xv=np.nan, yv=np.nan)
    if res["interior"]:
        h0, h2 = x[i - 1] - x[i], x[i + 1] - x[i]
        d0, d2 = y[i - 1] - y[i], y[i + 1] - y[i]
        a = (d0 / h0 - d2 / h2) / (h0 - h2)  # y = y_i + b t + a t^2, t = x - x_i
        b = d0 / h0 - a * h0
        if a < 0:
            res["xv"], res["yv"] = float(x[i] - b / (2 * a)), float(y[i] - b * b / (4 * a))
    return res


def edges(v, log):
    """Cell edges around sorted centres v: midpoints (geometric when log), the end cells mirrored."""
    v = np.asarray(v, dtype=float)
    w = np.log(v) if log else v
    mid = (w[1:] + w[:-1]) / 2
    e = np.concatenate([[w[0] - (mid[0] - w[0])], mid, [w[-1] + (w[-1] - mid[-1])]])
    return np.exp(e) if log else e


def m_star(g):
    """Mean-field magnetisation m* = sqrt(1 - (Gamma/J)^2) for Gamma/J < 1, else 0 (README (What is computed, §2))."""
    g = np.asarray(g, dtype=float)
    return np.sqrt(np.clip(1.0 - g * g, 0.0, None))


# ---------------------------------------------------------------- context: the file and the report point

class Context:
    """The loaded run, the report point and the output places."""

    def __init__(self, run, path, outdir, args):
        self.run, self.path, self.outdir, self.args = run, path, outdir, args
        c = run["coords"]
        self.N = np.asarray(c.get("N", []))
        self.G = np.asarray(c.get("gamma_over_J", []), dtype=float)
        self.iN = None
        hit = np.nonzero(self.N == args.N)[0] if len(self.N) else []
        if len(hit):
            self.iN = int(hit[0])
        self.iG = None
        if len(self.G):
            i = int(np.argmin(np.abs(self.G - args.gamma_over_J)))
            if abs(self.G[i] - args.gamma_over_J) <= args.tol:
                self.iG = i
        self.notes = []

    @property
    def g0(self):
        return float(self.G[self.iG])

    def ratio_text(self):
        """'Gamma/J = 0.95' or 'Gamma/J = 0.9491 (the grid value nearest 0.95)'."""
        if np.isclose(self.g0, self.args.gamma_over_J, rtol=1e-9, atol=0):
            return f"Gamma/J = {self.g0:g}"
        a = self.args
        return f"Gamma/J = {self.g0:.6g} (the grid value nearest {a.gamma_over_J:g}, tolerance {a.tol:g})"

    def need_ratio(self, fig, what, count=""):
        if self.iG is None:
            raise Lacks(f"figure {fig} needs {what} at Gamma/J = {self.args.gamma_over_J:g}{count}; file has Gamma/J = "
                        f"{fmt_list(self.G)} (none within {self.args.tol:g}; choose one with --gamma-over-J)")

    def need_N(self, fig, what, count=""):
        if self.iN is None:
            raise Lacks(f"figure {fig} needs {what} at N = {self.args.N}{count}; file has N = {fmt_list(self.N)} "
                        f"(choose one with --N)")

    def group(self, name):
        return self.run.get(name, {})

    def status(self, kind):
        st = self.run.get("status", {}).get(kind)
        return None if st is None else st.data

    def need_vars(self, fig, group, names, what):
        """The Vars group/name, or Lacks naming the missing datasets."""
        g = self.group(group)
        missing = [f"/{group}/{n}" for n in names if n not in g]
        if self.status(group) is None:
            missing.append(f"/status/{group}")
        if missing:
            raise Lacks(f"figure {fig} needs {what}; file lacks {', '.join(missing)}")
        return [g[n].data for n in names]

    def footer(self, fig):
        a = self.run["attrs"]
        fig.text(0.995, 0.005, f"{os.path.basename(self.path)}: lmgsweep {a.get('version', '?')} "
                 f"({a.get('git_commit', '?')})", ha="right", va="bottom", fontsize=6, color="0.45")

    def save(self, fig, k):
        """Footer, layout, write FIGS[k] into the output directory, close."""
        self.footer(fig)
        fig.tight_layout()
        fig.savefig(os.path.join(self.outdir, FIGS[k]), dpi=110)
        pyplot().close(fig)


def status_split(st, values):
    """{'done': [...], 'failed': [...], 'pending': [...]} of the coordinate values by status entry."""
    out = {"done": [], "failed": [], "pending": []}
    for v, s in zip(values, st):
        out["done" if s == DONE else "failed" if s == FAILED else "pending"].append(v)
    return out


def records_text(split):
    parts = [f"{k}: N = {fmt_list(v)}" for k, v in split.items() if v and k != "done"]
    return "; ".join(parts)


def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


# ---------------------------------------------------------------- figures: each returns (one line, summary lines)

def eta_at_ratio(ctx, fig, names, what):
    """N and the named spectrum data at the report's Gamma/J (done records only), or Lacks."""
    ctx.need_ratio(fig, what, " for >= 2 N")
    data = ctx.need_vars(fig, "spectrum", names, what)
    st = ctx.status("spectrum")[:, ctx.iG]
    cols = [np.asarray(d[:, ctx.iG], dtype=float) for d in data]
    ok = (st == DONE) & np.all([np.isfinite(c) for c in cols], axis=0)
    if ok.sum() < 2:
        split = status_split(st, ctx.N)
        raise Lacks(f"figure {fig} needs {what} at Gamma/J = {ctx.g0:g} for >= 2 N; file has "
                    f"{int(ok.sum())} done there (N = {fmt_list(ctx.N[ok])}"
                    + (f"; {records_text(split)}" if records_text(split) else "") + ")")
    order = np.argsort(ctx.N[ok])
    return ctx.N[ok][order].astype(float), [c[ok][order] for c in cols], st


def figure1(ctx):
    what = "/spectrum/eta_MF"
    n, (eta,), st = eta_at_ratio(ctx, 1, ["eta_MF"], what)
    cross = crossings(n, eta)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.6))
    ax.semilogx(n, eta, "o-", color="C0", ms=4, label="η_MF = G_loc/G01 (lmgsweep)")
    ax.axhline(ETA_CROSS, color="k", ls="--", lw=1, label="η = 2")
    for k, c in enumerate(cross):
        ax.axvline(c["N"], color="C3", ls=":", lw=1.2, label="η_MF = 2 crossing" if k == 0 else None)
        ax.annotate(f"N ≈ {c['N']:.4g}", (c["N"], ETA_CROSS), textcoords="offset points", xytext=(6, -14),
                    color="C3", fontsize=9)
    ax.set_xlabel("N (atoms)")
    ax.set_ylabel("η_MF")
    ax.set_title(f"η_MF against N at Γ/J = {ctx.g0:g}")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ctx.save(fig, 1)
    skipped = records_text(status_split(st, ctx.N))
    if cross:
        ctext = "; ".join(f"N = {c['N']:.5g}" + ("" if c["direction"] == "touch" else
                          f" ({c['direction']}, between N = {c['lo']:g} and {c['hi']:g})") for c in cross)
    else:
        ctext = f"none on N = {n[0]:g} ... {n[-1]:g} (eta_MF from {fmt(eta.min(), 4)} to {fmt(eta.max(), 4)})"
    line = (f"eta_MF against N at {ctx.ratio_text()}, {len(n)} N from {n[0]:g} to {n[-1]:g}, log N, with the "
            f"eta = 2 line; crossover N where eta_MF = 2: {ctext}")
    summary = [f"eta_MF = 2 crossover at {ctx.ratio_text()} (linear in log N between the neighbouring done N): "
               + ctext + (f". Not done, left out: {skipped}" if skipped else "")]
    return line, summary


def figure2(ctx):
    what = "/spectrum/eta_MF"
    ctx.need_N(2, what, " for >= 3 Gamma/J")
    (eta,) = ctx.need_vars(2, "spectrum", ["eta_MF"], what)
    st = ctx.status("spectrum")[ctx.iN, :]
    y = np.asarray(eta[ctx.iN, :], dtype=float)
    ok = (st == DONE) & np.isfinite(y)
    if ok.sum() < 3:
        raise Lacks(f"figure 2 needs {what} at N = {ctx.args.N} for >= 3 Gamma/J; file has {int(ok.sum())} done there "
                    f"(Gamma/J = {fmt_list(ctx.G[ok])}; file's Gamma/J = {fmt_list(ctx.G)})")
    x = ctx.G[ok]
    order = np.argsort(x)
    x, y = x[order], y[ok][order]
    p = peak(x, y)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.6))
    ax.plot(x, y, "o-", color="C0", ms=3, label=f"η_MF, N = {ctx.args.N}")
    ax.axhline(ETA_CROSS, color="k", ls="--", lw=1, label="η = 2")
    px, py = (p["xv"], p["yv"]) if np.isfinite(p["xv"]) else (p["x"], p["y"])
    ax.plot([px], [py], "*", color="C3", ms=14, label=f"peak η_MF = {py:.4g} at Γ/J = {px:.4g}")
    ax.set_xlabel("Γ/J")
    ax.set_ylabel("η_MF")
    ax.set_title(f"η_MF against Γ/J at N = {ctx.args.N}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ctx.save(fig, 2)
    if p["interior"]:
        ptext = f"peak eta_MF = {p['y']:.6g} at Gamma/J = {p['x']:.6g} (grid maximum)"
        if np.isfinite(p["xv"]):
            ptext += f"; parabolic vertex eta_MF = {p['yv']:.6g} at Gamma/J = {p['xv']:.6g}"
    else:
        ptext = (f"largest eta_MF = {p['y']:.6g} at the edge of the done grid, Gamma/J = {p['x']:.6g}: "
                 "the peak may lie beyond it")
    n_bad = int((~ok).sum())
    line = (f"eta_MF against Gamma/J at N = {ctx.args.N}, {len(x)} values from {x[0]:g} to {x[-1]:g}; {ptext}"
            + (f" ({n_bad} record(s) not done, left out)" if n_bad else ""))
    return line, [f"eta_MF peak at N = {ctx.args.N}: {ptext}"]


def figure3(ctx):
    what = "/spectrum/G_loc, J01 and G01"
    n, (gloc, j01, g01), st = eta_at_ratio(ctx, 3, ["G_loc", "J01", "G01"], what)
    ms = float(m_star(ctx.g0))
    if ms <= 0:
        raise Lacks(f"figure 3 needs Gamma/J < 1 (m* > 0 for the normalisation (N m*/2)^2); the report's "
                    f"Gamma/J is {ctx.g0:g}")
    s = (n * ms / 2.0) ** 2
    summary = []
    dev = float(np.max(np.abs(gloc / (2.0 * s) - 1.0)))
    if dev > 1e-9:
        summary.append(f"note: stored G_loc differs from (N m*)^2/2 by up to {dev:.3g} (relative) "
                       f"at {ctx.ratio_text()}")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.6))
    ax.semilogx(n, gloc / s, "o-", ms=4, color="C0", label="G_loc / (N m*/2)²  (= 2)")
    ax.semilogx(n, 2 * j01 ** 2 / s, "s-", ms=4, color="C1", label="2 J01² / (N m*/2)²")
    ax.semilogx(n, g01 / s, "^-", ms=4, color="C2", label="G01 / (N m*/2)²")
    ax.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax.set_xlabel("N (atoms)")
    ax.set_ylabel("normalised by (N m*/2)²")
    ax.set_title(f"Fluctuations of Jz against N at Γ/J = {ctx.g0:g}, m* = {ms:.4g}")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ctx.save(fig, 3)
    last = (f"at N = {n[-1]:g}: 2 J01^2/(N m*/2)^2 = {fmt(2 * j01[-1] ** 2 / s[-1], 5)}, "
            f"G01/(N m*/2)^2 = {fmt(g01[-1] / s[-1], 5)}")
    line = (f"G_loc, 2 J01^2 and G01 over (N m*/2)^2 against N at {ctx.ratio_text()}, m* = {ms:.6g}, "
            f"{len(n)} N from {n[0]:g} to {n[-1]:g}; {last}")
    return line, summary


def dynamics_point(ctx, fig, need):
    """Checks shared by figures 4 and 5: /dynamics with `need`, the report point, a done record there."""
    what = f"/dynamics/{need}"
    if "dynamics" not in ctx.run:
        raise Lacks(f"figure {fig} needs {what}; file lacks /dynamics (no Lindblad dynamics in this file)")
    ctx.need_N(fig, what)
    ctx.need_ratio(fig, what)
    ctx.need_vars(fig, "dynamics", [need], what)
    c = ctx.run["coords"]
    missing = [f"/grid/{k}" for k in ("gamma_phi", "level") if k not in c or len(c[k]) == 0]
    if missing:
        raise Lacks(f"figure {fig} needs {what}; file lacks {', '.join(missing)}")
    st = ctx.status("dynamics")[ctx.iN, ctx.iG]
    if not np.any(st == DONE):
        n = {w: int(np.sum(st == v)) for w, v in (("failed", FAILED), ("pending", PENDING))}
        raise Lacks(f"figure {fig} needs a done {what} record at N = {ctx.args.N}, Gamma/J = {ctx.g0:g}; file has none "
                    f"there ({n['failed']} failed, {n['pending']} pending)")
    return c


def figure4(ctx):
    c = dynamics_point(ctx, 4, "K3_opt")
    levels = np.asarray(c["level"])
    if len(levels) < 2:
        raise Lacks(f"figure 4 needs >= 2 levels; file has level = [{', '.join(map(convergence.level_name, levels))}]")
    try:
        convergence.check(ctx.run, ctx.path)
    except LmgFileError as e:
        raise Lacks(f"figure 4: {e}") from None
    ip, exact = convergence.closest(c["gamma_phi"], ctx.args.gamma_phi)
    gp = float(c["gamma_phi"][ip])
    (rec,) = convergence.collect(ctx.run, ip, int(ctx.N[ctx.iN]), ctx.g0)
    convergence.plot([rec], gp, os.path.join(ctx.outdir, FIGS[4]))
    gtext = f"gamma_phi = {gp:g} 1/s" + ("" if exact else f" (the grid value nearest {ctx.args.gamma_phi:g})")
    summary = [f"Level convergence at N = {ctx.args.N}, {ctx.ratio_text()}; K3_opt at {gtext}; gamma_c in 1/s "
               f"(closed forms: gamma_c_A = {fmt(rec['A'])}, gamma_c_B = {fmt(rec['B'])}):", "",
               "| level | K3_opt | gamma_c | notes |", "|---|---|---|---|"]
    summary += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} |" for r in rec["rows"]]
    vals = ", ".join(f"{r[0]}: {r[1]}" for r in rec["rows"])
    line = f"K3_opt ({gtext}) and gamma_c against the level at N = {ctx.args.N}, {ctx.ratio_text()}; K3_opt {vals}"
    return line, summary


def figure5(ctx):
    c = dynamics_point(ctx, 5, "K3")
    if "tau_over_tau_opt" not in c or len(c["tau_over_tau_opt"]) == 0:
        raise Lacks("figure 5 needs /grid/tau_over_tau_opt; file lacks it")
    gps = np.asarray(c["gamma_phi"], dtype=float)
    argv = [ctx.path, "--N", str(int(ctx.N[ctx.iN])), "--gamma-over-J", repr(ctx.g0), "-o",
            os.path.join(ctx.outdir, FIGS[5])]
    if len(gps) > 4:  # one curve per level at the report's gamma_phi; all gamma_phi when there are few
        argv += ["--gamma-phi", repr(ctx.args.gamma_phi)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = k3.main(argv)
    if rc != 0:
        raise Lacks(f"figure 5: {err.getvalue().strip()}")
    lines = out.getvalue().splitlines()
    counts = next((x for x in lines if "curve(s) plotted" in x), "")
    extra = [x for x in lines if x.startswith(("skipped", "note"))]
    line = f"K3(tau/tau_opt) at N = {ctx.args.N}, {ctx.ratio_text()}: " + counts.split(": ", 1)[-1]
    return line, [f"K3(tau) figure: {x}" for x in extra]


def pick_level(ctx, levels, k3opt, st):
    """The level of the map: --level, else 5 (the seed's five-level model), else the level with most done records."""
    names = [convergence.level_name(k) for k in levels]
    if ctx.args.level is not None:
        want = convergence.parse_level(ctx.args.level)
        hit = [i for i, k in enumerate(levels) if int(k) == want]
        if not hit:
            raise Lacks(f"figure 6 needs level {ctx.args.level}; file has level = [{', '.join(names)}]")
        return hit[0]
    if 5 in [int(k) for k in levels]:
        return [int(k) for k in levels].index(5)
    done = [int(np.sum((st[..., i] == DONE) & np.isfinite(k3opt[..., i]))) for i in range(len(levels))]
    return int(np.argmax(done))


def figure6(ctx):
    what = "/dynamics/K3_opt over N x gamma_phi"
    if "dynamics" not in ctx.run:
        raise Lacks(f"figure 6 needs {what}; file lacks /dynamics (no Lindblad dynamics in this file)")
    ctx.need_ratio(6, what)
    (k3o,) = ctx.need_vars(6, "dynamics", ["K3_opt"], what)
    c = ctx.run["coords"]
    gps = np.asarray(c.get("gamma_phi", []), dtype=float)
    levels = np.asarray(c.get("level", []))
    if len(ctx.N) < 3 or len(gps) < 3 or len(levels) == 0:
        raise Lacks(f"figure 6 needs {what} with >= 3 N and >= 3 gamma_phi; file has N = {fmt_list(ctx.N)}, "
                    f"gamma_phi = {fmt_list(gps)}")
    st = ctx.status("dynamics")[:, ctx.iG]
    z3 = np.where(st == DONE, np.asarray(k3o[:, ctx.iG], dtype=float), np.nan)  # [N, P, L]
    iL = pick_level(ctx, levels, z3, st)
    lname = convergence.level_name(levels[iL])
    z = z3[:, :, iL]
    rows, cols = np.isfinite(z).any(axis=1), np.isfinite(z).any(axis=0)
    if rows.sum() < 3 or cols.sum() < 3:
        raise Lacks(f"figure 6 needs {what} done at >= 3 N and >= 3 gamma_phi (Gamma/J = {ctx.g0:g}, level {lname}); "
                    f"file has done records at N = {fmt_list(ctx.N[rows])}, gamma_phi = {fmt_list(gps[cols])}")
    order = np.argsort(ctx.N)
    n, z = ctx.N[order].astype(float), z[order]
    porder = np.argsort(gps)
    gps, z = gps[porder], z[:, porder]
    th, th_st = ctx.group("threshold"), ctx.status("threshold")
    has_th = th_st is not None and any(k in th for k in ("gamma_c", "gamma_c_A", "gamma_c_B"))

    def th_curve(name, i):
        if not has_th or name not in th:
            return np.full(len(n), np.nan)
        a = np.where(th_st[:, ctx.iG, i] == DONE, np.asarray(th[name].data[:, ctx.iG, i], dtype=float), np.nan)
        return a[order]

    from matplotlib.colors import TwoSlopeNorm
    plt = pyplot()
    ncols = 2 if has_th else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6.5 * ncols, 4.8), squeeze=False)
    ax = axes[0, 0]
    zm = np.ma.masked_invalid(z.T)
    lo, hi = float(np.nanmin(z)), float(np.nanmax(z))
    norm = TwoSlopeNorm(vcenter=1.0, vmin=min(lo, 0.999), vmax=max(hi, 1.001))
    logx, logy = n[-1] / n[0] > 5, gps[0] > 0 and gps[-1] / gps[0] >= 10
    mesh = ax.pcolormesh(edges(n, logx), edges(gps, logy), zm, shading="flat", cmap="RdBu_r", norm=norm)
    fig.colorbar(mesh, ax=ax, label=f"K3_opt (level {lname})")
    contour = ""
    if lo < 1.0 < hi:
        ax.contour(n, gps, zm, levels=[1.0], colors="k", linewidths=1.5)
        contour = "the K3 = 1 contour"
    gc = th_curve("gamma_c", iL)
    if np.isfinite(gc).any():
        ax.plot(n, gc, "o", mfc="none", mec="k", ms=7, label=f"γ_c, level {lname} (/threshold)")
    for name, ls, lab in (("gamma_c_A", "--", "γ_c A (mean field)"), ("gamma_c_B", ":", "γ_c B (secular)")):
        a = th_curve(name, iL)
        if np.isfinite(a).any():
            ax.plot(n, a, ls, color="0.3", lw=1.2, label=lab)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlim(edges(n, logx)[[0, -1]])
    ax.set_ylim(edges(gps, logy)[[0, -1]])
    ax.set_xlabel("N (atoms)")
    ax.set_ylabel("γ_φ (1/s)")
    ax.set_title(f"K3_opt over N × γ_φ, Γ/J = {ctx.g0:g}, level {lname}" + (" (black: K3 = 1)" if contour else ""))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="lower left")
    summary = []
    if has_th:
        ax2 = axes[0, 1]
        lorder = convergence.level_order(levels)
        for j, i in enumerate(lorder):
            a = th_curve("gamma_c", i)
            if np.isfinite(a).any():
                ax2.plot(n, a, "o-", ms=4, color=f"C{j % 10}", label=f"γ_c, level {convergence.level_name(levels[i])}")
        for name, ls, lab in (("gamma_c_A", "--", "γ_c A (mean field)"), ("gamma_c_B", ":", "γ_c B (secular)")):
            a = closed_form(th_curve, name, len(levels))  # level-independent: any level's record
            if np.isfinite(a).any():
                ax2.plot(n, a, ls, color="0.3", lw=1.2, label=lab)
        ax2.set_xscale("log")
        ax2.set_yscale("log")
        ax2.set_xlabel("N (atoms)")
        ax2.set_ylabel("γ_c (1/s)")
        ax2.set_title(f"dephasing threshold against N, Γ/J = {ctx.g0:g}")
        ax2.grid(alpha=0.3, which="both")
        if ax2.get_legend_handles_labels()[0]:
            ax2.legend(fontsize=7)
        summary = threshold_table(ctx, levels, lorder, n, order, th_curve)
    ctx.save(fig, 6)
    nd = int(np.isfinite(z).sum())
    line = (f"K3_opt of level {lname} over {len(n)} N x {len(gps)} gamma_phi at {ctx.ratio_text()} "
            f"({nd} of {z.size} records done)"
            + (f", with {contour}" if contour else ", K3_opt does not cross 1 on this grid")
            + ("; gamma_c against N beside it" if has_th else ""))
    return line, summary


def threshold_table(ctx, levels, lorder, n, order, th_curve):
    """Markdown rows: gamma_c per N and level, closed forms A and B; 'failed'/'pending'/'n/a' for no number."""
    st = ctx.status("threshold")[:, ctx.iG][order]  # [N, L]
    head = ["N", "gamma_c_A", "gamma_c_B"] + [f"gamma_c ({convergence.level_name(levels[i])})" for i in lorder]
    out = [f"Dephasing thresholds at {ctx.ratio_text()} (1/s):", "", "| " + " | ".join(head) + " |",
           "|" + "---|" * len(head)]
    A, B = closed_form(th_curve, "gamma_c_A", len(levels)), closed_form(th_curve, "gamma_c_B", len(levels))
    G = np.stack([th_curve("gamma_c", i) for i in range(len(levels))])
    for j, nn in enumerate(n):
        cells = [f"{nn:g}", fmt(A[j]), fmt(B[j])]
        for i in lorder:
            s = int(st[j, i])
            cells.append(fmt(G[i, j]) if s == DONE else convergence.status_word(s))
        out.append("| " + " | ".join(cells) + " |")
    return out


def closed_form(th_curve, name, nlev):
    """A level-independent threshold (gamma_c_A, gamma_c_B) against N: the first finite value over the levels."""
    a = np.stack([th_curve(name, i) for i in range(nlev)])  # [L, N]
    out = np.full(a.shape[1], np.nan)
    for j in range(a.shape[1]):
        f = a[np.isfinite(a[:, j]), j]
        if f.size:
            out[j] = f[0]
    return out


def rates_point(ctx, fig, group):
    what = f"/{group}"
    if group not in ctx.run or group not in ctx.run.get("status", {}):
        raise Lacks(f"figure {fig} needs {what}; file lacks it (run lmgsweep with -rates" + (" -rates_trace)" if group == "traces" else ")"))
    ctx.need_ratio(fig, what)
    ip, exact = convergence.closest(ctx.run["coords"]["gamma_phi"], ctx.args.gamma_phi)
    if not exact:
        ctx.notes.append(f"figures 7, 8 use gamma_phi = {float(ctx.run['coords']['gamma_phi'][ip]):g} 1/s, the grid value nearest {ctx.args.gamma_phi:g}")
    return ip


def figure7(ctx):
    ip = rates_point(ctx, 7, "decoherence")
    gp = float(ctx.run["coords"]["gamma_phi"][ip])
    rows, other = rates.table(ctx.run, ctx.iG, ip)
    if not rows or gp <= 0:
        raise Lacks(f"figure 7 needs a done /decoherence record at {ctx.ratio_text()}, gamma_phi = {gp:g} 1/s; file has none there")
    rates.plot_rates(ctx.run, rows, ctx.iG, gp, os.path.join(ctx.outdir, FIGS[7]))
    head = f"Exact Liouvillian rates against the static formulas at {ctx.ratio_text()}, gamma_phi = {gp:g} 1/s (1/s):"
    reg = sorted({rates.regime(r["s"]) for r in rows})
    line = (f"exact rho01 and population rates over gamma_phi (N m*/2)^2 against N at {ctx.ratio_text()}, "
            f"gamma_phi = {gp:g} 1/s, {len(rows)} done records (regimes: {', '.join(reg)})")
    return line, rates.markdown(rows, other, head).splitlines()


def figure8(ctx):
    ip = rates_point(ctx, 8, "traces")
    st = ctx.status("traces")[:, ctx.iG, ip, :]
    levels = np.asarray(ctx.run["coords"]["level"])
    cand = convergence.level_order(levels)[::-1]
    iNs = [ctx.iN] if ctx.iN is not None else []
    hit = next(((iN, iL) for iL in cand for iN in iNs if st[iN, iL] == DONE), None)
    if hit is None:
        raise Lacks(f"figure 8 needs a done /traces record at N = {ctx.args.N}, {ctx.ratio_text()}; file has "
                    f"{int(np.sum(st == DONE))} done traces at this Gamma/J, gamma_phi")
    rates.plot_traces(ctx.run, hit[0], ctx.iG, ip, hit[1], os.path.join(ctx.outdir, FIGS[8]))
    line = (f"doublet traces from |P><P| and |E0><E0| over t/T2 at N = {ctx.args.N}, {ctx.ratio_text()}, level "
            f"{convergence.level_name(levels[hit[1]])}")
    return line, []


def figure9(ctx):
    if "landau_zener" not in ctx.run or "landau_zener" not in ctx.run.get("status", {}):
        raise Lacks("figure 9 needs /landau_zener; file lacks it (run lmgsweep with -lz_tq)")
    ctx.need_ratio(9, "/landau_zener")
    ctx.need_N(9, "/landau_zener")
    if not (ctx.status("landau_zener")[ctx.iN, ctx.iG] == DONE).any():
        raise Lacks(f"figure 9 needs a done /landau_zener record at N = {ctx.args.N}, {ctx.ratio_text()}; file has none there")
    lz.plot(ctx.run, ctx.iN, ctx.iG, os.path.join(ctx.outdir, FIGS[9]))
    line = (f"P_error against t_q/t_LZ per level, the classical foil and P_LZ at N = {ctx.args.N}, {ctx.ratio_text()}, "
            f"one panel per gamma_phi")
    return line, lz.markdown(ctx.run, ctx.iN, ctx.iG).splitlines()


# ---------------------------------------------------------------- report.md

def records_section(run):
    """Counts per kind, then the reasons of failed and skipped records: one line per kind of reason with its count."""
    out = ["| kind | records | done | failed | skipped | pending |", "|---|---|---|---|---|---|"]
    notes = []
    for kind, st in run.get("status", {}).items():
        if kind.endswith("_message"):
            continue
        s = st.data
        out.append(f"| {kind} | {s.size} | {int(np.sum(s == DONE))} | {int(np.sum(s == FAILED))} | "
                   f"{int(np.sum(s == SKIPPED))} | {int(np.sum(s == PENDING))} |")
        for status in (FAILED, SKIPPED):
            found = reasons(run, kind, status)
            for count, _, example in found[:MAX_FAILURES]:
                notes.append(f"- {count} {kind} {STATUS_NAMES[status]}" + (": " if count == 1 else ", e.g. ") + example)
            if len(found) > MAX_FAILURES:
                notes.append(f"- ... and {len(found) - MAX_FAILURES} more kinds of {kind} reasons "
                             f"(`postprocess/lmgload.py FILE` lists them all)")
    return out + ([""] + notes if notes else [])


def table3_section(ctx):
    """Table-3 rows at the report's Gamma/J (table3.rows: 'failed'/'pending'/'unres.'/'n/a' instead of numbers)."""
    if ctx.iG is None:
        return [f"(no Gamma/J within {ctx.args.tol:g} of {ctx.args.gamma_over_J:g}; file has Gamma/J = "
                f"{fmt_list(ctx.G)})"]
    missing = [f"/spectrum/{k}" for k in table3.NEEDED if k not in ctx.group("spectrum")]
    if ctx.status("spectrum") is None:
        missing.append("/status/spectrum")
    if missing:
        return [f"(the file lacks {', '.join(missing)})"]
    rows = next(r for g, r in table3.rows(ctx.run, ctx.args.gamma_phi) if g == ctx.G[ctx.iG])
    out = [f"At {ctx.ratio_text()}; 2dE*T2 at gamma_phi = {ctx.args.gamma_phi:g} 1/s (T2 = 1/(gamma_phi G01)); "
           "dE/kT with T of the file:", "", "| " + " | ".join(table3.COLUMNS) + " |",
           "|" + "---|" * len(table3.COLUMNS)]
    for r in sorted(rows, key=lambda r: int(r[0])):
        if len(r) != len(table3.COLUMNS):
            r = [r[0], r[1]] + [""] * (len(table3.COLUMNS) - 2)
        out.append("| " + " | ".join(r) + " |")
    return out


def grid_line(c):
    parts = []
    for k in ("N", "gamma_over_J", "gamma_phi", "level", "tau_over_tau_opt", "eigen_index"):
        if k in c:
            v = c[k]
            text = (", ".join(map(convergence.level_name, v)) if k == "level"
                    else fmt_list(v, 6)[1:-1] if len(v) else "")
            parts.append(f"{k} [{len(v)}]" + (f": {text}" if k not in ("tau_over_tau_opt", "eigen_index") else ""))
    return "; ".join(parts)


def write_report(ctx, written, skipped, sections):
    a, c = ctx.run["attrs"], ctx.run["coords"]
    fin = a.get("finished") or "NO (the run did not finish cleanly: records may be pending)"
    ratio = (ctx.ratio_text() if ctx.iG is not None
             else f"Gamma/J = {ctx.args.gamma_over_J:g} (none within {ctx.args.tol:g})")
    point = f"N = {ctx.args.N}" + ("" if ctx.iN is not None else " (not on the grid)") + ", " + ratio
    L = [f"# lmgsweep report: {os.path.basename(ctx.path)}", "",
         f"- file: `{os.path.abspath(ctx.path)}`",
         f"- lmgsweep {a.get('version', '?')} (commit {a.get('git_commit', '?')}), created {a.get('created', '?')}, "
         f"finished {fin}",
         f"- command line: `{a.get('command_line', '?')}`",
         f"- J = {a.get('J', '?')} rad/s, T = {a.get('T', '?')} K, ranks = {a.get('ranks', '?')}, "
         f"team_size = {a.get('team_size', '?')}",
         f"- grid: {grid_line(c)}",
         f"- report point: {point}; gamma_phi = {ctx.args.gamma_phi:g} 1/s", "",
         "## Records", ""] + records_section(ctx.run) + ["", "## Table 3", ""] + table3_section(ctx)
    for title, lines in sections:
        if lines:
            L += ["", f"## {title}", ""] + lines
    L += ["", "## Figures", ""]
    L += [f"- `{name}`: {line}" for name, line in written] or ["(none)"]
    L += ["", "## Skipped", ""]
    L += [f"- {reason}" for _, reason in skipped] or ["(nothing)"]
    L += [""] + [f"note: {x}" for x in ctx.notes]
    text = "\n".join(L).rstrip() + "\n"
    with open(os.path.join(ctx.outdir, "report.md"), "w") as fh:
        fh.write(text)


FIGURES = ((1, figure1, "eta_MF crossover"), (2, figure2, "eta_MF peak"), (3, figure3, "Jz fluctuations"),
           (4, figure4, "Level convergence"), (5, figure5, "K3(tau)"), (6, figure6, "Thresholds"),
           (7, figure7, "Which coherence decoheres"), (8, figure8, "Doublet traces"), (9, figure9, "Landau-Zener sweep"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("-o", "--outdir", help="directory for report.md and the PNGs (default: the directory of FILE)")
    p.add_argument("--N", type=int, default=370, help="N of figures 2, 4, 5 (must be on the grid; default 370)")
    p.add_argument("--gamma-over-J", type=float, default=0.95,
                   help="Gamma/J of figures 1, 3-6 and the table: the nearest grid value within --tol (default 0.95)")
    p.add_argument("--tol", type=float, default=0.005, help="largest |grid Gamma/J - --gamma-over-J| (default 0.005)")
    p.add_argument("--gamma-phi", type=float, default=0.05,
                   help="gamma_phi in 1/s of figure 4, figure 5 (when the file has > 4) and the table (default 0.05)")
    p.add_argument("--level", help="level (k or full) of the threshold map (default 5 when present)")
    args = p.parse_args(argv)
    try:
        if not os.path.exists(args.file):
            raise LmgFileError(f"{args.file}: no such file")
        if not args.gamma_phi > 0:
            raise LmgFileError(f"--gamma-phi must be > 0 (got {args.gamma_phi})")
        run = load(args.file)
        outdir = args.outdir or os.path.dirname(os.path.abspath(args.file))
        os.makedirs(outdir, exist_ok=True)
        if not os.access(outdir, os.W_OK):
            raise LmgFileError(f"{outdir}: not writable")
    except (LmgFileError, OSError) as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    ctx = Context(run, args.file, outdir, args)
    written, skipped, sections = [], [], []
    for num, fn, title in FIGURES:
        name = FIGS[num]
        try:
            line, summary = fn(ctx)
            written.append((name, line))
            sections.append((title, summary))
        except Lacks as e:
            skipped.append((name, str(e)))
            stale = os.path.join(outdir, name)
            if os.path.exists(stale):  # a figure of an earlier report would contradict this one
                os.remove(stale)
                ctx.notes.append(f"removed {name} of an earlier report from {outdir}")
            print(f"report: skipped {name}: {e}", file=sys.stderr)
    write_report(ctx, written, skipped, sections)
    print(f"wrote {os.path.join(outdir, 'report.md')} and {len(written)} figure(s): "
          + (", ".join(n for n, _ in written) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
