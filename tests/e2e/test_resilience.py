"""End-to-end: kill -9 and -resume, graceful drain on SIGUSR1/SIGTERM, bad inputs that damage nothing."""
import re
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from conftest import ENV, assert_same, records, run, sha, spawn, statuses

# 14 records of 0.1-0.7 s each (sparse solves at N = 1e5..4e5; their splittings are flagged, not bisected)
LONG = ["-N", "100000:400000:7", "-gamma_over_J", "0.9,0.95", "-levels", "2", "-progress", "0.1"]
NREC = 14
FAST = ["-levels", "2,5", "-gamma_phi", "0.05"]  # cheap dynamics records beside the spectrum


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    path = tmp_path_factory.mktemp("full") / "full.h5"
    p = run(2, *LONG, "-output", path)
    assert p.returncode == 0, p.stderr
    return path


def wait_done(proc, k):
    """Read progress lines until at least k records are done (the sweep is then mid-way)."""
    for line in proc.stderr:
        m = re.search(r"(\d+)/(\d+) done", line)
        if m and int(m.group(1)) >= k:
            return int(m.group(1))
    raise AssertionError("the run ended before %d records were done" % k)


def kill_all(path):
    """SIGKILL mpiexec and every rank at once, like a lost node (Open MPI puts ranks in their own process groups,
    so a process-group kill would orphan them): every process whose command line names this run's file."""
    subprocess.run(["pkill", "-KILL", "-f", str(path)])
    for _ in range(200):
        if subprocess.run(["pgrep", "-f", str(path)], capture_output=True).returncode != 0:
            return
        time.sleep(0.05)
    raise AssertionError("processes of the killed run survive")


def check_killed_file(path):
    """h5py opens it; every record marked done is complete, every other one untouched (NaN)."""
    with h5py.File(path, "r") as f:
        st = f["status/spectrum"][...]
        E, J01, t = f["spectrum/E"][...], f["spectrum/J01"][...], f["timing/spectrum"][...]
    done = st == 1
    assert np.isfinite(E[done]).all() and np.isfinite(J01[done]).all() and np.isfinite(t[done]).all()
    assert np.isnan(E[st == 0]).all()
    return st


def pending_records(path):
    with h5py.File(path, "r") as f:  # every record kind: spectrum, dynamics, threshold
        return int(sum(((s == 0) | (s == 2)).sum() for s in statuses(f).values()))


def resume_and_compare(path, reference, pending):
    before = records(path, "timing")
    p = run(2, *LONG, "-output", path, "-resume")
    assert p.returncode == 0, p.stderr
    assert "%d to compute" % pending in p.stderr
    assert_same(records(reference), records(path))
    assert_same(records(reference, "dynamics"), records(path, "dynamics"))
    after = records(path, "timing")
    kept = ~np.isnan(before["spectrum"])
    np.testing.assert_array_equal(after["spectrum"][kept], before["spectrum"][kept])  # done records not recomputed


def test_kill9_then_resume_equals_uninterrupted(tmp_path, uninterrupted):
    path = tmp_path / "killed.h5"
    proc = spawn(2, *LONG, "-output", path)
    wait_done(proc, 4)  # records of both kinds: each spectrum is followed by its (quickly failing, dE unresolved) dynamics
    kill_all(path)
    proc.wait()
    st = check_killed_file(path)
    assert 1 <= (st == 1).sum() < NREC
    lock = path.with_name(path.name + ".lock")
    assert lock.exists()  # a killed run cannot remove it (its lock went with the process) ...
    resume_and_compare(path, uninterrupted, pending_records(path))
    assert not lock.exists()  # ... the resume that held it and ended cleanly does


