"""Tests of postprocess/convergence.py and postprocess/k3.py (and lmgload on /dynamics, /threshold) on synthetic files.

Run: cd /work/main && /usr/bin/python3 -m pytest -q tests/post
The files follow the engine's layout (README, README (What is computed, §3)-4): /dynamics [N, G, gamma_phi, level(, tau)],
/threshold [N, G, level], /status/dynamics, /status/threshold. Every value is a known function of the coordinates
(below), records that are not done hold garbage (99), and the expected cells are recomputed here from those functions.
"""
import functools
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

POST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess")
sys.path.insert(0, POST)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convergence  # noqa: E402
import k3  # noqa: E402
import lmgload  # noqa: E402
from test_postprocess import BENCH, fixed, make_dataset  # noqa: E402

N, G, P, L = [50, 370], [0.8, 0.95], [0.0, 0.05, 0.1], [5, 0, 2, 3, 10]  # levels deliberately unsorted (0 = full)
TAU = np.linspace(0.25, 2.0, 8)
Q01 = 0.971372  # benchmark q01 (tests/reference/benchmark_N370.json)
GARBAGE = 99.0
PNG_SIG = b"\x89PNG\r\n\x1a\n"
# Special records, all at (N, Gamma/J) = (370, 0.95): (gamma_phi, level) -> (status, message) for /dynamics,
# level -> (status, message) for /threshold (level 2 done with gamma_c NaN: no root bracketed).
DYN_SPECIAL = {(0.05, 3): (2, "TS diverged at t = 1e-3 s"), (0.05, 0): (0, "")}
TH_SPECIAL = {5: (0, ""), 0: (0, ""), 3: (2, "root finder: K3_opt evaluation failed"),
              2: (1, "no root bracketed for gamma_phi <= 10 1/s")}


def kk(k):
    return 40 if k == 0 else k


def k3_opt(n, g, gp, k):
    return 1.45 - 1.3 * gp - 0.003 * kk(k) + 1e-4 * n * g


def k3_curve(n, g, gp, k):
    return k3_opt(n, g, gp, k) * np.sin(np.pi * TAU / 2) ** 2


def gamma_c(n, g, k):
    return 0.1 + 0.004 * kk(k) + 1e-3 * n * g


def gamma_A(n, g):
    return 0.04992 * n * g / 351.5


def gamma_B(n, g):
    return 0.11734 * n * g / 351.5


def make_dyn_file(path, dynamics=True, threshold=True):
    """Synthetic lmgsweep file with /spectrum (q01, dE, G01, G_loc; only (370, 0.95) done) and, when asked,
    /dynamics and /threshold filled from the functions above, with the special records of DYN_SPECIAL/TH_SPECIAL."""
    with h5py.File(path, "w") as f:
        for k, v in dict(program="lmgsweep", version="0.1", git_commit="abc123", finished="2024-01-01T00:00:01",
                         units="hbar=1; J, Gamma in rad/s; gamma_phi in 1/s; t in s; T in K").items():
            f.attrs[k] = fixed(v)
        f.attrs["J"], f.attrs["T"] = 37195.4, 1e-8
        grid = dict(N=np.array(N, "i8"), gamma_over_J=np.array(G), gamma_phi=np.array(P), level=np.array(L, "i4"),
                    tau_over_tau_opt=TAU)
        for name, a in grid.items():
            ds = f.create_dataset(f"grid/{name}", data=a)
            ds.attrs["units"] = fixed("1/s" if name == "gamma_phi" else "1")
            ds.make_scale(name)

        make = functools.partial(make_dataset, f)

        NG = ("N", "gamma_over_J")
        for name, v in dict(q01=Q01, dE=BENCH["dE"], G01=BENCH["G01"], G_loc=BENCH["G_loc"]).items():
            ds = make(f"spectrum/{name}", NG)
            ds[...] = GARBAGE
            ds[1, 1] = v
        make("status/spectrum", NG, "i1")[1, 1] = 1
        make("status/spectrum_message", NG, "S160")

        if dynamics:
            D = NG + ("gamma_phi", "level")
            ds = {name: make(f"dynamics/{name}", D + (("tau_over_tau_opt",) if name == "K3" else ()))
                  for name in ("K3", "K3_opt", "K3_max", "tau_at_max", "tau_opt", "secular", "trace_err", "herm_err")}
            steps, integ = make("dynamics/steps", D, "i4"), make("dynamics/integrator", D, "S32")
            st, msg = make("status/dynamics", D, "i1"), make("status/dynamics_message", D, "S160")
            for idx in np.ndindex(len(N), len(G), len(P), len(L)):
                n, g, gp, k = N[idx[0]], G[idx[1]], P[idx[2]], L[idx[3]]
                s, m = DYN_SPECIAL.get((gp, k), (1, "")) if (n, g) == (370, 0.95) else (1, "")
                st[idx], msg[idx] = s, m.encode()
                ok = s == 1
                ds["K3"][idx] = k3_curve(n, g, gp, k) if ok else GARBAGE
                ds["K3_opt"][idx] = k3_opt(n, g, gp, k) if ok else GARBAGE
                ds["K3_max"][idx] = k3_opt(n, g, gp, k) if ok else GARBAGE
                steps[idx], integ[idx] = 1000, b"rk"
        if threshold:
            T = NG + ("level",)
            ds = {name: make(f"threshold/{name}", T, units="1/s")
                  for name in ("gamma_c_A", "gamma_c_B", "gamma_c", "K3_opt_at_zero")}
            make("threshold/evaluations", T, "i4")[...] = 12
            st, msg = make("status/threshold", T, "i1"), make("status/threshold_message", T, "S160")
            for idx in np.ndindex(len(N), len(G), len(L)):
                n, g, k = N[idx[0]], G[idx[1]], L[idx[2]]
                s, m = TH_SPECIAL.get(k, (1, "")) if (n, g) == (370, 0.95) else (1, "")
                st[idx], msg[idx] = s, m.encode()
                ok = s == 1
                ds["gamma_c_A"][idx] = gamma_A(n, g) if ok else GARBAGE
                ds["gamma_c_B"][idx] = gamma_B(n, g) if ok else GARBAGE
                ds["gamma_c"][idx] = (np.nan if m else gamma_c(n, g, k)) if ok else GARBAGE
                ds["K3_opt_at_zero"][idx] = k3_opt(n, g, 0.0, k) if ok else GARBAGE
    return str(path)


