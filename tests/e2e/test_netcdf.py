"""The file as netCDF-4: every group opens with xarray's h5netcdf and netcdf4 engines, with its coordinates, the values
equal to h5py's, the messages as text; ncdump reads it."""
import subprocess

import h5py
import numpy as np
import pytest
import xarray as xr

from conftest import lmgload, run

GROUPS = ("spectrum", "dynamics", "threshold", "status", "timing")


@pytest.fixture(scope="module")
def engine_file(tmp_path_factory):
    """Two ranks; done, skipped (-dyn_max_steps caps the full space at N = 370) and unresolved-dE records."""
    path = tmp_path_factory.mktemp("nc") / "nc.h5"
    p = run(2, "-N", "100,370,200000", "-gamma_over_J", "0.9,0.95", "-gamma_phi", "0,0.05", "-levels", "2,full",
            "-dyn_max_steps", 100, "-output", path)
    assert p.returncode == 0, p.stderr
    return path


def h5_values(path, group):
    """The group's variables as h5py/lmgload reads them (text as str), coordinates excluded."""
    run_ = lmgload.load(path)
    return {k: v.data for k, v in run_[group].items()}


@pytest.mark.parametrize("engine", ["h5netcdf", "netcdf4"])
@pytest.mark.parametrize("group", GROUPS)
def test_group_opens_with_coordinates_and_values(engine_file, engine, group):
    ref = h5_values(engine_file, group)
    with xr.open_dataset(engine_file, group=group, engine=engine) as ds:
        assert set(ds.data_vars) == set(ref), group
        assert "N" in ds.coords and "gamma_over_J" in ds.coords
        np.testing.assert_array_equal(ds["N"].values, [100, 370, 200000])
        for name, want in ref.items():
            got = ds[name].values
            assert ds[name].attrs.get("long_name"), name
            if want.dtype.kind in "fc":
                np.testing.assert_array_equal(got, want, err_msg=name)  # NaN == NaN
            elif want.dtype.kind == "U":
                got = np.vectorize(lambda x: x.decode() if isinstance(x, bytes) else str(x))(got)
                np.testing.assert_array_equal(got, want, err_msg=name)
            else:
                np.testing.assert_array_equal(got, want, err_msg=name)
                assert got.dtype == want.dtype, name  # no fill value turns pending (0) into NaN


@pytest.mark.parametrize("engine", ["h5netcdf", "netcdf4"])
def test_sel_and_text(engine_file, engine):
    with h5py.File(engine_file, "r") as f:
        dE = f["spectrum/dE"][1, 1]
        st = f["status/dynamics"][...]
    with xr.open_dataset(engine_file, group="spectrum", engine=engine) as ds:
        assert float(ds.dE.sel(N=370, gamma_over_J=0.95)) == dE
        assert ds.dE.attrs["units"] == "rad/s"
    with xr.open_dataset(engine_file, group="status", engine=engine) as ds:
        msg = ds.dynamics_message.sel(N=370, gamma_over_J=0.95, gamma_phi=0.05, level=0).item()
        msg = msg.decode() if isinstance(msg, bytes) else msg
        assert "-dyn_max_steps 100" in msg and int(ds.dynamics.sel(N=370, gamma_over_J=0.95, gamma_phi=0.05, level=0)) == 3
        assert list(ds.dynamics.attrs["flag_values"]) == [0, 1, 2, 3] and ds.dynamics.attrs["flag_meanings"] == "pending done failed skipped"
        unres = ds.spectrum_message.sel(N=200000).values.ravel()
        assert all("dE unresolved" in (m.decode() if isinstance(m, bytes) else m) for m in unres)
    assert (st == 3).any() and (st == 1).any()
    with xr.open_dataset(engine_file, group="dynamics", engine=engine) as ds:
        integ = ds.integrator.sel(N=100, gamma_over_J=0.95, gamma_phi=0.05, level=2).item()
        integ = integ.decode() if isinstance(integ, bytes) else integ
        assert integ.startswith("exact (modes of the 2-level Liouvillian)"), integ


def test_integrator_text(tmp_path):
    """The time stepper's record names its TS type, RK scheme and tolerances."""
    path = tmp_path / "st.h5"
    p = run(1, "-N", 100, "-levels", 2, "-dyn_method", "stepper", "-output", path)
    assert p.returncode == 0, p.stderr
    with xr.open_dataset(path, group="dynamics", engine="h5netcdf") as ds:
        integ = ds.integrator.sel(N=100, gamma_over_J=0.95, gamma_phi=0.05, level=2).item()
        integ = integ.decode() if isinstance(integ, bytes) else integ
        assert integ.startswith("rk 5dp") and "rtol 1e-10 (rho) 1e-10 (Q_H)" in integ, integ


def test_ncdump(engine_file):
    p = subprocess.run(["ncdump", "-h", str(engine_file)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    for g in GROUPS:
        assert f"group: {g} {{" in p.stdout
    assert "char dynamics_message(N, gamma_over_J, gamma_phi, level, message_len)" in p.stdout
    p = subprocess.run(["ncdump", "-v", "/status/spectrum_message", str(engine_file)], capture_output=True, text=True)
    assert p.returncode == 0 and "dE unresolved" in p.stdout, p.stderr
