"""Tests of postprocess/lmgload.py and postprocess/table3.py on small synthetic lmgsweep files.

Run: cd /work/main && /usr/bin/python3 -m pytest -q tests/post
The last test runs the engine (bin/lmgsweep) for a real file, or reads LMG_SAMPLE_H5 when set.
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
import lmgload  # noqa: E402
import table3  # noqa: E402

HBAR, KB = 1.054571817e-34, 1.380649e-23
N, G, P, L, NEV = [50, 370], [0.8, 0.95], [0.05, 0.1], [2, 5, 0], 4
T = 1e-8
# The N = 370, Gamma/J = 0.95 record (tests/reference/benchmark_N370.json, default J): dE in rad/s.
BENCH = dict(dE=1310.0, G01=2838.962, G_loc=6673.875, eta_MF=2.35083, gap_ratio=11.3768)
SPECTRUM_2D = ["dE", "dE_resolved", "dE_bits", "gap_ratio", "J01", "q01", "G01", "G_loc", "eta_MF", "eta_exact",
               "eta_quantum", "leakage_avg", "delta_G", "Delta_zp", "S_inst", "S_overlap", "dE_over_kT"]
INT_TYPES = {"dE_resolved": "i1", "dE_bits": "i4", "parity": "i1"}


def fixed(s):
    """A fixed-length (not variable-length) HDF5 string, as the engine writes them."""
    return np.array(s.encode(), dtype=f"S{max(len(s), 1)}")



def make_dataset(f, name, dims, dtype="f8", units="1"):
    """A NaN/0-filled dataset with units, description and the /grid scales of `dims` attached."""
    shape = [len(f[f"grid/{d}"]) for d in dims]
    fill = np.nan if dtype == "f8" else (b"" if dtype.startswith("S") else 0)
    ds = f.create_dataset(name, shape=shape, dtype=dtype, fillvalue=fill)
    ds.attrs["units"], ds.attrs["description"] = fixed(units), fixed(f"the {name}")
    for i, d in enumerate(dims):
        ds.dims[i].attach_scale(f[f"grid/{d}"])
    return ds

def make_file(path, program="lmgsweep", spectrum=True):
    """Synthetic file following the engine's layout. Records (iN, iG): (1,1) done with benchmark values,
    (0,0) done with an unresolved dE, (1,0) failed, (0,1) pending; the last two hold garbage numbers."""
    with h5py.File(path, "w") as f:
        attrs = dict(program=program, version="0.1", git_commit="abc123", command_line="lmgsweep -test",
                     options="-N 50,370", signature="sig", created="2024-01-01T00:00:00", finished="",
                     units="hbar=1; J, Gamma in rad/s; gamma_phi in 1/s; t in s; T in K",
                     petsc_version="3.18", slepc_version="3.18", hdf5_version="1.10", mpi_version="4.1")
        for k, v in attrs.items():
            f.attrs[k] = fixed(v)
        f.attrs["J"], f.attrs["T"] = 37195.4, T
        f.attrs["ranks"], f.attrs["team_size"] = np.int32(4), np.int32(2)
        grid = dict(N=(np.array(N, "i8"), "1"), gamma_over_J=(np.array(G), "1"), gamma_phi=(np.array(P), "1/s"),
                    level=(np.array(L, "i4"), "1"), eigen_index=(np.arange(NEV, dtype="i4"), "1"),
                    doublet=(np.arange(2, dtype="i4"), "1"))
        for name, (a, u) in grid.items():
            ds = f.create_dataset(f"grid/{name}", data=a)
            ds.attrs["units"], ds.attrs["description"] = fixed(u), fixed(f"coordinate {name}")
            ds.make_scale(name)

        make = functools.partial(make_dataset, f)

        if spectrum:
            make("spectrum/E", ("N", "gamma_over_J", "eigen_index"), units="rad/s")[...] = -1.0
            make("spectrum/leakage", ("N", "gamma_over_J", "doublet"))[...] = 0.1
            make("spectrum/parity", ("N", "gamma_over_J", "eigen_index"), "i1")[...] = 1
            for name in SPECTRUM_2D:
                ds = make(f"spectrum/{name}", ("N", "gamma_over_J"), INT_TYPES.get(name, "f8"),
                          "rad/s" if name == "dE" else "1")
                ds[...] = 7 if name in INT_TYPES else 99.0  # garbage everywhere, then the real records
                if name in BENCH:
                    ds[1, 1] = BENCH[name]
            f["spectrum/dE_resolved"][0, 0] = 0
            f["spectrum/dE_resolved"][1, 1] = 1
            f["spectrum/dE"][0, 0] = np.nan
            f["spectrum/dE_over_kT"][1, 1] = HBAR * BENCH["dE"] / (KB * T)
            st = make("status/spectrum", ("N", "gamma_over_J"), "i1")
            st[...] = np.array([[1, 0], [2, 1]], "i1")
            msg = make("status/spectrum_message", ("N", "gamma_over_J"), "S160")
            msg[1, 0] = b"EPS did not converge"
            make("timing/spectrum", ("N", "gamma_over_J"), units="s")[...] = 1.5
            make("timing/spectrum_team", ("N", "gamma_over_J"), "i4")[...] = 0
        make("dynamics/K3_max", ("N", "gamma_over_J", "gamma_phi", "level"))[...] = 1.2
        f.create_dataset("threshold/raw", data=np.ones((2, 3)))  # no dimension scales
    return str(path)


@pytest.fixture
def h5file(tmp_path):
    return make_file(tmp_path / "run.h5")


def test_load_coords_dims_units(h5file):
    run = lmgload.load(h5file)
    assert run.attrs["program"] == "lmgsweep" and run.attrs["finished"] == ""
    assert run.attrs["J"] == 37195.4 and run.attrs["ranks"] == 4 and isinstance(run.attrs["version"], str)
    assert list(run.coords["N"]) == N and np.allclose(run.coords["gamma_over_J"], G)
    assert list(run.coords["level"]) == L and run.coord_info["gamma_phi"]["units"] == "1/s"
    assert run.spectrum["E"].dims == ("N", "gamma_over_J", "eigen_index")
    assert run.spectrum["leakage"].dims == ("N", "gamma_over_J", "doublet")
    assert run.spectrum["dE"].dims == ("N", "gamma_over_J")
    assert run.spectrum["dE"].units == "rad/s" and run.spectrum["dE"].description == "the spectrum/dE"
    assert run.dynamics["K3_max"].dims == ("N", "gamma_over_J", "gamma_phi", "level")
    assert run.threshold["raw"].dims == ("dim_0", "dim_1")
    assert run.timing["spectrum"].units == "s" and np.all(run.timing["spectrum"].data == 1.5)
    assert run.status["spectrum_message"].data[1, 0] == "EPS did not converge"
    assert run.status["spectrum_message"].data[0, 0] == ""


def test_masking_of_records_not_done(h5file):
    sp = lmgload.load(h5file).spectrum
    done = np.array([[True, False], [False, True]])
    for name in ("G01", "G_loc", "gap_ratio", "dE_over_kT"):
        assert np.all(np.isnan(sp[name].data[~done])), name
        assert np.all(np.isfinite(sp[name].data[done])), name
    assert np.all(np.isnan(sp["E"].data[~done])) and np.all(sp["E"].data[done] == -1.0)
    assert np.all(np.isnan(sp["leakage"].data[1, 0, :]))
    assert sp["G01"].data[1, 1] == BENCH["G01"]
    assert sp["parity"].data.dtype == np.int8  # integer data is left as written


def test_load_xarray(h5file):
    try:
        import xarray  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="xarray"):
            lmgload.load_xarray(h5file)
        return
    ds = lmgload.load_xarray(h5file)
    assert ds["spectrum/dE"].dims == ("N", "gamma_over_J")
    assert float(ds["spectrum/G01"].sel(N=370, gamma_over_J=0.95)) == BENCH["G01"]


def test_summary_cli(h5file):
    r = subprocess.run([sys.executable, os.path.join(POST, "lmgload.py"), h5file], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "spectrum: 4 records: 2 done, 1 failed, 0 skipped, 1 pending" in r.stdout
    assert "N=370, gamma_over_J=0.8: EPS did not converge" in r.stdout
    assert "N[2]" in r.stdout and "gamma_phi[2]" in r.stdout


def section(out, g):
    """Lines of the table3 output under the 'Gamma/J = g' header."""
    lines = out.splitlines()
    i = lines.index(f"Gamma/J = {g:g}")
    sec = []
    for line in lines[i + 2:]:
        if not line.strip() or line.startswith("Gamma/J"):
            break
        sec.append(line)
    return {line.split()[0]: line for line in sec}


@pytest.mark.parametrize("gamma_phi", [0.05, 0.1])
def test_table3_values(h5file, capsys, gamma_phi):
    assert table3.main([h5file, "--gamma-phi", str(gamma_phi)]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out.lower()
    cells = section(out, 0.95)["370"].split()
    assert len(cells) == 7
    dE_over_kT, G_loc, G01, eta_MF, gap_ratio, secular = map(float, cells[1:])
    assert dE_over_kT == pytest.approx(HBAR * 1310.0 / (KB * 1e-8), rel=1e-5)
    assert (G_loc, G01, eta_MF, gap_ratio) == pytest.approx((6673.875, 2838.962, 2.35083, 11.3768), rel=1e-5)
    assert secular == pytest.approx(2 * 1310.0 / (gamma_phi * 2838.962), rel=1e-5)
    if gamma_phi == 0.05:
        assert secular == pytest.approx(18.458, rel=1e-4)  # README (What is computed, §2)


def test_table3_unresolved_failed_pending(h5file, capsys):
    assert table3.main([h5file]) == 0
    out = capsys.readouterr().out
    unres = section(out, 0.8)["50"].split()
    assert unres[1] == "unres." and unres[5] == "unres." and unres[6] == "unres."
    assert float(unres[3]) == 99.0  # G01 does not depend on dE
    assert section(out, 0.8)["370"].split()[1:] == ["failed:", "EPS", "did", "not", "converge"]
    assert section(out, 0.95)["50"].split()[1:] == ["pending"]
    assert "99" not in section(out, 0.95)["50"] and "nan" not in out.lower()


@pytest.mark.parametrize("kind", ["other_program", "no_spectrum", "not_hdf5"])
def test_table3_clear_error(tmp_path, kind):
    path = tmp_path / "bad.h5"
    if kind == "not_hdf5":
        path.write_text("hello\n")
    else:
        make_file(path, program="other" if kind == "other_program" else "lmgsweep", spectrum=kind != "no_spectrum")
    r = subprocess.run([sys.executable, os.path.join(POST, "table3.py"), str(path)], capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("table3: error:")
    expect = {"other_program": "not an lmgsweep file", "no_spectrum": "lacks /spectrum", "not_hdf5": "cannot open"}
    assert expect[kind] in r.stderr


def test_real_engine_file(tmp_path, capsys):
    """A file the engine itself writes (one unresolved dE among them): loads, and table3 prints no NaN."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    path = os.environ.get("LMG_SAMPLE_H5") or str(tmp_path / "engine.h5")
    if not os.environ.get("LMG_SAMPLE_H5"):
        args = [os.path.join(root, "bin", "lmgsweep"), "-N", "100,370,200000", "-gamma_over_J", "0.95", "-levels", "2", "-output", path]
        assert subprocess.run(args, capture_output=True).returncode == 0
    run = lmgload.load(path)
    assert run.attrs["program"] == "lmgsweep" and "N" in run.coords
    print(lmgload.summary(run))
    assert table3.main([path]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out.lower()
    if not os.environ.get("LMG_SAMPLE_H5"):
        assert "unres." in out and "18.45" in out  # N = 2e5 unresolved; 2 dE T2 = 18.458 at the benchmark


@pytest.mark.parametrize("message,key", [
    ("double precision leaves K3 uncertain by up to 6.6e-03 over 2 tau_max = 9.9e+09 s (the level energies' share: "
     "1.3e-09)", "double precision leaves K3 uncertain by up to # over # tau_max = # s (the level energies' share: #)"),
    ("level k = 30 exceeds N+1 = 21", "level k = # exceeds N+1 = #"),
    ("rho01 rate -122.5618, J01 = .5, E = -1E+5, bound inf, x nan; info and nano kept",
     "rho01 rate #, J01 = #, E = #, bound #, x #; info and nano kept"),
])
def test_reason_key_masks_numbers_not_words(message, key):
    """lmgload's grouping key is the engine's (tests/unit/test_grid.c has the same cases): K3, rho01, N+1 stay words."""
    assert lmgload.reason_key(message) == key
