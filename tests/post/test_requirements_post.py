"""postprocess/requirements.py: the tolerances of /tolerance (iface22: stray bias, detection resolution, temperature,
dephasing) printed in physical units (Hz = rad/s / 2 pi, nK = K 1e9), tolerances not found and records not done by their
status (never a number), the verdicts against the experimental values, the figures (PNG), the exits; on synthetic files
that follow the interface (coordinates at the root, or in each group as the engine's format 2 writes them) and on a
small file of the engine itself once it has -tolerance."""
import math
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "postprocess", "requirements.py")
BIN = os.path.join(ROOT, "bin", "lmgsweep")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
sys.path.insert(0, os.path.join(ROOT, "postprocess"))
import requirements  # noqa: E402
from lmgload import load  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
AXES = ("N", "gamma_over_J", "gamma_phi", "bias_over_h1", "detect_sigma", "level")
GRID = dict(N=np.array([40, 370], "i8"), gamma_over_J=np.array([0.8]), gamma_phi=np.array([0.0, 0.05]),
            bias_over_h1=np.array([0.0, 0.5, 1.0]), detect_sigma=np.array([0.0, 8.0]), level=np.array([2, 0, 5], "i4"))
UNITS = dict(N="1", gamma_over_J="1", gamma_phi="1/s", bias_over_h1="1", detect_sigma="atoms", level="1")
H1 = {40: 100.0, 370: 13.22966352789498}  # rad/s
MSG_LEN = 160
GARBAGE = 777.0  # the float fields of records not done, and of tolerances not found
PARAMS = ("gamma_c_best", "bias_c", "sigma_c", "T_c")

# records not done (N index, G, gamma_phi, bias, sigma, level index) -> (status, message)
NOT_DONE = {(0, 0, 0, 1, 0, 2): (2, "K3_best: the time stepper diverged at tau = 1.3 tau_opt"),
            (0, 0, 0, 2, 1, 1): (3, "skipped: -levels full beyond -full_max_gb"),
            (0, 0, 0, 0, 1, 0): (0, "")}
# done records with tolerances not found: index -> ({param: (status, lo, hi)}, K3_best or None, message)
NO_VIOL = (1, 0, 1, 2, 1, 0)   # N = 370, gamma_phi 0.05, bias 1, sigma 8, k = 2: K3_best <= 1
SPECIAL = (1, 0, 1, 0, 1, 1)   # N = 370, gamma_phi 0.05, bias 0, sigma 8, full: 2, 2, 3, 4
TOL_SPECIAL = {
    NO_VIOL: ({p: (1, np.nan, np.nan) for p in PARAMS}, 0.97, ""),
    SPECIAL: ({"bias_c": (2, 5.0, 20.0), "sigma_c": (2, 40.0, 64.0), "T_c": (3, np.nan, np.nan),
               "gamma_c_best": (4, 0.1, 0.2)}, None, "gamma_c_best: the evaluation at gamma_phi = 0.15 failed"),
}


def value(p, idx):
    """The synthetic value of field p at the record idx (indices of AXES)."""
    iN, iG, iP, iB, iS, iL = idx
    n = int(GRID["N"][iN])
    return dict(
        K3_best=1.4 - 0.05 * iB - 0.02 * iS - 0.01 * iL,
        tau_best_over_tau_opt=0.9 + 0.01 * iB + 0.001 * iL,
        tau_best=(0.9 + 0.01 * iB) * 1e-3,
        h1=H1[n],
        bias=GRID["bias_over_h1"][iB] * H1[n],
        bias_c=2.7128 - 0.1 * iP - 0.3 * iS + 0.01 * iL + 0.5 * iB,
        sigma_c=5.0 + 3.0 * iB + 2.0 * iS + iL + 0.123,
        T_c=(5.0 + 4.0 * iP + iB + iL + 0.25) * 1e-9,
        gamma_c_best=0.02 + 0.03 * iB + 0.01 * iL + 0.001 * iS,
    )[p]


