"""Hostile input and faults: every option value either works or is one line and exit 2; extremes finish within bounds;
a second writer is refused; kills at any moment in the start-up leave a file (or none) that -resume completes; options
files, closed pipes, full disks and signals early in the start-up are one line or a drain."""
import os
import random
import re
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from conftest import BIN, ENV, ROOT, cmd, lmgload, run, sha, spawn
from test_resilience import kill_all

SMALL = ["-N", "40", "-levels", "2", "-gamma_phi", "0.1"]


def one_line(p, *words):
    """Exit 2 and one line on stderr holding every word."""
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert p.returncode == 2 and len(lines) == 1 and lines[0].startswith("lmgsweep: error: "), p.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


# ---------------------------------------------------------------- the signature: every value-changing option
FAMILIES = [
    ("-dyn_ts_rtol", "1e-6"), ("-dyn_ts_atol", "1e-6"), ("-dyn_ts_rk_type", "5bs"), ("-dyn_frame", "lab"),
    ("-spectrum_eps_tol", "1e-12"), ("-spectrum_st_type", "sinvert"), ("-spectrum_solver", "scalapack"),
    ("-tau_grid", "0.1:2:20"), ("-initial", "pointer"), ("-T", "2e-8"), ("-J", "30000"), ("-nev", "6"),
    ("-dE_max_bits", "512"), ("-threshold", None),
]


@pytest.fixture(scope="module")
def base_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sig") / "base.h5"
    assert run(0, *SMALL, "-output", path).returncode == 0
    return path


