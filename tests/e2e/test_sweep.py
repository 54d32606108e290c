"""End-to-end: real runs with 1, 2 and 3 ranks, values against README (What is computed) / reference JSON / dense numpy, layout."""
import h5py
import numpy as np
import pytest

from conftest import assert_same, messages, records, run

SMALL = ["-N", "100,370,1001", "-gamma_over_J", "0.8,0.95", "-gamma_phi", "0.01,0.05", "-levels", "2,5"]


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("ranks")
    out = {}
    for np_ in (0, 1, 2, 3):
        path = d / f"r{np_}.h5"
        p = run(np_, *SMALL, "-output", path)
        assert p.returncode == 0, p.stderr
        out[np_] = path
    return out


def test_ranks_give_identical_files(small_runs):
    base, dyn = records(small_runs[0]), records(small_runs[0], "dynamics")
    for np_ in (1, 2, 3):
        assert_same(base, records(small_runs[np_]))
        assert_same(dyn, records(small_runs[np_], "dynamics"))
    with h5py.File(small_runs[3], "r") as f:
        assert (f["status/spectrum"][...] == 1).all()
        teams = set(f["timing/spectrum_team"][...].ravel().tolist()) | set(f["timing/dynamics_team"][...].ravel().tolist())
        assert teams == {0, 1}, "3 ranks: two worker teams share the work"
        assert f.attrs["ranks"] == 3


def test_benchmark_values(small_runs, reference):
    """N = 370, Gamma/J = 0.95 with the default J against tests/reference/benchmark_N370.json."""
    s, J = reference["spectrum"], reference["with_default_J"]["J_rad_s"]
    tol = s["tolerance_relative"]
    r = records(small_runs[1])
    i, g = 1, 1  # N = 370, Gamma/J = 0.95
    with h5py.File(small_runs[1], "r") as f:
        assert f.attrs["J"] == J
    np.testing.assert_allclose(r["dE"][i, g], reference["with_default_J"]["dE_rad_s"], rtol=tol)
    np.testing.assert_allclose(r["dE"][i, g] / J, s["dE"], rtol=1e-9)
    np.testing.assert_allclose(r["E"][i, g, 0] / J, s["E0"], rtol=1e-11)
    np.testing.assert_allclose((r["E"][i, g, 2] - r["E"][i, g, 0]) / J, s["E2_minus_E0"], rtol=tol)
    np.testing.assert_allclose(r["Jz2"][i, g, :2], s["Jz2"], rtol=tol)
    for k in ("J01", "q01", "G01", "G_loc", "eta_MF", "eta_exact", "eta_quantum", "gap_ratio", "S_inst", "S_overlap"):
        np.testing.assert_allclose(r[k][i, g], s[k], rtol=tol, err_msg=k)
    np.testing.assert_allclose(r["leakage"][i, g], s["leakage"], atol=1e-4)
    np.testing.assert_allclose(r["leakage_avg"][i, g], s["leakage_avg"], atol=1e-4)
    assert r["dE_resolved"][i, g] == 1
    np.testing.assert_array_equal(r["parity"][i, g], [1, -1, 1, -1, 1])
    # secular = 2 dE T2, T2 = 1/(gamma_phi G01), at gamma_phi = 0.05 (README (What is computed, §2))
    np.testing.assert_allclose(2 * r["dE"][i, g] / (0.05 * r["G01"][i, g]), reference["with_default_J"]["secular_at_gamma_phi_0.05"], rtol=tol)


def dense_lmg(N, g):
    """Full (N+1)x(N+1) H/J straight from README (What is computed, §1) and numpy's eigh: an independent reference."""
    j = N / 2
    m = np.arange(-j, j + 1)
    off = -g * np.sqrt(j * (j + 1) - m[:-1] * (m[:-1] + 1))
    H = np.diag(-2 * m**2 / N) + np.diag(off, 1) + np.diag(off, -1)
    E, V = np.linalg.eigh(H)
    return m, E, V