def tol(p, idx):
    """(status, value, lo, hi) of tolerance p at a done record."""
    if idx in TOL_SPECIAL and p in TOL_SPECIAL[idx][0]:
        st, lo, hi = TOL_SPECIAL[idx][0][p]
        return st, GARBAGE, lo, hi
    v = value(p, idx)
    return 0, v, 0.9 * v, 1.1 * v


def k3_best(idx):
    if idx in TOL_SPECIAL and TOL_SPECIAL[idx][1] is not None:
        return TOL_SPECIAL[idx][1]
    return value("K3_best", idx)


def record_status(idx):
    if idx in NOT_DONE:
        return NOT_DONE[idx]
    return 1, TOL_SPECIAL.get(idx, (None, None, ""))[2]


def fixed(s):
    return np.bytes_(s.encode())


def make_file(path, layout="root", tolerance=True, program="lmgsweep", grid=GRID):
    """A synthetic lmgsweep file with /tolerance as iface22 lays it out: coordinates as dimension scales at the root
    (layout 'root') or in each group (layout 'group', as the engine's file format 2 writes them), /tolerance/<field>
    over AXES, /status/tolerance (int8, flag_values / flag_meanings, group) and /status/tolerance_message (char array
    over message_len)."""
    shape = tuple(len(grid[a]) for a in AXES)
    with h5py.File(path, "w") as f:
        for k, v in dict(program=program, version="0.1.0", git_commit="abc1234", created="2026-01-01T00:00:00Z",
                         finished="2026-01-01T00:00:09Z",
                         units="hbar=1; J, Gamma in rad/s; gamma_phi in 1/s; t in s; T in K").items():
            f.attrs[k] = fixed(v)
        f.attrs["J"], f.attrs["T"], f.attrs["file_format"] = 37195.4, 1e-8, 2
        scales = {}

        def scale(where, name, data, units="1"):
            key = f"{where}/{name}".lstrip("/")
            if key not in f:
                ds = f.create_dataset(key, data=data)
                ds.attrs["units"] = fixed(units)
                ds.make_scale(name)
            return f[key]

        def grp_scales(g):
            where = "" if layout == "root" else g
            sc = {a: scale(where, a, grid[a], UNITS[a]) for a in AXES}
            key = f"{where}/message_len".lstrip("/")
            if key not in f:
                ds = f.create_dataset(key, data=np.zeros(MSG_LEN, ">f4"))
                ds.make_scale(f"This is a netCDF dimension but not a netCDF variable. {MSG_LEN:10d}")
            sc["message_len"] = f[key]
            return sc

        def make(g, name, dtype="f8", units="1", dims=AXES):
            sc = scales.setdefault(g, grp_scales(g))
            shp = tuple(len(sc[d]) for d in dims)
            ds = f.create_dataset(f"{g}/{name}", shape=shp, dtype=dtype)
            ds.attrs["units"] = fixed(units)
            for i, d in enumerate(dims):
                ds.dims[i].attach_scale(sc[d])
            return ds

        if program == "lmgsweep":  # a /spectrum group as every engine file has (not read by the script)
            sp = make("spectrum", "dE", units="rad/s", dims=("N", "gamma_over_J"))
            sp[...] = 1310.0
            make("status", "spectrum", "i1", dims=("N", "gamma_over_J"))[...] = 1
        if not tolerance:
            return str(path)
        units = dict(bias="rad/s", h1="rad/s", K3_best="1", tau_best="s", tau_best_over_tau_opt="1", gamma_c_best="1/s",
                     bias_c="1", sigma_c="atoms", T_c="K", bias_c_rad_s="rad/s")
        ds = {}
        for name in ("bias", "h1", "K3_best", "tau_best", "tau_best_over_tau_opt", "bias_c_rad_s"):
            ds[name] = make("tolerance", name, units=units[name])
        for p in PARAMS:
            for s in ("", "_lo", "_hi"):
                ds[p + s] = make("tolerance", p + s, units=units[p])
            ds[p + "_status"] = make("tolerance", p + "_status", "i1")
        ds["evaluations"] = make("tolerance", "evaluations", "i4")
        st = make("status", "tolerance", "i1")
        st.attrs["flag_values"] = np.array([0, 1, 2, 3], "i1")
        st.attrs["flag_meanings"] = fixed("pending done failed skipped")
        st.attrs["group"] = fixed("tolerance")
        msg = make("status", "tolerance_message", "S1", dims=AXES + ("message_len",))
        for idx in np.ndindex(*shape):
            s, m = record_status(idx)
            st[idx] = s
            msg[idx] = np.frombuffer(m.encode().ljust(MSG_LEN, b"\0"), "S1")
            ds["evaluations"][idx] = 40
            if s != 1:  # never printed: garbage floats, status 0 (found) of the tolerances
                for name, d in ds.items():
                    if name != "evaluations":
                        d[idx] = 0 if name.endswith("_status") else GARBAGE
                continue
            for name in ("bias", "h1", "tau_best", "tau_best_over_tau_opt"):
                ds[name][idx] = value(name, idx)
            ds["K3_best"][idx] = k3_best(idx)
            for p in PARAMS:
                t = tol(p, idx)
                ds[p + "_status"][idx], ds[p][idx], ds[p + "_lo"][idx], ds[p + "_hi"][idx] = t
            b = tol("bias_c", idx)
            ds["bias_c_rad_s"][idx] = b[1] * value("h1", idx) if b[0] == 0 else GARBAGE
    return str(path)