@pytest.mark.parametrize("opt,val", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_resume_refuses_every_value_changing_option(base_file, opt, val):
    before = sha(base_file)
    p = run(0, *SMALL, opt, *([val] if val else []), "-output", base_file, "-resume")
    one_line(p, f"-resume: {opt} differs")
    assert sha(base_file) == before


@pytest.mark.parametrize("opt,val", [("-progress", "1"), ("-launch_check", "0"), ("-drain_grace", "5"), ("-dyn_max_steps", "1e7"),
                                     ("-dyn_max_gb", "4"), ("-spectrum_max_gb", "4"), ("-dyn_ts_monitor", None)])
def test_options_that_change_no_value_resume(tmp_path, opt, val):
    path = tmp_path / "a.h5"
    assert run(0, *SMALL, "-output", path).returncode == 0
    p = run(0, *SMALL, opt, *([val] if val else []), "-output", path, "-resume")
    assert p.returncode == 0 and "0 to compute" in p.stderr, p.stderr


# ---------------------------------------------------------------- values: work, or one line
BAD_VALUES = [
    ("-N", "100000001", "100000001 is not an integer"), ("-N", "0x10", "not a number"), ("-gamma_phi", "0x10", "not a number"),
    ("-gamma_phi", "1e999", "not a number"), ("-gamma_phi", "inf", "not a number"), ("-gamma_phi", "nan", "not a number"),
    ("-gamma_over_J", "1e13", "must be > 0 and <= 1e+12"), ("-J", "1e31", "-J"), ("-T", "0", "-T"),
    ("-tau_grid", "1e31", "-tau_grid"), ("-nev", "1000000", "more than the N+1 = 41"), ("-team_size", "1e9", "-team_size"),
    ("-progress", "-1", "-progress"), ("-drain_grace", "x", "-drain_grace"), ("-dyn_max_gb", "0", "-dyn_max_gb"),
    ("-spectrum_max_gb", "-3", "-spectrum_max_gb"), ("-levels", "none,2", "-levels"), ("-N", "100:200:4", "133.3"),
    ("-initial", "", "-initial"), ("-threshold", "maybe", "must be a flag"), ("-checkpoint_interval", "-1", "-checkpoint_interval"),
    ("-checkpoint_interval", "10min", "-checkpoint_interval"),
]


@pytest.mark.parametrize("opt,val,word", BAD_VALUES, ids=[f"{o} {v}" for o, v, _ in BAD_VALUES])
def test_bad_value_is_one_line(tmp_path, opt, val, word):
    p = run(0, *SMALL, opt, val, "-output", tmp_path / "x.h5")
    one_line(p, opt, word)
    assert list(tmp_path.iterdir()) == []


def test_long_lists_work_and_are_stored_whole(tmp_path):
    """1500 N (a 6.6 kB list, over PETSc's 4 kB buffers), from the command line and from an options file; 600 Gamma/J."""
    Ns = list(range(100, 1600))
    text = ",".join(map(str, Ns))
    (tmp_path / "long.opts").write_text(f"-N {text}\n-levels none\n-gamma_over_J 1.2\n")  # no doublet: quick spectra
    for i, args in enumerate((["-N", text, "-levels", "none", "-gamma_over_J", "1.2"], ["-options_file", tmp_path / "long.opts"])):
        path = tmp_path / f"l{i}.h5"
        p = run(0, *args, "-output", path, timeout=300)
        assert p.returncode == 0, p.stderr
        with h5py.File(path, "r") as f:
            np.testing.assert_array_equal(f["spectrum/N"][...], Ns)
            assert text in f.attrs["signature"].decode()
    G = ",".join("%.6f" % (0.5 + i * 1e-4) for i in range(600))
    path = tmp_path / "g.h5"
    assert run(0, "-N", 100, "-gamma_over_J", G, "-levels", 2, "-output", path, timeout=300).returncode == 0
    p = run(0, "-N", 100, "-gamma_over_J", G, "-levels", 2, "-output", path, "-resume")
    assert p.returncode == 0 and "0 to compute" in p.stderr


def test_huge_grids_are_refused_fast(tmp_path):
    t0 = time.time()
    one_line(run(0, "-N", "2:1000001:1000000", "-gamma_over_J", "0.5:0.9:1000", "-levels", 2, "-output", tmp_path / "x.h5"),
             "the grid has 3e+09 records")
    one_line(run(0, "-N", "2", "-gamma_over_J", "0.5:0.9:1000000,0.5", "-levels", "none", "-output", tmp_path / "x.h5"), "twice")
    assert time.time() - t0 < 20 and list(tmp_path.iterdir()) == []


def test_huge_nev_and_tau_grid(tmp_path):
    """No allocation on the stack grows with the input: -nev at N + 1, a 100000-point tau grid."""
    path = tmp_path / "n.h5"
    p = run(0, "-N", 400, "-levels", 2, "-nev", 401, "-tau_grid", "1e-5:2:100000", "-output", path, timeout=300)
    assert p.returncode == 0, p.stderr
    with h5py.File(path, "r") as f:
        assert f["spectrum/E"].shape == (1, 1, 401) and np.isfinite(f["spectrum/E"][...]).all()
        assert f["dynamics/K3"].shape[-1] == 100000 and np.isfinite(f["dynamics/K3"][...]).all()


@pytest.mark.parametrize("g", ["1e-300", "1e-12", "1e-9", "1e-3", "0.5", "1e3", "1e6", "1e12"])
def test_extreme_gamma_over_J_finishes_within_seconds(tmp_path, g):
    """N = 370 and 2000 with 2 and 5 levels, and the full space at N = 370 (N = 2000 full takes minutes where it runs)."""
    t0 = time.time()
    p = run(0, "-N", "370,2000", "-gamma_over_J", g, "-levels", "2,5", "-output", tmp_path / "e.h5", timeout=60)
    assert p.returncode == 0, p.stderr
    p = run(0, "-N", "370", "-gamma_over_J", g, "-levels", "full", "-output", tmp_path / "f.h5", timeout=60)
    took = time.time() - t0
    assert p.returncode == 0, p.stderr
    assert took < 30, f"Gamma/J = {g}: {took:.1f} s"
    for f in ("e.h5", "f.h5"):
        run_ = lmgload.load(tmp_path / f)
        for kind in ("spectrum", "dynamics", "threshold"):
            st, msg = run_.status[kind].data, run_.status[kind + "_message"].data
            assert ((st == 1) | (st == 3)).all(), (kind, st, msg)  # computed or skipped by design, never failed
            assert all(m for m in msg[st == 3])


def test_spectrum_memory_guard(tmp_path):
    t0 = time.time()
    p = run(0, "-N", 100000000, "-levels", 2, "-output", tmp_path / "m.h5", timeout=60)
    assert p.returncode == 0 and time.time() - t0 < 10, p.stderr
    run_ = lmgload.load(tmp_path / "m.h5")
    assert run_.status["spectrum"].data[0, 0] == 3 and "> -spectrum_max_gb 8" in run_.status["spectrum_message"].data[0, 0]
    assert "the spectrum record was skipped" in run_.status["dynamics_message"].data[0, 0, 0, 0]


# ---------------------------------------------------------------- a second writer
def test_second_writer_is_refused(tmp_path):
    path = tmp_path / "w.h5"
    proc = spawn(2, "-N", "100000:400000:7", "-gamma_over_J", "0.9,0.95", "-levels", 2, "-progress", 0.1, "-output", path)
    for line in proc.stderr:
        if re.search(r"\d+/\d+ done", line):
            break
    lock = tmp_path / "w.h5.lock"
    held = lock.read_text()
    p = run(0, "-N", "100000:400000:7", "-gamma_over_J", "0.9,0.95", "-levels", 2, "-output", path, "-resume")
    q = run(2, "-N", "100000:400000:7", "-gamma_over_J", "0.9,0.95", "-levels", 2, "-output", path, "-resume")
    running = proc.poll() is None
    assert lock.exists() and lock.read_text() == held  # the refused runs leave the first one's lock alone
    proc.communicate(timeout=300)
    assert proc.returncode == 0
    assert running, "the first run ended before the second writers were refused: the test proves nothing"
    for r in (p, q):
        one_line(r, "another lmgsweep run is writing it", "holds")
    assert not lock.exists()  # the run that held it ended cleanly: removed
    done = run(0, "-N", "100000:400000:7", "-gamma_over_J", "0.9,0.95", "-levels", 2, "-output", path, "-resume")
    assert done.returncode == 0 and "0 to compute" in done.stderr
    assert not lock.exists()


# ---------------------------------------------------------------- kills and signals in the start-up
def test_kills_in_the_first_50_ms_leave_a_resumable_file_or_none(tmp_path):
    rng = random.Random(7)
    for i in range(8):
        path = tmp_path / f"k{i}.h5"
        proc = subprocess.Popen(cmd(0, "-N", "100,370", "-levels", 2, "-output", path), cwd=ROOT, env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.0, 0.05) + 0.03 * (i % 3))  # the engine's libraries load in the first ~30 ms
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert not (path.exists() and path.stat().st_size == 0)
        p = run(0, "-N", "100,370", "-levels", 2, "-output", path, "-resume")
        assert p.returncode == 0, (i, p.stderr)
        st = lmgload.load(path).status
        assert all((st[k].data == 1).all() for k in ("spectrum", "dynamics", "threshold"))