@pytest.mark.parametrize("N,g", [(100, 0.95), (1001, 0.95), (100, 0.8)])
def test_against_dense_numpy(small_runs, N, g):
    r = records(small_runs[2])
    i, k = [100, 370, 1001].index(N), [0.8, 0.95].index(g)
    m, E, V = dense_lmg(N, g)
    J = 37195.4
    np.testing.assert_allclose(r["E"][i, k] / J, E[:5], rtol=1e-12, atol=1e-9)
    Jz = np.diag(m)
    np.testing.assert_allclose(r["J01"][i, k], abs(V[:, 0] @ Jz @ V[:, 1]), rtol=1e-8)
    np.testing.assert_allclose(r["q01"][i, k], abs(V[:, 0] @ np.diag(np.sign(m)) @ V[:, 1]), rtol=1e-8)
    np.testing.assert_allclose(r["Jz2"][i, k], [V[:, n] @ Jz @ Jz @ V[:, n] for n in range(5)], rtol=1e-8)
    if E[1] - E[0] > 1e-6:  # where double precision resolves the doublet, dE equals the dense difference
        np.testing.assert_allclose(r["dE"][i, k] / J, E[1] - E[0], rtol=1e-7)


def test_high_precision_splittings(tmp_path, reference):
    """dE far below double precision (MPFR): the two 120-digit reference values, to 1e-9."""
    hp = reference["splittings_high_precision"]
    path = tmp_path / "hp.h5"
    p = run(0, "-N", "50,370", "-gamma_over_J", "0.5,0.8", "-J", 1, "-levels", "2", "-output", path)
    assert p.returncode == 0, p.stderr
    r = records(path)
    np.testing.assert_allclose(r["dE"][1, 1], hp["N370_g0.80"], rtol=1e-9)
    np.testing.assert_allclose(r["dE"][0, 0], hp["N50_g0.50"], rtol=1e-9)
    assert r["dE_resolved"][0, 0] == 1 and r["dE_resolved"][1, 1] == 1
    assert r["dE_bits"][1, 1] > 53, "N=370, Gamma/J=0.8 is below double precision: extended precision used"


def test_large_N_and_unresolved_splitting_flagged(tmp_path):
    """N = 2e5 and 1e6 at Gamma/J = 0.95 (sectors of 5e5): the lowest levels against scipy's eigh_tridiagonal on the
    full matrix; dE/J ~ 1e-937 and 1e-4685 cannot be resolved: NaN, dE_resolved = 0, a message."""
    from scipy.linalg import eigh_tridiagonal
    path = tmp_path / "big.h5"
    p = run(0, "-N", "200000,1000000", "-gamma_over_J", "0.95", "-levels", "2", "-J", 1, "-output", path)
    assert p.returncode == 0, p.stderr
    r = records(path)
    with h5py.File(path, "r") as f:
        assert (f["status/spectrum"][...] == 1).all()
    for msg in messages(path, "spectrum").ravel():
        assert "dE unresolved" in msg
    assert (r["dE_resolved"] == 0).all() and np.isnan(r["dE"]).all() and np.isnan(r["gap_ratio"]).all()
    assert np.isfinite(r["E"]).all() and np.isfinite(r["J01"]).all()
    for i, N in enumerate((200000, 1000000)):
        j = N / 2
        m = np.arange(-j, j + 1)
        w = eigh_tridiagonal(-2 * m**2 / N, -0.95 * np.sqrt(j * (j + 1) - m[:-1] * (m[:-1] + 1)), eigvals_only=True, select="i", select_range=(0, 3))
        np.testing.assert_allclose(r["E"][i, 0], w, rtol=1e-13)
        assert (r["E_err"][i, 0] < 1e-6 * np.abs(w)).all()


def test_scalapack_and_mumps_teams_agree(small_runs, tmp_path):
    """-spectrum_solver scalapack, and SLEPc on a 2-rank team (MUMPS LU), against the 1-rank SLEPc file."""
    base = records(small_runs[0])
    for extra in (["-spectrum_solver", "scalapack"], ["-team_size", "2"]):
        path = tmp_path / ("x%d.h5" % len(extra[1]))
        p = run(3, *SMALL, "-output", path, *extra)
        assert p.returncode == 0, p.stderr
        r = records(path)
        for k in ("E", "dE", "J01", "q01", "G01", "eta_MF", "leakage"):
            np.testing.assert_allclose(r[k], base[k], rtol=1e-8, err_msg=k)