def run_req(capsys, *args):
    code = requirements.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def run_cli(*args):
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True, timeout=300)


def sections(out):
    """{(N, level name): (head cells, [row cells]), ...} of the Markdown tables, and the note lines."""
    res, key, notes = {}, None, []
    for line in out.splitlines():
        if line.startswith("## N = "):
            n, lev = line[len("## N = "):].split(", level ")
            key = (int(n), lev.replace("k = ", ""))
            res[key] = (None, [])
        elif line.startswith("| ") and key is not None:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if res[key][0] is None:
                res[key] = (cells, [])
            else:
                res[key][1].append(cells)
        elif line.startswith("- Gamma/J"):
            notes.append(line)
    return res, notes


def index_of(N, lev, row):
    """The record index (AXES order) of a table row of section (N, level name)."""
    iN = list(GRID["N"]).index(N)
    iL = list(GRID["level"]).index(0 if lev == "full" else int(lev))
    g, gp, b, s = (float(x) for x in row[:4])
    return (iN, list(GRID["gamma_over_J"]).index(g), list(GRID["gamma_phi"]).index(gp),
            list(GRID["bias_over_h1"]).index(b), list(GRID["detect_sigma"]).index(s), iL)


def num(cell):
    return float(cell)


def expected_verdict(st, v, hi, e, unit):
    if st == 0:
        return f"meets: {e:.6g} {unit} < {v:.6g} {unit}" if e < v else f"misses: {e:.6g} {unit} >= {v:.6g} {unit}"
    if st == 1:
        return "misses: no violation"
    if st == 2:
        return (f"meets: {e:.6g} {unit}, no crossing up to {hi:.6g} {unit}" if e <= hi
                else f"unknown: {e:.6g} {unit} beyond the search limit {hi:.6g} {unit}")
    return {3: "not asked", 4: "failed"}[st]


@pytest.fixture(params=["root", "group"])
def tolfile(request, tmp_path):
    return make_file(tmp_path / "tol.h5", layout=request.param)


def test_synthetic_file_reads_with_lmgload(tolfile):
    run = load(tolfile)
    requirements.root_coords(tolfile, run)
    assert run["tolerance"]["K3_best"].dims == AXES and run["status"]["tolerance"].dims == AXES
    for a in AXES:
        assert np.array_equal(run["coords"][a], GRID[a])
    k3 = run["tolerance"]["K3_best"].data
    assert np.isnan(k3[(0, 0, 0, 1, 0, 2)]) and k3[(1, 0, 0, 0, 0, 0)] == pytest.approx(1.4)  # masked when not done
    assert run["status"]["tolerance_message"].data[(0, 0, 0, 1, 0, 2)].startswith("K3_best: the time stepper")


