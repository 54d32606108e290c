#!/usr/bin/python3
"""Seed paper's Table 3 from an lmgsweep file: one row per N, grouped by Gamma/J.

    python3 table3.py FILE.h5 [--gamma-phi 0.05]

Columns: N, dE/kT, G_loc, G01, eta_MF, (E2-E0)/dE, 2dE*T2 with T2 = 1/(gamma_phi*G01) (dE in rad/s, gamma_phi in 1/s).
Records not done print 'failed' (with the engine's message) or 'pending'; an unresolved splitting (dE_resolved = 0) prints
'unres.' in the dE-dependent columns; a missing value prints 'n/a', never a NaN.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lmgload import DONE, STATUS_NAMES, LmgFileError, load  # noqa: E402

COLUMNS = ("N", "dE/kT", "G_loc", "G01", "eta_MF", "(E2-E0)/dE", "2dE*T2")
NEEDED = ("dE", "dE_resolved", "dE_over_kT", "G_loc", "G01", "eta_MF", "gap_ratio")
WIDTH = 12


def fmt(x):
    """A number as text; NaN -> 'n/a'."""
    x = float(x)
    if np.isnan(x):
        return "n/a"
    return f"{x:.6g}"


def rows(run, gamma_phi):
    """Yield (gamma_over_J, [row strings]) per Gamma/J; each row is a list of cell strings."""
    sp, c = run["spectrum"], run["coords"]
    status = run["status"]["spectrum"].data
    msg = run["status"].get("spectrum_message")
    v = {k: sp[k].data for k in NEEDED}
    for j, g in enumerate(c["gamma_over_J"]):
        out = []
        for i, n in enumerate(c["N"]):
            st = int(status[i, j])
            if st != DONE:
                word = STATUS_NAMES.get(st, f"status={st}")
                note = str(msg.data[i, j]).strip() if msg is not None and word in ("failed", "skipped") else ""
                out.append([str(n), word + (f": {note}" if note else "")])
                continue
            resolved = int(v["dE_resolved"][i, j]) == 1
            with np.errstate(divide="ignore", invalid="ignore"):
                secular = 2.0 * v["dE"][i, j] / (gamma_phi * v["G01"][i, j])
            dep = fmt if resolved else (lambda x: "unres.")
            out.append([str(n), dep(v["dE_over_kT"][i, j]), fmt(v["G_loc"][i, j]), fmt(v["G01"][i, j]),
                        fmt(v["eta_MF"][i, j]), dep(v["gap_ratio"][i, j]), dep(secular)])
        yield g, out


def render(run, gamma_phi, path=""):
    """The whole table as text."""
    a = run["attrs"]
    lines = [f"# Table 3 from {path} (lmgsweep {a.get('version', '?')}): J = {a.get('J', '?')} rad/s, "
             f"T = {a.get('T', '?')} K, gamma_phi = {gamma_phi:g} 1/s"]
    if not a.get("finished"):
        lines.append("# note: the run did not finish cleanly (records may be pending)")
    for g, out in rows(run, gamma_phi):
        lines += ["", f"Gamma/J = {g:g}", "".join(h.rjust(WIDTH) for h in COLUMNS)]
        for r in out:
            if len(r) == len(COLUMNS):
                lines.append("".join(x.rjust(WIDTH) for x in r))
            else:  # failed / pending: N, then the status text
                lines.append(r[0].rjust(WIDTH) + "  " + r[1])
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--gamma-phi", type=float, default=0.05, help="dephasing rate gamma_phi in 1/s (default 0.05)")
    args = p.parse_args(argv)
    try:
        if not args.gamma_phi > 0:
            raise LmgFileError(f"--gamma-phi must be > 0 (got {args.gamma_phi})")
        run = load(args.file, groups=("spectrum",))
        missing = [f"/spectrum/{k}" for k in NEEDED if k not in run.get("spectrum", {})]
        missing += [f"/grid/{k}" for k in ("N", "gamma_over_J") if k not in run["coords"]]
        if "spectrum" not in run.get("status", {}):
            missing.append("/status/spectrum")
        if "spectrum" not in run:
            missing = ["/spectrum"]
        if missing:
            raise LmgFileError(f"{args.file}: lacks {', '.join(missing)}")
        print(render(run, args.gamma_phi, args.file))
    except LmgFileError as e:
        print(f"table3: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
