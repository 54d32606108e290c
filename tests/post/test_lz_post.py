"""postprocess/lz.py on a real engine file: the table equals the file's values (records not done by their status,
never a number), the figure is a PNG, and the exits for a file without /landau_zener."""
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LZ = os.path.join(ROOT, "postprocess", "lz.py")
BIN = os.path.join(ROOT, "bin", "lmgsweep")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def engine(path, *extra):
    r = subprocess.run([BIN, "-N", "20,30", "-gamma_over_J", "0.8", "-gamma_phi", "0,1", "-levels", "2,full", "-dynamics", "0",
                        "-output", str(path), *extra], capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def lz_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("lzpost") / "sweep.h5"
    engine(path, "-lz_tq", "0.2,1,5,40", "-lz_trajectories", "50", "-dyn_max_steps", "30000")
    return path


def run_lz(*args):
    return subprocess.run([sys.executable, LZ, *map(str, args)], capture_output=True, text=True, timeout=300)


def test_table_and_figure(lz_file, tmp_path):
    r = run_lz(lz_file, "-o", tmp_path)
    assert r.returncode == 0, r.stderr
    png = tmp_path / "sweep_lz_N30.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with h5py.File(lz_file, "r") as f:
        P, st = f["landau_zener/P_error"][1, 0], f["status/landau_zener"][1, 0]
        cl, cst = f["landau_zener/P_error_classical"][1, 0], f["status/lz_classical"][1, 0]
    lines = [l for l in r.stdout.splitlines() if l.startswith("| ") and not l.startswith("| t_q")]
    assert len(lines) == 8  # 2 gamma_phi x 4 t_q
    for ip in range(2):
        for it in range(4):
            cells = [c.strip() for c in lines[4 * ip + it].strip("|").split("|")]
            for col, iL in ((1, 0), (2, 1)):  # k=2, full
                if st[ip, iL, it] == 1:
                    assert float(cells[col]) == pytest.approx(P[ip, iL, it], rel=1e-5)
                else:
                    assert cells[col] == {2: "failed", 3: "skipped", 0: "pending"}[st[ip, iL, it]]
            if cst[ip, it] == 1:
                assert float(cells[3].split("±")[0]) == pytest.approx(cl[ip, it], rel=1e-5)
            assert float(cells[4]) == pytest.approx(np.exp(-[0.2, 1, 5, 40][it]), rel=1e-5)
    assert (st == 3).any() and "skipped" in r.stdout  # t_q = 40 t_LZ in the full space exceeds -dyn_max_steps
    assert "nan" not in r.stdout.lower()


def test_exit_2_without_sweep(tmp_path):
    path = tmp_path / "plain.h5"
    engine(path)
    r = run_lz(path)
    assert r.returncode == 2 and "no /landau_zener records (run lmgsweep with -lz_tq)" in r.stderr
    r = run_lz(tmp_path / "missing.h5")
    assert r.returncode == 2 and r.stderr.startswith("lz.py:")