def test_table_is_the_files_values(tolfile, capsys, tmp_path):
    code, out, err = run_req(capsys, tolfile, "-o", tmp_path)
    assert code == 0, err
    secs, notes = sections(out)
    # per N, levels k ascending, full last
    assert list(secs) == [(40, "2"), (40, "5"), (40, "full"), (370, "2"), (370, "5"), (370, "full")]
    nrec = len(GRID["gamma_over_J"]) * len(GRID["gamma_phi"]) * len(GRID["bias_over_h1"]) * len(GRID["detect_sigma"])
    seen = 0
    for (N, lev), (head, rows) in secs.items():
        assert head[:6] == ["Gamma/J", "gamma_phi (1/s)", "bias (h1)", "sigma (atoms)", "K3_best", "tau_best/tau_opt"]
        assert head[6:9] == ["bias_c (h1)", "bias_c (rad/s)", "bias_c (Hz)"]
        assert head[10] == "sigma_c (atoms)" and head[12] == "T_c (nK)" and head[14] == "gamma_c_best (1/s)"
        assert len(rows) == nrec
        for row in rows:
            assert len(row) == len(head)
            idx = index_of(N, lev, row)
            if record_status(idx)[0] != 1:
                continue
            seen += 1
            assert num(row[4]) == pytest.approx(k3_best(idx), rel=1e-5)
            assert num(row[5]) == pytest.approx(value("tau_best_over_tau_opt", idx), rel=1e-5)
            st, v, lo, hi = tol("bias_c", idx)
            h1 = value("h1", idx)
            if st == 0:
                assert num(row[6]) == pytest.approx(v, rel=1e-5)
                assert num(row[7]) == pytest.approx(v * h1, rel=1e-5)  # the file's bias_c_rad_s
                assert num(row[8]) == pytest.approx(v * h1 / (2 * math.pi), rel=1e-5)  # Hz = rad/s / 2 pi
            st, v, lo, hi = tol("sigma_c", idx)
            if st == 0:
                assert num(row[10]) == pytest.approx(v, rel=1e-5)
            st, v, lo, hi = tol("T_c", idx)
            if st == 0:
                assert num(row[12]) == pytest.approx(v * 1e9, rel=1e-5)  # nK
            st, v, lo, hi = tol("gamma_c_best", idx)
            if st == 0:
                assert num(row[14]) == pytest.approx(v, rel=1e-5)
    assert seen == GRID["N"].size * GRID["level"].size * nrec - len(NOT_DONE)
    assert "777" not in out and "nan" not in out.lower()


def test_tolerances_not_found_print_their_status(tolfile, capsys, tmp_path):
    code, out, err = run_req(capsys, tolfile, "-o", tmp_path)
    assert code == 0, err
    secs, notes = sections(out)
    row = [r for r in secs[(370, "2")][1] if index_of(370, "2", r) == NO_VIOL][0]
    assert num(row[4]) == pytest.approx(0.97)
    assert row[6:9] == ["no violation"] * 3
    assert row[10] == row[12] == row[14] == "no violation"
    assert row[9] == row[11] == row[13] == row[15] == "misses: no violation"
    row = [r for r in secs[(370, "full")][1] if index_of(370, "full", r) == SPECIAL][0]
    h1 = H1[370]
    # bias: no crossing up to 20 h1, in h1, rad/s and Hz
    assert row[6] == "none up to 20"
    assert row[7] == f"none up to {20 * h1:.6g}" and row[8] == f"none up to {20 * h1 / (2 * math.pi):.6g}"
    assert row[9] == f"meets: 1 Hz, no crossing up to {20 * h1 / (2 * math.pi):.6g} Hz"
    assert row[10] == "none up to 64" and row[11] == "meets: 10 atoms, no crossing up to 64 atoms"
    assert row[12] == row[13] == "not asked"
    assert row[14] == row[15] == "failed"
    assert any("bias = 0 h1, sigma = 8 atoms: done: gamma_c_best: the evaluation at gamma_phi = 0.15 failed" in n
               for n in notes)
    # search limit below the experimental value: unknown
    code, out, err = run_req(capsys, tolfile, "-o", tmp_path, "--atom-resolution", "100", "--N", "370")
    row = [r for r in sections(out)[0][(370, "full")][1] if index_of(370, "full", r) == SPECIAL][0]
    assert row[11] == "unknown: 100 atoms beyond the search limit 64 atoms"