@pytest.fixture
def dynfile(tmp_path):
    return make_dyn_file(tmp_path / "run.h5")


def sections(out):
    """{(N, Gamma/J): (closed-forms line, {level: row tokens (level, K3_opt, gamma_c) and notes})}."""
    res, lines = {}, out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("N = "):
            n, g = line.split(",")
            key = (int(n.split("=")[1]), float(g.split("=")[1]))
            assert lines[i + 2].split() == ["level", "K3_opt", "gamma_c", "notes"]
            rows = {}
            for row in lines[i + 3:]:
                if not row.strip():
                    break
                cells = row[:3 * convergence.WIDTH].split()  # three right-aligned columns, then the notes
                rows[cells[0]] = (cells, row[3 * convergence.WIDTH:].strip())
            res[key] = (lines[i + 1], list(rows), rows)
    return res


def run_conv(capsys, *args):
    assert convergence.main([str(a) for a in args]) == 0
    return capsys.readouterr().out


def closed_forms(line):
    """'closed forms: gamma_c_A = a 1/s, gamma_c_B = b 1/s' -> (a, b) as text."""
    parts = line.replace(",", " ").split()
    return parts[parts.index("gamma_c_A") + 2], parts[parts.index("gamma_c_B") + 2]


def is_png(path):
    with open(path, "rb") as fh:
        head = fh.read(8)
    return head == PNG_SIG and os.path.getsize(path) > 5000


def test_loader_handles_dynamics_and_threshold(dynfile):
    run = lmgload.load(dynfile)
    assert run.dynamics["K3"].dims == ("N", "gamma_over_J", "gamma_phi", "level", "tau_over_tau_opt")
    assert run.dynamics["K3_opt"].dims == ("N", "gamma_over_J", "gamma_phi", "level")
    assert run.threshold["gamma_c"].dims == ("N", "gamma_over_J", "level") and run.threshold["gamma_c"].units == "1/s"
    iL3, iLf = L.index(3), L.index(0)
    assert np.all(np.isnan(run.dynamics["K3"].data[1, 1, 1, iL3])) and np.isnan(run.dynamics["K3_opt"].data[1, 1, 1, iLf])
    assert np.allclose(run.dynamics["K3"].data[0, 0, 2, iL3], k3_curve(50, 0.8, 0.1, 3))
    assert run.dynamics["steps"].data[1, 1, 1, iL3] == 1000 and run.dynamics["integrator"].data[0, 0, 0, 0] == "rk"
    assert np.isnan(run.threshold["gamma_c_A"].data[1, 1, L.index(5)])  # pending: masked
    assert run.threshold["gamma_c_A"].data[1, 1, L.index(2)] == pytest.approx(gamma_A(370, 0.95))
    assert run.status["dynamics_message"].data[1, 1, 1, iL3] == DYN_SPECIAL[(0.05, 3)][1]
    assert run.threshold["evaluations"].data.dtype == np.int32


