"""/tolerance as the other kinds: kill -9 in the middle and -resume equal to an uninterrupted run (bit for bit: the same
computations on one rank each), a -resume with another bias grid or another -tolerance refused, the layout of a run
without -bias and -detect_sigma unchanged, and a dry run that names the kind."""
import re

import h5py
import numpy as np
import pytest

from conftest import assert_same, records, run, spawn
from test_resilience import kill_all, wait_done

# 36 tolerance records of 10-200 ms each beside their dynamics and threshold records
GRID = ["-N", "40", "-gamma_over_J", "0.8", "-gamma_phi", "0,1", "-levels", "2,5,10", "-bias", "0,0.5,1", "-detect_sigma", "0,4",
        "-tolerance", "all", "-tau_grid", "0.1:2:20", "-progress", "0.05"]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    path = tmp_path_factory.mktemp("tol") / "tol.h5"
    p = run(2, *GRID, "-output", path)
    assert p.returncode == 0, p.stderr
    return path


def test_kill9_then_resume_equals_uninterrupted(tmp_path, uninterrupted):
    path = tmp_path / "killed.h5"
    proc = spawn(2, *GRID, "-output", path)
    wait_done(proc, 12)
    kill_all(path)
    proc.wait()
    with h5py.File(path, "r") as f:
        st = f["status/tolerance"][...]
        K3 = f["tolerance/K3_best"][...]
    assert np.isfinite(K3[st == 1]).all() and np.isnan(K3[st == 0]).all()
    p = run(2, *GRID, "-output", path, "-resume")
    assert p.returncode == 0, p.stderr
    for group in ("tolerance", "dynamics", "threshold", "status"):
        assert_same(records(uninterrupted, group), records(path, group))


def test_layout_and_status(uninterrupted):
    with h5py.File(uninterrupted, "r") as f:
        t = f["tolerance"]
        assert t["K3_best"].shape == (1, 1, 2, 3, 2, 3)
        dims = [d[0].name.rsplit("/", 1)[-1] for d in t["bias_c"].dims]  # the dimension scales attached
        assert dims == ["N", "gamma_over_J", "gamma_phi", "bias_over_h1", "detect_sigma", "level"]
        assert f["dynamics/K3"].shape == (1, 1, 2, 3, 2, 3, 20)
        assert f["threshold/gamma_c"].shape == (1, 1, 3, 2, 3)
        assert (f["status/tolerance"][...] == 1).all()
        for p in ("gamma_c_best", "bias_c", "sigma_c", "T_c"):  # a number exactly where the status says found
            st, v = t[p + "_status"][...], t[p][...]
            assert set(np.unique(st)) <= {0, 1, 2}
            assert np.isfinite(v[st == 0]).all() and np.isnan(v[st != 0]).all()
            lo, hi = t[p + "_lo"][...], t[p + "_hi"][...]
            assert (lo[st == 0] < v[st == 0]).all() and (v[st == 0] <= hi[st == 0]).all()
        np.testing.assert_allclose(t["bias_c_rad_s"][...], t["bias_c"][...] * t["h1"][...], rtol=1e-15)
        np.testing.assert_allclose(f["dynamics/bias"][0, 0, 0, :, 0, 0], t["bias_over_h1"][...] * t["h1"][0, 0, 0, 0, 0, 0], rtol=1e-15)


def test_without_the_axes_the_layout_is_todays(tmp_path):
    path = tmp_path / "plain.h5"
    assert run(0, "-N", "40", "-gamma_over_J", "0.8", "-gamma_phi", "0,1", "-levels", "2,5", "-tau_grid", "0.1:2:20", "-output", path).returncode == 0
    with h5py.File(path, "r") as f:
        assert f["dynamics/K3"].shape == (1, 1, 2, 2, 20) and f["threshold/gamma_c"].shape == (1, 1, 2)
        assert "tolerance" not in f and "bias_over_h1" not in f["dynamics"]


@pytest.mark.parametrize("change", [["-bias", "0,0.5"], ["-tolerance", "bias"]])
def test_resume_with_another_experiment_is_refused(uninterrupted, tmp_path, change):
    path = tmp_path / "copy.h5"
    path.write_bytes(uninterrupted.read_bytes())
    args = list(GRID)
    i = args.index(change[0])
    args[i + 1] = change[1]
    p = run(0, *args, "-output", path, "-resume")
    assert p.returncode != 0 and "differs" in p.stderr, p.stderr
    assert path.read_bytes() == uninterrupted.read_bytes()


def test_dry_run_names_the_kind(tmp_path):
    p = run(0, *GRID, "-output", tmp_path / "x.h5", "-dry_run")
    assert p.returncode == 0, p.stderr
    assert re.search(r"tolerance", p.stdout) and "bias_over_h1" in p.stdout and "detect_sigma" in p.stdout, p.stdout
    assert not (tmp_path / "x.h5").exists()


@pytest.mark.parametrize("engine", ["h5netcdf", "netcdf4"])
@pytest.mark.parametrize("group", ["tolerance", "dynamics", "threshold", "status"])
def test_groups_open_as_netcdf(uninterrupted, engine, group):
    import xarray as xr
    from test_netcdf import h5_values
    ref = h5_values(uninterrupted, group)
    with xr.open_dataset(uninterrupted, group=group, engine=engine) as ds:
        assert set(ds.data_vars) == set(ref), group
        for c in ("bias_over_h1", "detect_sigma"):
            assert c in ds.coords
        np.testing.assert_array_equal(ds["bias_over_h1"].values, [0, 0.5, 1])
        for name, want in ref.items():
            got = ds[name].values
            if want.dtype.kind in "fc":
                np.testing.assert_array_equal(got, want, err_msg=name)
            elif want.dtype.kind != "U":
                np.testing.assert_array_equal(got, want, err_msg=name)