def test_records_not_done_are_listed_by_status(tolfile, capsys, tmp_path):
    code, out, err = run_req(capsys, tolfile, "-o", tmp_path)
    assert code == 0, err
    secs, notes = sections(out)
    words = {0: "pending", 2: "failed", 3: "skipped"}
    for idx, (s, m) in NOT_DONE.items():
        N, lev = int(GRID["N"][idx[0]]), requirements.level_name(GRID["level"][idx[5]])
        row = [r for r in secs[(N, lev)][1] if index_of(N, lev, r) == idx][0]
        assert row[4:] == [words[s]] * (len(row) - 4)
        where = (f"- Gamma/J = 0.8, gamma_phi = {GRID['gamma_phi'][idx[2]]:g} 1/s, "
                 f"bias = {GRID['bias_over_h1'][idx[3]]:g} h1, sigma = {GRID['detect_sigma'][idx[4]]:g} atoms: {words[s]}")
        assert (where + (f": {m}" if m else "")) in notes


@pytest.mark.parametrize("opts", [[], ["--bias-noise", "10", "--atom-resolution", "12", "--temperature", "8",
                                       "--dephasing", "0.06"]])
def test_verdicts(tolfile, capsys, tmp_path, opts):
    code, out, err = run_req(capsys, tolfile, "-o", tmp_path, *opts)
    assert code == 0, err
    o = dict(zip(opts[::2], map(float, opts[1::2])))
    exp = dict(bias=o.get("--bias-noise", 1.0), sigma=o.get("--atom-resolution", 10.0), T=o.get("--temperature", 10.0),
               gamma=o.get("--dephasing", 0.05))
    secs, _ = sections(out)
    head = secs[(40, "2")][0]
    assert head[9] == f"bias noise {exp['bias']:g} Hz" and head[11] == f"resolution {exp['sigma']:g} atoms"
    assert head[13] == f"temperature {exp['T']:g} nK" and head[15] == f"dephasing {exp['gamma']:g} 1/s"
    outcomes = set()
    for (N, lev), (head, rows) in secs.items():
        for row in rows:
            idx = index_of(N, lev, row)
            if record_status(idx)[0] != 1:
                continue
            h1 = value("h1", idx)
            st, v, lo, hi = tol("bias_c", idx)
            assert row[9] == expected_verdict(st, v * h1 / (2 * math.pi), hi * h1 / (2 * math.pi), exp["bias"], "Hz")
            st, v, lo, hi = tol("sigma_c", idx)
            assert row[11] == expected_verdict(st, v, hi, exp["sigma"], "atoms")
            st, v, lo, hi = tol("T_c", idx)
            assert row[13] == expected_verdict(st, v * 1e9, hi * 1e9, exp["T"], "nK")
            st, v, lo, hi = tol("gamma_c_best", idx)
            assert row[15] == expected_verdict(st, v, hi, exp["gamma"], "1/s")
            outcomes.update(c.split(":")[0] for c in row[9::2])
    assert {"meets", "misses"} <= outcomes


def test_figures(tolfile, tmp_path):
    r = run_cli(tolfile, "-o", tmp_path / "figs", "--N", "370")
    assert r.returncode == 0, r.stderr
    for axis in ("bias", "sigma"):
        png = tmp_path / "figs" / f"tol_requirements_{axis}_N370.png"
        assert png.read_bytes()[:8] == PNG_MAGIC
        assert f"wrote {png}" in r.stdout
    assert not (tmp_path / "figs" / "tol_requirements_bias_N40.png").exists()
    assert [k for k in sections(r.stdout)[0]] == [(370, "2"), (370, "5"), (370, "full")]
    # default directory: beside FILE
    r = run_cli(tolfile, "--N", "40")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "tol_requirements_sigma_N40.png").read_bytes()[:8] == PNG_MAGIC