def test_layout(small_runs):
    """The layout: provenance, coordinates (dimension scales) inside every group, units/long_name/description on every
    variable, status and timing per record."""
    with h5py.File(small_runs[2], "r") as f:
        for a in ("program", "version", "file_format", "git_commit", "command_line", "options", "signature", "limits", "created",
                  "finished", "units", "J", "T", "petsc_version", "slepc_version", "hdf5_version", "mpi_version", "ranks"):
            assert a in f.attrs, a
        assert f.attrs["program"] == b"lmgsweep" or f.attrs["program"] == "lmgsweep"
        assert f.attrs["file_format"] == 2
        assert len(f.attrs["finished"].strip(b"\0")) > 0
        assert "grid" not in f
        for g in ("spectrum", "dynamics", "threshold", "status", "timing"):
            np.testing.assert_array_equal(f[g]["N"][...], [100, 370, 1001])
            assert f[g]["N"].attrs["CLASS"] == b"DIMENSION_SCALE", g
        np.testing.assert_array_equal(f["dynamics/level"][...], [2, 5])
        assert f["dynamics/level"].dtype == np.int32
        np.testing.assert_allclose(f["dynamics/gamma_phi"][...], [0.01, 0.05])
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and not bytes(obj.attrs.get("NAME", b"")).startswith(b"This is a netCDF dimension"):
                assert "units" in obj.attrs and "description" in obj.attrs and "long_name" in obj.attrs, name
        f.visititems(visit)
        for name, d in f["spectrum"].items():
            if "CLASS" in d.attrs:
                continue
            assert d.dims[0][0].name == "/spectrum/N" and d.dims[1][0].name == "/spectrum/gamma_over_J", name
            if d.ndim == 3:
                assert d.dims[2][0].name in ("/spectrum/eigen_index", "/spectrum/doublet"), name
        for name, d in f["dynamics"].items():
            if "CLASS" in d.attrs:
                continue
            assert [d.dims[i][0].name for i in range(4)] == ["/dynamics/N", "/dynamics/gamma_over_J", "/dynamics/gamma_phi", "/dynamics/level"], name
        assert f["dynamics/K3"].dims[4][0].name == "/dynamics/tau_over_tau_opt"
        np.testing.assert_allclose(f["dynamics/tau_over_tau_opt"][...], np.linspace(0.01, 2.0, 200))
        assert f["status/spectrum"].dtype == np.int8 and f["status/dynamics"].dtype == np.int8
        np.testing.assert_array_equal(f["status/dynamics"].attrs["flag_values"], [0, 1, 2, 3])
        assert (f["timing/spectrum"][...] > 0).all()


def test_help_lists_options():
    p = run(0, "-help")
    assert p.returncode == 0
    out = p.stdout + p.stderr
    for opt in ("-N <370>", "-gamma_over_J", "-gamma_phi", "-levels", "-nev", "-J <37195.4>", "-T <1e-08>", "-team_size", "-spectrum_solver", "-output", "-resume", "rad/s", "-tau_grid", "-initial", "-threshold", "-dyn_max_steps", "-dyn_max_gb", "-dyn_frame", "-dry_run", "-drain_grace"):
        assert opt in out, opt
    assert out.index("-gamma_phi <") < out.index("-dyn_ts_type"), "lmgsweep's options first, PETSc's after"


def test_unconverged_eigenpairs_are_failed_records(tmp_path):
    """SLEPc without shift-and-invert, stopped after 2 iterations: each record is failed with its reason, data NaN,
    the sweep goes on (exit 0)."""
    path = tmp_path / "nc.h5"
    p = run(0, "-N", "370,1000", "-gamma_over_J", "0.95", "-levels", "2", "-output", path, "-spectrum_st_type", "shift", "-spectrum_eps_max_it", 2)
    assert p.returncode == 0, p.stderr
    assert "0 done, 6 failed" in p.stderr  # 2 spectrum records, and the 2 dynamics and 2 threshold records that need them
    with h5py.File(path, "r") as f:
        assert (f["status/spectrum"][...] == 2).all()
        assert np.isnan(f["spectrum/E"][...]).all() and np.isnan(f["spectrum/dE"][...]).all()
    for msg in messages(path, "spectrum").ravel():
        assert "eigenpairs converged (DIVERGED_ITS" in msg