@pytest.mark.parametrize("np_,sig", [(2, signal.SIGUSR1), (0, signal.SIGTERM)])
def test_signal_drains_then_resume(tmp_path, uninterrupted, np_, sig):
    path = tmp_path / "drained.h5"
    proc = spawn(np_, *LONG, "-output", path)
    wait_done(proc, 2)
    proc.send_signal(sig)  # mpiexec forwards SIGUSR1 to the ranks; one rank gets SIGTERM itself
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 75, err
    assert "drained by a signal" in err
    assert not path.with_name(path.name + ".lock").exists()  # a drain is a clean end: the file is closed
    with h5py.File(path, "r") as f:  # closed cleanly, not stamped finished
        assert f.attrs["finished"].strip(b"\0") == b""
    st = check_killed_file(path)
    assert (st == 1).sum() < NREC
    resume_and_compare(path, uninterrupted, pending_records(path))
    with h5py.File(path, "r") as f:
        assert len(f.attrs["finished"].strip(b"\0")) > 0


def test_resume_of_a_complete_file_computes_nothing(tmp_path):
    path = tmp_path / "done.h5"
    assert run(0, "-N", "100,200", *FAST, "-output", path).returncode == 0
    before = records(path)
    p = run(0, "-N", "100,200", *FAST, "-output", path, "-resume")
    assert p.returncode == 0 and "0 to compute" in p.stderr
    assert_same(before, records(path))


def test_resume_of_a_missing_file_starts_it(tmp_path):
    path = tmp_path / "new.h5"
    p = run(0, "-N", "100", *FAST, "-output", path, "-resume")
    assert p.returncode == 0 and path.exists()


BAD = [
    (["-N", "1"], "-N"),
    (["-N", "100,abc"], "-N"),
    (["-N", "10.5"], "-N"),
    (["-N", "100,100"], "-N"),
    (["-gamma_over_J", "0"], "-gamma_over_J"),
    (["-gamma_over_J", "-0.5"], "-gamma_over_J"),
    (["-gamma_phi", "-0.1"], "-gamma_phi"),
    (["-gamma_phi", "0.5:0.1:0"], "-gamma_phi"),
    (["-gamma_phi", "log:0:1:5"], "-gamma_phi"),
    (["-gamma_phi", "0.1,,0.2"], "-gamma_phi"),
    (["-levels", "2,foo"], "-levels"),
    (["-levels", "1"], "-levels"),
    (["-nev", "3"], "-nev"),
    (["-J", "-5"], "-J"),
    (["-T", "abc"], "-T"),
    (["-spectrum_solver", "lapack"], "-spectrum_solver"),
    (["-team_size", "0"], "-team_size"),
    (["-tau_grid", "0:1:5"], "-tau_grid"),
    (["-tau_grid", "abc"], "-tau_grid"),
    (["-initial", "excited"], "-initial"),
    (["-levels", "2,2"], "-levels"),
    (["-levels", "2,500"], "-levels"),
    (["-dyn_max_steps", "-1"], "-dyn_max_steps"),
    (["-dyn_frame", "rotating"], "-dyn_frame"),
    (["-rates", "maybe"], "-rates"),
    (["-rates", "-rates_tol", "0"], "-rates_tol"),
    (["-rates", "-rates_tol", "abc"], "-rates_tol"),
    (["-rates", "-rates_k0", "2"], "-rates_k0"),
    (["-rates", "-rates_k0", "4.5"], "-rates_k0"),
    (["-rates_trace", "-rates_trace_grid", "-1,2"], "-rates_trace_grid"),
    (["-rates_trace", "-rates_trace_grid", "0:5"], "-rates_trace_grid"),
    (["-rates", "-rates_tl", "1e-9"], "unknown option -rates_tl"),
    (["-rates", "-rates_eps_type", "foo"], "a -rates_ option is not accepted by SLEPc's EPS"),
    (["-lz_tq", "0"], "-lz_tq"),
    (["-lz_tq", "1,abc"], "-lz_tq"),
    (["-lz_tq", "1,1"], "-lz_tq"),
    (["-lz_tq", "1", "-lz_bias", "-0.5"], "-lz_bias"),
    (["-lz_tq", "1", "-lz_bias", "x"], "-lz_bias"),
    (["-lz_tq", "1", "-lz_trajectories", "0"], "-lz_trajectories"),
    (["-lz_tq", "1", "-lz_trajectories", "2.5"], "-lz_trajectories"),
    (["-lz_tq", "1", "-lz_tol", "1"], "-lz_tol"),
    (["-lz_tq", "1", "-lz_seed", "-3"], "-lz_seed"),
    (["-lz_tq", "1", "-lz_classical_step", "2"], "-lz_classical_step"),
    (["-lz_bias", "0.7"], "-lz_bias: no Landau-Zener sweep"),
    (["-lz_tq", "1", "-lz_trajectory", "10"], "unknown option -lz_trajectory"),
    (["-lz_tq", "1", "-full_method", "half"], "-full_method"),
    (["-lz_tq", "1", "-full_tol", "0"], "-full_tol"),
    (["-lz_tq", "1", "-full_tol", "nan"], "-full_tol"),
    (["-lz_tq", "1", "-full_window", "1"], "-full_window"),
    (["-lz_tq", "1", "-full_window", "32", "-full_window_max", "16"], "-full_window_max"),
    (["-full_tol", "1e-6"], "-full_tol: only the Landau-Zener sweep"),
]