def test_convergence_rows(dynfile, capsys):
    out = run_conv(capsys, dynfile, "--gamma-phi", 0.05)
    assert "nan" not in out.lower() and "not on the file's grid" not in out
    secs = sections(out)
    assert set(secs) == {(n, g) for n in N for g in G}
    for (n, g), (cf, order, rows) in secs.items():
        assert order == ["2", "3", "5", "10", "full"]
        assert tuple(map(float, closed_forms(cf))) == pytest.approx((gamma_A(n, g), gamma_B(n, g)), rel=1e-5)
        for name, (cells, notes) in rows.items():
            k = 0 if name == "full" else int(name)
            assert len(cells) == 3
            if (n, g) != (370, 0.95):
                assert float(cells[1]) == pytest.approx(k3_opt(n, g, 0.05, k), rel=1e-5)
                assert float(cells[2]) == pytest.approx(gamma_c(n, g, k), rel=1e-5)
                assert notes == ""
    _, _, rows = secs[(370, 0.95)]
    assert float(rows["2"][0][1]) == pytest.approx(k3_opt(370, 0.95, 0.05, 2), rel=1e-5)
    assert rows["2"][0][2] == "n/a" and TH_SPECIAL[2][1] in rows["2"][1] and "not computed" in rows["2"][1]
    assert rows["3"][0][1:] == ["failed", "failed"]
    assert DYN_SPECIAL[(0.05, 3)][1] in rows["3"][1] and TH_SPECIAL[3][1] in rows["3"][1]
    assert float(rows["5"][0][1]) == pytest.approx(k3_opt(370, 0.95, 0.05, 5), rel=1e-5) and rows["5"][0][2] == "pending"
    assert float(rows["10"][0][2]) == pytest.approx(gamma_c(370, 0.95, 10), rel=1e-5)
    assert rows["full"][0][1:] == ["pending", "pending"] and rows["full"][1] == ""
    for cells, _ in rows.values():
        for c in cells[1:]:
            assert c in ("failed", "pending", "n/a") or float(c) != GARBAGE


@pytest.mark.parametrize("want, used, exact", [(0.05, 0.05, True), (0.0, 0.0, True), (0.07, 0.05, False),
                                               (0.09, 0.1, False), (3.0, 0.1, False), (0.02, 0.0, False)])
def test_convergence_gamma_phi_closest(dynfile, capsys, want, used, exact):
    out = run_conv(capsys, dynfile, "--gamma-phi", want)
    assert f"K3_opt at gamma_phi = {used:g} 1/s" in out.splitlines()[0]
    note = f"gamma_phi = {want:g} 1/s is not on the file's grid; using the closest, {used:g} 1/s"
    assert (note in out) != exact
    _, _, rows = sections(out)[(50, 0.8)]
    for name, (cells, _) in rows.items():
        assert float(cells[1]) == pytest.approx(k3_opt(50, 0.8, used, 0 if name == "full" else int(name)), rel=1e-5)
    assert "nan" not in out.lower()


def test_convergence_one_point_and_png(dynfile, tmp_path, capsys):
    default = tmp_path / "run_convergence.png"
    out = run_conv(capsys, dynfile, "--N", 370, "--gamma-over-J", 0.95)
    assert list(sections(out)) == [(370, 0.95)] and f"wrote {default}" in out
    assert is_png(default)
    other = tmp_path / "sub.png"
    run_conv(capsys, dynfile, "-o", other, "--N", 50)
    assert is_png(other)
    assert convergence.main([dynfile, "--N", "51"]) == 2
    assert "no N = 51 in the file" in capsys.readouterr().err


def test_convergence_without_threshold(tmp_path, capsys):
    path = make_dyn_file(tmp_path / "nothr.h5", threshold=False)
    out = run_conv(capsys, path)
    assert "no /threshold" in out and "nan" not in out.lower()
    cf, _, rows = sections(out)[(50, 0.95)]
    assert closed_forms(cf) == ("n/a", "n/a") and all(cells[2] == "n/a" for cells, _ in rows.values())
    assert is_png(tmp_path / "nothr_convergence.png")


