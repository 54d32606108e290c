"""Checkpoints of a long full-space record (-checkpoint_interval): drained twice and resumed it gives the K3 of an
uninterrupted run (to 1e-12), a kill -9 loses at most one interval, a corrupted checkpoint or one of another team
size is ignored with a message and the record restarts, and a finished record leaves no checkpoint behind."""
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from conftest import records, run, spawn

# N = 370 full: ~5 s on one core, ~2000 steps; checkpoints every 0.3 s; a drain gives the record no grace
REC = ("-N", 370, "-gamma_over_J", 0.95, "-gamma_phi", 0.05, "-levels", "full", "-nev", 4, "-checkpoint_interval", 0.3,
       "-drain_grace", 0)


def meta(path):
    return path.parent / (path.name + ".ckpt") / "dynamics-0.meta"


def generation(path):
    """The generation the meta file names (0: none)."""
    try:
        return int(np.frombuffer(meta(path).read_bytes()[8:32], dtype="<i8")[1])
    except (FileNotFoundError, ValueError, IndexError):
        return 0


def wait_generation(path, proc, g, timeout=120):
    t0 = time.time()
    while generation(path) < g:
        assert proc.poll() is None, "the run ended before checkpoint %d" % g
        assert time.time() - t0 < timeout, "no checkpoint %d" % g
        time.sleep(0.05)


def drain(proc):
    proc.send_signal(signal.SIGUSR1)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 75, err
    return err


def k3(path):
    with h5py.File(path, "r") as f:
        assert f["status/dynamics"][0, 0, 0, 0] == 1
        return f["dynamics/K3"][0, 0, 0, 0], f["dynamics/steps"][0, 0, 0, 0]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same record uninterrupted: one rank, and a team of two (3 ranks)."""
    out = {}
    for np_, team in ((0, 1), (3, 2)):
        path = tmp_path_factory.mktemp("ref") / f"ref{team}.h5"
        p = run(np_, *REC, "-team_size", team, "-output", path)
        assert p.returncode == 0, p.stderr
        assert not meta(path).parent.exists(), "a finished record leaves no checkpoint (nor its directory)"
        out[team] = k3(path)
    return out


def test_drained_twice_then_resumed_equals_uninterrupted(tmp_path, reference):
    """A team of two, drained after its 2nd and (resumed) again after its 4th checkpoint, then resumed to the end."""
    path = tmp_path / "d.h5"
    proc = spawn(3, *REC, "-team_size", 2, "-output", path)
    wait_generation(path, proc, 2)
    drain(proc)
    g = generation(path)
    assert g >= 3, "a checkpoint at the drain"
    proc = spawn(3, *REC, "-team_size", 2, "-output", path, "-resume")
    wait_generation(path, proc, g + 2)
    drain(proc)
    p = run(3, *REC, "-team_size", 2, "-output", path, "-resume")
    assert p.returncode == 0, p.stderr
    assert "resumed from its checkpoint" in p.stderr, p.stderr
    K3, steps = k3(path)
    np.testing.assert_allclose(K3, reference[2][0], rtol=0, atol=1e-12)
    assert steps == reference[2][1]
    assert not meta(path).parent.exists()


def test_kill9_loses_at_most_one_interval(tmp_path, reference):
    path = tmp_path / "k.h5"
    proc = spawn(0, *REC, "-output", path)
    wait_generation(path, proc, 3)
    subprocess.run(["pkill", "-KILL", "-f", str(path)])
    proc.wait()
    p = run(0, *REC, "-output", path, "-resume")
    assert p.returncode == 0 and "resumed from its checkpoint" in p.stderr, p.stderr
    np.testing.assert_allclose(k3(path)[0], reference[1][0], rtol=0, atol=1e-12)


def test_corrupted_or_foreign_checkpoints_are_ignored(tmp_path, reference):
    path = tmp_path / "c.h5"
    proc = spawn(0, *REC, "-output", path)
    wait_generation(path, proc, 2)
    drain(proc)
    data = sorted(meta(path).parent.glob("dynamics-0.g*.0-1"))
    assert len(data) == 1
    b = bytearray(data[0].read_bytes())
    b[len(b) // 2] ^= 0x40  # one bit in rho's block
    data[0].write_bytes(bytes(b))
    p = run(0, *REC, "-output", path, "-resume")
    assert p.returncode == 0, p.stderr
    assert "checkpoint ignored" in p.stderr and "corrupted (checksum)" in p.stderr and "the record restarts" in p.stderr, p.stderr
    np.testing.assert_allclose(k3(path)[0], reference[1][0], rtol=0, atol=1e-12)
    # a team of two's checkpoint resumed on one rank: ignored, and the record restarts
    path = tmp_path / "t.h5"
    proc = spawn(3, *REC, "-team_size", 2, "-output", path)
    wait_generation(path, proc, 2)
    drain(proc)
    p = run(0, *REC, "-output", path, "-resume")
    assert p.returncode == 0, p.stderr
    assert "written by a team of 2 ranks, this team has 1" in p.stderr, p.stderr
    np.testing.assert_allclose(k3(path)[0], reference[1][0], rtol=0, atol=1e-10)