@pytest.fixture
def existing(tmp_path):
    """A finished file of the default small grid, and its checksum."""
    path = tmp_path / "keep.h5"
    assert run(0, "-N", "100,200", *FAST, "-output", path).returncode == 0
    return path, sha(path)


def assert_one_line_error(p, option):
    assert p.returncode == 2, p.stderr
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("lmgsweep: error: " + option), p.stderr


@pytest.mark.parametrize("args,option", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_option_is_one_line_and_touches_nothing(existing, args, option):
    path, digest = existing
    p = run(0, "-N", "100,200", *FAST, *args, "-output", path, "-resume")
    assert_one_line_error(p, option)
    assert sha(path) == digest


def test_bad_mpi_layouts(existing):
    path, digest = existing
    p = run(4, "-N", "100,200", *FAST, "-team_size", "2", "-output", path, "-resume")  # 3 workers do not split into 2s
    assert_one_line_error(p, "-team_size")
    p = run(5, "-N", "100", "-gamma_over_J", "0.9", "-levels", "2", "-output", path, "-resume")  # 4 teams, 3 records
    assert_one_line_error(p, "-team_size")
    assert sha(path) == digest


def test_existing_file_without_resume(existing):
    path, digest = existing
    p = run(0, "-N", "100,200", *FAST, "-output", path)
    assert_one_line_error(p, "-output")
    assert "exists" in p.stderr and sha(path) == digest


def test_resume_with_another_grid(existing):
    path, digest = existing
    p = run(2, "-N", "100,300", *FAST, "-output", path, "-resume")
    assert_one_line_error(p, "-resume")
    assert "-N differs" in p.stderr and sha(path) == digest
    p = run(0, "-N", "100,200", *FAST, "-J", "1000", "-output", path, "-resume")
    assert_one_line_error(p, "-resume")
    assert "-J differs" in p.stderr and sha(path) == digest


def test_resume_of_a_foreign_file(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not hdf5\n")
    digest = sha(path)
    assert_one_line_error(run(0, "-output", path, "-resume"), "-output")
    assert sha(path) == digest
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = 1
    digest = sha(tmp_path / "other.h5")
    p = run(0, "-output", tmp_path / "other.h5", "-resume")
    assert_one_line_error(p, "-output")
    assert "not an lmgsweep file" in p.stderr and sha(tmp_path / "other.h5") == digest


def test_unwritable_path(tmp_path):
    assert_one_line_error(run(0, "-output", tmp_path / "no" / "such" / "dir.h5"), "-output")
    assert not (tmp_path / "no").exists()
