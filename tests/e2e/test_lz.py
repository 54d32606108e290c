"""/landau_zener end to end: the values of tests/reference/landau_zener_N40.json (an independent dense Dicke-basis
integration) through the engine, the full space against QuTiP mesolve with the time-dependent H, the classical foil, the
layout through h5py and both netCDF engines, the skips with their reasons, and identical files over rank counts and
after kill -9 then -resume."""
import json
import subprocess

import h5py
import numpy as np
import pytest
import xarray as xr

from conftest import REFERENCE, assert_same, lmgload, records, run, spawn, statuses
from test_resilience import kill_all, wait_done

TQ = [0.3, 1.0, 3.0]
GRID = ["-N", "10,40", "-gamma_over_J", "0.8", "-gamma_phi", "0,2", "-levels", "2,6,full", "-nev", "8", "-lz_tq", "0.3,1,3", "-lz_trajectories", "300", "-dynamics", "0"]


@pytest.fixture(scope="module")
def lz_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("lz") / "lz.h5"
    p = run(2, *GRID, "-output", path)
    assert p.returncode == 0, p.stderr
    return path


def refs():
    return json.loads((REFERENCE / "landau_zener_N40.json").read_text())["records"]


def test_reference_values_N40(lz_file):
    with h5py.File(lz_file, "r") as f:
        g = f["landau_zener"]
        assert list(g["level"][...]) == [2, 6, 0] and list(g["tq_over_tLZ"][...]) == TQ
        np.testing.assert_allclose(g["b"][1, 0], 8.115709386685188, rtol=1e-6)
        np.testing.assert_allclose(g["t_LZ"][1, 0], 0.008308751727034859, rtol=1e-6)
        np.testing.assert_allclose(g["h_sp"][1, 0], 3823.0011115130833, rtol=1e-9)
        np.testing.assert_allclose(g["h0"][1, 0], 1911.5005557565416, rtol=1e-9)
        for r in refs():
            ip, it = [0.0, 2.0].index(r["gamma_phi"]), TQ.index(r["tq_over_tLZ"])
            at = (1, 0, ip, slice(None), it)
            np.testing.assert_allclose(g["P_error"][at], [r["P_error_k2"], r["P_error_k6"], r["P_error"]], atol=1e-5)
            np.testing.assert_allclose(g["P_not_ground"][at][2], r["P_not_ground"], atol=1e-5)
            np.testing.assert_allclose(g["P_LZ"][at], r["P_LZ"], rtol=1e-12)
            assert (g["trace_err"][at] < 1e-8).all()
            if "P_error_classical" in r:
                got, err = g["P_error_classical"][1, 0, ip, it], g["P_error_classical_stderr"][1, 0, ip, it]
                assert abs(got - r["P_error_classical"]) <= 3 * np.hypot(err, r["P_error_classical_stderr"]) + 1e-12
        assert (g["trajectories"][:, :, 0] == 1).all() and (g["trajectories"][:, :, 1] == 300).all()
        assert (g["P_error_classical"][:, :, 0] == 1).all()  # gamma_phi = 0, lz_bias 0.5: frozen in its well
        assert (f["status/landau_zener"][...] == 1).all() and (f["status/lz_classical"][...] == 1).all()


def qutip_sweep(N, g, gphi, h0, tq):
    """P_error, P_not_ground of the full Dicke space by QuTiP mesolve with H(t) = H0 - h(t) Jz."""
    import qutip as qt
    J = 37195.4
    j = N / 2
    Jz, Jx = qt.jmat(j, "z"), qt.jmat(j, "x")
    H0 = -(2 * J / N) * Jz * Jz - 2 * g * J * Jx
    m = np.real(np.diag(Jz.full()))
    Q = qt.Qobj(np.diag(np.sign(m)))
    rho0 = qt.ket2dm((H0 + h0 * Jz).groundstate()[1])
    gf = (H0 - h0 * Jz).groundstate()[1]
    H = [H0, [-Jz, lambda t, args: h0 * (2 * t / tq - 1)]]
    opts = qt.Options(atol=1e-12, rtol=1e-10, nsteps=10**7)
    rho = qt.mesolve(H, rho0, [0, tq], [np.sqrt(gphi) * Jz] if gphi > 0 else [], [], options=opts).states[-1]
    return 0.5 * (1 - qt.expect(Q, rho)), 1 - qt.expect(qt.ket2dm(gf), rho)


