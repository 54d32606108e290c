"""/decoherence and /traces end to end: values against tests/reference/decoherence_modes.json (independent dense
eigendecompositions), the layout through h5py, lmgload and both netCDF engines, skips, and kill -9 then -resume."""
import json
import subprocess

import h5py
import numpy as np
import pytest
import xarray as xr

from conftest import REFERENCE, assert_same, lmgload, records, run, spawn, statuses
from test_resilience import kill_all, wait_done

GRID = ["-N", "40", "-gamma_over_J", "0.8", "-gamma_phi", "0,2,50", "-levels", "2,41,full", "-rates", "-rates_trace", "-nev", "41"]


@pytest.fixture(scope="module")
def rates_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("rates") / "rates.h5"
    p = run(2, *GRID, "-output", path)
    assert p.returncode == 0, p.stderr
    return path


def reference(N, g, gphi, level):
    for r in json.loads((REFERENCE / "decoherence_modes.json").read_text())["records"]:
        if (r["N"], r["gamma_over_J"], r["gamma_phi"], r["level"]) == (N, g, gphi, level):
            return r
    raise KeyError((N, g, gphi, level))


@pytest.mark.parametrize("gphi", [2.0, 50.0])
def test_full_space_modes_match_the_dense_reference(rates_file, gphi):
    ref = reference(40, 0.8, gphi, 0)
    want = sorted(-m[0] for m in ref["doublet_modes"])
    ip = [0, 2, 50].index(gphi)
    with h5py.File(rates_file, "r") as f:
        for level in (1, 2):  # k = N+1 (dense) and full (SLEPc)
            got = f["decoherence/rate_01"][0, 0, [0, 2, 50].index(gphi), level]
            np.testing.assert_allclose(got, want, rtol=1e-6)
            np.testing.assert_allclose(f["decoherence/liouvillian_gap"][0, 0, [0, 2, 50].index(gphi), level], ref["liouvillian_gap"], rtol=1e-6)
            assert (f["decoherence/residual"][0, 0, [0, 2, 50].index(gphi), level] < 1e-6).all()
        np.testing.assert_allclose(f["decoherence/rate_secular"][0, 0, ip, 2], ref["gamma_G01"], rtol=1e-9)
        np.testing.assert_allclose(f["decoherence/rate_pointer"][0, 0, ip, 2], ref["gamma_G01_plus_J01sq"], rtol=1e-9)
        np.testing.assert_allclose(f["decoherence/rate_degenerate"][0, 0, ip, 2], ref["two_gamma_J01sq"], rtol=1e-9)
        np.testing.assert_allclose(f["decoherence/rate_mean_field"][0, 0, ip, 2], ref["gamma_Gloc"], rtol=1e-9)
        np.testing.assert_allclose(f["decoherence/rate_leakage"][0, 0, ip, 2], ref["gamma_leak"], rtol=1e-9)


def test_no_decay_is_skipped_with_its_reason(rates_file):
    st = lmgload.load(rates_file)
    with h5py.File(rates_file, "r") as f:
        s = f["status/decoherence"][...]
        assert (s[0, 0, 0, :] == 3).all() and (s[0, 0, 1:, :] == 1).all()
        assert np.isnan(f["decoherence/rate_01"][0, 0, 0]).all() and np.isnan(f["decoherence/rate_secular"][0, 0, 0]).all()
        assert (f["status/traces"][0, 0, 0, :] == 3).all()
    msg = lmgload._read(h5py.File(rates_file, "r")["status/decoherence_message"])
    assert all("no decay" in m for m in msg[0, 0, 0, :].ravel())
    assert "decoherence" in st and "traces" in st


@pytest.mark.parametrize("engine", ["h5netcdf", "netcdf4"])
def test_netcdf_layout(rates_file, engine):
    with xr.open_dataset(rates_file, group="decoherence", engine=engine) as ds:
        assert ds.rate_01.dims == ("N", "gamma_over_J", "gamma_phi", "level", "mode")
        assert ds.residual.dims[-1] == "rate" and ds.sizes["rate"] == 4
        assert ds.rate_01.attrs["units"] == "1/s" and "long_name" in ds.rate_01.attrs
        v = ds.rate_01.sel(N=40, gamma_over_J=0.8, gamma_phi=2.0, level=0).values
        np.testing.assert_allclose(v, [255.1523042252, 255.1523042252], rtol=1e-6)
        m = ds.method.sel(N=40, gamma_over_J=0.8, gamma_phi=2.0, level=0).item()
        assert "SLEPc" in (m.decode() if isinstance(m, bytes) else m)
    with xr.open_dataset(rates_file, group="traces", engine=engine) as ds:
        tr = ds.trace_P_rho01_re.sel(N=40, gamma_over_J=0.8, gamma_phi=50.0)
        assert tr.dims == ("level", "t_over_T2") and ds.sizes["t_over_T2"] == 101
        np.testing.assert_allclose(tr.sel(t_over_T2=0).values, 0.5, atol=1e-10)
        np.testing.assert_allclose(tr.sel(level=41).values, tr.sel(level=0).values, atol=1e-6)  # modes = stepper
    p = subprocess.run(["ncdump", "-h", str(rates_file)], capture_output=True, text=True)
    assert p.returncode == 0 and "group: decoherence {" in p.stdout and "double rate_01(N, gamma_over_J, gamma_phi, level, mode)" in p.stdout


KILL = ["-N", "40:200:9", "-gamma_over_J", "0.8", "-gamma_phi", "0.5,2", "-levels", "10,20", "-nev", "20", "-rates", "-rates_trace", "-tau_grid", "0.5,1", "-progress", "0.1"]


def test_kill9_then_resume_of_the_new_kinds(tmp_path):
    ref = tmp_path / "ref.h5"
    assert run(2, *KILL, "-output", ref).returncode == 0
    path = tmp_path / "killed.h5"
    proc = spawn(2, *KILL, "-output", path)
    wait_done(proc, 40)
    kill_all(path)
    proc.wait()
    with h5py.File(path, "r") as f:
        st = f["status/decoherence"][...]
        left = sum(int(((s == 0) | (s == 2)).sum()) for s in statuses(f).values())
    assert (st == 0).any(), "the kill did not interrupt the new kinds"
    p = run(2, *KILL, "-output", path, "-resume")
    assert p.returncode == 0, p.stderr
    assert "%d to compute" % left in p.stderr
    for g in ("decoherence", "traces", "dynamics"):
        assert_same(records(ref, g), records(path, g))
