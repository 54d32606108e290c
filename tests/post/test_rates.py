"""postprocess/rates.py on a small real engine file: the table's numbers are the file's, records not done are listed
without numbers, the regimes follow 2 dE T2, both figures are written; exit 2 without /decoherence."""
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
BIN = os.path.join(ROOT, "bin", "lmgsweep")
pytestmark = pytest.mark.skipif(not os.path.exists(BIN), reason="bin/lmgsweep not built")


def engine(path, *extra):
    args = ["bash", os.path.join(ROOT, "tests", "mpirun.sh"), "2", BIN, "-N", "40,100,700", "-gamma_over_J", "0.95",
            "-gamma_phi", "0.05", "-output", str(path), *extra]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr


def rates(*args):
    return subprocess.run([sys.executable, os.path.join(POST, "rates.py")] + [str(a) for a in args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def rates_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("rates")
    path = d / "dec.h5"
    engine(path, "-levels", "2,5,42", "-nev", "42", "-rates", "-rates_trace", "-dynamics", "0")  # 42 > N + 1 = 41
    r = rates(path, "-o", d / "o")
    assert r.returncode == 0, r.stderr
    return path, d / "o", r.stdout


def test_table_is_the_files_numbers(rates_run):
    path, _, out = rates_run
    rows = {(int(m[0]), m[1]): m for m in re.findall(r"^\| (\d+) \| (\w+) \| ([^|]+) \| (\w+) \| ([^|]+) \|", out, re.M)}
    with h5py.File(path, "r") as f:
        r01, sec, st = f["decoherence/rate_01"][...], f["decoherence/secular"][...], f["status/decoherence"][...]
    for iN, N in enumerate([40, 100, 700]):
        for iL, lev in enumerate(["2", "5", "42"]):
            if st[iN, 0, 0, iL] != 1:
                assert (N, lev) not in rows
                continue
            _, _, s, regime, pair = rows[(N, lev)]
            assert float(s) == pytest.approx(sec[iN, 0, 0, iL], rel=1e-5)
            want = "secular" if sec[iN, 0, 0, iL] >= 10 else "crossover" if sec[iN, 0, 0, iL] >= 1 else "degenerate"
            assert regime == want
            np.testing.assert_allclose([float(x) for x in pair.split(",")], r01[iN, 0, 0, iL], rtol=1e-5)
    assert ("N = 40, level 42: skipped (level k = 42 exceeds N+1 = 41)") in out  # listed, never a number
    assert "nan" not in out.lower()
    assert rows[(700, "5")][3] == "degenerate" and rows[(40, "5")][3] == "secular"


def test_figures(rates_run):
    _, o, out = rates_run
    for name in ("dec_rates_vs_N.png", "dec_traces_N700.png"):
        assert (o / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert f"wrote {o / name}" in out


def test_exit_2_without_decoherence(tmp_path):
    path = tmp_path / "plain.h5"
    engine(path, "-levels", "2")
    r = rates(path)
    assert r.returncode == 2 and r.stderr.strip() == f"rates: error: {path}: lacks /decoherence (run lmgsweep with -rates)"
    r = rates(tmp_path / "missing.h5")
    assert r.returncode == 2 and r.stderr.startswith("rates: error:")