@pytest.mark.parametrize("gphi", [0.0, 2.0])
def test_full_space_against_qutip_mesolve(lz_file, gphi):
    with h5py.File(lz_file, "r") as f:
        g = f["landau_zener"]
        h0, tlz = g["h0"][0, 0], g["t_LZ"][0, 0]
        for it, tq in enumerate(TQ):
            want = qutip_sweep(10, 0.8, gphi, h0, tq * tlz)
            got = g["P_error"][0, 0, [0.0, 2.0].index(gphi), 2, it], g["P_not_ground"][0, 0, [0.0, 2.0].index(gphi), 2, it]
            np.testing.assert_allclose(got, want, atol=1e-6, err_msg="t_q = %g t_LZ" % tq)


@pytest.mark.parametrize("engine", ["h5netcdf", "netcdf4"])
def test_netcdf_layout(lz_file, engine):
    with xr.open_dataset(lz_file, group="landau_zener", engine=engine) as ds:
        assert ds.P_error.dims == ("N", "gamma_over_J", "gamma_phi", "level", "tq_over_tLZ")
        assert ds.P_error_classical.dims == ("N", "gamma_over_J", "gamma_phi", "tq_over_tLZ")
        assert ds.t_LZ.dims == ("N", "gamma_over_J") and ds.t_LZ.attrs["units"] == "s"
        assert ds.h0.attrs["units"] == "rad/s" and "long_name" in ds.P_error.attrs
        v = ds.P_error.sel(N=40, gamma_over_J=0.8, gamma_phi=0.0, level=0, tq_over_tLZ=1.0).item()
        np.testing.assert_allclose(v, 0.2270836681774266, atol=1e-5)
        m = ds.integrator.sel(N=40, gamma_over_J=0.8, gamma_phi=2.0, level=0, tq_over_tLZ=1.0).item()
        assert "rk" in (m.decode() if isinstance(m, bytes) else m)
    p = subprocess.run(["ncdump", "-h", str(lz_file)], capture_output=True, text=True)
    assert p.returncode == 0 and "group: landau_zener {" in p.stdout
    assert "double P_error(N, gamma_over_J, gamma_phi, level, tq_over_tLZ)" in p.stdout
    assert "double P_error_classical(N, gamma_over_J, gamma_phi, tq_over_tLZ)" in p.stdout
    run = lmgload.load(lz_file)
    assert {"landau_zener", "lz_classical", "lz_scales"} <= set(run.status)
    assert run.landau_zener["P_error_classical"].dims == ("N", "gamma_over_J", "gamma_phi", "tq_over_tLZ")


def test_skips_have_their_reasons(tmp_path):
    path = tmp_path / "skip.h5"
    p = run(0, "-N", "40", "-gamma_over_J", "0.8,1.2", "-gamma_phi", "0", "-levels", "2,full", "-lz_tq", "0.3,30", "-dynamics", "0", "-dyn_max_steps", "20000", "-output", path)
    assert p.returncode == 0, p.stderr
    with h5py.File(path, "r") as f:
        q, c, s = f["status/landau_zener"][0], f["status/lz_classical"][0], f["status/lz_scales"][0]
        assert s[0] == 1 and s[1] == 3 and (q[1] == 3).all() and (c[1] == 3).all()
        assert q[0, 0, 0, 0] == 1 and q[0, 0, 1, 0] == 1 and q[0, 0, 1, 1] == 3  # t_q = 30 t_LZ: full needs > 20000 steps
        assert c[0, 0, 0] == 1 and c[0, 0, 1] == 3
        assert np.isnan(f["landau_zener/P_error"][0, 0, 0, 1, 1]) and np.isnan(f["landau_zener/t_LZ"][0, 1])
    msg = lambda k: lmgload._read(h5py.File(path, "r")["status"][k + "_message"])
    assert "no double well" in msg("lz_scales")[0, 1]
    assert "-dyn_max_steps" in msg("landau_zener")[0, 0, 0, 1, 1] and "-dyn_max_steps" in msg("lz_classical")[0, 0, 0, 1]
    assert "no double well" in msg("lz_classical")[0, 1, 0, 0]
    lz = lmgload.load(path).landau_zener  # masked by each kind's own status
    assert np.isnan(lz["P_error_classical"].data[0, 0, 0, 1]) and lz["P_error_classical"].data[0, 0, 0, 0] == 1
    assert np.isnan(lz["t_LZ"].data[0, 1]) and np.isnan(lz["P_error"].data[0, 0, 0, 1, 1])