def test_closed_form_k3_opt():
    """Levels A and B: K3_opt = 1.5 q01^2 at gamma_phi = 0, and 1 at their own thresholds (benchmark values)."""
    dE, G01, G_loc = BENCH["dE"], BENCH["G01"], BENCH["G_loc"]
    assert convergence.closed_form_k3_opt(Q01, dE, G01, 0.0) == pytest.approx(1.415345, rel=1e-5)
    assert convergence.closed_form_k3_opt(Q01, dE, G01, 0.11734) == pytest.approx(1.0, abs=2e-4)
    assert convergence.closed_form_k3_opt(Q01, dE, G_loc, 0.04992) == pytest.approx(1.0, abs=2e-4)
    x = 0.05 * G01 * np.pi / (3 * dE)
    assert convergence.closed_form_k3_opt(Q01, dE, G01, 0.05) == pytest.approx(Q01 ** 2 * (np.exp(-x) + np.exp(-2 * x) / 2))


@pytest.mark.parametrize("script", ["convergence.py", "k3.py"])
def test_missing_dynamics_error(tmp_path, script):
    path = make_dyn_file(tmp_path / "nodyn.h5", dynamics=False, threshold=False)
    r = subprocess.run([sys.executable, os.path.join(POST, script), path, "--N", "370", "--gamma-over-J", "0.95"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1
    assert r.stderr.startswith(f"{script[:-3]}: error:") and "lacks /dynamics" in r.stderr
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".png")]


def test_k3_curves(dynfile, tmp_path, capsys):
    assert k3.main([dynfile, "--N", "370", "--gamma-over-J", "0.95"]) == 0
    out = capsys.readouterr().out
    assert f"{len(P) * len(L) - 2} curve(s) plotted, 2 record(s) skipped" in out
    assert f"skipped level 3, gamma_phi = 0.05 1/s: failed: {DYN_SPECIAL[(0.05, 3)][1]}" in out
    assert "skipped level full, gamma_phi = 0.05 1/s: pending" in out
    assert "nan" not in out.lower()
    assert is_png(tmp_path / "run_k3_N370_G0.95.png")


def test_k3_selection(dynfile, tmp_path, capsys):
    png = tmp_path / "sel.png"
    assert k3.main([dynfile, "--N", "370", "--gamma-over-J", "0.95", "--levels", "2,full", "--gamma-phi", "0.06",
                    "-o", str(png)]) == 0
    out = capsys.readouterr().out
    assert "using the closest, 0.05 1/s" in out and "1 curve(s) plotted, 1 record(s) skipped" in out
    assert "skipped level full, gamma_phi = 0.05 1/s: pending" in out and is_png(png)
    assert k3.main([dynfile, "--N", "50", "--gamma-over-J", "0.8", "--levels", "5", "full", "-o", str(png)]) == 0
    assert f"{2 * len(P)} curve(s) plotted, 0 record(s) skipped" in capsys.readouterr().out


@pytest.mark.parametrize("args, msg", [([], "choose one with --N"), (["--N", "50"], "choose one with --gamma-over-J"),
                                       (["--N", "50", "--gamma-over-J", "0.8", "--levels", "7"], "level 7 not in the file")])
def test_k3_bad_choice(dynfile, capsys, args, msg):
    assert k3.main([dynfile] + args) == 2
    err = capsys.readouterr().err
    assert err.startswith("k3: error:") and msg in err and len(err.strip().splitlines()) == 1


def test_real_engine_file(tmp_path, capsys):
    """A small file the engine itself writes (dynamics and thresholds of levels 2, 3 and full): no NaN printed."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    path = str(tmp_path / "engine.h5")
    args = [os.path.join(root, "bin", "lmgsweep"), "-N", "20", "-gamma_over_J", "0.95", "-gamma_phi", "0,0.05",
            "-levels", "3,full,2", "-threshold", "-output", path]
    r = subprocess.run(args, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = run_conv(capsys, path)
    assert "nan" not in out.lower() and list(sections(out)) == [(20, 0.95)]
    cf, order, rows = sections(out)[(20, 0.95)]
    assert order == ["2", "3", "full"] and "n/a" not in cf
    assert is_png(tmp_path / "engine_convergence.png")
    assert k3.main([path]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out.lower() and is_png(tmp_path / "engine_k3_N20_G0.95.png")
