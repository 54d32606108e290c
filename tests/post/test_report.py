"""Tests of postprocess/report.py on synthetic lmgsweep files (and one small real engine run).

Run: cd /work/main && /usr/bin/python3 -m pytest -q tests/post
The synthetic file follows the engine's layout (README "The HDF5 file"); every value is a known function of the
coordinates, so the crossover N (figure 1) and the peak (figure 2) are known exactly:
  eta_MF(N, g) = 2 + 0.5 ln(N/150) - 30 [(g - 0.9437)^2 - (0.95 - 0.9437)^2]
crosses 2 at N = 150 exactly on Gamma/J = 0.95 (linear in ln N), and at fixed N is a parabola in g with vertex 0.9437
(grid maximum 0.94). Records that are not done hold GARBAGE, which must never appear in the report.
"""
import functools
import os
import re
import subprocess
import sys

import h5py
import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
POST = os.path.join(ROOT, "postprocess")
sys.path.insert(0, POST)
sys.path.insert(0, HERE)
import report  # noqa: E402
from test_postprocess import fixed, make_dataset  # noqa: E402

N = [60, 80, 100, 130, 170, 220, 300, 370, 500]
G = [0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.99]
P = [0.01, 0.1, 1.0]
L = [2, 5]
TAU = np.linspace(0.25, 2.0, 8)
N_CROSS, G_PEAK, G0 = 150.0, 0.9437, 0.95
GARBAGE = 4242.4242
FAILED_SPEC = (N.index(220), G.index(0.95))   # failed spectrum record on the figure-1 line
PENDING_SPEC = (N.index(370), G.index(0.99))  # pending spectrum record on the figure-2 line
FAILED_DYN = (N.index(300), G.index(0.95), 1, 1)
SPEC_MSG = "EPS did not converge in 500 steps"
PNG_SIG = b"\x89PNG\r\n\x1a\n"


def eta(n, g):
    return 2.0 + 0.5 * np.log(n / N_CROSS) - 30.0 * ((g - G_PEAK) ** 2 - (G0 - G_PEAK) ** 2)


def gamma_c(n):
    return 100.0 / n


def k3_opt(n, gp):
    """K3_opt = 1 exactly at gamma_phi = gamma_c(n)."""
    return 1.5 - 0.5 * gp / gamma_c(n)


def make_report_file(path, ratios=G, spectrum=True, dynamics=True, program="lmgsweep"):
    """Synthetic lmgsweep file with /spectrum, /dynamics, /threshold and their /status (see the module docstring)."""
    with h5py.File(path, "w") as f:
        for k, v in dict(program=program, version="0.1", git_commit="abc123", created="2024-01-01T00:00:00",
                         finished="2024-01-01T00:00:09", command_line="lmgsweep -test").items():
            f.attrs[k] = fixed(v)
        f.attrs["J"], f.attrs["T"] = 37195.4, 1e-8
        grid = dict(N=np.array(N, "i8"), gamma_over_J=np.array(ratios, float), gamma_phi=np.array(P),
                    level=np.array(L, "i4"), tau_over_tau_opt=TAU)
        for name, a in grid.items():
            f.create_dataset(f"grid/{name}", data=a).make_scale(name)
        make = functools.partial(make_dataset, f)
        NG = ("N", "gamma_over_J")
        nn, gg = np.meshgrid(np.array(N, float), np.array(ratios, float), indexing="ij")
        if spectrum:
            ms = np.sqrt(1 - gg ** 2)
            gloc = (nn * ms) ** 2 / 2
            e = eta(nn, gg)
            g01 = gloc / e
            j01 = 0.9 * nn * ms / 2
            dE = 1000.0 * np.exp(-nn / 200)
            vals = dict(eta_MF=e, G_loc=gloc, G01=g01, J01=j01, dE=dE, dE_over_kT=dE * 7.64e-4,
                        gap_ratio=3 + nn / 100, q01=np.full_like(nn, 0.97))
            st = np.ones(nn.shape, "i1")
            if len(ratios) == len(G):
                st[FAILED_SPEC], st[PENDING_SPEC] = 2, 0
            for name, v in vals.items():
                make(f"spectrum/{name}", NG)[...] = np.where(st == 1, v, GARBAGE)
            make("spectrum/dE_resolved", NG, "i1")[...] = 1
            make("status/spectrum", NG, "i1")[...] = st
            msg = make("status/spectrum_message", NG, "S160")
            if len(ratios) == len(G):
                msg[FAILED_SPEC] = SPEC_MSG.encode()
        if dynamics:
            D = NG + ("gamma_phi", "level")
            shape = (len(N), len(ratios), len(P), len(L))
            n4 = np.array(N, float)[:, None, None, None] * np.ones(shape)
            p4 = np.array(P)[None, None, :, None] * np.ones(shape)
            st = np.ones(shape, "i1")
            if len(ratios) == len(G):
                st[FAILED_DYN] = 2
            k3o = np.where(st == 1, k3_opt(n4, p4), GARBAGE)
            make("dynamics/K3_opt", D)[...] = k3o
            make("dynamics/K3", D + ("tau_over_tau_opt",))[...] = k3o[..., None] * np.sin(np.pi * TAU / 2) ** 2
            make("status/dynamics", D, "i1")[...] = st
            msg = make("status/dynamics_message", D, "S160")
            if len(ratios) == len(G):
                msg[FAILED_DYN] = b"TS diverged"
            T = NG + ("level",)
            n3 = np.array(N, float)[:, None, None] * np.ones((len(N), len(ratios), len(L)))
            for name, v in dict(gamma_c=gamma_c(n3), gamma_c_A=0.2 * gamma_c(n3), gamma_c_B=0.5 * gamma_c(n3)).items():
                make(f"threshold/{name}", T, units="1/s")[...] = v
            make("status/threshold", T, "i1")[...] = 1
            make("status/threshold_message", T, "S160")
    return str(path)