KILL = ["-N", "16:36:6", "-gamma_over_J", "0.8", "-gamma_phi", "0,2", "-levels", "2,full", "-nev", "8", "-lz_tq", "0.5,1", "-lz_trajectories", "400", "-dynamics", "0", "-progress", "0.1"]


def test_identical_over_ranks_and_after_kill9_resume(tmp_path):
    ref = tmp_path / "ref.h5"
    assert run(3, *KILL, "-output", ref).returncode == 0
    path = tmp_path / "killed.h5"
    proc = spawn(2, *KILL, "-output", path)
    wait_done(proc, 12)
    kill_all(path)
    proc.wait()
    with h5py.File(path, "r") as f:
        left = sum(int(((s == 0) | (s == 2)).sum()) for s in statuses(f).values())
        assert (f["status/lz_classical"][...] == 0).any() or (f["status/landau_zener"][...] == 0).any(), "the kill did not interrupt the sweep records"
    p = run(0, *KILL, "-output", path, "-resume")
    assert p.returncode == 0, p.stderr
    assert "%d to compute" % left in p.stderr
    a, b = records(ref, "landau_zener"), records(path, "landau_zener")
    assert_same(a, b)  # 3 ranks, and 2 ranks killed then 1 rank resumed: the same bits (classical noise per record)


def test_full_space_on_a_window(lz_file, tmp_path):
    """The full-space records of rho (gamma_phi > 0) are computed on a window of H0's lowest levels with a stored bound
    <= -full_tol (1e-8), or in the whole space (window N + 1, bound 0) where no window up to the cost cap (K^3 <= 8.5
    n^2: 24 levels at N = 40) certifies them; psi records (gamma_phi = 0) in the whole space; k-level records have none
    (0, NaN). At N = 61, Gamma/J = 0.95 a window certifies t_q = 0.3, 1 t_LZ, and -full_method whole at -lz_tol 1e-11
    gives the same P_error and P_not_ground to the window's bound plus 1e-9 (the integrators' own errors there)."""
    with h5py.File(lz_file, "r") as f:
        g = f["landau_zener"]
        w, b = g["window"][...], g["window_bound"][...]
    full = w[:, 0, 1, 2]
    assert (full <= [[11], [41]]).all() and (b[:, 0, 1, 2] <= 1e-8).all()  # N = 10: the window of all 11 levels
    assert (w[:, 0, 0, 2] == [[11], [41]]).all() and (b[:, 0, 0, 2] == 0).all()
    assert (w[:, :, :, :2] == 0).all() and np.isnan(b[:, :, :, :2]).all()
    out = {}
    for m in ("window", "whole"):
        path = tmp_path / f"{m}.h5"
        p = run(0, "-N", 61, "-gamma_over_J", 0.95, "-gamma_phi", 2, "-levels", "full", "-nev", 4, "-lz_tq", "0.3,1",
                "-lz_trajectories", 10, "-dynamics", 0, "-lz_tol", 1e-11, "-full_method", m, "-output", path)
        assert p.returncode == 0, p.stderr
        out[m] = records(path, "landau_zener")
    a, c = out["window"], out["whole"]
    assert (a["window"] < 62).all() and (a["window_bound"] <= 1e-8).all()
    assert (c["window"] == 62).all() and (c["window_bound"] == 0).all()
    for k in ("P_error", "P_not_ground"):
        assert (np.abs(a[k] - c[k]) <= a["window_bound"] + 1e-9).all(), (k, a[k], c[k], a["window_bound"])
    np.testing.assert_allclose(a["P_floor"], c["P_floor"], atol=1e-12)