def test_single_valued_axis_not_drawn(tmp_path, capsys):
    grid = dict(GRID, bias_over_h1=np.array([0.0]), detect_sigma=np.array([0.0, 8.0]))
    path = make_file(tmp_path / "onebias.h5", grid=grid)
    code, out, err = run_req(capsys, path, "-o", tmp_path)
    assert code == 0, err
    assert "not drawn: onebias_requirements_bias_N40.png: the file has a single bias_over_h1 value (0)" in out
    assert not (tmp_path / "onebias_requirements_bias_N40.png").exists()
    assert (tmp_path / "onebias_requirements_sigma_N40.png").read_bytes()[:8] == PNG_MAGIC


def test_exit_2(tmp_path):
    r = run_cli(tmp_path / "missing.h5")
    assert r.returncode == 2 and r.stderr.startswith("requirements.py:") and len(r.stderr.strip().splitlines()) == 1
    r = run_cli(make_file(tmp_path / "plain.h5", tolerance=False))
    assert r.returncode == 2 and "has no /tolerance records (run lmgsweep with -tolerance)" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and r.stdout == ""
    r = run_cli(make_file(tmp_path / "other.h5", program="other"))
    assert r.returncode == 2 and "not an lmgsweep file" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    (tmp_path / "text.h5").write_text("not hdf5\n")
    r = run_cli(tmp_path / "text.h5")
    assert r.returncode == 2 and "cannot open as HDF5" in r.stderr
    r = run_cli(make_file(tmp_path / "tol.h5"), "--N", "41")
    assert r.returncode == 2 and "N = 41 is not on the grid" in r.stderr


def engine_has_tolerance():
    if not os.access(BIN, os.X_OK):
        return False
    r = subprocess.run([BIN, "-help"], capture_output=True, text=True, env=ENV, timeout=60)
    return "-tolerance" in r.stdout + r.stderr


@pytest.mark.skipif(not engine_has_tolerance(), reason="bin/lmgsweep has no -tolerance yet")
def test_real_engine_file(tmp_path):
    path = tmp_path / "eng.h5"
    r = subprocess.run([BIN, "-N", "40", "-gamma_over_J", "0.8", "-gamma_phi", "0", "-levels", "2,5", "-bias", "0,1",
                        "-detect_sigma", "0,4", "-tolerance", "all", "-tau_grid", "0.1:2:20", "-output", str(path)],
                       capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr
    r = run_cli(path, "-o", tmp_path)
    assert r.returncode == 0, r.stderr
    assert "nan" not in r.stdout.lower()
    for axis in ("bias", "sigma"):
        assert (tmp_path / f"eng_requirements_{axis}_N40.png").read_bytes()[:8] == PNG_MAGIC
    secs, _ = sections(r.stdout)
    assert list(secs) == [(40, "2"), (40, "5")]
    with h5py.File(path, "r") as f:
        t = {k: f["tolerance"][k][()] for k in f["tolerance"] if f["tolerance"][k].ndim == 6}
        st = f["status/tolerance"][()]
    bias, sigma = [0.0, 1.0], [0.0, 4.0]
    n = 0
    for (N, lev), (head, rows) in secs.items():
        iL = [2, 5].index(int(lev))
        assert len(rows) == 4
        for row in rows:
            idx = (0, 0, 0, bias.index(float(row[2])), sigma.index(float(row[3])), iL)
            if st[idx] != 1:
                assert row[4] == {0: "pending", 2: "failed", 3: "skipped"}[st[idx]]
                continue
            n += 1
            assert num(row[4]) == pytest.approx(t["K3_best"][idx], rel=1e-5)
            for col, p, conv in ((6, "bias_c", 1.0), (10, "sigma_c", 1.0), (12, "T_c", 1e9), (14, "gamma_c_best", 1.0)):
                s = int(t[f"{p}_status"][idx])
                if s == 0:
                    assert num(row[col]) == pytest.approx(t[p][idx] * conv, rel=1e-5)
                else:
                    assert row[col] == {1: "no violation", 3: "not asked", 4: "failed"}.get(
                        s, f"none up to {t[f'{p}_hi'][idx] * conv:.6g}")
            if int(t["bias_c_status"][idx]) == 0:
                assert num(row[7]) == pytest.approx(t["bias_c_rad_s"][idx], rel=1e-5)
                assert num(row[8]) == pytest.approx(t["bias_c_rad_s"][idx] / (2 * math.pi), rel=1e-5)
    assert n > 0