@pytest.mark.parametrize("delay", [0.002, 0.005, 0.02, 0.04, 0.1])  # from 2 ms on: exec itself has the first ms
def test_signal_during_start_up_is_a_drain(tmp_path, delay):
    path = tmp_path / "s.h5"
    proc = subprocess.Popen(cmd(0, "-N", "100000:400000:7", "-levels", 2, "-output", path), cwd=ROOT, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 75, err
    if path.exists():  # a drained file is valid and resumable
        assert run(0, "-N", "100000:400000:7", "-levels", 2, "-output", path, "-resume").returncode == 0


def test_sigterm_to_the_launcher_script_exits_75(tmp_path):
    path = tmp_path / "t.h5"
    proc = subprocess.Popen(["bash", str(ROOT / "tests" / "mpirun.sh"), "3", str(BIN), "-N", "100000:400000:7", "-gamma_over_J",
                             "0.9,0.95", "-levels", "2", "-progress", "0.1", "-output", str(path)],
                            cwd=ROOT, env=ENV, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if re.search(r"[1-9]\d*/\d+ done", line):
            break
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 75, err
    with h5py.File(path, "r") as f:
        assert f.attrs["finished"].strip(b"\0") == b""


# ---------------------------------------------------------------- options files, pipes, disks, causes
@pytest.mark.parametrize("content,word", [
    (None, "cannot read it"), (b"hello world\n", "starts with 'hello', not an option"), (b"\x7fELF\x00\x01binary", "NUL byte"),
    (b"-N 40\n-levels 2 extra\n", "'extra' after the value of -levels"), (b"-N 40\n\x01\x02\n", "control characters"),
    (b"-options_file /no/such/file\n", "/no/such/file: cannot read it"),
])
def test_bad_options_file_is_one_line(tmp_path, content, word):
    f = tmp_path / "in.opts"
    if content is not None:
        f.write_bytes(content)
    for np_ in (0, 3):
        p = run(np_, "-options_file", f, "-output", tmp_path / "x.h5")
        one_line(p, "-options_file", word)
    assert not (tmp_path / "x.h5").exists()


@pytest.mark.parametrize("np_", [0, 3])
def test_a_closed_stderr_does_not_stop_the_sweep(tmp_path, np_):
    path = tmp_path / "p.h5"
    c = " ".join(map(str, cmd(np_, "-N", "100:600:26", "-gamma_over_J", "0.93:0.99:5", "-levels", "2,3", "-progress", 0.01, "-output", path)))
    p = subprocess.run(["bash", "-c", f"{c} 2>&1 | head -2"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    # (Open MPI's mpiexec itself may crash writing to the closed pipe once its ranks are done: the file tells)
    st = lmgload.load(path).status
    assert all((st[k].data == 1).all() for k in ("spectrum", "dynamics", "threshold"))


def test_full_disk_at_creation(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        p = run(0, "-N", "100:2080:100", "-gamma_over_J", "0.5:0.99:50", "-levels", "2,3", "-output", mnt / "f.h5")
        one_line(p, "-output", "the file needs ~24.4 MB, the file system holding it has")  # allocated in full at creation
        assert list(mnt.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mnt)])


def test_binary_bytes_in_a_differs_line_are_escaped(tmp_path):
    path = tmp_path / "b.h5"
    assert run(0, *SMALL, "-output", path).returncode == 0
    with h5py.File(path, "r+") as f:  # a corrupted signature
        sig = f.attrs["signature"].decode().replace("gamma_phi=0.10000000000000001", "gamma_phi=\x01\x02\xff")
        del f.attrs["signature"]
        f.attrs["signature"] = np.bytes_(sig.encode("latin-1"))
    line = one_line(run(0, *SMALL, "-output", path, "-resume"), "-resume: -gamma_phi differs")
    assert "\\x01\\x02\\xff" in line and "\x01" not in line


def test_failure_messages_name_the_cause(tmp_path):
    """A record that runs out of memory says so, with what was asked (address space capped at 1 GB; N = 2000 full
    needs 1.4 GB)."""
    path = tmp_path / "o.h5"
    c = " ".join(map(str, cmd(0, "-N", 2000, "-gamma_over_J", 0.99, "-levels", "full", "-tau_grid", 1, "-output", path)))
    p = subprocess.run(["bash", "-c", f"ulimit -v 1000000; {c}"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    run_ = lmgload.load(path)
    assert run_.status["dynamics"].data[0, 0, 0, 0] == 2
    msg = run_.status["dynamics_message"].data[0, 0, 0, 0]
    assert re.search(r"dynamics: out of memory in \w+ .* with \d+ MB resident; the record needs ~1.\d GB", msg), msg