@pytest.fixture(scope="module")
def full_report(tmp_path_factory):
    """(file, outdir, report.md text, stderr) of one report on the complete synthetic file."""
    d = tmp_path_factory.mktemp("full")
    path = make_report_file(d / "run.h5")
    out = d / "out"
    r = subprocess.run([sys.executable, os.path.join(POST, "report.py"), path, "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return path, out, (out / "report.md").read_text(), r.stderr


def is_png(path):
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head != PNG_SIG or os.path.getsize(path) < 5000:
        return False
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    img = mpimg.imread(str(path))
    return img.ndim == 3 and img.shape[0] > 200 and img.shape[1] > 200


def number_after(text, prefix):
    m = re.search(re.escape(prefix) + r"\s*([-+0-9.eE]+)", text)
    assert m, f"{prefix!r} not in the report"
    return float(m.group(1))


def run_report(*args):
    return subprocess.run([sys.executable, os.path.join(POST, "report.py")] + [str(a) for a in args],
                          capture_output=True, text=True)


def test_all_figures_written(full_report):
    """Figures 1-6 from the synthetic file; 7, 8 and 9 skipped with what they need (no /decoherence, /traces,
    /landau_zener)."""
    _, out, md, err = full_report
    made = [report.FIGS[k] for k in range(1, 7)]
    for name in made:
        assert is_png(out / name), name
        assert f"- `{name}`:" in md
    assert "- figure 7 needs /decoherence; file lacks it (run lmgsweep with -rates)" in md
    assert "- figure 8 needs /traces; file lacks it (run lmgsweep with -rates -rates_trace)" in md
    assert "- figure 9 needs /landau_zener; file lacks it (run lmgsweep with -lz_tq)" in md
    assert err.count("report: skipped") == 3
    assert sorted(os.listdir(out)) == sorted(made + ["report.md"])
    assert "| spectrum | 72 | 70 | 1 | 0 | 1 |" in md and "| dynamics | 432 | 431 | 1 | 0 | 0 |" in md


def independent_crossing(n, y, level=2.0):
    """First crossing of level by y(n), by numpy's interp in ln N on the bracketing pair."""
    for i in range(len(n) - 1):
        if (y[i] - level) * (y[i + 1] - level) < 0:
            lo, hi = (i, i + 1) if y[i] < y[i + 1] else (i + 1, i)
            return float(np.exp(np.interp(level, [y[lo], y[hi]], [np.log(n[lo]), np.log(n[hi])])))
    return None


def test_crossover_N(full_report):
    path, _, md, _ = full_report
    nc = number_after(md, "crossover at Gamma/J = 0.95 (linear in log N between the neighbouring done N): N =")
    assert nc == pytest.approx(N_CROSS, rel=1e-4)
    with h5py.File(path, "r") as f:  # independently: straight from the file, done records only
        n, st = f["grid/N"][()], f["status/spectrum"][:, G.index(0.95)]
        y = f["spectrum/eta_MF"][:, G.index(0.95)]
    ok = st == 1
    assert nc == pytest.approx(independent_crossing(n[ok], y[ok]), rel=1e-4)
    assert "between N = 130 and 170" in md  # N = 220 failed: left out, not interpolated through
    assert "Not done, left out: failed: N = [220]" in md


def test_crossings_function_nonlinear():
    n = np.array([50, 70, 110, 160, 240, 400, 900, 2000.0])
    y = 2 + np.tanh(np.log(n / 123.0)) - 0.3 * np.exp(-((np.log(n / 600.0)) ** 2))  # crosses 2 near 123 and 600
    y[3] = np.nan  # a record not done
    got = report.crossings(n, y)
    ok = np.isfinite(y)
    assert got[0]["N"] == pytest.approx(independent_crossing(n[ok], y[ok]), rel=1e-12)
    assert got[0]["direction"] == "up" and (got[0]["lo"], got[0]["hi"]) == (110, 240)
    assert all(len(report.crossings(n, y + d)) == 0 for d in (5.0, -5.0))
    assert report.crossings([10, 20, 30], [1.5, 2.0, 2.5]) == [dict(N=20.0, lo=20.0, hi=20.0, direction="touch")]


def test_peak_of_figure2(full_report):
    _, _, md, _ = full_report
    assert number_after(md, "parabolic vertex eta_MF =") == pytest.approx(eta(370, G_PEAK), abs=5e-6)  # 6 digits
    assert number_after(md, f"eta_MF = {eta(370, G_PEAK):.6g} at Gamma/J =") == pytest.approx(G_PEAK, abs=1e-6)
    assert number_after(md, f"peak eta_MF = {eta(370, 0.94):.6g} at Gamma/J =") == pytest.approx(0.94)  # grid maximum
    p = report.peak([0.9, 1.0, 1.1, 1.2], [1.0, 3.0, 2.0, np.nan])
    assert p["x"] == 1.0 and p["interior"] and p["xv"] == pytest.approx(1 + 1 / 60)  # y = 3 + 5t - 150t^2
    assert not report.peak([1, 2, 3], [1, 2, 3])["interior"]


def test_failed_and_pending_are_not_numbers(full_report):
    _, _, md, _ = full_report
    assert "4242" not in md and "nan" not in md.lower()
    table = md[md.index("## Table 3"):].split("\n## ")[0]
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("| ")}
    assert rows["220"].split("|")[2].strip() == f"failed: {SPEC_MSG}"
    assert rows["370"].split("|")[5].strip() == f"{eta(370, 0.95):.6g}"  # a done row has its numbers
    assert len(rows) == len(N) + 1  # the header too
    assert "- 1 dynamics failed: N=300, gamma_over_J=0.95, gamma_phi=0.1, level=5: TS diverged" in md


def test_table3_pending_row(tmp_path):
    """The pending (370, 0.99) record: the table at Gamma/J = 0.99 says pending, never a number."""
    path = make_report_file(tmp_path / "run.h5")
    r = run_report(path, "-o", tmp_path / "o", "--gamma-over-J", 0.99)
    assert r.returncode == 0
    md = (tmp_path / "o" / "report.md").read_text()
    assert "| 370 | pending |" in md and "4242" not in md


def test_lacks_messages(tmp_path):
    path = make_report_file(tmp_path / "g09.h5", ratios=[0.9], dynamics=False)
    r = run_report(path, "-o", tmp_path / "o")
    assert r.returncode == 0
    md = (tmp_path / "o" / "report.md").read_text()
    want = {1: "figure 1 needs /spectrum/eta_MF at Gamma/J = 0.95 for >= 2 N; file has Gamma/J = [0.9]",
            2: "figure 2 needs /spectrum/eta_MF at N = 370 for >= 3 Gamma/J; file has 1 done there",
            3: "figure 3 needs /spectrum/G_loc, J01 and G01 at Gamma/J = 0.95 for >= 2 N; file has Gamma/J = [0.9]",
            4: "figure 4 needs /dynamics/K3_opt; file lacks /dynamics",
            5: "figure 5 needs /dynamics/K3; file lacks /dynamics",
            6: "figure 6 needs /dynamics/K3_opt over N x gamma_phi; file lacks /dynamics"}
    for k, msg in want.items():
        assert msg in md, k
        assert f"report: skipped {report.FIGS[k]}: {msg}" in r.stderr, k
    assert os.listdir(tmp_path / "o") == ["report.md"]
    assert "no Gamma/J within 0.005 of 0.95" in md
    assert "## Figures\n\n(none)" in md


def test_nearest_ratio_and_tolerance(tmp_path):
    path = make_report_file(tmp_path / "r.h5", ratios=[0.9, 0.93, 0.948])
    r = run_report(path, "-o", tmp_path / "a")
    md = (tmp_path / "a" / "report.md").read_text()
    assert r.returncode == 0 and "Gamma/J = 0.948 (the grid value nearest 0.95, tolerance 0.005)" in md
    assert (tmp_path / "a" / report.FIGS[1]).exists()
    r = run_report(path, "-o", tmp_path / "b", "--tol", 0.001)
    md = (tmp_path / "b" / "report.md").read_text()
    assert "figure 1 needs /spectrum/eta_MF at Gamma/J = 0.95 for >= 2 N; file has Gamma/J = [0.9, 0.93, 0.948]" in md
    assert not (tmp_path / "b" / report.FIGS[1]).exists()


def test_default_dir_and_stale_figures(tmp_path):
    path = make_report_file(tmp_path / "run.h5")
    r = run_report(path)  # no -o: beside FILE
    assert r.returncode == 0 and (tmp_path / "report.md").exists()
    assert all((tmp_path / report.FIGS[k]).exists() for k in range(1, 7))  # 7-9 need /decoherence, /traces, /landau_zener
    make_report_file(tmp_path / "run.h5", dynamics=False)  # same place, now without dynamics
    r = run_report(path)
    md = (tmp_path / "report.md").read_text()
    assert r.returncode == 0 and not (tmp_path / report.FIGS[4]).exists() and (tmp_path / report.FIGS[1]).exists()
    assert f"removed {report.FIGS[6]} of an earlier report" in md


@pytest.mark.parametrize("kind", ["missing", "not_hdf5", "other_program"])
def test_exit_2(tmp_path, kind):
    path = tmp_path / "x.h5"
    if kind == "not_hdf5":
        path.write_text("hello\n")
    elif kind == "other_program":
        make_report_file(path, program="other")
    r = run_report(path, "-o", tmp_path / "o")
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("report: error:")
    expect = {"missing": "no such file", "not_hdf5": "cannot open", "other_program": "not an lmgsweep file"}
    assert expect[kind] in r.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, "bin", "lmgsweep")), reason="bin/lmgsweep not built")
def test_real_engine_file(tmp_path):
    """A small real run on 2 ranks: every figure, and figure 1's crossover equal to one computed from the file."""
    path = tmp_path / "engine.h5"
    args = ["bash", os.path.join(ROOT, "tests", "mpirun.sh"), "2", os.path.join(ROOT, "bin", "lmgsweep"),
            "-N", "40,60,80,100,120,150", "-gamma_over_J", "0.9,0.93,0.95", "-gamma_phi", "0.1,0.3,1,3",
            "-levels", "2,3", "-threshold", "-rates", "-rates_trace", "-lz_tq", "0.5,2", "-lz_trajectories", "50",
            "-output", str(path)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    r = run_report(path, "-o", tmp_path / "o", "--N", 100)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    for name in report.FIGS.values():
        assert is_png(tmp_path / "o" / name), name
    md = (tmp_path / "o" / "report.md").read_text()
    assert "nan" not in md.lower()
    with h5py.File(path, "r") as f:
        n, y = f["spectrum/N"][()], f["spectrum/eta_MF"][:, 2]
        assert f["spectrum/gamma_over_J"][2] == 0.95 and np.all(f["status/spectrum"][()] == 1)
    nc = number_after(md, "(linear in log N between the neighbouring done N): N =")
    assert nc == pytest.approx(independent_crossing(n, y), rel=1e-4)
    assert 100 < nc < 120  # eta_MF = 2 between N = 111 and 112 at Gamma/J = 0.95 (engine, N = 107 ... 122)
